"""Metric-driven schedules (`reduce_lr_on_plateau`, `greedy`) replayed from a log's metric.

Trainer steps these schedulers with the eval metric after each evaluation, after the step's log
entry: an evaluation at step e changes the LR of updates e + 1 onwards. `simulate` replays that
with transformers' own scheduler object, so step s (1..max_steps) shows the LR update s used —
what Trainer logs at step s. Stepping with a training metric at each logging step works the same
way (not what Trainer does, but what a person may want to see).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .config import ScheduleConfig
from .curve import DISPLAY_POINTS, Breakpoint, DisplayCurve
from .lr_schedule import metric_scheduler
from .messages import Note, english

english(
    {
        "replay.cut": (
            "patience exhausted: no improvement on {best} for {count} evaluations (patience={patience}); "
            "LR {old} → {new}"
        ),
        "replay.raise": "improving ({value}): LR {old} → {new}",
    }
)
DEFAULT_METRIC = "eval_loss"  # Trainer's metric_for_best_model defaults to "loss", i.e. eval_loss


@dataclass(frozen=True)
class Change:
    """The LR changed after the evaluation at `step` (so from update `step + 1`)."""

    step: int
    metric: float
    old: float
    new: float
    reason: Note


@dataclass(frozen=True)
class Simulation:
    """A metric-driven run replayed: a `run.Run` whose LR is constant between changes, drawn
    exactly by `curve`; `changes` says where and why it changed."""

    config: ScheduleConfig
    curve: DisplayCurve
    changes: tuple[Change, ...]
    steps_used: int

    settings = None

    @property
    def warnings(self) -> tuple[Note, ...]:
        return ()

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(c.reason for c in self.changes)

    @property
    def max_steps(self) -> int:
        return self.config.total_steps

    def used(self, steps: Sequence[int]) -> list[float]:
        return self.lrs(steps)

    logged = used

    def steps(self) -> Sequence[int]:
        return range(1, self.max_steps + 1)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return tuple(self.curve.breakpoints)

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return list(self.curve.steps)

    def lr(self, step: int) -> float:
        return self.lrs([step])[0]

    def lrs(self, steps: Sequence[int]) -> list[float]:
        """The LR of each of `steps` (ascending or not)."""
        bounds = [c.step for c in self.changes]
        values = [self.curve.lrs[0], *(c.new for c in self.changes)]
        return [values[bisect_left(bounds, s)] for s in steps]

    def lrs_all(self) -> list[float]:
        """The LR of every step 1..max_steps."""
        return self.lrs(range(1, self.curve.steps[-1] + 1))


def simulate(config: ScheduleConfig, steps: Sequence[int], values: Sequence[float]) -> Simulation:
    """Replay `config`'s metric-driven scheduler with `values` observed at `steps` (ascending).
    Observations past max_steps are ignored. Raises `ConfigError` for step-based types."""
    n = config.total_steps
    optimizer, scheduler = metric_scheduler(config)
    lr = optimizer.param_groups[0]["lr"]
    changes, used = [], 0
    for step, value in zip(steps, values, strict=True):
        if step > n or step < 1 or not math.isfinite(value):
            continue
        before = _state(scheduler)
        scheduler.step(value)
        used += 1
        new = optimizer.param_groups[0]["lr"]
        if new != lr:
            changes.append(Change(step, value, lr, new, _reason(config, scheduler, before, lr, new, value)))
            lr = new
    return Simulation(config, _curve(config, changes), tuple(changes), used)


def _state(scheduler) -> dict:
    return {"best": getattr(scheduler, "best", None), "bad": getattr(scheduler, "num_bad_epochs", 0)}


def _reason(config, scheduler, before, old, new, value) -> Note:
    if new < old:
        patience = config.lr_scheduler_kwargs.get("patience", getattr(scheduler, "patience", None))
        values = {"best": before["best"], "count": before["bad"] + 1, "patience": patience, "old": old, "new": new}
        return Note("replay.cut", values)
    return Note("replay.raise", {"value": value, "old": old, "new": new})


def _curve(config: ScheduleConfig, changes: list[Change]) -> DisplayCurve:
    n = config.total_steps
    lr0 = config.learning_rate
    points = {1: lr0, n: None}
    marks = [Breakpoint(1, "start")]
    lr = lr0
    for change in changes:
        if change.step < n:
            points[change.step] = lr
            points[change.step + 1] = change.new
            marks.append(Breakpoint(change.step + 1, "cut" if change.new < change.old else "raise"))
        lr = change.new
    points[n] = lr if points[n] is None else points[n]
    steps = sorted(s for s in points if 1 <= s <= n)
    values, current, pending = [], lr0, iter(changes)
    change = next(pending, None)
    for s in steps:
        while change is not None and change.step < s:
            current = change.new
            change = next(pending, None)
        values.append(current)
    marks.append(Breakpoint(n, "end"))
    return DisplayCurve(tuple(steps), tuple(values), tuple(sorted(marks, key=lambda b: b.step)))
