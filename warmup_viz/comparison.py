"""Several schedules side by side: names that tell them apart, and each one against the first."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .config import FIELD_NAMES, ScheduleConfig
from .curve import DisplayCurve
from .messages import Note, english
from .run import Run
from .tools import TOOL_WARMUP

LETTERS = "ABCDEF"
# the settings a name mentions, in this order, when they tell the schedules apart
_NAMED = ("lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps", "lr_scheduler_kwargs", "tool_args")


english(
    {
        "describe.type": "{name}",
        "describe.lr": "lr {value}",
        "describe.no_warmup": "no warmup",
        "describe.warmup_ratio": "warmup {percent}%",
        "describe.warmup_count": "warmup {count}",
        "describe.warmup_tool": "warmup {count} ({tool}'s default)",
        "describe.steps": "{count} steps",
        "describe.steps_epochs": "{count} steps (from epochs)",
        "describe.kwarg": "{name}={value}",
        "describe.setting": "{name} {value}",
        "describe.letter": "{letter}: {text}",
    }
)


def describe(config: ScheduleConfig, fields: Sequence[str] = _NAMED) -> list[Note]:
    """A one-line description of `config` from `fields`, for legends and slide titles, as notes a
    page says in its language (`" · ".join(map(str, ...))` is the English:
    `cosine · lr 0.0003 · warmup 5% · 20,000 steps · num_cycles=3`)."""
    parts = []
    for name in fields:
        value = getattr(config, name)
        if name == "lr_scheduler_type":
            parts.append(Note("describe.type", {"name": value}))
        elif name == "learning_rate":
            parts.append(Note("describe.lr", {"value": value}))
        elif name == "warmup_steps":
            parts.append(_warmup(value, config))
        elif name == "max_steps":
            key = "describe.steps_epochs" if config.uses_epochs else "describe.steps"
            parts.append(Note(key, {"count": config.total_steps}))
        elif name in ("lr_scheduler_kwargs", "tool_args"):  # the tool's own arguments by its names
            parts.extend(Note("describe.kwarg", {"name": k, "value": v}) for k, v in value.items())
        else:
            parts.append(Note("describe.setting", {"name": name, "value": value}))
    return parts


def _warmup(value: float, config: ScheduleConfig) -> Note:
    if value == TOOL_WARMUP:  # none given: the tool works one out
        return Note("describe.warmup_tool", {"count": config.num_warmup_steps, "tool": config.tool})
    if value == 0:
        return Note("describe.no_warmup")
    if value < 1:
        return Note("describe.warmup_ratio", {"percent": value * 100})
    return Note("describe.warmup_count", {"count": int(value)})


def names(configs: Sequence[ScheduleConfig]) -> list[tuple[str, list[Note]]]:
    """Legend names: a letter and the settings that differ between the schedules (the type
    always), as (letter, notes); a single schedule gets its full description and no letter."""
    if len(configs) == 1:
        return [("", describe(configs[0]))]
    differing = [
        name
        for name in FIELD_NAMES
        if name == "lr_scheduler_type" or len({_key(getattr(c, name)) for c in configs}) > 1
    ]
    if any(c.total_steps != configs[0].total_steps for c in configs) and "max_steps" not in differing:
        differing.append("max_steps")  # derived from epochs, the step counts still differ
    ordered = [n for n in _NAMED if n in differing] + [n for n in differing if n not in _NAMED]
    return [(LETTERS[i], describe(c, ordered)) for i, c in enumerate(configs)]


def english_name(letter: str, parts: Sequence[Note]) -> str:
    """A name from `names` in English."""
    text = " · ".join(map(str, parts))
    return f"{letter}: {text}" if letter else text


def _key(value: object) -> str:
    return repr(sorted(value.items())) if hasattr(value, "items") else repr(value)


@dataclass(frozen=True)
class Difference:
    """`config`'s LR against the first schedule's at shared steps: B − A or B / A (None where A is 0)."""

    steps: list[int]
    values: list[float | None]


def difference(first: DisplayCurve, a: Run, other: DisplayCurve, b: Run, mode: str) -> Difference:
    """B − A (`mode="difference"`) or B / A (`"ratio"`) of what the runs log, at every step either
    chart draws, up to the shorter run's end. Exact: both runs are evaluated at each of those steps."""
    if mode not in ("difference", "ratio"):
        raise ValueError(f"mode={mode!r} must be difference or ratio")
    end = min(a.max_steps, b.max_steps)
    steps = sorted({s for s in (*first.steps, *other.steps) if s <= end})
    lr_a, lr_b = a.logged(steps), b.logged(steps)
    if mode == "difference":
        return Difference(steps, [y - x for x, y in zip(lr_a, lr_b, strict=True)])
    return Difference(
        steps, [y / x if x != 0 and math.isfinite(y / x) else None for x, y in zip(lr_a, lr_b, strict=True)]
    )
