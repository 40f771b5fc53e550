"""One run model: what the optimizer used at each update and what the framework logged, composed
from small parts, in the spirit of optax's `join_schedules`.

Every kind of run is a `Run`: a plain Trainer run is `Planned(config)` (transformers'
`get_scheduler`); a logging convention is `Shifted(run, convention)`; a resume is `Joined` at the
checkpoint (the first run, the restored LR, the new settings at the first run's learning rate);
a DeepSpeed scheduler and a metric replay are parts of their own (`ds_schedule`, `simulate`).
Consumers (the CLI, check, the page, export) use only this protocol and never ask which kind they
hold. Importing this module does not import torch (the CLI reads `Convention` before any schedule
is built); `Planned` imports `schedule` when it is first made.

Step convention: step `s` runs `1..max_steps`. `used(steps)` is the LR update `s` trained with;
`logged(steps)` is what the framework wrote at step `s` (the same under transformers >= 4.51).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from .config import ScheduleConfig, check_exportable
from .curve import DISPLAY_POINTS, Breakpoint, DisplayCurve, spread_steps
from .errors import ConfigError
from .messages import Note, english
from .steps import step_list_text

english(
    {
        "run.convention": "logging_convention={value} must be one of: {choices}",
        "run.unknown_step": "step {step} is not in the first run's log: its LR is not known here",
        "run.skipped": (
            "the optimizer skipped {count} updates (gradients overflowed under a loss scaler; the first at "
            "update {first}, the last at {last}): the scheduler did not step for them, so the LR trails "
            "the plan by {count} steps from update {last} on"
        ),
        "run.skipped_one": (
            "the optimizer skipped update {first} (its gradients overflowed under a loss scaler): the scheduler "
            "did not step for it, so the LR trails the plan by one step from update {first} on"
        ),
        "run.skipped_steps": "skipped_steps must be update numbers from 1 to max_steps={max_steps}: {value}",
    }
)


class Convention(StrEnum):
    """Which update's LR a log holds at step `s`: the logging convention of the Trainer that wrote it.

    - `since_4.51` (transformers >= 4.51): step `s` logs the LR update `s` trained with,
      `learning_rate * lambda(s - 1)`, warmup_viz's own step convention.
    - `before_4.51`: the scheduler has already stepped when Trainer reads the LR, so step `s` logs
      the LR of update `s + 1`, `learning_rate * lambda(s)`: step 1 of a 6-step linear warmup logs
      `learning_rate / 6`, not 0. Trainer under DeepSpeed logs this way too when the engine steps
      the scheduler (see ds_schedule.py).

    TrainingArguments has no name for this; `logging_convention` is ours (CLI, links, and the
    setting `check` proposes for a log shifted by one step).
    """

    SINCE_4_51 = "since_4.51"
    BEFORE_4_51 = "before_4.51"

    @property
    def shift(self) -> int:
        """How many updates ahead of step `s` the logged LR is."""
        return 1 if self is Convention.BEFORE_4_51 else 0

    @classmethod
    def parse(cls, value: object) -> Convention:
        """`value` as a convention; `ConfigError` on `logging_convention` naming the choices."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(c.value for c in cls)
            raise ConfigError(
                "logging_convention", Note("run.convention", {"value": repr(value), "choices": choices})
            ) from None


class Run(Protocol):
    """A training run's learning rate at every update `1..max_steps`."""

    @property
    def config(self) -> ScheduleConfig:
        """The settings the run trains with at its end (a resumed run's new settings)."""

    @property
    def settings(self) -> ScheduleConfig | None:
        """The settings that alone reproduce this run as a plain Trainer run logs it, or None when
        the run is more than its settings (a resume, another logging convention, DeepSpeed, a replay)."""

    @property
    def max_steps(self) -> int: ...

    def used(self, steps: Sequence[int]) -> list[float]:
        """The LR each of `steps` (1-based) trained with."""

    def logged(self, steps: Sequence[int]) -> list[float]:
        """What the framework logged at each of `steps` (1-based)."""

    def steps(self) -> Sequence[int]:
        """The steps whose LR is known: every step `1..max_steps` unless a part is a log."""

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        """Steps where the run changes character, sorted."""

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        """About `points` steps that draw the run exactly at every breakpoint."""

    @property
    def notes(self) -> tuple[Note, ...]:
        """What a person should know about this run (keys and values)."""

    @property
    def warnings(self) -> tuple[Note, ...]:
        """What a person should be warned of: a setting that does not act as they may think."""


