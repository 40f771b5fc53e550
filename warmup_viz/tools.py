"""The tools people train with, one record each: the defaults of every schedule setting their
configs leave out, their names for TrainingArguments' settings, the keys that tell their configs
apart, and where each fact was read.

TrainingArguments' and TRL's defaults are read from the installed `transformers` and `trl`
(TRL's config classes are TrainingArguments with other defaults); the others come from the
tool's own code at the version recorded in the record (they are too heavy to depend on).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from . import steps, tool_schedulers
from .messages import Note, english

english(
    {
        "tool.kind.bool": "true or false",
        "tool.kind.choice": "one of: {choices}",
        "tool.kind.int": "a whole number from {low} to {high}",
        "tool.kind.int_least": "a whole number of at least {low}",
        "tool.kind.number": "a number from {low} to {high}",
        "tool.kind.number_least": "a number of at least {low}",
    }
)

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


LLAMAFACTORY, AXOLOTL, MS_SWIFT = "llamafactory", "axolotl", "ms-swift"
NAMES = (TRAINING_ARGUMENTS, *TRL_CONFIGS, LLAMAFACTORY, AXOLOTL, MS_SWIFT)
# warmup_steps=-1: the config gives no warmup, and the tool works one out (axolotl: 3 %, at most 100)
TOOL_WARMUP = -1


def trainer_warmup(warmup_steps: float, max_steps: int, total: int) -> int:
    """TrainingArguments.get_warmup_steps: a count truncated, a ratio of max_steps rounded up."""
    return steps.num_warmup_steps(warmup_steps, max_steps)


def trainer_epochs(epochs: float, dataset_size: int, batch: int, accumulation: int, world: int, drop_last: bool) -> int:
    """Trainer's max_steps from epochs: ceil(epochs × updates per epoch)."""
    per_epoch = steps.update_steps_per_epoch(dataset_size, batch, accumulation, world, drop_last)
    return steps.max_steps_from_epochs(epochs, per_epoch)


def axolotl_warmup(warmup_steps: float, max_steps: int, total: int) -> int:
    """axolotl 0.21.0 `_configure_warmup_and_logging` (core/builders/base.py L283-316), with its
    `total_num_steps` `total` known: a ratio truncated (`int(ratio × total)`), no warmup given
    `min(int(0.03 × total), 100)`, a warmup of 1 made 2; what it hands TrainingArguments is then
    resolved as Trainer resolves it."""
    if warmup_steps == TOOL_WARMUP:
        given: float = min(int(0.03 * total), 100)
    elif 0 < warmup_steps < 1:
        given = max(int(warmup_steps * total), 0)
    else:
        given = warmup_steps
    if given == 1:
        given = 2
    return steps.num_warmup_steps(given, max_steps)


def axolotl_epochs(epochs: float, dataset_size: int, batch: int, accumulation: int, world: int, drop_last: bool) -> int:
    """axolotl 0.21.0's `total_num_steps` without sample packing (utils/trainer.py L555-558):
    `ceil(len(train_dataset) × num_epochs / batch_size)`, batch_size = micro_batch_size ×
    gradient_accumulation_steps × world size (utils/config/__init__.py L232-263); it hands
    Trainer that as max_steps."""
    return int(math.ceil(dataset_size * epochs / (batch * accumulation * world)))


@dataclass(frozen=True)
class ToolArg:
    """One of a tool's own training arguments that changes the schedule: its `kind` (bool, float,
    int, choice), bounds or choices, and whether it is built under the type the tool's own
    schedulers take (`scheduler_types.tool_own_type`: axolotl hands rex and one_cycle as cosine)."""

    kind: str
    low: float = 0
    high: float = 10**12
    choices: tuple[str, ...] = ()
    own_type: bool = False  # given, it needs the type the tool builds its own schedulers under

    def accepts(self, value: object) -> bool:
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "choice":
            return value in self.choices
        ok = int if self.kind == "int" else (int, float)
        return (
            not isinstance(value, bool)
            and isinstance(value, ok)
            and math.isfinite(value)
            and self.low <= value <= self.high
        )

    def describe(self) -> Note:
        """What a valid value is, for a message: "true or false", "one of: a, b", "a number from 0 to 1"."""
        if self.kind in ("bool", "choice"):
            return Note(f"tool.kind.{self.kind}", {"choices": ", ".join(self.choices)} if self.kind == "choice" else {})
        kind = "tool.kind.int" if self.kind == "int" else "tool.kind.number"
        if self.high < 10**12:
            return Note(kind, {"low": self.low, "high": self.high})
        return Note(f"{kind}_least", {"low": self.low})


