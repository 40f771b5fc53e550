"""HF trainer_state.json (Trainer, TRL and subclasses) and JSON Lines logs, and the JSON files
refused as logs (a single value, a list, JSON cut off or nested too deeply to read)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import NoReturn

import numpy as np
import pandas as pd

from ..messages import Note, english
from ._tables import STEP_COLUMNS, LogError
from .formats import TOO_DEEP, File, Format, refuse, register

english(
    {
        "log.json_value": "{name} is a single JSON value, not a training log",
        "log.json_invalid": "{name} is not valid JSON ({problem}): is the file cut off?",
        "log.json_list": "{name} is a JSON list, not a training log (expected trainer_state.json or JSON Lines)",
        "log.nested": "the JSON is nested too deeply to read",
        "log.json_not_object": "{name} is JSON but not an object",
        "log.no_history": "{name} is JSON without a log_history list: not a trainer_state.json",
        "log.line_json": "{name} line {line} is not valid JSON",
        "log.line_object": "{name} line {line} is not a JSON object",
        "log.no_step_key": "{name}: no line has a step key (one of {names})",
    }
)

# trainer_state.json's top-level facts, under TrainingArguments' names where they differ
STATE_FACTS = {
    "max_steps": "max_steps",
    "num_train_epochs": "num_train_epochs",
    "logging_steps": "logging_steps",
    "eval_steps": "eval_steps",
    "save_steps": "save_steps",
    "train_batch_size": "train_batch_size",
    "global_step": "global_step",
}
_NOT_METRICS = {"step", "epoch"}


_NUMBER = (int, float)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_json(data: object, run: str, name: str) -> tuple[pd.DataFrame, dict]:
    """A parsed trainer_state.json: its log_history entries and its facts."""
    if not isinstance(data, dict):
        raise LogError(Note("log.json_not_object", {"name": name}))
    history = data.get("log_history")
    if not isinstance(history, list):
        raise LogError(Note("log.no_history", {"name": name}))
    steps, metrics, values, epochs = [], [], [], []
    for entry in history:
        # type() rather than isinstance: JSON numbers are exactly int or float, and bool is not one
        if type(entry) is not dict or type(step := entry.get("step")) not in _NUMBER:
            continue
        epoch = entry.get("epoch")
        epoch = epoch if type(epoch) in _NUMBER else math.nan
        for key, value in entry.items():
            # the end-of-run summary (train_loss, train_runtime, ...) is set aside by names.canonical
            if type(value) in _NUMBER and key not in _NOT_METRICS:
                steps.append(step)
                metrics.append(key)
                values.append(value)
                epochs.append(epoch)
    facts = {fact: data[key] for key, fact in STATE_FACTS.items() if is_number(data.get(key))}
    return long_frame(run, steps, metrics, values, epochs), facts


def _floats(numbers) -> np.ndarray:
    try:
        return np.array(numbers, dtype=float)
    except OverflowError:  # an integer beyond float range: infinite, counted as non-finite later
        return np.array([n if abs(n) < 1e308 else math.inf if n > 0 else -math.inf for n in numbers], dtype=float)


def json_lines(text: str, name: str) -> Iterator[dict]:
    """Each non-empty line of `text` as a JSON object; `LogError` naming the first line that is not one."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise LogError(Note("log.line_json", {"name": name, "line": number})) from None
        if not isinstance(entry, dict):
            raise LogError(Note("log.line_object", {"name": name, "line": number}))
        yield entry


def read_jsonl(text: str, run: str, name: str) -> tuple[pd.DataFrame, dict]:
    rows = []
    step_key = None
    for entry in json_lines(text, name):
        if step_key is None:
            step_key = next((k for k in STEP_COLUMNS if is_number(entry.get(k))), None)
        if step_key is None or not is_number(entry.get(step_key)):
            continue
        epoch = entry.get("epoch") if is_number(entry.get("epoch")) else math.nan
        wall = next(
            (entry[k] for k in ("wall_time", "_timestamp", "timestamp", "time") if is_number(entry.get(k))), math.nan
        )
        for key, value in entry.items():
            if key in (step_key, "epoch", "wall_time", "_timestamp", "timestamp", "time", "_runtime"):
                continue
            if is_number(value):
                rows.append((entry[step_key], key, value, epoch, wall))
    if step_key is None:
        raise LogError(Note("log.no_step_key", {"name": name, "names": ", ".join(STEP_COLUMNS)}))
    steps, metrics, values, epochs, walls = zip(*rows, strict=True) if rows else ((),) * 5
    return long_frame(run, steps, metrics, values, epochs, walls), {}


def long_frame(run: str, steps, metrics, values, epochs, walls=None) -> pd.DataFrame:
    """The long table from parallel columns (no per-row tuples: a 200k-entry state stays quick)."""
    columns = {
        "run": pd.Categorical([run] * len(steps)),
        "step": _floats(steps),
        "metric": pd.Categorical(metrics),
        "value": _floats(values),
        "epoch": _floats(epochs),
    }
    if walls is not None:
        columns["wall_time"] = _floats(walls)
    return pd.DataFrame(columns)


# -- the formats. A text starting with "{" is a trainer_state.json when it is one JSON value, else
# JSON Lines, unless it is one line or named .json: then it is one JSON value cut off.

_SCALAR_START = '0123456789-"tfn'  # how a JSON value that is neither an object nor a list starts


def _too_deep(file: File) -> NoReturn:
    raise LogError(Note("log.nested"))


def _cut_off(file: File) -> bool:
    return (
        file.head == "{"
        and file.json_error is not None
        and (file.name.lower().endswith(".json") or "\n" not in file.stripped.rstrip())
    )


def _invalid(file: File) -> NoReturn:
    raise LogError(Note("log.json_invalid", {"name": file.name, "problem": file.json_error}))


register(
    Format(
        "json_nested",
        priority=40,
        recognises=lambda file: file.head in ("{", "[") and file.json_error == TOO_DEEP,
        read=_too_deep,
    )
)
register(
    Format(
        "trainer_state",
        priority=50,
        recognises=lambda file: file.head == "{" and file.json_error is None,
        read=lambda file: read_json(file.json_value, file.run, file.name),
    )
)
register(
    Format(
        "json_value",
        priority=60,
        recognises=lambda file: file.head != "" and file.head in _SCALAR_START and file.json_error is None,
        read=refuse("log.json_value"),
    )
)
register(Format("json_invalid", priority=70, recognises=_cut_off, read=_invalid))
register(
    Format(
        "jsonl",
        priority=80,
        recognises=lambda file: file.head == "{",
        read=lambda file: read_jsonl(file.text, file.run, file.name),
    )
)
register(Format("json_list", priority=90, recognises=lambda file: file.head == "[", read=refuse("log.json_list")))