class Part:
    """What most parts share: the log holds what they used, every step is known, nothing to say."""

    notes: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()
    settings = None

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self.used(steps)

    def steps(self) -> Sequence[int]:
        return range(1, self.max_steps + 1)


@dataclass(frozen=True)
class Planned(Part):
    """Trainer's schedule for `config` (`transformers.get_scheduler`): update `s` trains with
    `base_lr * lambda(s - 1)`, `base_lr` being `learning_rate` unless given (a resumed run keeps the
    first run's; a param group has its own). `ConfigError` for a metric-driven type or settings
    transformers rejects."""

    config: ScheduleConfig
    base_lr: float | None = None

    def __post_init__(self) -> None:
        from .lr_schedule import build

        build(self.config)

    @property
    def settings(self) -> ScheduleConfig | None:
        return self.config if self.base_lr is None else None

    @property
    def max_steps(self) -> int:
        return self.config.total_steps

    def used(self, steps: Sequence[int]) -> list[float]:
        from .lr_schedule import build

        return build(self.config).lrs(steps, self.base_lr)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        from .lr_schedule import breakpoints

        return tuple(breakpoints(self.config))

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        from .lr_schedule import display_steps

        return display_steps(self.config, points)


class Wraps:
    """What a part that wraps another `run` takes from it as it is: its settings' config, length,
    notes and warnings (it says none of its own settings)."""

    run: Run
    settings = None

    @property
    def config(self) -> ScheduleConfig:
        return self.run.config

    @property
    def max_steps(self) -> int:
        return self.run.max_steps

    @property
    def notes(self) -> tuple[Note, ...]:
        return self.run.notes

    @property
    def warnings(self) -> tuple[Note, ...]:
        return self.run.warnings


@dataclass(frozen=True)
class Shifted(Wraps):
    """`run` as a log written with `convention` holds it: step `s` logs what update
    `s + convention.shift` used."""

    run: Run
    convention: Convention

    @property
    def settings(self) -> ScheduleConfig | None:
        return self.run.settings if self.convention.shift == 0 else None

    def used(self, steps: Sequence[int]) -> list[float]:
        return self.run.used(steps)

    def logged(self, steps: Sequence[int]) -> list[float]:
        shift = self.convention.shift
        if isinstance(steps, range) and steps.step == 1:
            return self.run.used(range(steps.start + shift, steps.stop + shift))
        return self.run.used([s + shift for s in steps])

    def steps(self) -> Sequence[int]:
        return self.run.steps()

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return self.run.breakpoints()

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return self.run.display_steps(points)


@dataclass(frozen=True)
class Skipped(Wraps):
    """`run` with optimizer steps skipped at the updates in `skipped` (a loss scaler found the
    gradients overflowed): Trainer steps the scheduler only after an update that ran, so update `s`
    trains with what `run`'s update `s − K(s)` does, `K(s)` the skipped updates before `s` (measured
    on real fp16-style runs: transformers 5.23, accelerate 1.15, a non-fused optimizer). A skipped
    update keeps the LR of the update before it; the lag grows by one at each skip."""

    run: Run
    skipped: tuple[int, ...]

    def __post_init__(self) -> None:
        n = self.run.max_steps
        if list(self.skipped) != sorted(set(self.skipped)) or any(not 1 <= k <= n for k in self.skipped):
            said = {"max_steps": n, "value": step_list_text(self.skipped)}
            raise ConfigError("skipped_steps", Note("run.skipped_steps", said))

    @property
    def notes(self) -> tuple[Note, ...]:
        if not self.skipped:
            return self.run.notes
        return (skipped_note(self.skipped), *self.run.notes)

    @property
    def warnings(self) -> tuple[Note, ...]:
        return self.run.warnings

    def lag(self, step: int) -> int:
        """`K(step)`: the updates skipped before `step`."""
        return bisect_left(self.skipped, step)

    def _planned_step(self, steps: Sequence[int]) -> list[int]:
        return [s - bisect_left(self.skipped, s) for s in steps]

    def used(self, steps: Sequence[int]) -> list[float]:
        return self.run.used(self._planned_step(steps))

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self.used(steps)

    def steps(self) -> Sequence[int]:
        return range(1, self.max_steps + 1)

    def _update_of(self, planned: int) -> int:
        """The first update that trains with what `run`'s update `planned` does."""
        s = planned
        while s - self.lag(s) < planned:
            s += 1
        return s

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        n = self.max_steps
        moved = []
        for b in self.run.breakpoints():
            step = n if b.kind == "end" else self._update_of(b.step)
            if step <= n:
                moved.append(replace(b, step=step))
        return tuple(moved)

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        n = self.max_steps
        chosen = {self._update_of(s) for s in self.run.display_steps(points)}
        chosen |= {s for k in self.skipped for s in (k - 1, k, k + 1)}
        return sorted(s for s in chosen if 1 <= s <= n)


