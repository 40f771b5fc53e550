"""warmup_viz from a notebook or a script: the same runs, logs, verdicts and figures as the page
and the CLI, by TrainingArguments' names.

Step convention: step `s` runs `1..max_steps`; its LR is the one update `s` used,
`learning_rate * lambda(s - 1)`, which is what Trainer (>= 4.51) logs at step `s`.

>>> import warmup_viz
>>> s = warmup_viz.schedule(learning_rate=1e-3, warmup_steps=0.1, max_steps=100, lr_scheduler_type="cosine")
>>> s
Schedule(lr_scheduler_type='cosine', learning_rate=0.001, warmup_steps=0.1, max_steps=100)
>>> s.lr(11), s.lr([1, 2])
(0.001, [0.0, 0.0001])
>>> s.to_pandas().shape  # a row per step: step, learning_rate
(100, 2)
>>> s.summary()["peak_step"], s.breakpoints[:2]
(11, [(1, 'start'), (10, 'warmup_end')])
>>> fig = s.figure()  # a plotly Figure: shown inline in Jupyter, VS Code and Colab
>>> both = warmup_viz.compare(s, s.with_settings(warmup_steps=0))
>>> list(both.to_pandas().columns)
['step', 'A: cosine · warmup 10%', 'B: cosine · no warmup']
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .config import FIELD_NAMES, FROM_EPOCHS, ScheduleConfig, from_mapping
from .errors import InputError, UsageError, said_with_file
from .run import Convention, Planned, Run, with_convention, with_skipped

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from .fit import Fit
    from .logs import Log
    from .verdict import Verdict

# What `schedule` takes: settings by TrainingArguments' names, a TrainingArguments (or TRL config)
# object, a config file or run directory, or what another call gave (a Schedule, an inferred Fit).
Settings = Union[
    ScheduleConfig, Mapping[str, Any], str, os.PathLike, "Schedule", "Fit", Any, None
]  # Any: a TrainingArguments
RUN_KINDS = ("deepspeed", "resume_from_checkpoint", "logging_convention", "skipped_steps")
_ARGUMENTS = (*FIELD_NAMES, "warmup_ratio")
_SHOWN = ("lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps")
_TITLE_WIDTH, _TITLE_SIZE = 900, 16  # a title line wraps at what a laptop's chart holds


@dataclass(frozen=True)
class Schedule:
    """A run's learning rate at every step, as Trainer logs it: `run` is the library's `run.Run`
    (plain, resumed, under DeepSpeed, replayed from a metric), `name` its legend name."""

    run: Run
    name: str = ""
    # how `schedule` made it (the settings given, the overrides, the log it replays), for `with_settings`
    made: tuple[object, Mapping[str, object], Mapping[str, object]] | None = field(
        default=None, repr=False, compare=False
    )

    def __repr__(self) -> str:
        c = self.config
        shown = {k: getattr(c, k) for k in _SHOWN}
        if c.lr_scheduler_kwargs:
            shown["lr_scheduler_kwargs"] = dict(c.lr_scheduler_kwargs)
        kind = "" if self.run.settings is not None else f", run={type(self.run).__name__}"
        return f"Schedule({', '.join(f'{k}={v!r}' for k, v in shown.items())}{kind})"

    @property
    def config(self) -> ScheduleConfig:
        """The settings the run trains with (a resumed run's new ones)."""
        return self.run.config

    @property
    def max_steps(self) -> int:
        return self.run.max_steps

    @cached_property
    def steps(self) -> np.ndarray:
        """Every step whose LR is known (`1..max_steps` unless part of the run is a log)."""
        from .config import check_exportable

        check_exportable(self.run.max_steps)
        return np.asarray(self.run.steps(), dtype=np.int64)

    @cached_property
    def learning_rates(self) -> np.ndarray:
        """The LR Trainer logs at each of `steps` (exact: bit for bit a stepped `LambdaLR`)."""
        return np.asarray(self.run.logged(self.steps.tolist()), dtype=np.float64)

    def lr(self, step: int | Sequence[int]) -> float | list[float]:
        """The LR logged at `step` (1-based), or at each of a sequence of steps; `UsageError`
        for a step that is not a whole number from 1 to `max_steps`."""
        if isinstance(step, (int, np.integer)):
            return self.run.logged([self._step(step)])[0]
        if isinstance(step, (str, bytes)) or not isinstance(step, Sequence | np.ndarray | range):
            raise UsageError(f"step must be a whole number or a sequence of them, not {step!r}")
        return self.run.logged([self._step(s) for s in step])

    def _step(self, step: object) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= self.max_steps:
            raise UsageError(f"step={step!r} must be a whole number from 1 to max_steps={self.max_steps}")
        return int(step)

    def to_pandas(self) -> pd.DataFrame:
        """`step`, `learning_rate`: one row per step, as `warmup-viz schedule` writes them."""
        import pandas as pd

        return pd.DataFrame({"step": self.steps, "learning_rate": self.learning_rates})

    @property
    def breakpoints(self) -> list[tuple[int, str]]:
        """`(step, kind)` where the run changes character: start, warmup_end, peak, restarts, end."""
        return [(b.step, b.kind) for b in self.run.breakpoints()]

    @property
    def notes(self) -> list[str]:
        """What a person should know about the run, and be warned of, in English."""
        return [str(n) for n in (*self.run.warnings, *self.run.notes)]

    def summary(self) -> dict[str, object]:
        """The numbers a person checks first (exact), as the page's summary reads them
        (`lr_schedule.summarize`): steps, warmup, peak LR and its step, first and final LR, and for
        runs derived from epochs the updates per epoch."""
        from .lr_schedule import summarize
        from .run import curve

        said = summarize(self.config, curve(self.run))
        keys = ("num_warmup_steps", "peak_lr", "peak_step", "first_lr", "final_lr", "update_steps_per_epoch")
        return {"max_steps": self.max_steps, **{k: getattr(said, k) for k in keys}}

    def with_settings(self, **settings: object) -> Schedule:
        """This schedule made again from what it was made of, with some settings changed
        (TrainingArguments' names): a resumed, DeepSpeed or replayed run stays one."""
        if self.made is None:
            raise UsageError("this schedule was not made by schedule(): make it with schedule(settings, ...)")
        source, overrides, replay = self.made
        return schedule(source, **replay, **{**overrides, **settings})

    def figure(
        self,
        log: Log | str | os.PathLike | None = None,
        *,
        run: str | None = None,
        metrics: Sequence[str] = (),
        log_y: bool = False,
        title: str | None = None,
    ) -> go.Figure:
        """The schedule as a plotly Figure, its breakpoints marked; with a `log` (or its path), its
        logged LR (the run `run` of it) beside it, `metrics` in panels below, and the verdict of
        `check` under the title."""
        verdict = None
        if log is None and metrics:
            raise UsageError(f"metrics={list(metrics)!r} are a log's: give log= too")
        if log is not None:
            log = _log(log, "figure")
            missing = [m for m in metrics if m not in log.metrics]
            if missing:
                raise UsageError(f"{log.name} has no metric {missing[0]!r} (metrics: {', '.join(log.metrics[:20])})")
            verdict = check(log, self, run=run)
        from .figures import LR_PANEL

        drawn = [_curve(self, self.name or LR_PANEL)]
        return _figure(drawn, log, run, metrics, log_y, title or _describe(self.config), verdict)


@dataclass(frozen=True)
class Comparison:
    """Schedules side by side, each named by its letter and what differs (`comparison.names`)."""

    schedules: tuple[Schedule, ...]

    def to_pandas(self) -> pd.DataFrame:
        """`step` and one column of logged LRs per schedule (empty where a schedule has ended)."""
        import pandas as pd

        frame = pd.DataFrame({"step": np.unique(np.concatenate([s.steps for s in self.schedules]))})
        for s in self.schedules:
            frame = frame.merge(pd.DataFrame({"step": s.steps, s.name: s.learning_rates}), on="step", how="left")
        return frame

    def figure(self, *, difference: str = "off", log_y: bool = False, title: str | None = None) -> go.Figure:
        """Every schedule on one LR panel; `difference` "difference" or "ratio" adds a panel of
        each against the first (B − A, B / A)."""
        from . import figures
        from .comparison import difference as diff
        from .run import curve

        if difference not in ("off", "difference", "ratio"):
            raise UsageError(f"difference={difference!r} must be one of: off, difference, ratio")
        drawn = [_curve(s, s.name, short=s.name.split(":")[0]) for s in self.schedules]
        differences = []
        if difference != "off":
            first = self.schedules[0]
            for s, d in zip(self.schedules[1:], drawn[1:], strict=True):
                found = diff(drawn[0].curve, first.run, curve(s.run), s.run, difference)
                pair = f"{d.short} − A" if difference == "difference" else f"{d.short} / A"
                differences.append(figures.Difference(pair, found.steps, found.values))
        options = figures.FigureOptions(log_y=("learning_rate",) if log_y else (), title=_plain(title or ""))
        return figures.schedule_figure(drawn, differences=differences, options=options)


def schedule(
    settings: Settings = None,
    /,
    *,
    log: Log | str | os.PathLike | None = None,
    metric: str | None = None,
    run: str | None = None,
    **overrides: object,
) -> Schedule:
    """The run `settings` describe, with `overrides` (TrainingArguments' names) on top.

    `settings`: a `TrainingArguments` or TRL config (SFTConfig, DPOConfig, ...) object; a mapping
    of TrainingArguments names; a config file (training_args.json, a TRL, LLaMA-Factory, axolotl or
    ms-swift YAML/JSON, a .py with the TrainingArguments call); a run's output directory holding
    the plan `ScheduleCheck` wrote; an inferred `Fit`; a `ScheduleConfig`; or None (defaults).
    Besides the schedule's settings, `deepspeed` (a ds_config path or dict),
    `resume_from_checkpoint` (a checkpoint directory), `logging_convention` ("before_4.51" for
    older Trainers) and `skipped_steps` describe the run. A metric-driven type
    (reduce_lr_on_plateau, greedy) replays `metric` (default eval_loss) of `log` (its run `run`);
    settings whose length comes from the epochs without a `dataset_size` take `log`'s max_steps.
    Raises `ConfigError` naming a setting that is not valid, `InputError` naming a file.
    """
    from .fit import Fit
    from .plan import Plan

    if isinstance(settings, Schedule):
        return settings.with_settings(**overrides) if overrides else settings
    made = (settings, dict(overrides), {"log": log, "metric": metric, "run": run})
    if isinstance(settings, Fit) and not overrides:
        return Schedule(settings.run(), made=made)
    if isinstance(settings, Fit) and settings.resumed is not None:
        raise UsageError(
            "a resume recovered from a log is drawn as infer found it (schedule(fit)): to change its settings, "
            "give them as a mapping with the checkpoint's path as resume_from_checkpoint"
        )
    if isinstance(settings, (str, os.PathLike)) and os.path.isdir(settings):
        from . import plan

        found = plan.read(os.fspath(settings))
        if found is None:
            raise InputError(f"{os.fspath(settings)} holds no {plan.PLAN_FILE}", os.fspath(settings))
        settings = found
    if isinstance(settings, Plan):
        if overrides:
            raise UsageError("a run's plan is drawn as it was written: give its settings as a mapping to change them")
        return Schedule(settings.run(), made=made)
    unknown = [k for k in overrides if k not in (*_ARGUMENTS, *RUN_KINDS)]
    if unknown:
        raise UsageError(f"not a setting: {', '.join(map(repr, unknown))} (settings: {', '.join(_ARGUMENTS)})")
    kind = {k: overrides[k] for k in RUN_KINDS if overrides.get(k) is not None}
    values = _settings_of(settings, {k: v for k, v in overrides.items() if k not in RUN_KINDS})
    kind = {**{k: values.pop(k) for k in RUN_KINDS if values.get(k) is not None}, **kind}
    values = {k: v for k, v in values.items() if v is not None}
    resumed = kind.get("resume_from_checkpoint")
    if isinstance(resumed, (str, os.PathLike)) and not os.path.exists(resumed):
        raise InputError(
            f"resume_from_checkpoint={os.fspath(resumed)!r} is not a checkpoint directory here: give its path, "
            "or draw a resume that infer recovered from a log with schedule(fit)",
            os.fspath(resumed),
        )
    if log is not None:
        log = _log(log, "schedule")
        stated = log.facts.get("max_steps")  # epochs without a dataset size: the log says how long it ran
        if values.get("max_steps") == FROM_EPOCHS and values.get("dataset_size") is None and stated:
            values["max_steps"] = int(stated)
    config = from_mapping(values)
    return Schedule(build_run(config, kind, log, metric, run), made=made)


def compare(*schedules: Settings, names: Sequence[str] | None = None) -> Comparison:
    """Up to six schedules (anything `schedule` takes) side by side, named "A: …", "B: …" by the
    settings that differ, or by `names`."""
    from .comparison import english_name
    from .comparison import names as legend_names
    from .share import MAX_SCHEDULES

    built = [schedule(s) for s in schedules]
    if not 1 <= len(built) <= MAX_SCHEDULES:
        raise UsageError(f"compare takes 1 to {MAX_SCHEDULES} schedules, not {len(built)}")
    if names is None:
        names = [english_name(letter, parts) for letter, parts in legend_names([s.config for s in built])]
    if len(names) != len(built) or len(set(names)) != len(names):
        raise UsageError(f"names must be {len(built)} different names, one per schedule")
    return Comparison(tuple(replace(s, name=n) for s, n in zip(built, names, strict=True)))


def read_log(path: str | os.PathLike) -> Log:
    """The training log at `path` (trainer_state.json, LLaMA-Factory's trainer_log.jsonl, CSV/TSV,
    JSON Lines, TensorBoard events, gzipped or not), or the trainer_state.json of a checkpoint or
    of an output directory's latest checkpoint; `InputError` naming the file when it cannot be read."""
    from .files import MAX_LOG_BYTES, log_file, read_capped
    from .logs import read_log as read

    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"read_log takes the path of a log, not {type(path).__name__}")
    name = log_file(os.fspath(path))
    return read(read_capped(name, MAX_LOG_BYTES), name)


