"""Settings from what people already have: a `TrainingArguments(...)` call, a dict, JSON or YAML
(HF training_args.json, axolotl, LLaMA-Factory). Parsed safely — `ast` literals, `json`,
`yaml.safe_load`; nothing is evaluated, executed or unpickled.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
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
ALIASES = {key: name for t in tools.OTHERS for key, name in t.aliases.items()}
ACCEPTED = (*(n for n in FIELD_NAMES if n != "tool"), "warmup_ratio")  # the tool is found, not read


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
        "import.required": "{tool} needs {name}, and this config does not give it",
        "import.shell_variable": "{value} is a shell variable: its value is not in the script",
        "import.zero_unset": "{key}=0: {tool} reads 0 as not given",
        "import.axolotl_batch_size": (
            "{key}={value}: {tool}'s global batch; without gradient_accumulation_steps it gives "
            "gradient_accumulation_steps = batch_size // micro_batch_size"
        ),
        "import.nothing_literal": "no setting in {source} is a literal value ({names}); nothing is evaluated",
        "import.sample_packing": (
            "{key}={value}: with packing {tool} counts the run's steps from an estimate of the packed tokens, "
            "which warmup-viz cannot know: give max_steps (the total_num_steps {tool} logs) to draw it exactly"
        ),
        "import.loraplus": (
            "{key}={value}: {tool}'s LoRA+ trains the LoRA B matrices at learning_rate × {value}, in an optimizer "
            "param group of their own; the schedule is the same, and Trainer logs the first group's LR"
        ),
        "import.loraplus_embedding": (
            "{key}={value}: {tool}'s LoRA+ trains the embedding LoRA matrices at this learning rate, in a param "
            "group of their own; the schedule is the same, and Trainer logs the first group's LR"
        ),
        "import.deepspeed_config": (
            "this is a DeepSpeed config (ds_config.json), not training settings: give it as TrainingArguments' "
            "deepspeed (--deepspeed FILE), with the training config beside it"
        ),
        "import.relora_renamed": (
            "{key}={value}: older axolotl's name for its jagged restarts; {tool} 0.21.0 has no such key and reads "
            "jagged_restart_steps, jagged_restart_warmup_steps, jagged_restart_anneal_steps: not drawn"
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


# DeepSpeed's own top-level keys (TrainingArguments has none of them)
_DS_KEYS = ("zero_optimization", "train_micro_batch_size_per_gpu", "train_batch_size", "gradient_clipping")
# DeepSpeed's blocks whose names TrainingArguments uses for a flag (`"fp16": true`): DeepSpeed's only as a block
_DS_BLOCKS = ("fp16", "bf16", "scheduler", "optimizer", "zero_optimization")


def looks_like_ds_config(value: object) -> bool:
    """Whether parsed settings are a DeepSpeed config (ds_config.json) rather than TrainingArguments
    (a dump of them, Firefly's train_args, ms-swift's training_args.json): a `scheduler` or
    `optimizer` block with a `type`, one of DeepSpeed's own top-level keys, or `fp16`/`bf16` as a
    block (in TrainingArguments they are flags)."""
    if not isinstance(value, dict):
        return False
    blocks = [value.get(k) for k in ("scheduler", "optimizer")]
    if any(isinstance(b, dict) and "type" in b for b in blocks) or any(k in value for k in _DS_KEYS):
        return True
    return any(isinstance(value.get(k), dict) for k in _DS_BLOCKS)


class SettingsError(InputError):
    """Text that cannot be read as settings, with the reason; `name` is the file's ('' when pasted)."""


@dataclass(frozen=True)
class Imported:
    """The settings found (TrainingArguments names, parsed values), what was used under which
    name, and what was ignored and why; the tool whose config it is and, for a whole config, its
    defaults for the settings left out."""

    values: dict[str, object]
    used: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, Note] = field(default_factory=dict)
    source: str = ""
    notes: tuple[Note, ...] = ()
    tool: str = tools.TRAINING_ARGUMENTS
    defaults: dict[str, object] = field(default_factory=dict)
    whole: bool = True  # a whole config; False: a few settings alone, which change only those
    tool_values: dict[str, object] = field(default_factory=dict)  # its own keys the defaults read

    @property
    def settings(self) -> dict[str, object]:
        """The settings the tool hands its trainer: the config's values, and the tool's defaults
        for every schedule setting it leaves out (`defaults`; none of its own scheduler arguments)."""
        if not self.whole:
            return self._fragment()
        return {**self.defaults, "tool_args": {}, **self.values, "tool": self.tool}

    def settings_with(self, given: Mapping[str, object]) -> dict[str, object]:
        """`settings` with `given` (parsed values, TrainingArguments-named) over them, and the
        tool's defaults that depend on other settings worked out again from them (ms-swift's
        gradient accumulation from the batch and the world size)."""
        out = {**self.settings, **given}
        if self.whole:
            found = tools.tool(self.tool).defaults({**out, **self.tool_values})
            out.update({k: v for k, v in found.items() if k in self.defaults and k not in given})
        return out

    def _fragment(self) -> dict[str, object]:
        """A few settings alone: only those (and the tool, when they name one)."""
        return {**self.values, **({} if self.tool == tools.TRAINING_ARGUMENTS else {"tool": self.tool})}

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
    if looks_like_ds_config(mapping):
        raise SettingsError(Note("import.deepspeed_config"))
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
        flags = _flags(text)
        if flags is not None:
            return flags
        raise SettingsError(Note("import.unreadable", {"problem": str(e).splitlines()[0]})) from None
    if not isinstance(value, dict) or not any(_name(k) in ACCEPTED for k in value):
        flags = _flags(text)  # a one-line command with `: ` in a quoted value reads as YAML too
        if flags is not None and any(_name(k) in ACCEPTED for k in flags[0]):
            return flags
    if not isinstance(value, dict):
        raise SettingsError(Note("import.not_mapping"))
    return value, "YAML"


