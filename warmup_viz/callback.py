"""`ScheduleCheck`, a transformers `TrainerCallback`: plans the run's learning rate from the
Trainer's own arguments when training begins, writes the plan beside the checkpoints, and checks
each logged LR against it as it is logged.

Step convention: step `s` runs `1..max_steps`; Trainer logs at `state.global_step = s` the LR
update `s` trained with, and the plan holds that value (`run.Run.logged`).

What it says goes to the training log (transformers' `logging.get_logger(__name__).warning`), on
the world process zero only, and never more than a few lines a run: the first step whose logged LR
differs (logged and planned values, exact, and the cause found so far), a follow-up line when the
log, twice as long, names another cause (at most `MAX_FOLLOW_UPS`), and one summary line at the end
of training over every logged value. A run it cannot plan gets one warning and is left alone;
nothing it does stops training.

A metric-driven type (reduce_lr_on_plateau, greedy) is replayed as Trainer steps it: after each
evaluation, with `metric_for_best_model` (`eval_` prefixed, as Trainer reads it), each LR is
checked against the replay of the metric logged so far (`simulate.simulate`).
"""

from __future__ import annotations

import contextlib
import logging as pylogging
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from transformers import TrainerCallback
from transformers.utils import logging

from . import plan as plan_files
from . import tools
from .config import FIELD_NAMES, FROM_EPOCHS, ScheduleConfig, from_mapping
from .errors import ConfigError, InputError
from .files import read_capped
from .messages import Note
from .run import Run
from .steps import checkpoint_name
from .verdict import Verdict, compare
from .written import Written, first_difference

logger = logging.get_logger(__name__)

MAX_CONFIG_BYTES = 2**20
_PREFIX = "warmup-viz:"
MAX_FOLLOW_UPS = 2  # lines after the first that name a cause found with more steps logged