def check(log: Log | str | os.PathLike, settings: Settings, *, run: str | None = None) -> Verdict:
    """Does the log's learning rate match the schedule `settings` describe? A `verdict.Verdict`:
    `matches`, the first differing step with both values (exact), and the causes that reproduce
    the log (`verdict.message` says it in English, `verdict.to_dict()` as data). `run` chooses a
    run of a log that holds several."""
    from .verdict import compare as compared

    log = _log(log, "check")
    logged = _learning_rates(log, run)
    planned = settings if isinstance(settings, Schedule) else schedule(settings, log=log, run=logged.run)
    return compared(planned.run, logged.steps, logged.values, facts=log.facts)


def infer(log: Log | str | os.PathLike, *, run: str | None = None, metric: str | None = None) -> Fit:
    """The settings whose schedule reproduces the log's learning rate: a `fit.Fit` with
    `settings()` (TrainingArguments' names), `exact` and `max_relative_error`; `schedule(fit)`
    draws it. `NoFit` when nothing comes close."""
    from .inference import infer as inferred
    from .logs import runs
    from .simulate import DEFAULT_METRIC

    log = _log(log, "infer")
    logged = _learning_rates(log, run)
    observed = None
    if metric or logged.run in runs(log, DEFAULT_METRIC):
        from .logs import series

        found = series(log, metric or DEFAULT_METRIC, logged.run)
        observed = (found.steps, found.values)
    return inferred(logged.steps, logged.values, max_steps=log.facts.get("max_steps"), metric=observed)


