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

from . import registry, tools
from .config import FIELD_NAMES, FROM_EPOCHS, ConfigError, derive_max_steps, parse_field, parse_kwargs
from .errors import InputError, reading
from .messages import Note, english
from .parse import looks_like_pickle

MAX_CHARS = 200_000
# other tools' names for our settings (axolotl's), mapped to TrainingArguments'
ALIASES = {
    "lr_scheduler": "lr_scheduler_type",
    "num_epochs": "num_train_epochs",
    "micro_batch_size": "per_device_train_batch_size",
}
ACCEPTED = (*FIELD_NAMES, "warmup_ratio")


english(
    {
        "import.pickle": (
            "{name} looks like a pickle (training_args.bin is one): not read, because unpickling runs code. "
            "Use training_args.json, a YAML config, or paste the TrainingArguments call."
        ),
        "import.not_utf8": "{name} is not UTF-8 text",
        "import.empty": "nothing to read: paste a TrainingArguments(...) call, a dict, JSON or YAML",
        "import.too_long": "the text is {length} characters long; at most {limit} are read",
        "import.unreadable": "not a TrainingArguments call, dict, JSON or YAML ({problem})",
        "import.not_mapping": "not a TrainingArguments call, dict, JSON or YAML mapping of settings",
        "import.nothing_found": "no schedule settings found in this {source}; looked for: {accepted} (and {aliases})",
        "import.not_a_setting": "not a schedule setting",
        "import.already_given": "{name} is already given",
        "import.not_literal": "not a literal value ({source}); nothing is evaluated",
        "import.invalid": "{problem}",
        "import.warmup_wins": "warmup_steps is given and wins",
        "import.no_warmup": "0: no warmup",
        "import.epochs_need_dataset": (
            "max_steps is not given, so Trainer derives it from num_train_epochs: give dataset_size too."
        ),
        "import.deepspeed_file": (
            "a DeepSpeed config ({path}): its scheduler block, if it has one, replaces lr_scheduler_type — "
            "import that file too"
        ),
        "import.kwargs_type": "{name} must be a mapping or JSON text",
        "import.unknown_type": "{name}={value} is not a scheduler type of transformers",
        "import.not_number": "{name}={value} is not a number",
        "import.not_single": "{name}={value} is not a single value",
    }
)
NOT_A_SETTING = Note("import.not_a_setting")


class SettingsError(InputError):
    """Text that cannot be read as settings, with the reason; `name` is the file's ('' when pasted)."""


@dataclass(frozen=True)
class Imported:
    """The settings found (TrainingArguments names, parsed values), what was used under which
    name, and what was ignored and why; the tool whose config it is and its defaults for the
    settings left out."""

    values: dict[str, object]
    used: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, Note] = field(default_factory=dict)
    source: str = ""
    notes: tuple[Note, ...] = ()
    tool: str = tools.TRAINING_ARGUMENTS
    defaults: dict[str, object] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, object]:
        """The settings the tool hands its trainer: the config's values, and the tool's defaults
        for every schedule setting it leaves out (`defaults`)."""
        return {**self.defaults, **self.values}

    def defaults_that_matter(self) -> dict[str, object]:
        """The defaults that shape this schedule: the batch and epoch ones only when the run's
        length comes from the epochs, kwargs only when there are some."""
        epochs = self.settings.get("max_steps") == FROM_EPOCHS
        run_length = ("num_train_epochs", "per_device_train_batch_size", "gradient_accumulation_steps")
        return {
            k: v
            for k, v in self.defaults.items()
            if k not in ("max_steps", "dataloader_drop_last", *(() if epochs else run_length))
            and not (k == "lr_scheduler_kwargs" and not v)
        }


def read_settings(data: bytes | str, name: str = "") -> Imported:
    """Settings from a file's bytes or pasted text. Raises `SettingsError` naming the problem."""
    with reading(name):
        return _read_settings(data, name)


def _read_settings(data: bytes | str, name: str) -> Imported:
    if isinstance(data, bytes):
        if looks_like_pickle(data, name):
            raise SettingsError(Note("import.pickle", {"name": name or "—"}))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SettingsError(Note("import.not_utf8", {"name": name or "—"})) from None
    text = data.strip()
    if not text:
        raise SettingsError(Note("import.empty"))
    if len(text) > MAX_CHARS:
        raise SettingsError(Note("import.too_long", {"length": len(text), "limit": MAX_CHARS}))
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
        raise SettingsError(Note("import.unreadable", {"problem": str(e).splitlines()[0]})) from None
    if not isinstance(value, dict):
        raise SettingsError(Note("import.not_mapping"))
    return value, "YAML"


