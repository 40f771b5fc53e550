"""Several schedules side by side: names that tell them apart, and each one against the first."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .config import FIELD_NAMES, ScheduleConfig
from .schedule import DisplayCurve, build

LETTERS = "ABCDEF"
# the settings a name mentions, in this order, when they tell the schedules apart
_NAMED = ("lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps", "lr_scheduler_kwargs")
_SHORT = {"learning_rate": "lr", "warmup_steps": "warmup", "max_steps": "steps"}


def describe(config: ScheduleConfig, fields: Sequence[str] = _NAMED) -> str:
    """A one-line description of `config` from `fields`, for legends and slide titles:
    `cosine · lr 3e-4 · warmup 5% · 20,000 steps · num_cycles=3`."""
    parts = []
    for name in fields:
        value = getattr(config, name)
        if name == "lr_scheduler_type":
            parts.append(value)
        elif name == "learning_rate":
            parts.append(f"lr {value:g}")
        elif name == "warmup_steps":
            parts.append(_warmup(value))
        elif name == "max_steps":
            parts.append(f"{config.total_steps:,} steps" + (" (from epochs)" if config.uses_epochs else ""))
        elif name == "lr_scheduler_kwargs":
            parts.extend(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items())
        else:
            parts.append(f"{_SHORT.get(name, name)} {value}")
    return " · ".join(parts)


def _warmup(value: float) -> str:
    if value == 0:
        return "no warmup"
    return f"warmup {value * 100:.4g}%" if value < 1 else f"warmup {int(value):,}"


def names(configs: Sequence[ScheduleConfig]) -> list[str]:
    """Legend names: a letter and the settings that differ between the schedules (the type always).
    A single schedule gets its full description."""
    if len(configs) == 1:
        return [describe(configs[0])]
    differing = [
        name
        for name in FIELD_NAMES
        if name == "lr_scheduler_type" or len({_key(getattr(c, name)) for c in configs}) > 1
    ]
    if any(c.total_steps != configs[0].total_steps for c in configs) and "max_steps" not in differing:
        differing.append("max_steps")  # derived from epochs, the step counts still differ
    ordered = [n for n in _NAMED if n in differing] + [n for n in differing if n not in _NAMED]
    return [f"{LETTERS[i]}: {describe(c, ordered)}" for i, c in enumerate(configs)]


def _key(value: object) -> str:
    return repr(sorted(value.items())) if hasattr(value, "items") else repr(value)


@dataclass(frozen=True)
class Difference:
    """`config`'s LR against the first schedule's at shared steps: B − A or B / A (None where A is 0)."""

    steps: list[int]
    values: list[float | None]


def difference(first: DisplayCurve, a: ScheduleConfig, other: DisplayCurve, b: ScheduleConfig, mode: str) -> Difference:
    """B − A (`mode="difference"`) or B / A (`"ratio"`) at every step either chart draws, up to
    the shorter run's end. Exact: both schedules are evaluated at each of those steps."""
    if mode not in ("difference", "ratio"):
        raise ValueError(f"mode={mode!r} must be difference or ratio")
    end = min(a.total_steps, b.total_steps)
    steps = sorted({s for s in (*first.steps, *other.steps) if s <= end})
    lr_a, lr_b = build(a).lrs(steps), build(b).lrs(steps)
    if mode == "difference":
        return Difference(steps, [y - x for x, y in zip(lr_a, lr_b, strict=True)])
    return Difference(
        steps, [y / x if x != 0 and math.isfinite(y / x) else None for x, y in zip(lr_a, lr_b, strict=True)]
    )