# -- settings in -------------------------------------------------------------------------------


def _settings_of(settings: Settings, overrides: Mapping[str, object]) -> dict[str, object]:
    """`settings` as TrainingArguments-named values, `overrides` over them (a config file's tool
    works out its defaults again with them, as the CLI's flags do)."""
    from .fit import Fit

    if isinstance(settings, (str, os.PathLike)):
        from .files import MAX_CONFIG_BYTES, read_capped
        from .importer import read_settings

        path = os.fspath(settings)
        try:
            imported = read_settings(read_capped(path, MAX_CONFIG_BYTES), path)
        except InputError as e:  # the file named, as a log that cannot be read is
            raise InputError(said_with_file(e), path) from None
        return dict(imported.settings_with(overrides))
    if settings is None:
        values = {}
    elif isinstance(settings, ScheduleConfig):
        values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    elif isinstance(settings, Fit):
        values = dict(settings.settings())
    elif isinstance(settings, Mapping):
        values = dict(settings)
    elif hasattr(settings, "lr_scheduler_type") and hasattr(settings, "learning_rate"):
        values = _training_arguments(settings)
    else:
        raise UsageError(
            f"settings must be TrainingArguments, a mapping or a config file, not {type(settings).__name__}"
        )
    return {**values, **overrides}


