"""The schedulers a tool builds instead of transformers' own, as functions of the update.

axolotl 0.21.0 (core/trainers/mixins/scheduler.py `create_scheduler`, utils/schedulers.py) reads
its own training arguments — `alternate_lr_scheduler_type` (one_cycle, rex), `lr_quadratic_warmup`,
`cosine_min_lr_ratio`, `cosine_constant_lr_ratio`, `jagged_restart_*` — and builds one of its
schedulers, or torch's OneCycleLR, or transformers' own wrapped in jagged restarts. Here each is
written in plain Python with axolotl's float operations in axolotl's order; the tests step them
against axolotl's own code run by scripts/make_axolotl_golden.py (tests/data/axolotl/golden.json).

A scheduler's epoch `e` is torch's `last_epoch` when an update runs: a LambdaLR or OneCycleLR
starts at 0, axolotl's RexLR at 1 (it passes `last_epoch=0` and torch's first step adds one), and
a jagged wrapper one after the scheduler it wraps (it is made once that one exists). Update `s`
(1-based) runs at `e = s - 1 + first`. Nothing here imports torch: OneCycleLR and transformers'
λ come in as functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Epochs = Callable[[int], float]  # the LR a scheduler gives at epoch e
MAX_MARKED = 200  # restarts marked on a chart (and sampled around), at most


@dataclass(frozen=True)
class Built:
    """What a tool builds: `scheduler`, the class or function it calls (said next to the chart),
    and the LR of update `s` as `lr_at(s - 1)`; `lr_lambda` too where it is a LambdaLR (the LR is
    then `learning_rate × lr_lambda(k)`, bit for bit)."""

    scheduler: str
    lr_at: Callable[[int], float]
    lr_lambda: Callable[[int], float] | None = None
    restarts: tuple[int, ...] = ()  # the updates where a jagged restart is at its lowest


# -- axolotl 0.21.0 utils/schedulers.py ----------------------------------------------------------


def quadratic_warmup_lambda(k: int, *, w: int, n: int, num_cycles: float = 0.5) -> float:
    """`_get_cosine_schedule_with_quadratic_warmup_lr_lambda` (L117-129): λ = (k / w)² during
    warmup, then transformers' cosine."""
    if k < w:
        return (float(k) / float(max(1, w))) ** 2
    progress = float(k - w) / float(max(1, n - w))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))


def min_lr_lambda(k: int, *, w: int, n: int, min_lr_ratio: float) -> float:
    """`_get_cosine_schedule_with_min_lr_lambda` (L165-179): λ = r + (1 − r)·½(1 + cos πρ)."""
    if k < w:
        return float(k) / float(max(1, w))
    progress = float(k - w) / float(max(1, n - w))
    scaling = 0.5 * (1.0 + math.cos(math.pi * progress))
    return (1 - min_lr_ratio) * scaling + min_lr_ratio


def constant_lambda(
    k: int, *, w: int, n: int, constant_lr_ratio: float, min_lr_ratio: float, num_cycles: float = 0.5
) -> float:
    """`_get_cosine_schedule_with_warmup_decay_constant_lr_lambda` (L201-225): the cosine down to
    r reaches it at int(n × constant_lr_ratio) and stays there."""
    if k < w:
        return float(k) / float(max(1, w))
    constant_steps = int(n * constant_lr_ratio)
    k = min(k, constant_steps)
    progress = float(k - w) / float(max(1, constant_steps - w))
    return (
        max(0, (1 - min_lr_ratio) * 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))) + min_lr_ratio
    )


def rex_lr(e: int, *, lr: float, min_lr: float, n: int, w: int) -> float:
    """`RexLR.get_lr` (L61-80) at `last_step = e`, `base_lr = max_lr = lr`: a linear warmup to lr,
    then the reflected exponential z / (0.1 + 0.9 z) down to min_lr at the last update."""
    if 1 <= e <= w:
        return lr * e / w
    step_after = e - w
    remaining = n - w
    if step_after >= remaining or step_after == -1 or remaining <= 0:
        return min_lr
    z = (remaining - step_after % remaining) / remaining
    factor = min_lr / lr + (1.0 - min_lr / lr) * (z / (0.1 + 0.9 * z))
    return lr * factor


def jagged_lr(e: int, *, inner: Epochs, restart: int, warmup: int, anneal: int, min_lr_scale: float) -> float:
    """`JaggedLRRestartScheduler.get_lr` (L264-287): the wrapped scheduler's LR at the same epoch,
    scaled down to min_lr_scale around every `restart` epochs (annealed over `anneal`, warmed up
    again over `warmup`)."""
    original = inner(e)
    if e < restart - anneal:
        return original * 1
    progress = e % restart
    if progress < warmup:
        t = min(1.0, progress / warmup)
    elif progress > restart - anneal:
        t = min(1.0, (restart - progress) / anneal)
    else:
        t = 1
    return original * (t * (1 - min_lr_scale) + min_lr_scale)


# -- axolotl 0.21.0 core/trainers/mixins/scheduler.py create_scheduler -------------------------


