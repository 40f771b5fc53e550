"""Logged LR against the configured schedule -> a verdict, naming the likely cause of a mismatch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .config import ConfigError, ScheduleConfig
from .schedule import build

# TensorBoard stores float32 and CSV exports may round: compare to ~7 significant digits.
REL_TOL = 1e-6


@dataclass(frozen=True)
class Verdict:
    """`matches` when every logged LR equals the configured one at its step (step `s` logs
    `learning_rate * lambda(s - 1)`). Otherwise the first differing step, both values, and the
    likely cause when it is recognisable."""

    matches: bool
    checked: int
    message: str
    step: int | None = None
    logged: float | None = None
    configured: float | None = None
    cause: str | None = None


def _close(a: float, b: float, scale: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=scale * 1e-12)


def _first_mismatch(config: ScheduleConfig, steps: Sequence[int], lrs: Sequence[float], lr_of=None) -> int | None:
    n = config.total_steps
    inside = [(s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s <= n]
    ours = (lr_of or build(config).lrs)([s for s, _ in inside])
    for (s, v), mine in zip(inside, ours, strict=True):
        if not _close(v, mine, config.learning_rate):
            return s
    return None


def compare(config: ScheduleConfig, steps: Sequence[int], lrs: Sequence[float], lr_of=None) -> Verdict:
    """Compare a log's `(step, learning_rate)` pairs with `config`'s schedule. `lr_of` (steps ->
    LRs) stands in for the schedule when it is not a function of the step (a simulated
    metric-driven one); causes are then not guessed."""
    if not steps:
        return Verdict(False, 0, "the log has no learning_rate values to check")
    n = config.total_steps
    beyond = [s for s in steps if s > n or s < 1]
    bad = _first_mismatch(config, steps, lrs, lr_of)
    if bad is None and not beyond:
        return Verdict(True, len(steps), f"matches at all {len(steps)} logged steps")
    if bad is None:
        return Verdict(
            False,
            len(steps),
            f"the log reaches step {max(steps)}, past max_steps={n}: a different max_steps "
            "(check the epochs arithmetic: batches are sharded per process before accumulation)",
            step=min(beyond),
            cause="max_steps",
        )
    logged = lrs[list(steps).index(bad)]
    configured = (lr_of or build(config).lrs)([bad])[0]
    cause = None if lr_of else _cause(config, steps, lrs)
    message = f"differs from step {bad}: logged {logged!r}, configured {configured!r}"
    if cause:
        message += f". Likely cause: {cause}"
    return Verdict(False, len(steps), message, bad, logged, configured, cause)


def _cause(config: ScheduleConfig, steps: Sequence[int], lrs: Sequence[float]) -> str | None:
    n, lam = config.total_steps, build(config).lr_lambda
    # transformers before 4.51 logged the LR of the next update: lambda(s) at step s
    pairs = [(s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s < n]
    if pairs and all(_close(v, config.learning_rate * lam(s), config.learning_rate) for s, v in pairs):
        return "every value is shifted one step (transformers before 4.51 logged the next step's LR)"
    for delta in (-1, 1):
        w = config.num_warmup_steps + delta
        if w >= 0 and _matches(config, steps, lrs, warmup_steps=float(w) if w >= 1 else 0):
            return f"warmup is one step off: the run warmed up for {w} steps (ratio rounding: ceil(max_steps × ratio))"
    peak_logged, peak_ours = max(lrs), max(build(config).lrs([s for s, _ in pairs] or [1]))
    if peak_ours > 0 and not _close(peak_logged, peak_ours, config.learning_rate):
        ratio = peak_logged / peak_ours
        if _matches(config, steps, lrs, learning_rate=config.learning_rate * ratio):
            return f"a different peak: the run used learning_rate ≈ {config.learning_rate * ratio:.6g}"
    return None


def _matches(config: ScheduleConfig, steps, lrs, **changes) -> bool:
    try:
        other = config.replace(**changes)
        return _first_mismatch(other, steps, lrs) is None and max(steps) <= other.total_steps
    except ConfigError:  # the variant is not a schedule transformers accepts: not the cause
        return False
