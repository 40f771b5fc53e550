"""Settings from what people already have: a `TrainingArguments(...)` call, a dict, JSON or YAML
(HF training_args.json, axolotl, LLaMA-Factory). Parsed safely — `ast` literals, `json`,
`yaml.safe_load`; nothing is evaluated, executed or unpickled.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from . import registry
from .config import FIELD_NAMES, FROM_EPOCHS, ConfigError, parse_field, parse_kwargs
from .errors import InputError, reading
from .parse import looks_like_pickle

MAX_CHARS = 200_000
# other tools' names for our settings (axolotl's), mapped to TrainingArguments'
ALIASES = {
    "lr_scheduler": "lr_scheduler_type",
    "num_epochs": "num_train_epochs",
    "micro_batch_size": "per_device_train_batch_size",
}
ACCEPTED = (*FIELD_NAMES, "warmup_ratio")


class SettingsError(InputError):
    """Text that cannot be read as settings, with the reason; `name` is the file's ('' when pasted)."""


@dataclass(frozen=True)
class Imported:
    """The settings found (TrainingArguments names, parsed values), what was used under which
    name, and what was ignored and why."""

    values: dict[str, object]
    used: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    source: str = ""
    notes: tuple[str, ...] = ()


def read_settings(data: bytes | str, name: str = "") -> Imported:
    """Settings from a file's bytes or pasted text. Raises `SettingsError` naming the problem."""
    with reading(name):
        return _read_settings(data, name)


def _read_settings(data: bytes | str, name: str) -> Imported:
    if isinstance(data, bytes):
        if looks_like_pickle(data, name):
            raise SettingsError(
                f"{name or 'this file'} looks like a pickle (training_args.bin is one): not read, because "
                "unpickling runs code. Use training_args.json, a YAML config, or paste the TrainingArguments call."
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SettingsError(f"{name or 'this file'} is not UTF-8 text") from None
    text = data.strip()
    if not text:
        raise SettingsError("nothing to read: paste a TrainingArguments(...) call, a dict, JSON or YAML")
    if len(text) > MAX_CHARS:
        raise SettingsError(f"the text is {len(text):,} characters long; at most {MAX_CHARS:,} are read")
    mapping, source = _mapping(text)
    return _settings(mapping, source)


def _mapping(text: str) -> tuple[Mapping, str]:
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return value, "JSON"
    except (ValueError, RecursionError):
        pass
    call = _python(text)
    if call is not None:
        return call
    try:
        value = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as e:
        raise SettingsError(f"not a TrainingArguments call, dict, JSON or YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(value, dict):
        raise SettingsError("not a TrainingArguments call, dict, JSON or YAML mapping of settings")
    return value, "YAML"


def _python(text: str) -> tuple[Mapping, str] | None:
    """The keywords of the first call in `text` (`TrainingArguments(...)`, `SFTConfig(...)`,
    `dict(...)`), or a dict literal; None when `text` is not Python."""
    try:
        tree = ast.parse(text, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "call")
            out: dict[str, object] = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue
                try:
                    out[keyword.arg] = ast.literal_eval(keyword.value)
                except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                    out[keyword.arg] = _NotLiteral(ast.unparse(keyword.value)[:60])
            return out, f"{name}(...)"
        if isinstance(node, ast.Dict):
            try:
                value = ast.literal_eval(node)
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                return None
            return (value, "dict") if isinstance(value, dict) else None
    return None


@dataclass(frozen=True)
class _NotLiteral:
    source: str


def _settings(mapping: Mapping, source: str) -> Imported:
    if not any(_name(k) in ACCEPTED for k in mapping):
        # a config that nests its training settings one level down (e.g. `training: {...}`)
        nested = [v for v in mapping.values() if isinstance(v, dict) and any(_name(k) in ACCEPTED for k in v)]
        if nested:
            mapping = nested[0]
    values: dict[str, object] = {}
    used: dict[str, str] = {}
    ignored: dict[str, str] = {}
    for key, raw in mapping.items():
        key = str(key)
        name = _name(key)
        if name not in ACCEPTED:
            ignored[key] = "not a schedule setting"
            continue
        if name in values:
            ignored[key] = f"{name} is already given"
            continue
        if isinstance(raw, _NotLiteral):
            ignored[key] = f"not a literal value ({raw.source}); nothing is evaluated"
            continue
        try:
            values[name] = _value(name, raw)
        except ConfigError as e:
            ignored[key] = str(e)
            continue
        used[key] = name
    if not values:
        raise SettingsError(
            f"no schedule settings found in this {source}; looked for: {', '.join(ACCEPTED)} (and {', '.join(ALIASES)})"
        )
    if values.get("warmup_ratio") and values.get("warmup_steps"):
        # TrainingArguments before 5.0: warmup_steps > 0 overrides warmup_ratio
        values.pop("warmup_ratio")
        ignored[next(k for k, v in used.items() if v == "warmup_ratio")] = "warmup_steps is given and wins"
    elif "warmup_ratio" in values:
        ratio = values.pop("warmup_ratio")
        key = next(k for k, v in used.items() if v == "warmup_ratio")
        if ratio:
            values["warmup_steps"] = ratio
            used[key] = "warmup_steps"
        else:
            del used[key]
            ignored[key] = "0: no warmup"
    notes = ()
    if "num_train_epochs" in values and "max_steps" not in values:
        # TrainingArguments' max_steps defaults to -1: the run's length comes from the epochs
        values["max_steps"] = FROM_EPOCHS
        notes = ("max_steps is not given, so Trainer derives it from num_train_epochs: give dataset_size too.",)
    return Imported(values, used, ignored, source, notes)


def _name(key: object) -> str:
    key = str(key)
    return ALIASES.get(key, key)


def _value(name: str, raw: object) -> object:
    """One setting from a parsed value, checked as a form or link entry is."""
    if name == "lr_scheduler_kwargs":
        if raw is None:
            return {}
        if isinstance(raw, str):
            return parse_kwargs(raw)
        if isinstance(raw, dict):
            return parse_kwargs(json.dumps(raw))
        raise ConfigError(name, f"{name} must be a mapping or JSON text")
    if name == "lr_scheduler_type" and isinstance(raw, str):
        value = raw.strip().removeprefix("SchedulerType.").lower()
        if value not in registry.scheduler_names():
            raise ConfigError(name, f"{name}={raw!r} is not a scheduler type of transformers")
        return value
    if isinstance(raw, bool) and name != "dataloader_drop_last":
        raise ConfigError(name, f"{name}={raw!r} is not a number")
    if raw is None or isinstance(raw, (list, dict, tuple, set)):
        raise ConfigError(name, f"{name}={raw!r} is not a single value")
    text = "true" if raw is True else "false" if raw is False else str(raw)
    return parse_field(name, text)
