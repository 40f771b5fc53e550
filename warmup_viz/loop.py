"""A training loop of one's own under accelerate: the scheduler stepped by `AcceleratedScheduler`.

transformers' `*_no_trainer.py` examples build the scheduler with `get_scheduler`, hand it to
`accelerator.prepare` and call `lr_scheduler.step()` after every batch inside
`accelerator.accumulate`. accelerate 1.15's `AcceleratedScheduler.step` (scheduler.py) then
advances the scheduler, per batch:

- `step_scheduler_with_optimizer=False`: once, at every call;
- otherwise only at a batch that ends an accumulation (the optimizer stepped), and then
  `num_processes` times — once with `split_batches`.

So update `u` (the `u`-th optimizer step, 1-based) trains at the scheduler's epoch
`e(u) = (u − 1) × num_processes` by default (`(u − 1)` with split_batches), and at
`u × gradient_accumulation_steps − 1` when the scheduler steps at every call. Measured on real
runs: `accelerate launch --multi_gpu --num_processes 2` on CPU (gloo), tests/accelerate_loop.py.
A script that passes `num_training_steps = updates × num_processes` (as the examples now do)
gets the schedule it meant; one that passes the updates runs through it `num_processes` times
faster.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .config import ScheduleConfig
from .curve import DISPLAY_POINTS, Breakpoint, spread_steps
from .errors import ConfigError
from .messages import Note, english
from .run import Planned, Wraps

english(
    {
        "loop.value": "{name}={value} must be a whole number from 1 to {high}",
        "loop.faster": (
            "accelerate steps the scheduler {per_update} times per optimizer update ({why}): the warmup of "
            "num_warmup_steps={warmup} is over at update {warmup_end}, not {warmup}"
        ),
        "loop.faster_plain": (
            "accelerate steps the scheduler {per_update} times per optimizer update ({why}): the schedule runs "
            "{per_update} times faster than the updates"
        ),
        "loop.why_processes": "once per process: num_processes={value} without split_batches",
        "loop.why_calls": (
            "step_scheduler_with_optimizer=false steps it at every call, gradient_accumulation_steps={value} per update"
        ),
        "loop.past_end": (
            "from update {update} the scheduler is past num_training_steps={total}: "
            "{name} goes on from there as its formula does"
        ),
    }
)
MAX_PROCESSES = 1_000_000


@dataclass(frozen=True)
class Loop:
    """How accelerate steps the scheduler in a loop, by accelerate's own names."""

    num_processes: int = 1
    split_batches: bool = False
    step_scheduler_with_optimizer: bool = True
    gradient_accumulation_steps: int = 1

    def __post_init__(self) -> None:
        for name in ("num_processes", "gradient_accumulation_steps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PROCESSES:
                raise ConfigError(name, Note("loop.value", {"name": name, "value": repr(value), "high": MAX_PROCESSES}))

    @property
    def per_update(self) -> int:
        """Scheduler steps per optimizer update."""
        if not self.step_scheduler_with_optimizer:
            return self.gradient_accumulation_steps
        return 1 if self.split_batches else self.num_processes

    def epoch(self, update: int) -> int:
        """The scheduler's epoch when update `update` (1-based) trains."""
        if not self.step_scheduler_with_optimizer:
            return update * self.gradient_accumulation_steps - 1
        return (update - 1) * self.per_update

    def update_of(self, epoch: int) -> int:
        """The first update that trains at `epoch` or later."""
        if not self.step_scheduler_with_optimizer:
            return max(1, math.ceil((epoch + 1) / self.gradient_accumulation_steps))
        return max(1, math.ceil(epoch / self.per_update) + 1)

    def why(self) -> Note:
        if not self.step_scheduler_with_optimizer:
            return Note("loop.why_calls", {"value": self.gradient_accumulation_steps})
        return Note("loop.why_processes", {"value": self.num_processes})


@dataclass(frozen=True)
class Accelerated(Wraps):
    """`run` (the schedule as the script builds it: `num_warmup_steps` and `num_training_steps`
    as passed to `get_scheduler`) stepped by accelerate's `loop` for `updates` optimizer updates:
    update `u` trains with what `run`'s step `loop.epoch(u) + 1` does."""

    run: Planned
    loop: Loop
    updates: int
    # the script passes its counts × num_processes (as transformers' no_trainer examples now do):
    # the schedule runs as meant, and nothing is said of the loop's pace
    scaled: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.updates, bool) or not isinstance(self.updates, int) or self.updates < 1:
            raise ConfigError("max_steps", Note("config.max_steps_low", {"value": self.updates}))

    @property
    def max_steps(self) -> int:
        return self.updates

    def used(self, steps: Sequence[int]) -> list[float]:
        return self.run.used([self.loop.epoch(u) + 1 for u in steps])

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self.used(steps)

    def steps(self) -> Sequence[int]:
        return range(1, self.updates + 1)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        n = self.updates
        out = [Breakpoint(1, "start")]
        for b in self.run.breakpoints():
            if b.kind in ("start", "end"):
                continue
            update = self.loop.update_of(b.step - 1) if b.kind != "warmup_end" else self.loop.update_of(b.step) - 1
            if 1 <= update <= n:
                out.append(Breakpoint(update, b.kind, b.n))
        out.append(Breakpoint(n, "end"))
        return tuple(sorted(set(out), key=lambda p: p.step))

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return spread_steps(self.updates, [b.step for b in self.breakpoints()], points)

    @property
    def warnings(self) -> tuple[Note, ...]:
        k = self.loop.per_update
        if (k == 1 and self.loop.epoch(1) == 0) or self.scaled:
            return self.run.warnings
        config = self.run.config
        w, n = config.num_warmup_steps, config.total_steps
        warmup_end = self.loop.update_of(w) - 1 if w else 0
        values = {"per_update": k, "why": self.loop.why(), "warmup": w, "warmup_end": warmup_end}
        out = [Note("loop.faster" if w and warmup_end != w else "loop.faster_plain", values)]
        if self.loop.epoch(self.updates) >= n:
            past = {"update": self.loop.update_of(n), "total": n, "name": config.lr_scheduler_type}
            out.append(Note("loop.past_end", past))
        return (*out, *self.run.warnings)


def accelerated(config: ScheduleConfig, loop: Loop, updates: int) -> Accelerated:
    """The run of a loop that passes `config`'s warmup and max_steps to `get_scheduler` as
    num_warmup_steps and num_training_steps, and runs `updates` optimizer updates."""
    return Accelerated(Planned(config), loop, updates)
