"""What recovering a schedule from a log finds: the settings, how close they come, and why not."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from . import registry
from .config import ConfigError, ScheduleConfig
from .lr_schedule import REL_TOL
from .messages import Note, english
from .run import Convention, Planned, Run, with_convention, with_skipped
from .steps import checkpoint_name, step_list_text

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
        "infer.deepspeed": (
            "these values follow DeepSpeed's {scheduler}, not one of transformers' schedulers: a DeepSpeed "
            "config's scheduler block replaced lr_scheduler_type (the engine steps it, so each step logs the next "
            "update's LR). Give that config (--deepspeed) to check the run against it"
        ),
        "infer.resumed": (
            "this run was resumed from {checkpoint} with other settings: up to it the LR follows the first run "
            "(earlier_runs), after it the resumed run's, whose scheduler kept the first run's learning_rate (a changed "
            "learning_rate is ignored on resume)"
        ),
        "infer.restarted": (
            "this run was resumed from {checkpoint} without the checkpoint's scheduler state (no scheduler.pt "
            "or optimizer state): Trainer made a new scheduler there, so the schedule starts again at step {step}"
        ),
        "infer.resumed_again": (
            "this run was resumed {count} times, the last from {checkpoint}: each part of the log follows its "
            "own run's settings (earlier_runs, first to last), a restored scheduler keeping the first learning_rate"
        ),
        "infer.old_convention": (
            "these values were logged the way transformers before 4.51 logged them (each step shows the next "
            "update's LR): view the log with that logging convention"
        ),
        "infer.also_old_convention": (
            "the same values are also exactly {name} logged the way transformers before 4.51 logged it (each step "
            "showing the next update's LR): the log alone cannot tell the two apart"
        ),
        "infer.also_new_convention": (
            "these values were logged the way transformers before 4.51 logged them (each step shows the next "
            "update's LR); the same values are also exactly {name} logged by today's Trainer: the log alone "
            "cannot tell the two apart"
        ),
        "infer.warmup_unseen": (
            "no logged step falls in the warmup, so the log cannot tell learning_rate={learning_rate} without "
            "warmup from learning_rate={other} with warmup_steps={warmup_steps}: both give every logged value; "
            "the first (transformers' default warmup) is shown"
        ),
        "infer.no_replay": (
            "the learning rate changes in discrete steps by a factor of {factor}, the mark of a "
            "metric-driven scheduler ({types}), but no replay of this metric with its settings "
            "reproduces every logged value; this is the closest fit"
        ),
    }
)


@dataclass(frozen=True)
class Resumed:
    """How a fit's run was resumed: from the checkpoint of global step `global_step`, its scheduler
    `restored` (else Trainer made a new one there), after the run `first` (itself perhaps resumed);
    `next_lr` the LR update `global_step + 1` trained with (a restored optimizer's)."""

    global_step: int
    restored: bool
    first: Fit
    next_lr: float | None


@dataclass(frozen=True)
class Fit:
    """The recovered settings, the largest relative error over the logged steps (0 where a value
    is reproduced as it was written, `written.Written`), and whether that is exact (every logged LR
    reproduced to the float written). `hint`: what a person
    should know about the answer (the LR looks metric-driven, and this is only a step-based fit).
    `logging_convention`: how the log holds the schedule (an older Trainer logged each step's next
    update). `skipped_steps`: the updates whose optimizer step a loss scaler skipped (the scheduler
    did not step for them, `run.Skipped`). `deepspeed`: the DeepSpeed config whose scheduler block
    gives the log (its `"auto"` values filled from the settings, as transformers fills them).
    `resumed`: the run was resumed from a checkpoint (`config` is then the resumed run's)."""

    config: ScheduleConfig
    max_relative_error: float
    exact: bool
    points: int
    hint: Note | None = None
    logging_convention: Convention = Convention.SINCE_4_51
    skipped_steps: tuple[int, ...] = ()
    deepspeed: Mapping[str, object] | None = None
    resumed: Resumed | None = None

    def run(self) -> Run:
        """The run these settings describe (`schedule` and `check` draw and confirm it)."""
        if self.resumed is not None:
            from .resume import resumed_run

            r = self.resumed
            lr = self.config.learning_rate if r.restored else None
            return resumed_run(self.config, r.global_step, r.first.run(), lr, r.next_lr, self.logging_convention)
        if self.deepspeed is not None:
            from .ds_schedule import resolve

            return replace(resolve(self.config, self.deepspeed), skipped=self.skipped_steps)
        return with_convention(with_skipped(Planned(self.config), self.skipped_steps), self.logging_convention)

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
        if self.logging_convention is not Convention.SINCE_4_51:
            out["logging_convention"] = self.logging_convention.value
        if self.skipped_steps:
            out["skipped_steps"] = step_list_text(self.skipped_steps)
        if self.deepspeed is not None:
            out["deepspeed"] = dict(self.deepspeed)
        if self.resumed is not None:
            out["resume_from_checkpoint"] = checkpoint_name(self.resumed.global_step)
            if not self.resumed.restored:
                out["restored_scheduler"] = False
        return out

    def earlier_runs(self) -> list[Fit]:
        """The runs before this one, first to last, when it was resumed (each perhaps resumed too)."""
        found, fit = [], self
        while fit.resumed is not None:
            fit = fit.resumed.first
            found.insert(0, fit)
        return found


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


def polish(config: ScheduleConfig, error_of: Callable[[ScheduleConfig], float], points: int) -> Fit:
    """The fit `config` written as a person would write it, as exact as before: kwargs at
    transformers' defaults left out, each float kwarg with the fewest significant digits, then
    `learning_rate` with 6, 9, 12 or 15 (0.001, not 0.0010000000000000002). `error_of`: the largest
    relative error over the log, 0 where every value is reproduced as written (`written.max_error`).
    A change is kept when an exact fit stays exact, or an inexact one stays within its error or
    `REL_TOL`; the fit is exact when its error is 0."""
    defaults = {spec.name: spec.default for spec in registry.info(config.lr_scheduler_type).kwargs}
    kwargs = {k: v for k, v in config.lr_scheduler_kwargs.items() if defaults.get(k, object()) != v}
    config = _variant(config, lr_scheduler_kwargs=kwargs) or config
    error = error_of(config)
    for key in [k for k, v in kwargs.items() if isinstance(v, float)]:
        for digits in range(1, 16):
            value = float(f"{config.lr_scheduler_kwargs[key]:.{digits}g}")
            trial = _variant(config, lr_scheduler_kwargs={**config.lr_scheduler_kwargs, key: value})
            trial_error = math.inf if trial is None else error_of(trial)
            if _kept(trial_error, error):
                config, error = trial, trial_error
                break
    for digits in (6, 9, 12, 15):
        trial = _variant(config, learning_rate=float(f"{config.learning_rate:.{digits}g}"))
        trial_error = math.inf if trial is None else error_of(trial)
        if _kept(trial_error, error):
            config, error = trial, trial_error
            break
    return Fit(config, error, error == 0, points)


def _kept(trial_error: float, error: float) -> bool:
    return trial_error == 0 if error == 0 else trial_error <= max(error, REL_TOL)


def _variant(config: ScheduleConfig, **changes: object) -> ScheduleConfig | None:
    try:
        return config.replace(**changes)
    except ConfigError:
        return None