def _training_arguments(args: Any) -> dict[str, object]:
    """A TrainingArguments (or subclass: TRL's configs) object's settings, read as ScheduleCheck
    reads a trainer's; `max_steps` -1 derives the length from the epochs (with a `dataset_size`)."""
    from .callback import trainer_settings

    values = trainer_settings(args, args.max_steps if args.max_steps > 0 else FROM_EPOCHS)
    values.update(num_train_epochs=args.num_train_epochs, dataloader_drop_last=args.dataloader_drop_last)
    for name in ("deepspeed", "resume_from_checkpoint"):
        if getattr(args, name, None):
            values[name] = getattr(args, name)
    return values


def build_run(
    config: ScheduleConfig, kind: Mapping[str, object], log=None, metric: str | None = None, log_run: str | None = None
) -> Run:
    """The run the settings and `kind` (RUN_KINDS: resume_from_checkpoint, deepspeed,
    logging_convention, skipped_steps) describe, replaying `log_run`'s `metric` in `log` for a
    metric-driven type; `UsageError` for kinds that do not go together. The CLI's flags and the
    API's keywords both come here."""
    convention = Convention.parse(kind.get("logging_convention", Convention.SINCE_4_51.value))
    skipped = _skipped(kind.get("skipped_steps"))
    replayed = config.info.metric_driven and "deepspeed" not in kind
    if skipped and ("resume_from_checkpoint" in kind or replayed):
        what = "resume_from_checkpoint" if "resume_from_checkpoint" in kind else config.lr_scheduler_type
        raise UsageError(f"skipped_steps is for a Trainer run of a step-based type or under deepspeed, not with {what}")
    if replayed and convention is not Convention.SINCE_4_51:
        raise UsageError(
            f"logging_convention {convention} is for types that follow the step count, not {config.lr_scheduler_type}"
        )
    given = [k for k in ("resume_from_checkpoint", "deepspeed") if k in kind]
    if convention is not Convention.SINCE_4_51 and "resume_from_checkpoint" not in kind:
        given.append("logging_convention")
    if len(given) > 1:
        raise UsageError(f"{' and '.join(given)} describe different runs: give one of them")
    if "resume_from_checkpoint" in kind:
        from .files import checkpoint_directory
        from .resume import read_checkpoint, resume

        return resume(
            config, read_checkpoint(checkpoint_directory(os.fspath(kind["resume_from_checkpoint"]))), convention
        )
    if "deepspeed" in kind:
        from .ds_schedule import MAX_CONFIG_BYTES, read_ds_config, resolve

        ds, name = kind["deepspeed"], "deepspeed"
        if isinstance(ds, (str, os.PathLike)):
            from .files import read_capped

            name = os.fspath(ds)
            ds = read_ds_config(read_capped(name, MAX_CONFIG_BYTES), name)
        run = resolve(config, ds, name)
        return replace(run, skipped=skipped) if skipped else run
    if config.info.metric_driven:
        if log is None:
            raise UsageError(f"{config.lr_scheduler_type} follows a metric: give log= (and metric=)")
        from .logs import series
        from .simulate import DEFAULT_METRIC, simulate

        log = _log(log, "schedule")
        observed = series(log, metric or DEFAULT_METRIC, log_run)
        return simulate(config, observed.steps, observed.values)
    return with_convention(with_skipped(Planned(config), skipped), convention)


