"""A DeepSpeed config (TrainingArguments' `deepspeed`) -> the LR Trainer logs at every step.

With a `scheduler` block, DeepSpeed's scheduler (`deepspeed.runtime.lr_schedules`: WarmupLR,
WarmupDecayLR, WarmupCosineLR, OneCycle, LRRangeTest) replaces `lr_scheduler_type`. transformers'
DeepSpeed integration first fills its `"auto"` values from TrainingArguments and refuses explicit
values that contradict them (`HfTrainerDeepSpeedConfig.trainer_config_process` and
`trainer_config_finalize`); `resolve` does the same, for the values a schedule depends on.

What Trainer logs at step `s` (measured on real runs, tests/test_deepspeed.py):

- a `scheduler` block: the engine steps DeepSpeed's scheduler inside `optimizer.step()`, before
  Trainer reads `get_last_lr()`, so step `s` logs its value after `s` steps
  (`last_batch_iteration = s - 1`), the LR update `s + 1` trains with;
- no scheduler block, an `optimizer` block: transformers hands its own scheduler to the engine,
  which steps it the same way: step `s` logs `learning_rate * lambda(s)`, as transformers before
  4.51 logged (`logged.py`; cosine with 6 warmup steps logs `learning_rate / 6` at step 1, not 0);
- neither block: Trainer makes and steps its scheduler itself, as without DeepSpeed:
  `learning_rate * lambda(s - 1)`.

deepspeed (and through it torch) is imported only when a schedule is computed.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .config import ScheduleConfig
from .curve import DISPLAY_POINTS, Breakpoint, spread_steps
from .errors import ConfigError, InputError, UsageError
from .messages import Note, english
from .run import Constant, Convention, Part, Planned, Run, Skipped, skipped_note, with_convention, with_skipped

english(
    {
        "deepspeed.too_large": "{name} is larger than {limit} KB; not read as a DeepSpeed config",
        "deepspeed.not_json": "{name} is not a JSON DeepSpeed config ({problem})",
        "deepspeed.not_object": "{name} must hold a JSON object (a DeepSpeed config), not {kind}",
        "deepspeed.mismatch": (
            "transformers refuses DeepSpeed config values that mismatch TrainingArguments values:\n"
            "{mismatches}\nSet them to 'auto' in the DeepSpeed config, or change the settings to match."
        ),
        "deepspeed.metric_driven": "{name} under DeepSpeed is not computed here: it follows a metric",
        "deepspeed.unknown_scheduler": (
            "{name}: scheduler type {kind} is not one of DeepSpeed's schedulers warmup-viz computes ({schedulers})"
        ),
        "deepspeed.params_not_object": "{name}: scheduler.params must be a JSON object",
        "deepspeed.auto_left": (
            "{name}: scheduler.params {params} cannot be 'auto': transformers fills only "
            "warmup_min_lr, warmup_max_lr, warmup_num_steps and total_num_steps"
        ),
        "deepspeed.rejects": "DeepSpeed's {kind} rejects scheduler.params {params} ({problem})",
        "deepspeed.replaces": (
            "The DeepSpeed config's scheduler {scheduler} replaces lr_scheduler_type={name}: the chart shows "
            "{scheduler}, the schedule that runs."
        ),
        "deepspeed.trainer_steps": (
            "The DeepSpeed config has neither a scheduler nor an optimizer block: Trainer makes and steps {name} "
            "itself, and logs at step s the LR that update used, as without DeepSpeed."
        ),
        "deepspeed.keeps": (
            "The DeepSpeed config has no scheduler block: {name} runs, and Trainer under DeepSpeed logs at step s "
            "the LR of the next update."
        ),
    }
)

SCHEDULERS = ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest")
MAX_CONFIG_BYTES = 2**20
AUTO = "auto"


def read_ds_config(data: bytes, name: str) -> dict[str, object]:
    """A ds_config's JSON text -> its object; `InputError` naming `name` when it is not one."""
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(Note("deepspeed.too_large", {"name": name, "limit": MAX_CONFIG_BYTES // 1024}), name)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InputError(Note("deepspeed.not_json", {"name": name, "problem": str(e)}), name) from None
    if not isinstance(value, dict):
        raise InputError(Note("deepspeed.not_object", {"name": name, "kind": type(value).__name__}), name)
    return value


@dataclass(frozen=True)
class DeepSpeedSchedule(Part):
    """DeepSpeed's scheduler `kind` with `params`, on an optimizer whose LR is `learning_rate`,
    as the engine builds it. Its `__init__` sets the optimizer's LR to `get_lr()` at
    `last_batch_iteration = -1`, which update 1 trains with; the engine steps it after each update,
    so update `s >= 2` trains with its value at `last_batch_iteration = s - 2`."""

    config: ScheduleConfig
    kind: str
    params: tuple[tuple[str, object], ...]

    @property
    def max_steps(self) -> int:
        return self.config.total_steps

    def used(self, steps: Sequence[int]) -> list[float]:
        with self._lock:
            scheduler, first = self._scheduler
            out = []
            for s in steps:
                if s == 1:
                    out.append(first)
                    continue
                # every DeepSpeed scheduler's get_lr() is a function of last_batch_iteration alone,
                # so setting it gives the same float as stepping s - 1 times (a test checks this)
                scheduler.last_batch_iteration = s - 2
                out.append(scheduler.get_lr()[0])
            return out

    @functools.cached_property
    def _lock(self) -> threading.Lock:
        return threading.Lock()

    @functools.cached_property
    def _scheduler(self):
        """DeepSpeed's scheduler, built once, and the LR it sets before its first step."""
        scheduler = _deepspeed_scheduler(self.kind, dict(self.params), self.config.learning_rate)
        return scheduler, float(scheduler.optimizer.param_groups[0]["lr"])

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return ()

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        # DeepSpeed's schedulers name no breakpoints: the settings' own, where they have a step
        # schedule (a metric-driven lr_scheduler_type has none), else evenly spread steps
        try:
            return Planned(self.config).display_steps(points)
        except ConfigError:
            return spread_steps(self.max_steps, [1, self.max_steps], points)


@dataclass(frozen=True)
class DeepSpeedRun:
    """A Trainer run under a ds_config, a `run.Run`. `scheduler` is DeepSpeed's scheduler type, or
    None when `lr_scheduler_type` runs; `params` are its params as DeepSpeed receives them; `filled`
    maps each `"auto"` key (`scheduler.params.warmup_num_steps`) to the value transformers gave it.
    `engine_steps_it` is False only with neither a scheduler nor an optimizer block: then Trainer
    steps its own scheduler and logs as without DeepSpeed."""

    config: ScheduleConfig
    scheduler: str | None
    params: Mapping[str, object] = field(default_factory=dict)
    filled: Mapping[str, object] = field(default_factory=dict)
    engine_steps_it: bool = True
    skipped: tuple[int, ...] = ()

    settings = None

    def __post_init__(self) -> None:
        if self.skipped:
            Skipped(Constant(self.config, 0.0), self.skipped)  # refuses updates outside 1..max_steps

    def __hash__(self) -> int:
        params = json.dumps([dict(self.params), dict(self.filled)], sort_keys=True, default=repr)
        return hash((self.config, self.scheduler, params, self.engine_steps_it, self.skipped))

    @property
    def replaces_lr_scheduler_type(self) -> bool:
        return self.scheduler is not None

    @functools.cached_property
    def _run(self) -> Run:
        if self.scheduler is None:
            inner: Run = Planned(self.config)
        else:
            inner = DeepSpeedSchedule(self.config, self.scheduler, tuple(self.params.items()))
        # an update a loss scaler skipped does not step the scheduler, in the engine as in Trainer
        inner = with_skipped(inner, self.skipped)
        # the engine steps the scheduler before Trainer reads the LR: the log is one update ahead
        return with_convention(inner, Convention.BEFORE_4_51 if self.engine_steps_it else Convention.SINCE_4_51)

    @property
    def max_steps(self) -> int:
        return self.config.total_steps

    @property
    def notes(self) -> tuple[Note, ...]:
        skipped = (skipped_note(self.skipped),) if self.skipped else ()
        if self.scheduler is not None:
            return skipped
        key = "deepspeed.keeps" if self.engine_steps_it else "deepspeed.trainer_steps"
        return (*skipped, Note(key, {"name": self.config.lr_scheduler_type}))

    @property
    def warnings(self) -> tuple[Note, ...]:
        if self.scheduler is None:
            return ()
        return (Note("deepspeed.replaces", {"scheduler": self.scheduler, "name": self.config.lr_scheduler_type}),)

    def used(self, steps: Sequence[int]) -> list[float]:
        return self._run.used(steps)

    def logged(self, steps: Sequence[int]) -> list[float]:
        return self._run.logged(steps)

    def steps(self) -> Sequence[int]:
        return range(1, self.max_steps + 1)

    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return self._run.breakpoints()

    def display_steps(self, points: int = DISPLAY_POINTS) -> list[int]:
        return self._run.display_steps(points)


def _trainer_values(config: ScheduleConfig) -> list[tuple[str, object, str | None, str]]:
    """transformers' `fill_match` / `fill_only` calls that a schedule depends on, in its order:
    `(ds key, TrainingArguments' value, its name in transformers' message or None for fill_only,
    our setting to blame)`. The others (betas, eps, weight_decay, gradient_clipping, fp16/bf16)
    do not move the LR; their values are not settings here, so they are not checked."""
    b, ga, w = config.per_device_train_batch_size, config.gradient_accumulation_steps, config.world_size
    lr, n = config.learning_rate, config.total_steps
    return [
        ("train_micro_batch_size_per_gpu", b, "per_device_train_batch_size", "per_device_train_batch_size"),
        ("gradient_accumulation_steps", ga, "gradient_accumulation_steps", "gradient_accumulation_steps"),
        ("train_batch_size", w * b * ga, "train_batch_size (calculated)", "per_device_train_batch_size"),
        ("optimizer.params.lr", lr, "learning_rate", "learning_rate"),
        ("scheduler.params.warmup_min_lr", 0, None, "learning_rate"),  # not a trainer arg
        ("scheduler.params.warmup_max_lr", lr, "learning_rate", "learning_rate"),
        ("scheduler.params.total_num_steps", n, "num_training_steps (calculated)", "max_steps"),
        # deepspeed >= 0.19.6 rejects warmup_num_steps=0, so transformers fills at least 1
        ("scheduler.params.warmup_num_steps", max(1, config.num_warmup_steps), "warmup_steps", "warmup_steps"),
    ]


def _node(ds: dict, key: str) -> tuple[dict | None, str]:
    """transformers' `find_config_node`: the dict holding `key`'s last part, or None."""
    *path, last = key.split(".")
    node: object = ds
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None, last
    return (node if isinstance(node, dict) else None), last


def resolve(config: ScheduleConfig, ds_config: Mapping[str, object], name: str = "ds_config") -> DeepSpeedRun:
    """The run `config` gets under `ds_config`: `"auto"` filled and contradictions refused as
    transformers' DeepSpeed integration does (`ConfigError` naming the setting, listing every
    mismatch as transformers does); `InputError` naming `name` for a scheduler block warmup-viz
    cannot compute (a torch scheduler type, an `"auto"` transformers does not fill)."""
    ds = copy.deepcopy(dict(ds_config))
    filled, mismatches, blame = {}, [], None
    for key, hf_value, hf_name, setting in _trainer_values(config):
        node, last = _node(ds, key)
        if node is None:
            continue
        if node.get(last) == AUTO:
            node[last] = filled[key] = hf_value
        elif hf_name is not None and node.get(last) is not None and node.get(last) != hf_value:
            mismatches.append(f"- ds {key}={node.get(last)} vs hf {hf_name}={hf_value}")
            blame = blame or setting
    if mismatches:
        listed = "\n".join(mismatches)
        raise ConfigError(blame, Note("deepspeed.mismatch", {"mismatches": listed}))
    block = ds.get("scheduler")
    if block is None:
        if config.info.metric_driven:
            raise UsageError(Note("deepspeed.metric_driven", {"name": config.lr_scheduler_type}))
        return DeepSpeedRun(config, None, engine_steps_it="optimizer" in ds)
    return _scheduler_run(config, block, filled, name)


def _scheduler_run(config: ScheduleConfig, block: object, filled: dict, name: str) -> DeepSpeedRun:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind not in SCHEDULERS:
        values = {"name": name, "kind": repr(kind), "schedulers": ", ".join(SCHEDULERS)}
        raise InputError(Note("deepspeed.unknown_scheduler", values), name)
    params = block.get("params", {})
    if not isinstance(params, dict):
        raise InputError(Note("deepspeed.params_not_object", {"name": name}), name)
    left = [k for k, v in params.items() if v == AUTO]
    if left:
        raise InputError(Note("deepspeed.auto_left", {"name": name, "params": ", ".join(left)}), name)
    run = DeepSpeedRun(config, kind, MappingProxyType(params), MappingProxyType(filled))
    _deepspeed_scheduler(kind, params, config.learning_rate)  # DeepSpeed's own checks, now
    return run


def _deepspeed_scheduler(kind: str, params: Mapping[str, object], learning_rate: float):
    """DeepSpeed's scheduler `kind` built with `params` on a throwaway AdamW whose LR is
    `learning_rate`, as the engine builds it (`scheduler(optimizer, **params)`)."""
    import torch

    lr_schedules = lr_schedules_module()
    # the DeepSpeed optimizer's lr is learning_rate: an explicit other value is refused above
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=learning_rate)
    try:
        return getattr(lr_schedules, kind)(optimizer, **params)
    except (TypeError, ValueError, ArithmeticError) as e:
        values = {"kind": kind, "params": str(dict(params)), "problem": str(e)}
        raise ConfigError("deepspeed", Note("deepspeed.rejects", values)) from None


_IMPORTING = threading.Lock()


def lr_schedules_module():
    """`deepspeed.runtime.lr_schedules`, imported once without a trace outside it: only schedules
    are evaluated, so the CPU accelerator is asked for (detecting one prints a warning) through
    `DS_ACCELERATOR` for the import only, and DeepSpeed's logger, which writes to the standard output
    it finds at import, is given standard error (standard output carries data only)."""
    if "deepspeed.runtime.lr_schedules" in sys.modules:
        return sys.modules["deepspeed.runtime.lr_schedules"]
    with _IMPORTING, _environment("DS_ACCELERATOR", "cpu"), contextlib.redirect_stdout(sys.stderr):
        from deepspeed.runtime import lr_schedules
    return lr_schedules


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` (unless already set) inside the block, as it was after."""
    before = os.environ.get(name)
    if before is None:
        os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
