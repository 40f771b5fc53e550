"""The schedule configuration: frozen, validated on construction, in TrainingArguments' names."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import partial
from types import MappingProxyType, UnionType
from typing import TYPE_CHECKING, get_args, get_origin, get_type_hints

from . import parse, scheduler_types, steps, tools
from .errors import ConfigError
from .messages import Note, english

english(
    {
        "config.not_mapping": "{name} must be a mapping of names to values",
        "config.tool_arg_unknown": "{tool} has no training argument {key} that changes the schedule; it has: {accepted}",
        "config.tool_arg_kind": "{tool}'s {key}={value} must be {kind}",
        "config.tool_arg_needs_type": "{tool} builds {key}={value} with lr_scheduler_type={own}, not {type}",
        "config.not_number": "{name}={value} must be a number",
        "config.not_whole": "{name}={value} must be a whole number",
        "config.not_finite": "{name}={value} must be a finite number",
        "config.range": "{name}={value} must be at least {low} and at most {high}",
        "config.range_open": "{name}={value} must be greater than {low} and at most {high}",
        "config.type_not_name": "lr_scheduler_type={value} must be a name",
        "config.unknown_type": "lr_scheduler_type={value} is not one of: {types}",
        "config.max_steps_low": "max_steps={value} must be at least 1, or -1 to derive it from num_train_epochs",
        "config.epochs_too_many": "these epochs give max_steps={total}, more than {limit}",
        "config.needs_dataset": "max_steps=-1 derives it from epochs, which needs dataset_size",
        "config.unknown_tool": "tool={value} is not a tool warmup_viz knows; tools are: {tools}",
        "config.not_bool": "{name}={value} must be true or false",
        "config.no_full_batch": (
            "dataset_size={dataset_size} with dataloader_drop_last leaves no full batch of {batch} "
            "for each of {world} process(es)"
        ),
        "config.kwarg_unknown": "{scheduler} does not take {key}; the kwargs it takes: {accepted}",
        "config.kwarg_missing": "{scheduler} needs {names} in lr_scheduler_kwargs",
        "config.kwarg_both": "{scheduler} takes {options} in lr_scheduler_kwargs (not both)",
        "config.kwarg_neither": "{scheduler} takes {options} in lr_scheduler_kwargs (one is required)",
        "config.kwarg_bool": "{scheduler}'s {kwarg}={value} must be true or false",
        "config.kwarg_str": "{scheduler}'s {kwarg}={value} must be a string",
        "config.kwarg_choice": "{scheduler}'s {kwarg}={value} must be one of: {choices}",
        "config.kwarg_number": "{scheduler}'s {kwarg}={value} must be a finite number",
        "config.kwarg_large": "{scheduler}'s {kwarg}={value} is too large (at most {limit} in size)",
        "config.not_setting": "{name} is not a setting; settings are: {settings}",
        "config.parse_bool": "{name}={value} must be true or false",
        "config.parse_count": "{name}={value} is not a whole number",
        "config.parse_number": "{name}={value} is not a number",
        "config.kwargs_long": "{name} is {length} characters long; at most {limit} are read",
        "config.kwargs_json": "{name} is not valid JSON ({problem})",
        "config.kwargs_object": '{name} must be a JSON object like {{"num_cycles": 2}}, not {text}',
        "config.kwargs_item": "{name}[{key}] must be a number, string, true/false or null",
        "config.ratio_both": "give warmup_steps or the legacy warmup_ratio, not both",
        "config.ratio_range": "warmup_ratio={value} must be at least 0 and below 1",
        "config.export_cap": "max_steps={max_steps} is too many to export step by step (at most {limit})",
    }
)

if TYPE_CHECKING:  # registry reads transformers (and so torch): imported when a config is validated
    from . import registry

# Bounds. Display work does not grow with max_steps, so its cap only keeps step numbers exact in
# floating point; the full per-step table (export) is capped to what fits comfortably in memory.
MAX_STEPS_LIMIT = 10**12
EXPORT_STEPS_LIMIT = 10_000_000
MAX_LEARNING_RATE = 100.0
MAX_EPOCHS = 1_000_000
MAX_COUNT = 10**12
MAX_KWARGS_CHARS = 10_000


def check_exportable(max_steps: int) -> None:
    """The export cap, the one place it is said: a table of every step up to `max_steps` is made
    only up to `EXPORT_STEPS_LIMIT` steps; `ConfigError` on `max_steps` above it."""
    if max_steps > EXPORT_STEPS_LIMIT:
        raise ConfigError("max_steps", Note("config.export_cap", {"max_steps": max_steps, "limit": EXPORT_STEPS_LIMIT}))


# max_steps=-1 means what it means to TrainingArguments: derive it from num_train_epochs.
FROM_EPOCHS = -1


@dataclass(frozen=True)
class ScheduleConfig:
    """A learning-rate schedule as TrainingArguments describes it.

    Defaults are TrainingArguments' (5e-5, linear, no warmup), except `max_steps`: 1000 here, so
    that a schedule exists without a dataset. `max_steps=-1` derives it from `num_train_epochs`,
    `dataset_size` and the batch settings, as Trainer does.
    """

    learning_rate: float = 5e-5
    lr_scheduler_type: str = "linear"
    warmup_steps: float = 0
    max_steps: int = 1000
    lr_scheduler_kwargs: Mapping[str, object] = field(default_factory=dict)
    num_train_epochs: float = 3.0
    dataset_size: int | None = None
    per_device_train_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    world_size: int = 1
    dataloader_drop_last: bool = False
    tool: str = "TrainingArguments"
    # the tool's own training arguments that choose its own scheduler (axolotl's
    # alternate_lr_scheduler_type, cosine_min_lr_ratio, ...), by the tool's names
    tool_args: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("lr_scheduler_kwargs", "tool_args"):
            if not isinstance(getattr(self, name), Mapping):
                raise ConfigError(name, Note("config.not_mapping", {"name": name}))
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        _validate(self)

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    # -- resolved values, as Trainer computes them --------------------------------------------

    @property
    def info(self) -> registry.SchedulerInfo:
        from . import registry

        return registry.info(self.lr_scheduler_type)

    @property
    def update_steps_per_epoch(self) -> int | None:
        """Optimizer updates per epoch, when `dataset_size` is known."""
        if self.dataset_size is None:
            return None
        return steps.update_steps_per_epoch(
            self.dataset_size,
            self.per_device_train_batch_size,
            self.gradient_accumulation_steps,
            self.world_size,
            self.dataloader_drop_last,
        )

    @property
    def total_steps(self) -> int:
        """The resolved `max_steps`: as given, or derived from epochs when `max_steps=-1` (as
        Trainer does, or as the `tool` does before it hands Trainer a max_steps)."""
        if self.max_steps != FROM_EPOCHS:
            return self.max_steps
        return self._tool_steps()

    def _tool_steps(self) -> int:
        assert self.dataset_size is not None
        c = self
        return tools.by_name(c.tool).epochs(
            c.num_train_epochs,
            c.dataset_size,
            c.per_device_train_batch_size,
            c.gradient_accumulation_steps,
            c.world_size,
            c.dataloader_drop_last,
        )

    @property
    def scheduler_kwargs(self) -> Mapping[str, object]:
        """The kwargs the scheduler is built with: `lr_scheduler_kwargs`, and those the `tool`
        fills in itself for this type (LLaMA-Factory's warmup_stable_decay)."""
        from . import scheduler_types

        fill = scheduler_types.of(self.lr_scheduler_type).tool_kwargs.get(self.tool)
        if fill is None:
            return self.lr_scheduler_kwargs
        return fill(dict(self.lr_scheduler_kwargs), self.num_warmup_steps, self.total_steps)

    @property
    def num_warmup_steps(self) -> int:
        """The `num_warmup_steps` Trainer passes to `get_scheduler`, from the warmup the `tool`
        hands it (axolotl works it out over its own count of the run, the shorter of its
        estimate and max_steps)."""
        total = self.total_steps
        if self.max_steps != FROM_EPOCHS and self.dataset_size is not None and self.tool != "TrainingArguments":
            total = min(total, self._tool_steps())
        return tools.by_name(self.tool).warmup(self.warmup_steps, self.total_steps, total)

    @property
    def global_batch_size(self) -> int:
        return steps.global_batch_size(
            self.per_device_train_batch_size, self.gradient_accumulation_steps, self.world_size
        )

    @property
    def uses_epochs(self) -> bool:
        return self.max_steps == FROM_EPOCHS

    def to_dict(self) -> dict[str, object]:
        """All settings as plain values (kwargs as a plain dict)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["lr_scheduler_kwargs"] = dict(self.lr_scheduler_kwargs)
        out["tool_args"] = dict(self.tool_args)
        return out

    def replace(self, **changes: object) -> ScheduleConfig:
        return replace(self, **changes)


# -- validation ---------------------------------------------------------------------------------


def _number(name: str, value: object, *, integer: bool = False) -> None:
    ok = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok):
        key = "config.not_whole" if integer else "config.not_number"
        raise ConfigError(name, Note(key, {"name": name, "value": repr(value)}))
    if not math.isfinite(value):
        raise ConfigError(name, Note("config.not_finite", {"name": name, "value": repr(value)}))


def _in_range(name: str, value: float, low: float, high: float, *, low_open: bool = False) -> None:
    if value < low or (low_open and value == low) or value > high:
        key = "config.range_open" if low_open else "config.range"
        raise ConfigError(name, Note(key, {"name": name, "value": value, "low": low, "high": high}))


def _validate(c: ScheduleConfig) -> None:
    from . import registry

    _number("learning_rate", c.learning_rate)
    _in_range("learning_rate", c.learning_rate, 0, MAX_LEARNING_RATE, low_open=True)
    if not isinstance(c.lr_scheduler_type, str):
        raise ConfigError("lr_scheduler_type", Note("config.type_not_name", {"value": repr(c.lr_scheduler_type)}))
    try:
        info = registry.info(c.lr_scheduler_type)
    except ValueError:
        values = {"value": repr(c.lr_scheduler_type), "types": ", ".join(registry.scheduler_names())}
        raise ConfigError("lr_scheduler_type", Note("config.unknown_type", values)) from None
    if c.tool not in tools.NAMES:
        raise ConfigError("tool", Note("config.unknown_tool", {"value": repr(c.tool), "tools": ", ".join(tools.NAMES)}))
    _number("warmup_steps", c.warmup_steps)
    if not (c.warmup_steps == tools.TOOL_WARMUP and tools.by_name(c.tool).works_out_warmup):
        _in_range("warmup_steps", c.warmup_steps, 0, MAX_STEPS_LIMIT)
    _number("max_steps", c.max_steps, integer=True)
    if c.max_steps != FROM_EPOCHS:
        if c.max_steps < 1:
            raise ConfigError("max_steps", Note("config.max_steps_low", {"value": c.max_steps}))
        _in_range("max_steps", c.max_steps, 1, MAX_STEPS_LIMIT)
    _validate_epochs(c)
    total = c.total_steps
    if total > MAX_STEPS_LIMIT:
        raise ConfigError(
            "num_train_epochs", Note("config.epochs_too_many", {"total": total, "limit": MAX_STEPS_LIMIT})
        )
    # a warmup longer than the run is accepted, as transformers accepts it (the summary warns)
    _validate_tool_args(c)
    reader = tools.by_name(c.tool).kwargs_reader(c.tool_args, c.lr_scheduler_type)
    if reader == "transformers":
        _validate_kwargs(info, c.scheduler_kwargs)
    else:  # a tool's own scheduler reads them (OneCycleLR's arguments) or none does
        _validate_own_kwargs(reader, c.scheduler_kwargs)


def _validate_own_kwargs(reader: str, kwargs: Mapping[str, object]) -> None:
    """lr_scheduler_kwargs under a tool's own scheduler: scalars by name; OneCycleLR's own names
    and kinds where it reads them."""
    from .tool_schedulers import ONE_CYCLE_KWARGS

    name, scheduler = "lr_scheduler_kwargs", "torch OneCycleLR"
    for key, value in kwargs.items():
        if not isinstance(key, str):
            raise ConfigError(name, Note("config.kwargs_item", {"name": name, "key": repr(key)}))
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ConfigError(name, Note("config.kwargs_item", {"name": name, "key": repr(key)}))
        if reader != "one_cycle":
            continue
        kinds = ONE_CYCLE_KWARGS.get(key)
        where = {"scheduler": scheduler, "kwarg": key, "value": repr(value)}
        if kinds is None:
            accepted = ", ".join(ONE_CYCLE_KWARGS)
            raise ConfigError(
                name, Note("config.kwarg_unknown", {"scheduler": scheduler, "key": repr(key), "accepted": accepted})
            )
        if kinds == (bool,) and not isinstance(value, bool):
            raise ConfigError(name, Note("config.kwarg_bool", where))
        if kinds == (float,) and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
        ):
            raise ConfigError(name, Note("config.kwarg_number", where))
        if kinds == (str,) and not isinstance(value, str):
            raise ConfigError(name, Note("config.kwarg_str", where))


def _validate_tool_args(c: ScheduleConfig) -> None:
    """Each of `tool_args` is one of the tool's own schedule arguments, of its kind."""
    specs = tools.by_name(c.tool).args
    for key, value in c.tool_args.items():
        spec = specs.get(key) if isinstance(key, str) else None
        if spec is None:
            values = {"tool": c.tool, "key": repr(key), "accepted": ", ".join(specs) or "none"}
            raise ConfigError("tool_args", Note("config.tool_arg_unknown", values))
        if value is not None and not spec.accepts(value):
            values = {"tool": c.tool, "key": key, "value": repr(value), "kind": spec.describe()}
            raise ConfigError("tool_args", Note("config.tool_arg_kind", values))
        own = scheduler_types.tool_own_type(c.tool)
        if spec.own_type and value not in (None, False) and c.lr_scheduler_type != own:
            values = {"tool": c.tool, "key": key, "value": value, "type": c.lr_scheduler_type, "own": own}
            raise ConfigError("tool_args", Note("config.tool_arg_needs_type", values))


def _validate_epochs(c: ScheduleConfig) -> None:
    if c.dataset_size is None:
        if c.max_steps == FROM_EPOCHS:
            raise ConfigError("dataset_size", Note("config.needs_dataset"))
        return
    _number("num_train_epochs", c.num_train_epochs)
    _in_range("num_train_epochs", c.num_train_epochs, 0, MAX_EPOCHS, low_open=True)
    for name, high in (
        ("dataset_size", MAX_COUNT),
        ("per_device_train_batch_size", 10**7),
        ("gradient_accumulation_steps", 10**6),
        ("world_size", 10**6),
    ):
        _number(name, getattr(c, name), integer=True)
        _in_range(name, getattr(c, name), 1, high)
    if not isinstance(c.dataloader_drop_last, bool):
        value = repr(c.dataloader_drop_last)
        raise ConfigError(
            "dataloader_drop_last", Note("config.not_bool", {"name": "dataloader_drop_last", "value": value})
        )
    if (
        c.dataloader_drop_last
        and steps.batches_per_process(c.dataset_size, c.per_device_train_batch_size, c.world_size, True) == 0
    ):
        values = {"dataset_size": c.dataset_size, "batch": c.per_device_train_batch_size, "world": c.world_size}
        raise ConfigError("dataset_size", Note("config.no_full_batch", values))


def _validate_kwargs(info: registry.SchedulerInfo, kwargs: Mapping[str, object]) -> None:
    name = "lr_scheduler_kwargs"
    accepted = ", ".join(k.name for k in info.kwargs) or "none"
    for key, value in kwargs.items():
        spec = info.kwarg(key) if isinstance(key, str) else None
        if spec is None:
            raise ConfigError(
                name, Note("config.kwarg_unknown", {"scheduler": info.name, "key": repr(key), "accepted": accepted})
            )
        _validate_kwarg(info, spec, value)
    missing = [k for k in info.required if k not in kwargs]
    if missing:
        raise ConfigError(name, Note("config.kwarg_missing", {"scheduler": info.name, "names": ", ".join(missing)}))
    if info.one_of:
        given = [k for k in info.one_of if kwargs.get(k) is not None]
        if len(given) != 1:
            options = " or ".join(info.one_of)
            key = "config.kwarg_both" if given else "config.kwarg_neither"
            raise ConfigError(name, Note(key, {"scheduler": info.name, "options": options}))


def _validate_kwarg(info: registry.SchedulerInfo, spec: registry.KwargSpec, value: object) -> None:
    name = "lr_scheduler_kwargs"
    where = {"scheduler": info.name, "kwarg": spec.name, "value": repr(value)}
    if value is None and spec.default is None:
        return
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(name, Note("config.kwarg_bool", where))
    elif spec.kind == "str":
        if not isinstance(value, str):
            raise ConfigError(name, Note("config.kwarg_str", where))
        if spec.choices and value not in spec.choices:
            raise ConfigError(name, Note("config.kwarg_choice", {**where, "choices": ", ".join(spec.choices)}))
    else:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(name, Note("config.kwarg_number", where))
        if abs(value) > MAX_COUNT:
            raise ConfigError(name, Note("config.kwarg_large", {**where, "limit": float(MAX_COUNT)}))


FIELD_NAMES = tuple(f.name for f in fields(ScheduleConfig))


def __getattr__(name: str) -> object:
    # DEFAULTS (TrainingArguments' defaults) is made on first use: validating it reads the registry,
    # which imports transformers, and importing this module should not
    if name == "DEFAULTS":
        globals()["DEFAULTS"] = value = ScheduleConfig()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Fields only read when max_steps is derived from epochs (or to show steps per epoch).
EPOCH_FIELDS = (
    "num_train_epochs",
    "dataset_size",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "world_size",
    "dataloader_drop_last",
)


# -- text in: links, CLI flags, form fields -----------------------------------------------------


def parse_field(name: str, text: str) -> object:
    """Parse one setting from text (a URL parameter, CLI flag, form field or imported value).

    The kind of each setting comes from `ScheduleConfig`'s field types. Numbers accept
    Python/JSON notation (`3e-4`, `1_000`); whole-number settings also accept thousands
    separators and an integral float (`1,000`, `1e6`); booleans `true/false`, `1/0`, `yes/no`,
    `on/off`. `lr_scheduler_kwargs` is a JSON object. Raises `ConfigError`.
    """
    parser = _PARSERS.get(name)
    if parser is None:
        raise ConfigError(name, Note("config.not_setting", {"name": repr(name), "settings": ", ".join(FIELD_NAMES)}))
    try:
        return parser(text)
    except ConfigError:  # parse_kwargs names its own problem
        raise
    except ValueError:
        key = _PARSE_KEYS.get(parser, "config.parse_number")
        raise ConfigError(name, Note(key, {"name": name, "value": _short(text.strip())})) from None


def _parser_for(annotation: object) -> Callable[[str], object]:
    """The text parser of a field annotated `annotation` (`int | None` parses as `int`)."""
    kind = annotation
    if isinstance(annotation, UnionType):
        (kind,) = (a for a in get_args(annotation) if a is not type(None))
    if kind is bool:
        return parse.boolean
    if kind is int:
        return parse.count
    if kind is float:
        return parse.number
    if kind is str:
        return str.strip
    if get_origin(kind) is Mapping:
        return parse_kwargs
    raise TypeError(f"no text parser for a field of type {annotation!r}")


def parse_kwargs(text: str, name: str = "lr_scheduler_kwargs") -> dict[str, object]:
    """`lr_scheduler_kwargs` (or another mapping setting, `name`: tool_args) from JSON text: an
    object of scalars. Empty text is `{}`."""
    if not text.strip():
        return {}
    if len(text) > MAX_KWARGS_CHARS:
        raise ConfigError(
            name, Note("config.kwargs_long", {"name": name, "length": len(text), "limit": MAX_KWARGS_CHARS})
        )
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ConfigError(name, Note("config.kwargs_json", {"name": name, "problem": _short(str(e))})) from None
    if not isinstance(value, dict):
        raise ConfigError(name, Note("config.kwargs_object", {"name": name, "text": _short(text)}))
    for key, item in value.items():
        if item is not None and not isinstance(item, (bool, int, float, str)):
            raise ConfigError(name, Note("config.kwargs_item", {"name": name, "key": repr(key)}))
    return value


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


_HINTS = get_type_hints(ScheduleConfig)
_PARSERS: dict[str, Callable[[str], object]] = {f.name: _parser_for(_HINTS[f.name]) for f in fields(ScheduleConfig)}
_PARSERS["tool_args"] = partial(parse_kwargs, name="tool_args")
_PARSERS["warmup_ratio"] = parse.number  # the legacy alias of a fractional warmup_steps
_PARSE_KEYS = {
    parse.boolean: "config.parse_bool",
    parse.count: "config.parse_count",
    parse.number: "config.parse_number",
}


def derive_max_steps(values: Mapping[str, object]) -> dict[str, object]:
    """What a set of settings means for the run's length, one rule for links, the CLI and imports:
    settings that give a `dataset_size` and no `max_steps` derive it from the epochs, as
    TrainingArguments' `max_steps=-1` default does. Other settings are returned as they are."""
    out = dict(values)
    if out.get("dataset_size") not in (None, "") and "max_steps" not in out:
        out["max_steps"] = FROM_EPOCHS
    return out


def from_mapping(values: Mapping[str, object]) -> ScheduleConfig:
    """A config from TrainingArguments-named values (text or already parsed), `max_steps`
    derived as `derive_max_steps` says.

    Accepts the legacy `warmup_ratio` as an alias of a fractional `warmup_steps`. Unknown names
    raise `ConfigError`; so does any invalid value.
    """
    parsed: dict[str, object] = {}
    for key, value in derive_max_steps(values).items():
        if key not in FIELD_NAMES and key != "warmup_ratio":
            raise ConfigError(key, Note("config.not_setting", {"name": repr(key), "settings": ", ".join(FIELD_NAMES)}))
        parsed[key] = parse_field(key, value) if isinstance(value, str) else value
    if "warmup_ratio" in parsed:
        ratio = parsed.pop("warmup_ratio")
        _number("warmup_ratio", ratio)
        if parsed.get("warmup_steps", 0) not in (0, None):
            raise ConfigError("warmup_ratio", Note("config.ratio_both"))
        if not 0 <= ratio < 1:
            raise ConfigError("warmup_ratio", Note("config.ratio_range", {"value": repr(ratio)}))
        parsed["warmup_steps"] = ratio
    return ScheduleConfig(**parsed)