def _skipped(value: object) -> tuple[int, ...]:
    from .steps import step_list

    if value is None:
        return ()
    if isinstance(value, str):
        try:
            return step_list(value)
        except ValueError as e:
            raise UsageError(f"skipped_steps: {e}") from None
    return tuple(int(s) for s in value)


# -- drawing ------------------------------------------------------------------------------------


def _curve(s: Schedule, name: str, short: str = ""):
    from . import figures
    from .run import curve

    return figures.Curve(_plain(name), curve(s.run), None, short)


def _figure(drawn, log, run: str | None, metrics: Sequence[str], log_y: bool, title: str, verdict) -> go.Figure:
    from . import figures, legend, logview

    lr_lines, metric_lines = [], []
    if log is not None:
        lr = _learning_rates(log, run)
        lr_lines = [line for line in logview.lines([log], [lr.metric], smoothing=0.0) if line.run == lr.run]
        metric_lines = [line for line in logview.lines([log], metrics) if line.run == lr.run]
    lines = [title] + ([f"check: {verdict.message}"] if verdict is not None else [])
    shown = "<br>".join(legend.wrap(_plain(line), _TITLE_WIDTH, _TITLE_SIZE) for line in lines)
    options = figures.FigureOptions(log_y=("learning_rate",) if log_y else (), title=shown)
    return figures.schedule_figure(drawn, lr_lines=lr_lines, metric_lines=metric_lines, options=options)


def _describe(config: ScheduleConfig) -> str:
    from .comparison import describe

    return " · ".join(map(str, describe(config)))


def _plain(text: str) -> str:
    """`text` as plotly shows it: its own markup (`<br>`, `<b>`) written out, not obeyed."""
    return html.escape(text, quote=False)


# -- logs ----------------------------------------------------------------------------------------


def _log(value: object, caller: str) -> Log:
    """`value` as a log: a `Log`, or read from its path; `UsageError` naming `caller` otherwise."""
    if _is_log(value):
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise UsageError(f"{caller} takes a log (read_log's) or its path first, not {type(value).__name__}")
    return read_log(value)


def _is_log(value: object) -> bool:
    from .logs import Log

    return isinstance(value, Log)


@dataclass(frozen=True)
class _Logged:
    run: str
    metric: str
    steps: Sequence[int]
    values: Sequence[float]


def _learning_rates(log: Log, run: str | None) -> _Logged:
    from .logs import learning_rate_metric, series

    metric = learning_rate_metric(log.metrics)
    if metric is None:
        raise InputError(f"{log.name} has no learning_rate values (metrics: {', '.join(log.metrics[:10])})", log.name)
    found = series(log, metric, run)
    return _Logged(found.run, metric, found.steps, found.values)