def plain_schedule(mapping: Mapping) -> tuple[dict[str, object], dict[str, str]]:
    """A tool whose schedulers are transformers' own: nothing of its own to read."""
    return {}, {}


def plain_scheduler(*_args) -> None:
    """A tool that builds transformers' scheduler as Trainer does."""
    return None


def plain_kwargs_reader(args: Mapping[str, object], lr_scheduler_type: str) -> str:
    return "transformers"


def plain_builds_own(args: Mapping[str, object], lr_scheduler_type: str) -> bool:
    return False


# axolotl 0.21.0's own training arguments that choose its scheduler (core/training_args_base.py;
# asserted in mixins/scheduler.py: both ratios between 0 and 1); a config's `lr_scheduler: rex`
# or `one_cycle` is handed as lr_scheduler_type cosine with alternate_lr_scheduler_type (base.py L328-335)
AXOLOTL_ARGS: Mapping[str, ToolArg] = {
    "alternate_lr_scheduler_type": ToolArg("choice", choices=("one_cycle", "rex"), own_type=True),
    "lr_quadratic_warmup": ToolArg("bool"),
    "cosine_min_lr_ratio": ToolArg("float", 0, 1),
    "cosine_constant_lr_ratio": ToolArg("float", 0, 1),
    "jagged_restart_steps": ToolArg("int"),
    "jagged_restart_warmup_steps": ToolArg("int"),
    "jagged_restart_anneal_steps": ToolArg("int"),
}


def axolotl_schedule(mapping: Mapping) -> tuple[dict[str, object], dict[str, str]]:
    """axolotl's own scheduler keys as its builder hands them to its TrainingArguments
    (core/builders/base.py L328-335, L710-730; causal.py L195-199, L321-332): `(settings, used)`,
    settings holding `tool_args` (and lr_scheduler_type cosine for `lr_scheduler: rex` or
    `one_cycle`)."""
    args: dict[str, object] = {}
    used: dict[str, str] = {}
    scheduler = mapping.get("lr_scheduler")
    if scheduler in ("one_cycle", "rex"):
        args["alternate_lr_scheduler_type"] = scheduler
        used["lr_scheduler"] = "tool_args"
    for key in AXOLOTL_ARGS:
        if key in mapping and mapping[key] is not None and key != "alternate_lr_scheduler_type":
            args[key] = mapping[key]
            used[key] = "tool_args"
    settings: dict[str, object] = {"tool_args": args} if args else {}
    if "alternate_lr_scheduler_type" in args:
        from .scheduler_types import tool_own_type

        settings["lr_scheduler_type"] = tool_own_type(AXOLOTL)
    return settings, used