def skipped_note(skipped: Sequence[int]) -> Note:
    """What a person should know of updates skipped at `skipped` (not empty): how many, and where."""
    if len(skipped) == 1:
        return Note("run.skipped_one", {"first": skipped[0]})
    return Note("run.skipped", {"count": len(skipped), "first": skipped[0], "last": skipped[-1]})


def with_skipped(run: Run, skipped: Sequence[int]) -> Run:
    """`run` with optimizer steps skipped at `skipped` (`run` itself when none)."""
    return Skipped(run, tuple(skipped)) if skipped else run


def with_convention(run: Run, convention: Convention | str) -> Run:
    """`run` as a log with `convention` holds it (`run` itself for warmup_viz's own)."""
    convention = Convention.parse(convention)
    return run if convention is Convention.SINCE_4_51 else Shifted(run, convention)


@dataclass(frozen=True)
class Constant(Part):
    """One LR at every step: a restored scheduler's `_last_lr` for the update after a checkpoint."""

    config: ScheduleConfig
    lr: float

    @property
    def max_steps(self) -> int:
        return self.config.total_steps

    def used(self, steps: Sequence[int]) -> list[float]:
        return [self.lr] * len(steps)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return ()

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return []


@dataclass(frozen=True)
class Later(Wraps):
    """`run` started at global step `start`: update `start + j` trains with what `run`'s update `j`
    does (a new scheduler made when a run resumed from a checkpoint without its scheduler state).
    Trainer still stops at `run.max_steps`, so the last `start` updates of `run` never happen."""

    run: Run
    start: int

    def used(self, steps: Sequence[int]) -> list[float]:
        return self.run.used([s - self.start for s in steps])

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self.run.logged([s - self.start for s in steps])

    def steps(self) -> Sequence[int]:
        return range(1, self.max_steps + 1)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        n = self.max_steps
        moved = [replace(b, step=n if b.kind == "end" else b.step + self.start) for b in self.run.breakpoints()]
        return tuple(b for b in moved if b.step <= n)

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        n = self.max_steps
        return sorted({min(s + self.start, n) for s in self.run.display_steps(points)} | {self.start + 1, n})


@dataclass(frozen=True)
class Tabled(Part):
    """LRs known only where a log has them (a first run's trainer_state.json up to its checkpoint)."""

    config: ScheduleConfig
    known: tuple[int, ...]
    lrs: tuple[float, ...]

    @property
    def max_steps(self) -> int:
        return max(self.known, default=0)

    def used(self, steps: Sequence[int]) -> list[float]:
        # what the first run logged, taken for what it trained with (the same since transformers 4.51)
        index = dict(zip(self.known, self.lrs, strict=True))
        out = []
        for s in steps:
            if s not in index:
                raise ConfigError("resume_from_checkpoint", Note("run.unknown_step", {"step": s}))
            out.append(index[s])
        return out

    def steps(self) -> Sequence[int]:
        return self.known

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return ()

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return list(self.known)


