"""Training logs -> one tidy long table: `run, step, metric, value, epoch, wall_time`.

`read_log(data, name)` detects the format from the content (the name only breaks ties): HF
`trainer_state.json`, CSV/TSV (TensorBoard's and W&B's exports included), JSON Lines,
TensorBoard event files, and gzip-compressed versions of the text formats. Pickles
(`training_args.bin`) are refused: unpickling runs code. Every problem is a `LogError`.
"""

from __future__ import annotations

import codecs
import json
import zlib
from dataclasses import dataclass, field

import pandas as pd

from ..errors import reading
from ..messages import Note
from ..parse import looks_like_pickle
from ._tables import COLUMNS, STEP_COLUMNS, LogError, empty_table, tidy
from .delimited import read_delimited
from .jsonish import read_json, read_jsonl
from .names import canonical, metric_name, training_loss
from .series import Series, is_learning_rate, learning_rate_metric, runs, series, stepping_metrics

MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024
_JSON_START = '{[0123456789-"tfn'  # how a JSON value can start

__all__ = [
    "COLUMNS",
    "STEP_COLUMNS",
    "Log",
    "LogError",
    "Series",
    "is_learning_rate",
    "learning_rate_metric",
    "metric_name",
    "read_log",
    "runs",
    "series",
    "stepping_metrics",
    "training_loss",
]


@dataclass(frozen=True)
class Log:
    """A read log: the tidy table, what was dropped or replaced, and run facts it recorded.

    `facts` holds TrainingArguments-named values the log states (`max_steps`,
    `num_train_epochs`, `logging_steps`, `train_batch_size`, ...). A CSV/TSV whose step column
    could be one of several names them in `step_columns` and the one read in `step_column`.
    Metrics go by trainer_state's names whatever the format (see `names`); Trainer's end-of-run
    summary (`train_loss`, `train_runtime`, ...) is in `summary` (run -> name -> value), not a metric.
    """

    name: str
    format: str
    table: pd.DataFrame
    replaced: int = 0
    non_finite: int = 0
    facts: dict[str, object] = field(default_factory=dict)
    step_column: str | None = None
    step_columns: tuple[str, ...] = ()
    summary: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        return sorted(self.table["metric"].unique())

    @property
    def settings(self) -> dict[str, object]:
        """The schedule settings the log records, under TrainingArguments' names: `max_steps`,
        `num_train_epochs`, and `per_device_train_batch_size` (trainer_state's `train_batch_size`,
        which is per process; it is multiplied by the GPU count only under DataParallel)."""
        names = {"max_steps": "max_steps", "num_train_epochs": "num_train_epochs"}
        names["train_batch_size"] = "per_device_train_batch_size"
        return {names[k]: v for k, v in self.facts.items() if k in names and v and v > 0}


def read_log(data: bytes, name: str, step_column: str | None = None) -> Log:
    """Read one log file's bytes. `name` becomes the run name unless the file names its runs.

    `step_column` picks a CSV/TSV's step column when the reader cannot tell (see
    `LogError.step_columns` and the `step_columns` fact). A `LogError`'s `name` is `name`."""
    with reading(name):
        return _read_log(data, name, step_column)


def _read_log(data: bytes, name: str, step_column: str | None) -> Log:
    if not data:
        raise LogError(Note("log.empty", {"name": name}))
    if data[:2] == b"\x1f\x8b":
        return _read_log(_gunzip(data, name), name.removesuffix(".gz"), step_column)
    if looks_like_pickle(data, name):
        raise LogError(Note("log.pickle", {"name": name}))
    run = _run_name(name)
    if _is_event_file(data, name):
        from .tensorboard import read_events  # the only module that imports tensorboard

        fmt, (frame, facts) = "tensorboard", read_events(data, run)
    elif (table := _ascii_table(data)) is not None:
        fmt, (frame, facts) = "csv", read_delimited(table, run, name, step_column)
    else:
        text = _decode(data, name)
        stripped = text.lstrip()
        value, json_error = _parse_json(stripped) if stripped[:1] in _JSON_START else (None, "not JSON")
        if stripped.startswith("{") and json_error is None:
            fmt, (frame, facts) = "trainer_state", read_json(value, run, name)
        elif json_error is None and not stripped.startswith("["):
            raise LogError(Note("log.json_value", {"name": name}))
        elif stripped.startswith("{") and (name.lower().endswith(".json") or "\n" not in stripped.rstrip()):
            raise LogError(Note("log.json_invalid", {"name": name, "problem": json_error}))
        elif stripped.startswith("{"):
            fmt, (frame, facts) = "jsonl", read_jsonl(text, run, name)
        elif stripped.startswith("["):
            raise LogError(Note("log.json_list", {"name": name}))
        else:
            fmt, (frame, facts) = "csv", read_delimited(text.encode(), run, name, step_column)
    named, summary = canonical(frame)
    if named.empty and not frame.empty:  # only a summary or the epoch (TensorBoard's CSV of train/epoch)
        table, replaced, non_finite = empty_table(), 0, 0
    else:
        table, replaced, non_finite = tidy(named, name)
    step_column, step_columns = facts.pop("step_column", None), facts.pop("step_columns", ())
    return Log(name, fmt, table, replaced, non_finite, facts, step_column, step_columns, summary)


def _gunzip(data: bytes, name: str) -> bytes:
    out = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        result = out.decompress(data, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as e:
        raise LogError(Note("log.gzip", {"name": name, "problem": str(e)})) from None
    if len(result) > MAX_DECOMPRESSED_BYTES:
        raise LogError(Note("log.gzip_bomb", {"name": name, "limit": MAX_DECOMPRESSED_BYTES // 2**20}))
    if not out.eof:
        raise LogError(Note("log.gzip_cut", {"name": name}))
    return result


def _is_event_file(data: bytes, name: str) -> bool:
    # TFRecord framing: an 8-byte little-endian length, then a CRC; the first record is small
    return "tfevents" in name or (
        len(data) > 12 and int.from_bytes(data[:8], "little") < 1024 and b"brain.Event" in data[:200]
    )


def _ascii_table(data: bytes) -> bytes | None:
    """A file's bytes without a UTF-8 BOM, when they are ASCII and cannot start a JSON value:
    a CSV/TSV table whose bytes are its text's UTF-8 already, read without decoding it. None for
    any other file, which `_decode` and `_read_log`'s checks take (as they would this one)."""
    table = data.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in data[:4096] or not table.isascii():
        return None
    start = table[:4096].decode().lstrip()[:1]
    return table if start and start not in _JSON_START else None


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise LogError(Note("log.binary", {"name": name}))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise LogError(Note("log.encoding", {"name": name})) from None


def _parse_json(text: str) -> tuple[object, str | None]:
    """(the value, None) when `text` is one JSON value, else (None, what is wrong with it)."""
    try:
        return json.loads(text), None
    except ValueError as e:
        return None, str(e)
    except RecursionError:
        raise LogError(Note("log.nested")) from None


def _run_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".gz", ".json", ".jsonl", ".csv", ".tsv", ".txt"):
        base = base.removesuffix(suffix)
    return base or "run"