def axolotl_defaults(values: Mapping[str, object]) -> dict[str, object]:
    """axolotl 0.21.0 normalize_config (utils/config/__init__.py L232-263): a `batch_size` (the
    global batch) without gradient_accumulation_steps gives `batch_size // micro_batch_size`."""
    batch, micro = values.get("batch_size"), values.get("per_device_train_batch_size", 1)
    if isinstance(batch, int) and isinstance(micro, int) and micro > 0 and batch >= micro:
        return {"gradient_accumulation_steps": batch // micro}
    return {}


@dataclass(frozen=True)
class Tool:
    """One tool: `name` (TrainingArguments, a TRL config class, or a package name), `source`
    (the package and version its facts were read from), `aliases` (its key -> TrainingArguments'
    name), `marks` (keys only its configs have), `calls` (the Python calls that build its
    training config), `recorded_defaults` (where they differ from TrainingArguments'), how it
    resolves the warmup (`warmup(warmup_steps, max_steps, total)`, `total` the run's length as the
    tool counts it) and max_steps from epochs, and `schedule`: what its own scheduler keys mean."""

    name: str
    source: str
    aliases: Mapping[str, str] = field(default_factory=dict)
    marks: frozenset[str] = frozenset()
    calls: tuple[str, ...] = ()
    recorded_defaults: Mapping[str, object] = field(default_factory=dict)
    warmup: Callable[[float, int, int], int] = trainer_warmup
    epochs: Callable[[float, int, int, int, int, bool], int] = trainer_epochs
    required: tuple[str, ...] = ()  # settings it has no default for: a config must give them
    unset_by_zero: tuple[str, ...] = ()  # settings it reads as not given when 0 (`cfg.max_steps or ...`)
    # its own scheduler keys in a config: the settings they give (tool_args), what was used as what
    schedule: Callable[[Mapping], tuple[dict[str, object], dict[str, str]]] = plain_schedule
    # its own training arguments that choose its own scheduler, and what it builds from them
    # (`tool_schedulers`): scheduler(args, type, lr, warmup, run, transformers' λ, OneCycleLR) ->
    # Built or None; kwargs_reader(args, type): who reads lr_scheduler_kwargs
    args: Mapping[str, ToolArg] = field(default_factory=dict)
    scheduler: Callable[..., tool_schedulers.Built | None] = plain_scheduler
    kwargs_reader: Callable[[Mapping[str, object], str], str] = plain_kwargs_reader
    builds_own: Callable[[Mapping[str, object], str], bool] = plain_builds_own
    # its own keys that change the LR of some parameters (not the schedule): key -> what they do (a note key)
    meanings: Mapping[str, str] = field(default_factory=dict)
    # defaults that depend on the config's other values (TrainingArguments-named)
    dependent_defaults: Callable[[Mapping[str, object]], dict[str, object]] | None = None

    @property
    def works_out_warmup(self) -> bool:
        """Whether a config that gives no warmup gets one the tool works out (warmup_steps=-1)."""
        return self.recorded_defaults.get("warmup_steps") == TOOL_WARMUP

    def defaults(self, values: Mapping[str, object] | None = None) -> dict[str, object]:
        """The value of each schedule setting a config of this tool leaves out (TrainingArguments'
        names; max_steps -1: from num_train_epochs, as Trainer does), given the config's `values`."""
        if self.dependent_defaults is not None:
            return {**self._defaults(), **self.dependent_defaults(values or {})}
        return self._defaults()

    def _defaults(self) -> dict[str, object]:
        if self.name == TRAINING_ARGUMENTS or self.name in TRL_CONFIGS:
            return dict(_dataclass_defaults(self.name))
        out = {**_dataclass_defaults(TRAINING_ARGUMENTS), **self.recorded_defaults}
        return {k: v for k, v in out.items() if k not in self.required}


@lru_cache(maxsize=16)
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


@lru_cache(maxsize=16)
def trl_own_keys(name: str) -> frozenset[str]:
    """The fields of a TRL config class that TrainingArguments does not have (its marks)."""
    import trl
    from transformers import GenerationConfig, TrainingArguments

    # TrainingArguments' fields, and generation settings (top_p, temperature): any script's keys
    ours = {f.name for f in dataclasses.fields(TrainingArguments)} | set(GenerationConfig().to_dict())
    return frozenset(f.name for f in dataclasses.fields(getattr(trl, name)) if f.name not in ours)


def trl_tool(name: str) -> Tool:
    import trl

    return Tool(name, f"trl {trl.__version__}", marks=trl_own_keys(name), calls=(name,))


@lru_cache(maxsize=1)
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
# axolotl 0.21.0 schemas/training.py L184 (lr_scheduler "cosine"), L307 (num_epochs 1.0), L117-122
# (micro_batch_size 1); learning_rate has no default there (it is required)
AXOLOTL_DEFAULTS: Mapping[str, object] = {
    "lr_scheduler_type": "cosine",
    "num_train_epochs": 1.0,
    "per_device_train_batch_size": 1,
    "warmup_steps": TOOL_WARMUP,
}
AXOLOTL_TOOL = Tool(
    AXOLOTL,
    "axolotl 0.21.0 (utils/schemas/*.py, core/builders/base.py, utils/trainer.py)",
    aliases={
        "lr_scheduler": "lr_scheduler_type",
        "num_epochs": "num_train_epochs",
        "micro_batch_size": "per_device_train_batch_size",
    },
    marks=frozenset(
        {
            "base_model",
            "micro_batch_size",
            "num_epochs",
            "lr_scheduler",
            "sequence_len",
            "sample_packing",
            "adapter",
            "lora_r",
            "datasets",
            "val_set_size",
            "cosine_min_lr_ratio",
            "lr_quadratic_warmup",
        }
    ),  # fmt: skip
    recorded_defaults=AXOLOTL_DEFAULTS,
    warmup=axolotl_warmup,
    epochs=axolotl_epochs,
    required=("learning_rate",),
    unset_by_zero=(
        "max_steps",
    ),  # core/builders/base.py L770: max_steps = cfg.max_steps or total_num_steps  # schemas/training.py L156: `learning_rate: str | float`, no default
    schedule=axolotl_schedule,
    args=AXOLOTL_ARGS,
    scheduler=tool_schedulers.axolotl,
    kwargs_reader=tool_schedulers.takes_kwargs,
    builds_own=tool_schedulers.axolotl_builds_own,
    # utils/trainer.py calculate_total_num_steps: with packing, an estimate from the packed tokens
    meanings={
        "sample_packing": "import.sample_packing",
        "batch_size": "import.axolotl_batch_size",
        "loraplus_lr_ratio": "import.loraplus",  # mixins/optimizer.py L197-212: PEFT create_loraplus_optimizer
        "loraplus_lr_embedding": "import.loraplus_embedding",
        # older axolotl's restart keys, which 0.21.0's schema no longer has (jagged_restart_* now)
        "relora_steps": "import.relora_renamed",
        "relora_warmup_steps": "import.relora_renamed",
        "relora_anneal_steps": "import.relora_renamed",
    },
    dependent_defaults=axolotl_defaults,
)
LLAMAFACTORY_TOOL = Tool(
    LLAMAFACTORY,
    "llamafactory 0.9.5 (hparams/*.py, train/trainer_utils.py)",
    # its own keys (hparams/finetuning_args.py, data_args.py; not those HF's example scripts share,
    # overwrite_cache, template): TrainingArguments' defaults are
    # kept (Seq2SeqTrainingArguments); warmup_stable_decay's kwargs it fills (the type's record)
    marks=frozenset(
        {
            "stage",
            "finetuning_type",
            "cutoff_len",
            "dataset_dir",
            "val_size",
            "lora_target",
            "loraplus_lr_ratio",
            "pref_beta",
            "plot_loss",
        }
    ),  # fmt: skip
    # train/trainer_utils.py _create_loraplus_optimizer: LoRA B (and 1-D) parameters at learning_rate × ratio
    meanings={"loraplus_lr_ratio": "import.loraplus", "loraplus_lr_embedding": "import.loraplus_embedding"},
)


def swift_defaults(values: Mapping[str, object]) -> dict[str, object]:
    """ms-swift's defaults that depend on other settings. 4.6.0: learning_rate 1e-4, 1e-5 for a full
    fine-tune (arguments/train_args.py L247-249); gradient_accumulation_steps
    max(1, ceil(16 / per_device_train_batch_size / world size)) (L289-292). A 2.x config (its
    `sft_type`, `batch_size`; swift/llm/utils/argument.py of v2.6.1): one epoch (L790), warmup_ratio
    0.05 (L804), the same accumulation rule (L1123)."""
    full = "full" in (values.get("tuner_type"), values.get("train_type"), values.get("sft_type"))
    batch, world = values.get("per_device_train_batch_size", 1), values.get("world_size", 1)
    batch = batch if isinstance(batch, int) and batch > 0 else 1
    world = world if isinstance(world, int) and world > 0 else 1
    out: dict[str, object] = {
        "learning_rate": 1e-5 if full else 1e-4,
        "gradient_accumulation_steps": max(1, math.ceil(16 / batch / world)),
    }
    if "sft_type" in values or "batch_size" in values:  # ms-swift 2.x
        out.update(num_train_epochs=1.0, warmup_steps=0.05)
    return out


MS_SWIFT_TOOL = Tool(
    MS_SWIFT,
    "ms-swift 4.6.0 (arguments/base_args/*.py, arguments/train_args.py)",
    # `batch_size` is ms-swift 2.x's per-device batch size (3.0 renamed it)
    aliases={"batch_size": "per_device_train_batch_size"},
    # keys only its configs have (not model_type, torch_dtype: HF's example scripts use them too)
    marks=frozenset(
        {"tuner_type", "train_type", "sft_type", "swift_version", "lorap_lr_ratio", "split_dataset_ratio"}
    ),  # fmt: skip
    calls=("swift",),
    # base_args L130 (per_device_train_batch_size 1), L148 (lr_scheduler_type 'cosine')
    recorded_defaults={"lr_scheduler_type": "cosine", "per_device_train_batch_size": 1},
    meanings={"lorap_lr_ratio": "import.loraplus"},
    dependent_defaults=swift_defaults,
)
OTHERS: tuple[Tool, ...] = (AXOLOTL_TOOL, LLAMAFACTORY_TOOL, MS_SWIFT_TOOL)


def by_name(name: str) -> Tool:
    """The record of `name` without importing TRL (whose config classes all resolve as
    TrainingArguments do): for a run's arithmetic."""
    for t in OTHERS:
        if t.name == name:
            return t
    return PLAIN


PLAIN = Tool(TRAINING_ARGUMENTS, "transformers")