class ScheduleCheck(TrainerCallback):
    """Checks a Trainer run's logged learning rate against its plan, step by step.

    `Trainer(..., callbacks=[ScheduleCheck()])` plans the schedule from the trainer's own
    arguments (`learning_rate`, `lr_scheduler_type`, `lr_scheduler_kwargs`, `warmup_steps`, the
    `max_steps` Trainer computed, `deepspeed`, the checkpoint it resumed from), writes it to
    `output_dir` (`warmup_viz_plan.json`, `warmup_viz_schedule.csv`) and warns at the first step
    whose logged LR is not the planned one, naming the cause.

    Args:
        expected: the settings you meant, checked instead of the trainer's arguments: a dict of
            TrainingArguments names (the names it leaves out are the trainer's), a `ScheduleConfig`
            (used whole), or the path of a training config (TrainingArguments JSON, a TRL,
            LLaMA-Factory, axolotl or ms-swift YAML/JSON; what it leaves out takes its tool's
            defaults). A run length it does not state is the one Trainer computed.
        tool: what chose the scheduler when not Trainer itself (`tools.NAMES`: `llamafactory`,
            `axolotl`, `ms-swift`, a TRL config class); TRL's config classes are recognised.
        tool_args: the tool's own scheduler arguments (axolotl's `alternate_lr_scheduler_type`,
            `cosine_min_lr_ratio`, ...); by default those the training arguments carry.

    After a run, `plan`, `verdict` (over every logged LR, `verdict.matches` and `verdict.checked`
    among what it says; None when the run could not be planned), `first_difference` (the first
    differing step or None) and
    `problem` (why the run was not planned, or None) say what it found.

    Raises `ConfigError` (a name that is not a setting, an unknown tool) or `InputError` (a config
    file that cannot be read) here, where the input enters, before any training.
    """

    def __init__(
        self,
        expected: Mapping[str, object] | ScheduleConfig | str | os.PathLike | None = None,
        *,
        tool: str | None = None,
        tool_args: Mapping[str, object] | None = None,
    ) -> None:
        if tool is not None and tool not in tools.NAMES:
            raise ConfigError(
                "tool", Note("config.unknown_tool", {"value": repr(tool), "tools": ", ".join(tools.NAMES)})
            )
        self.tool, self.tool_args = tool, dict(tool_args) if tool_args is not None else None
        self.expected = _expected(expected)
        self.plan: plan_files.Plan | None = None
        self.run: Run | None = None
        self.verdict: Verdict | None = None
        self.first_difference: int | None = None
        self.problem: str | None = None
        self._said_cause: str | None = None  # the cause said last
        self._follow_ups = 0
        self._logged = 0  # learning rates in state.log_history
        self._metric: str | None = None  # the metric a replayed (metric-driven) run is stepped with
        self._recheck_at = 0  # re-run the verdict when this many LRs are logged (doubling)

    # -- Trainer's events ---------------------------------------------------------------------

    def on_train_begin(self, args, state, control, **kwargs):
        self.plan = self.run = self.verdict = self.first_difference = self.problem = None
        self._said_cause, self._follow_ups, self._recheck_at, self._metric = None, 0, 0, None
        self._logged = sum(1 for e in state.log_history if "learning_rate" in e)  # a resumed run's first part
        try:
            scheduler = kwargs.get("lr_scheduler")
            planned = plan_of(args, state, self.expected, self.tool, self.tool_args, scheduler)
            self._metric = replayed_metric(args, planned)
            # built once (on_log only reads one step of it); a replay anew after each evaluation
            run = planned.run() if self._metric is None else self._replay(state, planned.config)
        except Exception as e:  # noqa: BLE001 - an unplanned run trains on; the reason is said once
            self._give_up(state, f"{type(e).__name__}: {e}" if not isinstance(e, ValueError) else str(e))
            return
        self.plan, self.run = planned, run
        if state.is_world_process_zero:
            try:
                plan_files.write(args.output_dir, self.plan, schedule=self._metric is None)
            except Exception as e:  # noqa: BLE001 - a plan not written is said; training goes on
                _warn(state, f"{_PREFIX} could not write the plan to {args.output_dir}: {e}")

    def on_log(self, args, state, control, logs=None, **kwargs):
        if self.run is None or not logs or "learning_rate" not in logs:
            return
        try:
            self._check(args, state, logs)
        except Exception as e:  # noqa: BLE001 - a check that fails stops checking, never training
            self._stop(state, e)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        # Trainer steps a metric-driven scheduler right after this evaluation: the LRs logged from
        # now on follow the replay with this value too
        if self.run is None or self._metric is None:
            return
        try:
            self.run = self._replay(state, self.run.config, metrics)
        except Exception as e:  # noqa: BLE001 - as in on_log
            self._stop(state, e)

    def _replay(self, state, config: ScheduleConfig, latest: Mapping[str, float] | None = None) -> Run:
        """The metric-driven run replayed with the metric logged so far (and `latest`, the metrics
        of an evaluation not yet in `state.log_history`)."""
        from .simulate import simulate

        seen = {e["step"]: e[self._metric] for e in state.log_history if self._metric in e and "step" in e}
        if latest is not None and self._metric in latest:
            seen[state.global_step] = latest[self._metric]
        steps = sorted(seen)
        return simulate(config, steps, [float(seen[s]) for s in steps])

    def _check(self, args, state, logs) -> None:
        step = state.global_step
        self._logged += 1
        if self.first_difference is None:
            if not 1 <= step <= self.run.max_steps or self._same(step, logs["learning_rate"]):
                return
            self.first_difference = step
            self.verdict = self._verdict(state)
            logged, planned = logs["learning_rate"], self.run.logged([step])[0]
            self._said_cause = found = self.verdict.cause
            cause = f"likely cause so far: {found}" if found else "the cause is not clear yet from these steps"
            _warn(
                state,
                f"{_PREFIX} the learning rate logged at step {step} is {logged!r}, the plan has {planned!r} "
                f"({cause}). Plan: {os.path.join(args.output_dir, plan_files.PLAN_FILE)}",
            )
            self._recheck_at = 2 * self.verdict.checked
        elif self._follow_ups < MAX_FOLLOW_UPS and self._logged >= self._recheck_at:
            # a few values can fit several causes: look again as the log doubles, say a change
            self.verdict = self._verdict(state)
            self._recheck_at = 2 * self.verdict.checked
            found = self.verdict.cause
            if found is not None and found != self._said_cause:
                self._said_cause, self._follow_ups = found, self._follow_ups + 1
                _warn(state, f"{_PREFIX} with {self.verdict.checked} learning rates logged, the likely cause: {found}")

    def on_save(self, args, state, control, **kwargs):
        # a copy, not a second computation: a checkpoint moved or uploaded keeps its plan
        if self.plan is None or not state.is_world_process_zero:
            return
        directory = os.path.join(args.output_dir, checkpoint_name(state.global_step))
        if not os.path.isdir(directory):
            return
        for name in (plan_files.PLAN_FILE, plan_files.SCHEDULE_FILE):
            source = os.path.join(args.output_dir, name)
            try:
                if os.path.isfile(source):
                    shutil.copyfile(source, os.path.join(directory, name))
            except OSError as e:
                _warn(state, f"{_PREFIX} could not copy {name} into {directory}: {e}")
                return

    def on_train_end(self, args, state, control, **kwargs):
        if self.run is not None and self._metric is not None and state.is_world_process_zero:
            try:  # the schedule the metric made, now that it is known
                plan_files.write(args.output_dir, self.plan, self.run)
            except Exception as e:  # noqa: BLE001 - as in on_train_begin
                _warn(state, f"{_PREFIX} could not write the schedule to {args.output_dir}: {e}")
        if self.run is None:
            return
        try:  # over every logged LR: a run that matched has its verdict too (checked, matches)
            self.verdict = self._verdict(state)
        except Exception as e:  # noqa: BLE001 - as in on_log
            self._stop(state, e)
            return
        if self.first_difference is not None:
            _warn(state, f"{_PREFIX} at the end of training, over every logged learning rate: {self.verdict.message}")

    # -- helpers ------------------------------------------------------------------------------

    def _same(self, step: int, lr: float) -> bool:
        """Whether `lr`, logged at `step`, is the plan's: as `check` compares a log's values, read
        as Trainer hands them to the log (float64, every digit)."""
        assert self.run is not None
        ours = self.run.logged([step])
        return first_difference(Written(), [float(lr)], ours, self.run.config.learning_rate) is None

    def _verdict(self, state) -> Verdict:
        assert self.run is not None
        steps, lrs = logged_lrs(state)
        facts = {"max_steps": state.max_steps, "num_train_epochs": state.num_train_epochs, "loop": "trainer"}
        if state.train_batch_size:
            facts["train_batch_size"] = state.train_batch_size
        with _quiet("DeepSpeed"):  # the search for causes tries DeepSpeed's schedulers, which log as they start
            return compare(self.run, steps, lrs, facts)

    def _stop(self, state, error: Exception) -> None:
        self.run = None
        self.problem = f"{type(error).__name__}: {error}"
        _warn(state, f"{_PREFIX} stopped checking the learning rate: {self.problem}")

    def _give_up(self, state, reason: str) -> None:
        self.problem = reason
        _warn(state, f"{_PREFIX} the learning rate of this run is not checked: {reason}")


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """The logger `name` says only errors inside the block."""
    log = pylogging.getLogger(name)
    level = log.level
    log.setLevel(pylogging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _warn(state, message: str) -> None:
    if state.is_world_process_zero:
        logger.warning(message)


def logged_lrs(state) -> tuple[list[int], list[float]]:
    """The `(step, learning_rate)` pairs in Trainer's `state.log_history` (a resumed run's include
    the first run's, up to its checkpoint)."""
    pairs = [(e["step"], float(e["learning_rate"])) for e in state.log_history if "learning_rate" in e and "step" in e]
    return [s for s, _ in pairs], [v for _, v in pairs]


# -- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Settings a person meant, by TrainingArguments name: `whole`, a whole training config (what
    it leaves out is its tool's default), or a few settings over the trainer's own."""

    values: Mapping[str, object]
    whole: bool = False


def _expected(expected) -> ScheduleConfig | Expected | None:
    """`expected` as given to `ScheduleCheck`: a config, a dict of settings with their names
    checked, or a config file's settings (read now: `InputError` naming a file that cannot be)."""
    if expected is None or isinstance(expected, ScheduleConfig):
        return expected
    if isinstance(expected, Mapping):
        unknown = [k for k in expected if k not in FIELD_NAMES and k != "warmup_ratio"]
        if unknown:
            values = {"name": repr(unknown[0]), "settings": ", ".join(FIELD_NAMES)}
            raise ConfigError(str(unknown[0]), Note("config.not_setting", values))
        return Expected(dict(expected))
    if isinstance(expected, (str, os.PathLike)):
        from .importer import read_settings

        path = os.fspath(expected)
        imported = read_settings(read_capped(path, MAX_CONFIG_BYTES), path)
        return Expected(imported.settings, imported.whole)
    raise InputError(f"expected must be a dict of settings, a ScheduleConfig or a config file's path, not {expected!r}")


def trainer_settings(args, max_steps: int, tool: str | None = None, tool_args=None) -> dict[str, object]:
    """The schedule settings of a Trainer's `args` (TrainingArguments or a subclass: TRL's configs),
    by TrainingArguments name, with the `max_steps` Trainer computed. `tool` defaults to the TRL
    config class `args` is; `tool_args` to the tool's own arguments that `args` carries."""
    kind = getattr(args.lr_scheduler_type, "value", args.lr_scheduler_type)
    if tool is None:
        names = [c.__name__ for c in type(args).__mro__]
        tool = next((n for n in names if n in tools.TRL_CONFIGS), tools.TRAINING_ARGUMENTS)
    if tool_args is None:
        tool_args = {k: getattr(args, k) for k in tools.by_name(tool).args if getattr(args, k, None) is not None}
    return {
        "learning_rate": args.learning_rate,
        "lr_scheduler_type": kind,
        "lr_scheduler_kwargs": dict(args.lr_scheduler_kwargs or {}),
        "warmup_steps": args.warmup_steps,
        "max_steps": max_steps,
        # a process's batch: DataParallel over n_gpu devices batches per_device × n_gpu
        "per_device_train_batch_size": getattr(args, "train_batch_size", args.per_device_train_batch_size),
        "gradient_accumulation_steps": args.gradient_accumulation_steps,
        "world_size": max(args.world_size, 1),
        "tool": tool,
        "tool_args": dict(tool_args),
    }


def _config(settings: dict[str, object], expected: ScheduleConfig | Expected | None, max_steps: int) -> ScheduleConfig:
    """The settings to check: the trainer's, or those `expected` gives over them."""
    if expected is None:
        return from_mapping(settings)
    if isinstance(expected, ScheduleConfig):
        return expected
    given = dict(expected.values)
    if expected.whole:  # its tool's defaults, not the trainer's arguments
        values = given
    else:
        values = {**settings, **given}
        if "lr_scheduler_type" in given and "lr_scheduler_kwargs" not in given:
            values["lr_scheduler_kwargs"] = {}  # the trainer's kwargs are its own type's
        if "tool" in given and "tool_args" not in given:
            values["tool_args"] = {}
    if "warmup_ratio" in values and "warmup_steps" not in given:
        values.pop("warmup_steps", None)
    if values.get("max_steps", FROM_EPOCHS) == FROM_EPOCHS and values.get("dataset_size") is None:
        values["max_steps"] = max_steps  # the length the settings do not state is the run's
    return from_mapping(values)


def plan_of(args, state, expected=None, tool=None, tool_args=None, scheduler=None) -> plan_files.Plan:
    """The plan of the run Trainer is about to train (at `on_train_begin`): its settings (or
    `expected`'s), its DeepSpeed config, the checkpoint it resumed from (`scheduler`: the one
    Trainer made and restored). `ConfigError`, `InputError` or `UsageError` when it cannot be
    computed."""
    import transformers

    config = _config(trainer_settings(args, state.max_steps, tool, tool_args), expected, state.max_steps)
    deepspeed = _deepspeed(args)
    resumed = _checkpoint(args, state, scheduler) if state.global_step > 0 else None
    if deepspeed is not None and resumed is not None:
        raise InputError("a resumed DeepSpeed run is not computed here")
    written_by = {"transformers": transformers.__version__, "by": "warmup_viz.ScheduleCheck"}
    return plan_files.Plan(config, deepspeed, resumed, written_by=written_by)


def replayed_metric(args, planned: plan_files.Plan) -> str | None:
    """The metric Trainer steps the planned run's scheduler with (`metric_for_best_model`, with
    Trainer's `eval_` prefix), or None when the run's LR follows the step count (a DeepSpeed
    scheduler steps without a metric)."""
    if not planned.config.info.metric_driven or planned.deepspeed is not None:
        return None
    if planned.resumed is not None:
        raise InputError("a resumed run of a metric-driven type is not computed here")
    metric = getattr(args, "metric_for_best_model", None) or "loss"
    return metric if metric.startswith("eval_") else f"eval_{metric}"


def _deepspeed(args) -> dict[str, Any] | None:
    """The ds_config as given (`args.deepspeed`: a path or a dict), or as transformers holds it."""
    from .ds_schedule import read_ds_config

    given = getattr(args, "deepspeed", None)
    if isinstance(given, Mapping):
        return dict(given)
    if isinstance(given, (str, os.PathLike)) and str(given):
        path = os.fspath(given)
        return read_ds_config(read_capped(path, MAX_CONFIG_BYTES), path)
    held = getattr(args, "hf_deepspeed_config", None)
    return dict(held.config) if held is not None and isinstance(getattr(held, "config", None), Mapping) else None


def _checkpoint(args, state, scheduler=None):
    """The checkpoint Trainer resumed from (its global_step is `state.global_step`), read with
    `resume.read_checkpoint` from `args.resume_from_checkpoint` or `output_dir/checkpoint-N`; when
    neither is that checkpoint (`trainer.train(resume_from_checkpoint=...)` elsewhere), as Trainer
    restored it: the first run's log in `state.log_history` and the `scheduler` it loaded."""
    from .resume import Checkpoint, read_checkpoint

    k = state.global_step
    given = getattr(args, "resume_from_checkpoint", None)
    directory = given if given else os.path.join(args.output_dir, checkpoint_name(k))
    if os.path.isdir(directory):
        found = read_checkpoint(directory)
        if found.global_step == k:
            return found
    if scheduler is None:
        raise InputError(f"the run resumed at global step {k}, but {directory} is not its checkpoint", directory)
    steps, lrs = logged_lrs(state)
    pairs = [(s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s <= k]
    base_lr = next_lr = None
    if getattr(scheduler, "last_epoch", None) == k:  # its state was loaded (else Trainer made a new one)
        base_lr, next_lr = float(scheduler.base_lrs[0]), float(scheduler.get_last_lr()[0])
    return Checkpoint(k, base_lr, next_lr, tuple(s for s, _ in pairs), tuple(v for _, v in pairs))
