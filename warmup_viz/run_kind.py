"""How a schedule is run beyond its settings: the loop that steps the scheduler (Trainer, or
accelerate's in a loop of one's own) and the optimizer's param groups; by the libraries' own
names, as link parameters and CLI flags, and the runs they make.

    loop=accelerate  num_processes=2  split_batches=true  step_scheduler_with_optimizer=false
    gradient_accumulation_steps=4 (accelerate's)  max_train_steps=1000 (the loop's updates)
    param_groups=[{"name": "lora_A", "lr": 2e-4}, ...]  or  loraplus_lr_ratio=16  loraplus_lr_embedding=1e-6
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from . import groups as groups_
from . import parse
from .config import ScheduleConfig
from .errors import ConfigError
from .groups import ParamGroup
from .loop import Accelerated, Loop
from .messages import Note, english
from .run import Planned, Run

english(
    {
        "run_kind.loop": "loop={value} must be trainer or accelerate",
        "run_kind.not_whole": "{name}={value} must be a whole number of at least 1",
        "run_kind.not_bool": "{name}={value} must be true or false",
        "run_kind.both": "param_groups and loraplus_lr_ratio both give the groups: give one of them",
        "run_kind.embedding_alone": "loraplus_lr_embedding is LoRA+'s: give loraplus_lr_ratio too",
        "run_kind.ratio": "{name}={value} must be a number greater than 0",
        "run_kind.loop_only": "{name} is accelerate's: it needs loop=accelerate",
        "run_kind.tool_loop": (
            "an accelerate loop around {scheduler} is not modelled: accelerate stops stepping a scheduler "
            "with total_steps"
        ),
        "run_kind.tool_groups": (
            "param groups are drawn for a LambdaLR (every transformers type); {scheduler} sets each group's LR "
            "its own way, which warmup-viz does not model"
        ),
    }
)
LOOPS = ("trainer", "accelerate")
KEYS = (
    "loop",
    "num_processes",
    "split_batches",
    "step_scheduler_with_optimizer",
    "gradient_accumulation_steps",
    "max_train_steps",
    "scaled_by_num_processes",
    "param_groups",
    "loraplus_lr_ratio",
    "loraplus_lr_embedding",
)


@dataclass(frozen=True)
class RunKind:
    """A schedule's loop (`loop` "trainer", or "accelerate" with accelerate's settings and the
    updates it runs, `max_train_steps`, None: as many as num_training_steps) and its optimizer's
    param groups (given, or LoRA+'s from its ratio)."""

    loop: Loop | None = None
    max_train_steps: int | None = None
    scaled_by_num_processes: bool = False  # the script passes its step counts × num_processes
    param_groups: tuple[ParamGroup, ...] = ()
    loraplus_lr_ratio: float | None = None
    loraplus_lr_embedding: float | None = None

    def __post_init__(self) -> None:
        if self.param_groups and self.loraplus_lr_ratio is not None:
            raise ConfigError("param_groups", Note("run_kind.both"))
        if self.loraplus_lr_embedding is not None and self.loraplus_lr_ratio is None:
            raise ConfigError("loraplus_lr_embedding", Note("run_kind.embedding_alone"))

    @property
    def plain(self) -> bool:
        return self == RunKind()

    def groups(self, learning_rate: float) -> tuple[ParamGroup, ...]:
        """The optimizer's groups in its order (none: one group at learning_rate)."""
        if self.loraplus_lr_ratio is not None:
            return groups_.loraplus(learning_rate, self.loraplus_lr_ratio, self.loraplus_lr_embedding)
        return self.param_groups

    def run(self, config: ScheduleConfig, base_lr: float | None = None) -> Run:
        """The run of `config` in this loop (the first group's LR unless `base_lr`): the LR each
        update trains with. `ConfigError` for groups under a tool's own scheduler that is no
        LambdaLR (OneCycleLR gives every group one max_lr; RexLR one min_lr)."""
        if base_lr is not None or self.loop is not None:
            from .lr_schedule import build

            built = build(config)
            if built.lr_at is not None and base_lr is not None:
                raise ConfigError("param_groups", Note("run_kind.tool_groups", {"scheduler": built.scheduler}))
            if built.lr_at is not None and self.loop is not None:
                raise ConfigError("loop", Note("run_kind.tool_loop", {"scheduler": built.scheduler}))
        planned = Planned(config, base_lr=base_lr)
        if self.loop is None:
            return planned
        return Accelerated(planned, self.loop, self.updates(config), self.scaled_by_num_processes)

    def updates(self, config: ScheduleConfig) -> int:
        """The optimizer updates the loop runs: max_train_steps, else as many as the schedule
        covers (num_training_steps, over num_processes when the script scaled it)."""
        if self.max_train_steps is not None:
            return self.max_train_steps
        if self.scaled_by_num_processes and self.loop is not None:
            return max(1, config.total_steps // self.loop.per_update)
        return config.total_steps

    def logged_run(self, config: ScheduleConfig) -> Run:
        """What Trainer logs: the first param group's LR."""
        found = self.groups(config.learning_rate)
        return self.run(config, found[0].lr if found else None)

    def group_runs(self, config: ScheduleConfig) -> dict[str, Run]:
        """Each param group's run, by its name (empty without groups)."""
        return groups_.runs(self.groups(config.learning_rate), lambda lr: self.run(config, lr))

    def intended(self, config: ScheduleConfig) -> Run | None:
        """What a loop that steps the scheduler once per update would train with over the same
        updates (None when this loop does, or there is none)."""
        if self.loop is None or self.scaled_by_num_processes or (self.loop.per_update == 1 and self.loop.epoch(1) == 0):
            return None
        found = self.groups(config.learning_rate)
        return Accelerated(Planned(config, base_lr=found[0].lr if found else None), Loop(), self.updates(config))

    def to_params(self) -> dict[str, str]:
        """The link parameters that differ from a plain Trainer run."""
        out: dict[str, str] = {}
        if self.loop is not None:
            out["loop"] = "accelerate"
            default = Loop()
            for name in (
                "num_processes",
                "split_batches",
                "step_scheduler_with_optimizer",
                "gradient_accumulation_steps",
            ):
                value = getattr(self.loop, name)
                if value != getattr(default, name):
                    out[name] = str(value).lower() if isinstance(value, bool) else str(value)
            if self.max_train_steps is not None:
                out["max_train_steps"] = str(self.max_train_steps)
            if self.scaled_by_num_processes:
                out["scaled_by_num_processes"] = "true"
        if self.param_groups:
            out["param_groups"] = json.dumps(
                [{"name": g.name, "lr": g.lr} for g in self.param_groups], separators=(",", ":")
            )
        for name in ("loraplus_lr_ratio", "loraplus_lr_embedding"):
            if getattr(self, name) is not None:
                out[name] = repr(getattr(self, name))
        return out


def from_params(params: Mapping[str, str]) -> RunKind:
    """A RunKind from text by the link's (and the CLI's) names; `ConfigError` naming the first bad one."""
    loop_name = params.get("loop", "trainer").strip()
    if loop_name not in LOOPS:
        raise ConfigError("loop", Note("run_kind.loop", {"value": repr(loop_name)}))
    loop, updates, scaled = None, None, False
    for name in (
        "num_processes",
        "split_batches",
        "step_scheduler_with_optimizer",
        "max_train_steps",
        "scaled_by_num_processes",
    ):
        if loop_name != "accelerate" and name in params:
            raise ConfigError(name, Note("run_kind.loop_only", {"name": name}))
    if loop_name == "accelerate":
        values: dict[str, object] = {}
        for name in ("num_processes", "gradient_accumulation_steps", "max_train_steps"):
            if name in params:
                values[name] = _whole(name, params[name])
        for name in ("split_batches", "step_scheduler_with_optimizer", "scaled_by_num_processes"):
            if name in params:
                values[name] = _bool(name, params[name])
        updates = values.pop("max_train_steps", None)
        scaled = bool(values.pop("scaled_by_num_processes", False))
        loop = Loop(**values)
    found = groups_.parse(params["param_groups"]) if params.get("param_groups", "").strip() else ()
    ratios = {
        n: _positive(n, params[n]) for n in ("loraplus_lr_ratio", "loraplus_lr_embedding") if params.get(n, "").strip()
    }
    return RunKind(loop, updates, scaled if loop is not None else False, found, **ratios)


def _whole(name: str, text: str) -> int:
    try:
        value = parse.count(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(name, Note("run_kind.not_whole", {"name": name, "value": repr(text.strip())[:40]}))
    return value


def _bool(name: str, text: str) -> bool:
    try:
        return parse.boolean(text)
    except ValueError:
        raise ConfigError(name, Note("run_kind.not_bool", {"name": name, "value": repr(text.strip())[:40]})) from None


def _positive(name: str, text: str) -> float:
    try:
        value = parse.number(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ConfigError(name, Note("run_kind.ratio", {"name": name, "value": repr(text.strip())[:40]}))
    return value