def axolotl_kind(args: Mapping[str, object], lr_scheduler_type: str) -> str | None:
    """The scheduler axolotl's create_scheduler picks before any jagged wrapper (L38-131):
    "one_cycle", "rex", "quadratic", "constant_ratio", "min_lr", or None for transformers' own."""
    from .scheduler_types import of

    cosine = "axolotl" in of(lr_scheduler_type).tool_own  # its create_scheduler asks for cosine
    ratio, constant = args.get("cosine_min_lr_ratio"), args.get("cosine_constant_lr_ratio")
    min_lr = cosine and ratio is not None
    alternate = args.get("alternate_lr_scheduler_type")
    if alternate in ("one_cycle", "rex"):
        return str(alternate)
    if cosine and args.get("lr_quadratic_warmup") is True:
        return "quadratic"
    if ratio and constant and min_lr:
        return "constant_ratio"
    if ratio and min_lr:
        return "min_lr"
    return None


def takes_kwargs(args: Mapping[str, object], lr_scheduler_type: str) -> str:
    """Who reads `lr_scheduler_kwargs` under axolotl: "transformers" (its own type), "one_cycle"
    (OneCycleLR's arguments) or "none" (axolotl's own schedulers ignore them)."""
    kind = axolotl_kind(args, lr_scheduler_type)
    return "transformers" if kind is None else "one_cycle" if kind == "one_cycle" else "none"


def axolotl_builds_own(args: Mapping[str, object], lr_scheduler_type: str) -> bool:
    """Whether axolotl builds a scheduler of its own (or wraps transformers' in jagged restarts)."""
    return axolotl_kind(args, lr_scheduler_type) is not None or bool(args.get("jagged_restart_steps"))


# torch 2.13 OneCycleLR's arguments that axolotl leaves to lr_scheduler_kwargs (it gives max_lr and
# total_steps itself), each with what it takes
ONE_CYCLE_KWARGS: Mapping[str, tuple] = {
    "pct_start": (float,),
    "anneal_strategy": (str,),  # its values torch checks itself
    "cycle_momentum": (bool,),
    "base_momentum": (float,),
    "max_momentum": (float,),
    "div_factor": (float,),
    "final_div_factor": (float,),
    "three_phase": (bool,),
}


NAMES = {
    "one_cycle": "torch OneCycleLR",
    "rex": "RexLR",
    "quadratic": "get_cosine_schedule_with_quadratic_warmup",
    "constant_ratio": "get_cosine_schedule_with_warmup_decay_constant",
    "min_lr": "get_cosine_schedule_with_min_lr",
}


def axolotl(
    args: Mapping[str, object],
    lr_scheduler_type: str,
    lr: float,
    w: int,
    n: int,
    transformers_lambda: Callable[[], Callable[[int], float]],
    one_cycle: Callable[[], Epochs],
) -> Built | None:
    """What axolotl builds for a run of `n` updates with `w` warmup steps at `lr`, given its own
    training arguments `args`; None when it is transformers' scheduler unchanged.
    `transformers_lambda()` gives transformers' λ of `lr_scheduler_type`, `one_cycle()` torch's
    OneCycleLR as axolotl makes it (both only called when needed). `ValueError` where axolotl's
    own code refuses the settings."""
    kind = axolotl_kind(args, lr_scheduler_type)
    ratio = args.get("cosine_min_lr_ratio")
    lam: Callable[[int], float] | None = None
    if kind == "one_cycle":
        inner, first = one_cycle(), 0
    elif kind == "rex":
        if w > n:
            raise ValueError(f"num_warmup_steps ({w}) must be less than or equal to total_steps ({n})")
        floor = 0 if ratio is None else lr * ratio
        inner, first = (lambda e: rex_lr(e, lr=lr, min_lr=floor, n=n, w=w)), 1
    else:
        if kind == "quadratic":
            lam = lambda k: quadratic_warmup_lambda(k, w=w, n=n)  # noqa: E731
        elif kind == "constant_ratio":
            constant = args["cosine_constant_lr_ratio"]
            lam = lambda k: constant_lambda(k, w=w, n=n, constant_lr_ratio=constant, min_lr_ratio=ratio)  # noqa: E731
        elif kind == "min_lr":
            lam = lambda k: min_lr_lambda(k, w=w, n=n, min_lr_ratio=ratio)  # noqa: E731
        else:
            lam = transformers_lambda()
        inner, first = (lambda e: lr * lam(e)), 0
    restart = args.get("jagged_restart_steps")
    if restart:
        warmup = args.get("jagged_restart_warmup_steps") or 10
        anneal = args.get("jagged_restart_anneal_steps") or 1
        scale = ratio or 0.001
        wrapped = inner
        inner = lambda e: jagged_lr(e, inner=wrapped, restart=restart, warmup=warmup, anneal=anneal, min_lr_scale=scale)  # noqa: E731
        name = f"JaggedLRRestartScheduler({NAMES.get(kind or '', lr_scheduler_type)})"
        # the lowest point of restart j is epoch j × restart, update j × restart − first
        lows = tuple(j * restart - first for j in range(1, min(n // restart, MAX_MARKED) + 1))
        return Built(name, lambda k: inner(k + first + 1), restarts=tuple(s for s in lows if 1 <= s <= n))
    if kind is None:
        return None
    if lam is not None:
        return Built(NAMES[kind], lambda k: lr * lam(k), lam)
    return Built(NAMES[kind], lambda k: inner(k + first))
