"""Read axolotl's jagged restarts (ReLoRA's `jagged_restart_*`) off a log.

`JaggedLRRestartScheduler` scales the scheduler it wraps by a factor below 1 around every
`restart` epochs, and runs that scheduler one epoch later than it would run alone
(`tool_schedulers`). So the log away from the dips is the wrapped schedule read one step on — the
older logging convention's reading, which `fit_read_off` knows — and at each step the log over
that schedule is the jagged factor itself: from it the restart period, the warmup and anneal
lengths and the floor (cosine_min_lr_ratio, or axolotl's 0.001) are read, then checked on every
logged value.
"""

from __future__ import annotations

from collections import Counter
from itertools import product

from .config import ConfigError, ScheduleConfig
from .fit import Fit
from .run import Convention
from .scheduler_types import tool_own_type
from .written import Written

MIN_DIPS = 2  # restarts a log must show before a period is read off it


def dips(pairs: list[tuple[int, float]]) -> list[int]:
    """The logged steps lower than both neighbours by more than a fifth: a restart's lowest point."""
    out = []
    for (_, a), (s, v), (_, b) in zip(pairs, pairs[1:], pairs[2:], strict=False):
        if v < 0.8 * a and v < 0.8 * b:
            out.append(s)
    return out


def fit_jagged(pairs: list[tuple[int, float]], n: int) -> Fit | None:
    """axolotl's jagged restarts over a schedule that `fit_read_off` finds between the dips,
    reproducing every logged value (today's convention, logged every step around the dips); None
    when the log shows no regular dips or nothing reproduces it."""
    from .infer_skipped import fit_read_off

    lows = dips(pairs)
    if len(lows) < MIN_DIPS:
        return None
    period = Counter(b - a for a, b in zip(lows, lows[1:], strict=False)).most_common(1)[0][0]
    if period < 2:
        return None
    # before the first restart's anneal the wrapped schedule runs unscaled, one epoch on
    for cut in dict.fromkeys((max(1, period // 3), max(1, period // 6), 1)):
        calm = [(s, v) for s, v in pairs if s < lows[0] - cut]
        if len(calm) < 4:
            continue
        way = Convention.BEFORE_4_51
        inner = fit_read_off(calm, n, skips=False, convention=way) or fit_read_off(
            calm, n, skips=False, convention=way, tool=True
        )
        found = inner and _wrapped(inner.config, pairs, lows[0], period)
        if found is not None:
            return found
    return None


def _wrapped(config: ScheduleConfig, pairs: list[tuple[int, float]], first: int, period: int) -> Fit | None:
    """`config` in jagged restarts every `period` steps, the first lowest at `first`, their warmup,
    anneal and floor read off the log over `config` one epoch on; None unless every value holds."""
    from .lr_schedule import build  # imports torch

    values = build(config).lrs([s + 1 for s, _ in pairs])  # the wrapped scheduler at epoch s
    scale = {s: v / u for (s, v), u in zip(pairs, values, strict=True) if u > 0}
    floor = scale.get(first)
    if floor is None or not 0 < floor < 1:
        return None
    # a restart's factor is m + (1 − m)·t: t = p / warmup just after it, (period − p) / anneal
    # just before it (axolotl's defaults 10 and 1, and where the ramps overlap, tried too)
    warmups, anneals = [10], [1]
    for step, found in ((first + 1, warmups), (first - 1, anneals)):
        if step in scale and floor < scale[step] < 1 - 1e-9:
            found.insert(0, round((1 - floor) / (scale[step] - floor)))
    written = Written.of([v for _, v in pairs])
    for warmup, anneal in dict.fromkeys(product(warmups, anneals)):
        found = _checked(config, pairs, written, period, warmup, anneal, floor)
        if found is not None:
            return found
    return None


def _checked(
    config: ScheduleConfig, pairs, written: Written, period: int, warmup: int, anneal: int, floor: float
) -> Fit | None:
    """`config` in these jagged restarts, as a person writes it or as found, when it gives every value."""
    from .lr_schedule import build

    jagged = {
        "jagged_restart_steps": period,
        "jagged_restart_warmup_steps": warmup,
        "jagged_restart_anneal_steps": anneal,
    }
    own = tool_own_type("axolotl")
    for ratio in dict.fromkeys(float(f"{floor:.{d}g}") for d in (1, 2, 3)):
        floor_arg = {} if ratio == 0.001 else {"cosine_min_lr_ratio": ratio}  # 0.001: axolotl's own floor
        # as a person writes it (axolotl's cosine, whose ratio is also the floor), then as found
        tries = [
            dict(lr_scheduler_type=own, lr_scheduler_kwargs={}, tool_args={**jagged, **floor_arg}),
            dict(tool_args={**config.tool_args, **jagged, **floor_arg}),
        ]
        for changes in tries:
            try:
                candidate = config.replace(**changes, tool="axolotl")
                candidate = candidate.replace(tool_args=_plain(dict(candidate.tool_args)))
                ours = build(candidate).lrs([s for s, _ in pairs])
            except ConfigError:
                continue
            if all(written.same(v, u, candidate.learning_rate) for (_, v), u in zip(pairs, ours, strict=True)):
                return Fit(candidate, 0.0, True, len(pairs))
    return None


def _plain(args: dict) -> dict:
    """The arguments as a person writes them: axolotl's defaults (10 warmup, 1 anneal) left out."""
    defaults = {"jagged_restart_warmup_steps": 10, "jagged_restart_anneal_steps": 1}
    return {k: v for k, v in args.items() if defaults.get(k) != v}