# a launcher's process count is the run's world_size
_LAUNCHER_FLAGS = {"num_processes": "world_size", "nproc_per_node": "world_size"}
_ENV_WORLD = ("NPROC_PER_NODE", "WORLD_SIZE")


def _flags(text: str) -> tuple[Mapping, str] | None:
    """The `--name value` (or `--name=value`) pairs of a command line — a shell script that runs
    `swift sft`, `llamafactory-cli train`, `accelerate launch` or `python train.py` — read as
    people write them: `#` comments dropped (not inside quotes), lines joined at a trailing
    backslash (a space after it too); a flag without a value is `true`; a launcher's process
    count (`--num_processes`, `--nproc_per_node`, `NPROC_PER_NODE=`) is world_size. The first of a
    repeated flag counts. The source is named by the command's own words (`swift sft`). None when
    there are no flags."""
    joined = re.sub(r"\\[ \t]*(\n|$)", " ", text)  # a script may end on a backslash
    try:
        tokens = shlex.split(joined, comments=True)
    except ValueError:
        return None
    pairs: dict[str, str] = {}
    command: list[str] = []
    flagged = False
    for i, token in enumerate(tokens):
        if not token.startswith("--") or len(token) < 3:
            name, eq, value = token.partition("=")
            if eq and name in _ENV_WORLD:
                pairs.setdefault("world_size", value)
            elif not flagged and not eq and token.strip() and token not in ("export", "set") and len(command) < 2:
                command.append(os.path.basename(token))
            continue
        flagged = True
        key, eq, value = token[2:].partition("=")
        if not eq:
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            value = following if following and not following.startswith("--") else "true"
        pairs.setdefault(_LAUNCHER_FLAGS.get(key, key), value)
    if not pairs:
        return None
    return pairs, " ".join(command) or "--flags"


