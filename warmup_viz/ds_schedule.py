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

import copy
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .config import EXPORT_STEPS_LIMIT, ScheduleConfig
from .errors import ConfigError, InputError, UsageError
from .logged import logged_lrs

SCHEDULERS = ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest")
MAX_CONFIG_BYTES = 2**20
AUTO = "auto"


def read_ds_config(data: bytes, name: str) -> dict[str, object]:
    """A ds_config's JSON text -> its object; `InputError` naming `name` when it is not one."""
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(f"{name} is larger than {MAX_CONFIG_BYTES // 1024} KB; not read as a DeepSpeed config", name)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InputError(f"{name} is not a JSON DeepSpeed config ({e})", name) from None
    if not isinstance(value, dict):
        raise InputError(f"{name} must hold a JSON object (a DeepSpeed config), not {type(value).__name__}", name)
    return value


_DS_KEYS = (
    "zero_optimization",
    "train_micro_batch_size_per_gpu",
    "train_batch_size",
    "gradient_clipping",
    "fp16",
    "bf16",
)


def looks_like_ds_config(value: object) -> bool:
    """Whether parsed settings are a DeepSpeed config (ds_config.json) rather than TrainingArguments:
    a `scheduler` or `optimizer` block with a `type`, or DeepSpeed's own top-level keys."""
    if not isinstance(value, dict):
        return False
    blocks = [value.get(k) for k in ("scheduler", "optimizer")]
    return any(isinstance(b, dict) and "type" in b for b in blocks) or any(k in value for k in _DS_KEYS)


@dataclass(frozen=True)
class DeepSpeedRun:
    """A Trainer run under a ds_config. `scheduler` is DeepSpeed's scheduler type, or None when
    `lr_scheduler_type` runs; `params` are its params as DeepSpeed receives them; `filled` maps
    each `"auto"` key (`scheduler.params.warmup_num_steps`) to the value transformers gave it.
    `engine_steps_it` is False only with neither a scheduler nor an optimizer block."""

    config: ScheduleConfig
    scheduler: str | None
    params: Mapping[str, object] = field(default_factory=dict)
    filled: Mapping[str, object] = field(default_factory=dict)
    engine_steps_it: bool = True

    @property
    def logging_convention(self) -> str:
        """`logged.py`'s convention of the log: `"before_4.51"` when the engine steps the
        scheduler (before Trainer reads the LR), `"since_4.51"` when Trainer does."""
        return "before_4.51" if self.engine_steps_it else "since_4.51"

    @property
    def replaces_lr_scheduler_type(self) -> bool:
        return self.scheduler is not None

    def lrs(self, steps: Iterable[int]) -> list[float]:
        """What Trainer logs at each of `steps` (1-based)."""
        steps = list(steps)
        if self.scheduler is None:
            return logged_lrs(self.config, steps, self.logging_convention)
        scheduler = _deepspeed_scheduler(self.scheduler, self.params, self.config.learning_rate)
        out = []
        for s in steps:
            # every DeepSpeed scheduler's get_lr() is a function of last_batch_iteration alone,
            # so setting it gives the same float as stepping s times (a test checks this)
            scheduler.last_batch_iteration = s - 1
            out.append(scheduler.get_lr()[0])
        return out

    def table(self) -> tuple[range, list[float]]:
        """Every step `1..max_steps` and what Trainer logs there (capped at `EXPORT_STEPS_LIMIT`)."""
        n = self.config.total_steps
        if n > EXPORT_STEPS_LIMIT:
            raise ConfigError(
                "max_steps", f"max_steps={n} is too many to export step by step (at most {EXPORT_STEPS_LIMIT:,})"
            )
        return range(1, n + 1), self.lrs(range(1, n + 1))


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
        raise ConfigError(
            blame,
            "transformers refuses DeepSpeed config values that mismatch TrainingArguments values:\n"
            f"{listed}\nSet them to 'auto' in the DeepSpeed config, or change the settings to match.",
        )
    block = ds.get("scheduler")
    if block is None:
        if config.info.metric_driven:
            raise UsageError(f"{config.lr_scheduler_type} under DeepSpeed is not computed here: it follows a metric")
        return DeepSpeedRun(config, None, engine_steps_it="optimizer" in ds)
    return _scheduler_run(config, block, filled, name)


def _scheduler_run(config: ScheduleConfig, block: object, filled: dict, name: str) -> DeepSpeedRun:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind not in SCHEDULERS:
        raise InputError(
            f"{name}: scheduler type {kind!r} is not one of DeepSpeed's schedulers warmup-viz computes "
            f"({', '.join(SCHEDULERS)})",
            name,
        )
    params = block.get("params", {})
    if not isinstance(params, dict):
        raise InputError(f"{name}: scheduler.params must be a JSON object", name)
    left = [k for k, v in params.items() if v == AUTO]
    if left:
        raise InputError(
            f"{name}: scheduler.params {', '.join(left)} cannot be 'auto': transformers fills only "
            "warmup_min_lr, warmup_max_lr, warmup_num_steps and total_num_steps",
            name,
        )
    run = DeepSpeedRun(config, kind, MappingProxyType(params), MappingProxyType(filled))
    _deepspeed_scheduler(kind, params, config.learning_rate)  # DeepSpeed's own checks, now
    return run


def _deepspeed_scheduler(kind: str, params: Mapping[str, object], learning_rate: float):
    """DeepSpeed's scheduler `kind` built with `params` on a throwaway AdamW whose LR is
    `learning_rate`, as the engine builds it (`scheduler(optimizer, **params)`)."""
    # only schedules are evaluated here: no accelerator is needed, and detecting one prints a warning
    os.environ.setdefault("DS_ACCELERATOR", "cpu")
    import torch
    from deepspeed.runtime import lr_schedules

    # the DeepSpeed optimizer's lr is learning_rate: an explicit other value is refused above
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=learning_rate)
    try:
        return getattr(lr_schedules, kind)(optimizer, **params)
    except (TypeError, ValueError, ArithmeticError) as e:
        raise ConfigError("deepspeed", f"DeepSpeed's {kind} rejects scheduler.params {dict(params)} ({e})") from None
