"""What recovering a schedule from a log finds: the settings, how close they come, and why not."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .config import ScheduleConfig
from .messages import Note, english

english(
    {
        "infer.too_few": "at least two logged learning rates are needed to recover a schedule",
        "infer.all_zero": "every logged learning rate is 0: no schedule to recover",
        "infer.none": "no scheduler type of transformers fits these learning rates",
        "infer.needs_metric": (
            "the learning rate changes in discrete steps by a factor of {factor}, the mark of a "
            "metric-driven scheduler ({types}): give the log with its evaluated metric (eval_loss) to "
            "recover its settings; this step-based fit is only the closest curve"
        ),
        "infer.no_replay": (
            "the learning rate changes in discrete steps by a factor of {factor}, the mark of a "
            "metric-driven scheduler ({types}), but no replay of this metric with its settings "
            "reproduces every logged value; this is the closest fit"
        ),
    }
)


@dataclass(frozen=True)
class Fit:
    """The recovered settings, the largest relative error over the logged steps, and whether
    that is exact (every logged LR reproduced within `schedule.REL_TOL`). `hint`: what a person
    should know about the answer (the LR looks metric-driven, and this is only a step-based fit)."""

    config: ScheduleConfig
    max_relative_error: float
    exact: bool
    points: int
    hint: Note | None = None

    def settings(self) -> dict[str, object]:
        """The recovered settings under TrainingArguments' names (the keys `schedule` takes)."""
        c = self.config
        out = {
            "lr_scheduler_type": c.lr_scheduler_type,
            "learning_rate": c.learning_rate,
            "warmup_steps": c.warmup_steps,
            "max_steps": c.max_steps,
        }
        if c.lr_scheduler_kwargs:
            out["lr_scheduler_kwargs"] = dict(c.lr_scheduler_kwargs)
        return out


class NoFit(ValueError):
    """No scheduler type fits the logged values at all; `note` says why."""

    def __init__(self, note: Note):
        super().__init__(str(note))
        self.note = note


def logged_pairs(steps: Sequence[int], lrs: Sequence[float]) -> list[tuple[int, float]]:
    """The logged `(step, lr)` pairs, ascending, one per step, finite; `NoFit` when too few."""
    pairs = sorted((int(s), float(v)) for s, v in zip(steps, lrs, strict=True) if s >= 1 and math.isfinite(v))
    pairs = list(dict(pairs).items())
    if len(pairs) < 2:
        raise NoFit(Note("infer.too_few"))
    if max(v for _, v in pairs) <= 0:
        raise NoFit(Note("infer.all_zero"))
    return pairs


def run_length(pairs: list[tuple[int, float]], max_steps: int | None) -> int:
    return max_steps if max_steps and max_steps >= pairs[-1][0] else pairs[-1][0]
