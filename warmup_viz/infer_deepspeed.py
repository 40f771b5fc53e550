"""Logged learning rates that no transformers schedule gives -> DeepSpeed's scheduler that does.

A DeepSpeed config's `scheduler` block replaces `lr_scheduler_type` (`ds_schedule`): a log of such
a run is DeepSpeed's WarmupLR, WarmupDecayLR or WarmupCosineLR, stepped by the engine (step `s`
logs the value after `s` scheduler steps), often with updates a loss scaler skipped. Most configs
leave the schedule's values `"auto"`, which transformers fills from TrainingArguments
(`warmup_max_lr`/the optimizer's LR from `learning_rate`, `warmup_num_steps` from `warmup_steps`,
`total_num_steps` from `max_steps`, `warmup_min_lr` 0); the other params at DeepSpeed's defaults.

`fit_deepspeed` reads those settings off the log: `learning_rate` from its peak (the flat value
WarmupLR keeps, or the peak written round), `warmup_steps` from where the peak is first logged
(round counts first), both warmup shapes (`log`, DeepSpeed's default, and `linear`); a candidate is
taken only when DeepSpeed's own scheduler, with the skips `infer_skipped.lags` reads off, gives
every logged value as it was written.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from .config import ConfigError, ScheduleConfig
from .ds_schedule import lr_schedules_module, resolve
from .errors import InputError, UsageError
from .fit import Fit
from .infer_skipped import lags, round_lr
from .messages import Note
from .run import Convention
from .written import Written, first_difference

MAX_SKIPS = 64  # skipped updates before the peak a candidate warmup allows for
MAX_CANDIDATES = 4096
CURVED = 0.8  # a rise per update this much below the steepest one is a curve, not skips on a line  # (scheduler, warmup shape, learning_rate, warmup) combinations tried at most


def fit_deepspeed(pairs: list[tuple[int, float]], n: int) -> Fit | None:
    """The DeepSpeed scheduler block, settings and skipped updates that give `pairs` (ascending
    `(step, lr)`, a run of `n` updates) exactly, with a hint asking for the config; None when none
    does (a log that shows no warmup cannot be told from a transformers schedule)."""
    values = [v for _, v in pairs]
    peak = max(values)
    top = values.index(peak)
    if top == 0 or top == len(values) - 1 or not peak > 0:
        return None  # a warmup and what follows it must both show
    written = Written.of(values)
    for kind, params, lr, warmup in _candidates(pairs, top, n):
        ds = {"scheduler": {"type": kind, "params": params}}
        try:
            config = ScheduleConfig(learning_rate=lr, warmup_steps=warmup, max_steps=n)
            run = resolve(config, ds)
        except (ConfigError, InputError, UsageError):
            continue
        found = lags(run, pairs, written, Convention.BEFORE_4_51.shift)
        if found is None:
            continue
        skipping = replace(run, skipped=found)
        if first_difference(written, values, skipping.logged([s for s, _ in pairs]), lr) is not None:
            continue
        hint = Note("infer.deepspeed", {"scheduler": kind})
        return Fit(config, 0.0, True, len(pairs), hint=hint, skipped_steps=found, deepspeed=ds)
    return None


def curved_rise(pairs: list[tuple[int, float]]) -> bool:
    """Whether the log rises to its peak on a curve (DeepSpeed's default log warmup) rather than a
    line (every transformers warmup): the rise per update between logged steps before the peak
    differs by more than a few skipped updates would make it."""
    values = [v for _, v in pairs]
    top = values.index(max(values))
    rises = [(v2 - v1) / (s2 - s1) for (s1, v1), (s2, v2) in zip(pairs[:top], pairs[1 : top + 1], strict=True)]
    rises = [r for r in rises if r > 0]
    return len(rises) >= 2 and min(rises) < CURVED * max(rises)


def _candidates(pairs, top: int, n: int) -> Iterator[tuple[str, dict, float, int]]:
    """(scheduler, params, learning_rate, warmup_steps) to try, likeliest first: a flat peak is
    WarmupLR's (its value is `learning_rate`); a peak that decays is WarmupDecayLR's or
    WarmupCosineLR's (its value written round). The warmup ends before the first logged step at
    the peak (after it, for a decay), and after the step before less the skips allowed for. Params
    transformers fills are "auto"; the others at DeepSpeed's defaults, or read off the log, written
    round: step 1 logs the warmup's start (`warmup_min_lr`, `warmup_min_ratio` × learning_rate),
    the last of `n` steps the cosine's floor (`cos_min_ratio` × learning_rate)."""
    (first_step, first), (last_step, last) = pairs[0], pairs[-1]
    peak = pairs[top][1]
    flat = all(v == peak for _, v in pairs[top:])
    before = pairs[top - 1][0]
    end = pairs[top][0] if flat else (pairs[top + 1][0] if top + 1 < len(pairs) else pairs[top][0])
    # step s logs the value after s scheduler steps, less the skips before it
    warmups = range(max(1, before - 1 - MAX_SKIPS), min(end, n) + 1)
    ordered = sorted(warmups, key=lambda w: (-_trailing_zeros(w), abs(w - before)))
    starts = [None, *(round_lr(first, exact=False) if first_step == 1 and first > 0 else [])]
    lrs = [peak] if flat else _round_up(peak)
    blocks: list[tuple[str, dict, float]] = []
    for lr in lrs:
        for shape in _warmup_types():
            if flat:
                kinds = [("WarmupLR", ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps"))]
            else:
                kinds = [("WarmupDecayLR", ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "total_num_steps"))]
            for kind, auto in kinds:
                for start in starts:
                    params = {**dict.fromkeys(auto, "auto"), "warmup_type": shape}
                    if start is not None:
                        params["warmup_min_lr"] = start
                    blocks.append((kind, params, lr))
            if not flat:
                floors = [None, *(round_lr(last / lr, exact=False) if last_step == n else [])]
                ratios = [None, *(round_lr(first / lr, exact=False) if len(starts) > 1 else [])]
                for ratio in ratios:
                    for floor in floors:
                        params = {"warmup_num_steps": "auto", "total_num_steps": "auto", "warmup_type": shape}
                        if ratio is not None:
                            params["warmup_min_ratio"] = ratio
                        if floor is not None:
                            params["cos_min_ratio"] = floor
                        blocks.append(("WarmupCosineLR", params, lr))
    count = 0
    for warmup in ordered:
        for kind, params, lr in blocks:
            count += 1
            if count > MAX_CANDIDATES:
                return
            yield kind, params, lr, warmup


def _warmup_types() -> tuple[str, str]:
    """DeepSpeed's warmup shapes, its default (log) first, as its own module names them."""
    schedules = lr_schedules_module()
    return schedules.WARMUP_LOG_RATE, schedules.WARMUP_LINEAR_RATE


def _trailing_zeros(w: int) -> int:
    return len(str(w)) - len(str(w).rstrip("0"))


def _round_up(peak: float) -> list[float]:
    """`peak` written round, and rounded up to 1-3 significant digits (a decay's logged peak can
    fall short of `learning_rate`)."""
    ups = []
    for d in (1, 2, 3):
        scale = 10 ** (math.floor(math.log10(peak)) - d + 1)
        ups.append(float(f"{math.ceil(peak / scale) * scale:.{d}g}"))
    return list(dict.fromkeys([*round_lr(peak), *ups]))