def _python(text: str) -> tuple[Mapping, str] | None:
    """The keywords of the call that builds the training config in `text` (`TrainingArguments(...)`,
    `SFTConfig(...)`, `dict(...)`), or a dict literal: a tool's own config call first, then the
    call or dict with the most settings, the first of equals; None when `text` is not Python."""
    try:
        tree = ast.parse(text, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if tree.body and all(isinstance(n, ast.AnnAssign) and n.value is None for n in tree.body):
        return None  # `key: value` lines only: YAML that happens to parse as Python annotations
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
    call = source.removesuffix("(...)") if source.endswith("(...)") else source.split(" ")[0]
    keys = {str(k) for k in mapping} | {str(k) for v in mapping.values() if isinstance(v, dict) for k in v}
    tool = tools.detect(keys, call)
    command = source not in ("JSON", "YAML", "dict") and not source.endswith("(...)")
    whole = (
        command or source.endswith("(...)") or any(tool.aliases.get(str(k), str(k)) not in ACCEPTED for k in mapping)
    )
    if not any(_name(k) in ACCEPTED for k in mapping):
        # a config that nests its training settings one level down (e.g. `training: {...}`)
        nested = [v for v in mapping.values() if isinstance(v, dict) and any(_name(k) in ACCEPTED for k in v)]
        if nested:
            mapping = nested[0]
    values: dict[str, object] = {}
    used: dict[str, str] = {}
    ignored: dict[str, Note] = {}
    own_settings, own_used = tool.schedule(mapping)
    for arg, value in list(own_settings.get("tool_args", {}).items()):
        # YAML 1.1 reads 1e-2 (no dot) as text: a number written as one is one; a value the tool
        # would refuse is said, not taken (the rest of the config still reads)
        value = own_settings["tool_args"][arg] = _number_text(value)
        if not tool.args[arg].accepts(value):
            key = arg if arg in mapping else next(k for k in own_used if k not in tool.args)  # lr_scheduler
            del own_settings["tool_args"][arg]
            own_used.pop(key, None)
            what = {"tool": tool.name, "key": arg, "value": repr(value), "kind": tool.args[arg].describe()}
            ignored[key] = Note("config.tool_arg_kind", what)
    if own_settings.get("tool_args") == {}:
        own_settings.pop("tool_args")
    for key, raw in mapping.items():
        key = str(key)
        name = tool.aliases.get(key, key)
        if key in ignored:  # a tool's own scheduler key already said
            continue
        if key in tool.meanings and raw not in (None, False, 0, ""):  # what a tool's own key changes
            ignored[key] = Note(tool.meanings[key], {"tool": tool.name, "key": key, "value": _shown(raw)})
            continue
        if key in own_used:
            continue
        if name in tool.unset_by_zero and raw == 0:
            ignored[key] = Note("import.zero_unset", {"tool": tool.name, "key": key})
            continue
        if name not in ACCEPTED:
            ignored[key] = NOT_A_SETTING
            continue
        if name in values:
            ignored[key] = Note("import.already_given", {"name": name})
            continue
        if isinstance(raw, _NotLiteral):
            ignored[key] = Note("import.not_literal", {"source": raw.source})
            continue
        if isinstance(raw, str) and raw.startswith("$"):
            ignored[key] = Note("import.shell_variable", {"value": _shown(raw)})
            continue
        try:
            values[name] = _value(name, raw)
        except ConfigError as e:
            ignored[key] = e.note or Note("import.invalid", {"problem": str(e)})
            continue
        used[key] = name
    values.update(own_settings)  # the tool's own keys decide the scheduler where they are given
    used.update(own_used)
    unread = [k for k, why in ignored.items() if why.key in ("import.not_literal", "import.shell_variable")]
    if not values and unread:
        raise SettingsError(Note("import.nothing_literal", {"source": source, "names": ", ".join(unread)}))
    if not values:
        values = {"source": source, "accepted": ", ".join(ACCEPTED), "aliases": ", ".join(ALIASES)}
        raise SettingsError(Note("import.nothing_found", values))
    if "warmup_ratio" in values and values.get("warmup_steps"):
        # TrainingArguments before 5.0: warmup_steps > 0 overrides warmup_ratio
        ratio = values.pop("warmup_ratio")
        key = next(k for k, v in used.items() if v == "warmup_ratio")
        del used[key]
        ignored[key] = Note("import.warmup_wins")
    elif "warmup_ratio" in values:
        ratio = values.pop("warmup_ratio")
        key = next(k for k, v in used.items() if v == "warmup_ratio")
        values["warmup_steps"] = ratio  # 0 too: no warmup (a tool's own default does not apply)
        used[key] = "warmup_steps"
    values = derive_max_steps(values)
    notes: list[Note] = []
    if "num_train_epochs" in values and "max_steps" not in values:
        # TrainingArguments' max_steps defaults to -1: the run's length comes from the epochs, and
        # from the dataset's size, which the settings do not say
        values["max_steps"] = FROM_EPOCHS
    # a whole config (a call, a command line, or settings among a tool's other keys: model, data,
    # output_dir) is what its tool runs: what it leaves out takes the tool's defaults; a few
    # settings alone change only those
    defaults: dict[str, object] = {}
    if whole:
        # a setting the config gives, even one that could not be read, is not the tool's default
        given = {tool.aliases.get(str(k), str(k)) for k in mapping}
        given |= {"warmup_steps"} if "warmup_ratio" in given else set()
        found = tool.defaults({**values, **_tool_values(mapping)}).items()
        defaults = {k: v for k, v in found if k not in values and k not in given}
        notes += [Note("import.required", {"name": n, "tool": tool.name}) for n in tool.required if n not in values]
    if values.get("max_steps", defaults.get("max_steps")) == FROM_EPOCHS:
        notes.append(Note("import.epochs_need_dataset"))
    deepspeed = mapping.get("deepspeed")
    if isinstance(deepspeed, str) and deepspeed.strip():
        # TrainingArguments' `deepspeed`: a ds_config whose scheduler block replaces lr_scheduler_type
        ignored["deepspeed"] = Note("import.deepspeed_file", {"path": deepspeed.strip()[:200]})
    return Imported(values, used, ignored, source, tuple(notes), tool.name, defaults, whole, _tool_values(mapping))


def _number_text(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value):
        return float(value)
    return value


def _tool_values(mapping: Mapping) -> dict[str, object]:
    """The config's own values a tool's defaults may depend on (ms-swift's tuner_type)."""
    return {k: v for k, v in mapping.items() if k in ("tuner_type", "train_type", "sft_type", "batch_size")}


def _shown(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:40] + "…"


def _name(key: object) -> str:
    key = str(key)
    return ALIASES.get(key, key)


def _value(name: str, raw: object) -> object:
    """One setting from a parsed value, checked as a form or link entry is."""
    if name in ("lr_scheduler_kwargs", "tool_args"):
        if raw is None:
            return {}
        if isinstance(raw, str):
            return parse_kwargs(raw, name)
        if isinstance(raw, dict):
            # YAML 1.1 reads 1e-6 (no dot) as text: a kwarg written as a number is one
            return parse_kwargs(json.dumps({k: _number_text(v) for k, v in raw.items()}), name)
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