def _python(text: str) -> tuple[Mapping, str] | None:
    """The keywords of the call that builds the training config in `text` (`TrainingArguments(...)`,
    `SFTConfig(...)`, `dict(...)`), or a dict literal: a tool's own config call first, then the
    call or dict with the most settings, the first of equals; None when `text` is not Python."""
    try:
        tree = ast.parse(text, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    calls = {c for t in tools.tools() for c in t.calls}
    found: list[tuple[tuple[bool, int], Mapping, str]] = []
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
            found.append(((name in calls, _settings_in(out)), out, f"{name}(...)"))
        elif isinstance(node, ast.Dict):
            try:
                value = ast.literal_eval(node)
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                continue
            if isinstance(value, dict):
                found.append(((False, _settings_in(value)), value, "dict"))
    if not found:
        return None
    best = max(found, key=lambda f: f[0])  # max keeps the first of equals
    return best[1], best[2]


def _settings_in(mapping: Mapping) -> int:
    return sum(_name(k) in ACCEPTED for k in mapping)


@dataclass(frozen=True)
class _NotLiteral:
    source: str


def _settings(mapping: Mapping, source: str) -> Imported:
    call = source.removesuffix("(...)") if source.endswith("(...)") else None
    keys = {str(k) for k in mapping} | {str(k) for v in mapping.values() if isinstance(v, dict) for k in v}
    tool = tools.detect(keys, call)
    if not any(_name(k) in ACCEPTED for k in mapping):
        # a config that nests its training settings one level down (e.g. `training: {...}`)
        nested = [v for v in mapping.values() if isinstance(v, dict) and any(_name(k) in ACCEPTED for k in v)]
        if nested:
            mapping = nested[0]
    values: dict[str, object] = {}
    used: dict[str, str] = {}
    ignored: dict[str, Note] = {}
    for key, raw in mapping.items():
        key = str(key)
        name = _name(key)
        if name not in ACCEPTED:
            ignored[key] = NOT_A_SETTING
            continue
        if name in values:
            ignored[key] = Note("import.already_given", {"name": name})
            continue
        if isinstance(raw, _NotLiteral):
            ignored[key] = Note("import.not_literal", {"source": raw.source})
            continue
        try:
            values[name] = _value(name, raw)
        except ConfigError as e:
            ignored[key] = e.note or Note("import.invalid", {"problem": str(e)})
            continue
        used[key] = name
    if not values:
        values = {"source": source, "accepted": ", ".join(ACCEPTED), "aliases": ", ".join(ALIASES)}
        raise SettingsError(Note("import.nothing_found", values))
    if values.get("warmup_ratio") and values.get("warmup_steps"):
        # TrainingArguments before 5.0: warmup_steps > 0 overrides warmup_ratio
        values.pop("warmup_ratio")
        ignored[next(k for k, v in used.items() if v == "warmup_ratio")] = Note("import.warmup_wins")
    elif "warmup_ratio" in values:
        ratio = values.pop("warmup_ratio")
        key = next(k for k, v in used.items() if v == "warmup_ratio")
        if ratio:
            values["warmup_steps"] = ratio
            used[key] = "warmup_steps"
        else:
            del used[key]
            ignored[key] = Note("import.no_warmup")
    values = derive_max_steps(values)
    notes: list[Note] = []
    if "num_train_epochs" in values and "max_steps" not in values:
        # TrainingArguments' max_steps defaults to -1: the run's length comes from the epochs, and
        # from the dataset's size, which the settings do not say
        values["max_steps"] = FROM_EPOCHS
    defaults = {k: v for k, v in tool.defaults().items() if k not in values}
    if values.get("max_steps", defaults.get("max_steps")) == FROM_EPOCHS:
        notes.append(Note("import.epochs_need_dataset"))
    deepspeed = mapping.get("deepspeed")
    if isinstance(deepspeed, str) and deepspeed.strip():
        # TrainingArguments' `deepspeed`: a ds_config whose scheduler block replaces lr_scheduler_type
        ignored["deepspeed"] = Note("import.deepspeed_file", {"path": deepspeed.strip()[:200]})
    return Imported(values, used, ignored, source, tuple(notes), tool.name, defaults)


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
        raise ConfigError(name, Note("import.kwargs_type", {"name": name}))
    if name == "lr_scheduler_type" and isinstance(raw, str):
        value = raw.strip().removeprefix("SchedulerType.").lower()
        if value not in registry.scheduler_names():
            raise ConfigError(name, Note("import.unknown_type", {"name": name, "value": repr(raw)}))
        return value
    if isinstance(raw, bool) and name != "dataloader_drop_last":
        raise ConfigError(name, Note("import.not_number", {"name": name, "value": repr(raw)}))
    if raw is None or isinstance(raw, (list, dict, tuple, set)):
        raise ConfigError(name, Note("import.not_single", {"name": name, "value": repr(raw)[:60]}))
    text = "true" if raw is True else "false" if raw is False else str(raw)
    return parse_field(name, text)