@dataclass(frozen=True)
class Joined:
    """`parts[i]` for the steps after `boundaries[i - 1]` up to `boundaries[i]` (global steps, not
    restarted), the last part to its end; `marks` are the join's own breakpoints, `extra_notes`
    what it says. Each part's "end" mark is dropped but the last one's."""

    parts: tuple[Run, ...]
    boundaries: tuple[int, ...]
    marks: tuple[Breakpoint, ...] = ()
    extra_notes: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        if len(self.parts) != len(self.boundaries) + 1 or list(self.boundaries) != sorted(set(self.boundaries)):
            raise ValueError("a join needs one part more than boundaries, and boundaries that increase")

    @property
    def config(self) -> ScheduleConfig:
        return self.parts[-1].config

    settings = None

    @property
    def max_steps(self) -> int:
        return self.parts[-1].max_steps

    @property
    def notes(self) -> tuple[Note, ...]:
        return (*self.extra_notes, *(n for p in self.parts for n in p.notes))

    @property
    def warnings(self) -> tuple[Note, ...]:
        return tuple(n for p in self.parts for n in p.warnings)

    def _segments(self) -> list[tuple[Run, int, int]]:
        """(part, first step, last step) of each segment."""
        lows = [1, *(b + 1 for b in self.boundaries)]
        highs = [*self.boundaries, self.max_steps]
        return list(zip(self.parts, lows, highs, strict=True))

    def _route(self, steps: Sequence[int], values: str) -> list[float]:
        steps = list(steps)
        by_part: dict[int, list[int]] = {}
        for i, s in enumerate(steps):
            by_part.setdefault(bisect_left(self.boundaries, s), []).append(i)
        out = [0.0] * len(steps)
        for k, indices in by_part.items():
            got = getattr(self.parts[k], values)([steps[i] for i in indices])
            for i, v in zip(indices, got, strict=True):
                out[i] = v
        return out

    def used(self, steps: Sequence[int]) -> list[float]:
        return self._route(steps, "used")

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self._route(steps, "logged")

    def steps(self) -> Sequence[int]:
        return [s for part, low, high in self._segments() for s in _within(part.steps(), low, high)]

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        """The join's own marks, and each part's inside its segment where the join has none."""
        last = len(self.parts) - 1
        taken = {b.step for b in self.marks}
        found = [*self.marks]
        for i, (part, low, high) in enumerate(self._segments()):
            found += [
                b
                for b in part.breakpoints()
                if low <= b.step <= high and b.step not in taken and (i == last or b.kind != "end")
            ]
        return tuple(sorted((b for b in found if 1 <= b.step <= self.max_steps), key=lambda b: b.step))

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        """Each part's display steps inside its segment, and each segment's ends where the part
        knows them (a first run's log may lack them)."""
        chosen = set()
        for part, low, high in self._segments():
            chosen.update(_within(part.display_steps(points), low, high))
            known = part.steps()
            chosen.update(s for s in (low, high) if 1 <= s <= self.max_steps and s in known)
        return sorted(chosen)


def _within(steps: Sequence[int], low: int, high: int) -> Sequence[int]:
    if isinstance(steps, range) and steps.step == 1:
        return range(max(low, steps.start), min(high + 1, steps.stop))
    return [s for s in steps if low <= s <= high]


def curve(run: Run, points: int = DISPLAY_POINTS) -> DisplayCurve:
    """What a chart of `run` draws: about `points` steps (every step a part that is a log knows,
    and a replay's changes), the LR logged at each (exact), and the breakpoints."""
    marks = run.breakpoints()
    n = run.max_steps
    chosen = run.display_steps(points) if n > points else list(run.steps())
    if n > points and not chosen:
        chosen = spread_steps(n, [b.step for b in marks], points)
    return DisplayCurve(chosen, run.logged(chosen), marks)


def table(run: Run) -> tuple[Sequence[int], list[float]]:
    """Every step whose LR is known and what the framework logged there, for export. Capped at
    `EXPORT_STEPS_LIMIT` steps (`config.check_exportable`)."""
    check_exportable(run.max_steps)
    known = run.steps()
    return known, run.logged(known)
