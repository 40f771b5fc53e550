"""The tools people train with, one record each: the defaults of every schedule setting their
configs leave out, their names for TrainingArguments' settings, the keys that tell their configs
apart, and where each fact was read.

TrainingArguments' and TRL's defaults are read from the installed `transformers` and `trl`
(TRL's config classes are TrainingArguments with other defaults); the others come from the
tool's own code at the version recorded in the record (they are too heavy to depend on).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

# the settings a tool's defaults are given for (TrainingArguments' names; ScheduleConfig's fields)
SCHEDULE_SETTINGS = (
    "learning_rate",
    "lr_scheduler_type",
    "lr_scheduler_kwargs",
    "warmup_steps",
    "num_train_epochs",
    "max_steps",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "dataloader_drop_last",
)
TRAINING_ARGUMENTS = "TrainingArguments"
# TRL's config classes that are TrainingArguments (their own defaults read from trl)
TRL_CONFIGS = (
    "SFTConfig",
    "DPOConfig",
    "GRPOConfig",
    "KTOConfig",
    "RLOOConfig",
    "RewardConfig",
    "DistillationConfig",
)


@dataclass(frozen=True)
class Tool:
    """One tool: `name` (TrainingArguments, a TRL config class, or a package name), `source`
    (the package and version its facts were read from), `aliases` (its key -> TrainingArguments'
    name), `marks` (keys only its configs have), `calls` (the Python calls that build its
    training config), `meanings` (its own keys a schedule tool should name, with what they do)."""

    name: str
    source: str
    aliases: Mapping[str, str] = field(default_factory=dict)
    marks: frozenset[str] = frozenset()
    calls: tuple[str, ...] = ()
    recorded_defaults: Mapping[str, object] = field(default_factory=dict)

    def defaults(self) -> dict[str, object]:
        """The value of each schedule setting a config of this tool leaves out (TrainingArguments'
        names; max_steps -1: from num_train_epochs, as Trainer does)."""
        if self.name == TRAINING_ARGUMENTS or self.name in TRL_CONFIGS:
            return dict(_dataclass_defaults(self.name))
        return {**_dataclass_defaults(TRAINING_ARGUMENTS), **self.recorded_defaults}


@cache
def _dataclass_defaults(name: str) -> Mapping[str, object]:
    """The defaults of TrainingArguments or a TRL config class, read from the installed package."""
    if name == TRAINING_ARGUMENTS:
        from transformers import TrainingArguments as cls
    else:
        import trl

        cls = getattr(trl, name)
    out: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if f.name not in SCHEDULE_SETTINGS:
            continue
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    if out.get("lr_scheduler_kwargs") is None:
        out["lr_scheduler_kwargs"] = {}
    out["lr_scheduler_type"] = str(getattr(out["lr_scheduler_type"], "value", out["lr_scheduler_type"]))
    return out


@cache
def trl_own_keys(name: str) -> frozenset[str]:
    """The fields of a TRL config class that TrainingArguments does not have (its marks)."""
    import trl
    from transformers import TrainingArguments

    ours = {f.name for f in dataclasses.fields(TrainingArguments)}
    return frozenset(f.name for f in dataclasses.fields(getattr(trl, name)) if f.name not in ours)


def trl_tool(name: str) -> Tool:
    import trl

    return Tool(name, f"trl {trl.__version__}", marks=trl_own_keys(name), calls=(name,))


@cache
def tools() -> tuple[Tool, ...]:
    """Every tool, TrainingArguments first."""
    import transformers

    plain = Tool(
        TRAINING_ARGUMENTS,
        f"transformers {transformers.__version__}",
        calls=(TRAINING_ARGUMENTS, "Seq2SeqTrainingArguments"),
    )
    return (plain, *(trl_tool(name) for name in TRL_CONFIGS), *OTHERS)


def tool(name: str) -> Tool:
    """The tool named `name`; KeyError when there is none."""
    for t in tools():
        if t.name == name:
            return t
    raise KeyError(name)


def names() -> tuple[str, ...]:
    return tuple(t.name for t in tools())


def detect(keys: set[str], call: str | None = None) -> Tool:
    """The tool whose config this is: the one whose call builds it (`SFTConfig(...)`), else the one
    with the most of its own keys among `keys` (TRL's config classes by the fields they add to
    TrainingArguments), else TrainingArguments."""
    every = tools()
    for t in every:
        if call is not None and call in t.calls:
            return t
    scored = [(len(keys & t.marks), -i, t) for i, t in enumerate(every) if keys & t.marks]
    return max(scored, key=lambda x: x[:2])[2] if scored else every[0]


# the tools too heavy to depend on: their facts, from their own code at the version recorded
OTHERS: tuple[Tool, ...] = ()
