"""Training logs -> one tidy long table: `run, step, metric, value, epoch, wall_time`.

`read_log(data, name)` detects the format from the content (the name only breaks ties): HF
`trainer_state.json`, CSV/TSV (TensorBoard's and W&B's exports included), JSON Lines,
TensorBoard event files, and gzip-compressed versions of the text formats. Pickles
(`training_args.bin`) are refused: unpickling runs code. Every problem is a `LogError`.

Each format is a record in the table of `formats`, declared and registered by its own module
(`delimited`, `jsonish`, `tensorboard`, `compressed`, `refusals`): a new format is a new module,
imported below, and its words.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import pandas as pd

from ..errors import reading
from ..messages import Note
from . import compressed, delimited, jsonish, llamafactory, refusals, tensorboard  # noqa: F401 (each registers its formats)
from ._tables import COLUMNS, STEP_COLUMNS, LogError, empty_table, tidy
from .formats import File, recognise
from .names import canonical, metric_name, training_loss
from .series import Series, is_learning_rate, learning_rate_metric, runs, series, stepping_metrics

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
    file = File(data, name, step_column, _ascii_table(data))
    fmt = recognise(file)
    if fmt.unwrap is not None:
        return _read_log(*fmt.unwrap(file), step_column)
    frame, facts = fmt.read(file)
    named, summary = canonical(frame)
    if named.empty and not frame.empty:  # only a summary or the epoch (TensorBoard's CSV of train/epoch)
        table, replaced, non_finite = empty_table(), 0, 0
    else:
        table, replaced, non_finite = tidy(named, name)
    step_column, step_columns = facts.pop("step_column", None), facts.pop("step_columns", ())
    return Log(name, fmt.name, table, replaced, non_finite, facts, step_column, step_columns, summary)


def _ascii_table(data: bytes) -> bytes | None:
    """A file's bytes without a UTF-8 BOM, when they are ASCII (and no NUL among the first 4096,
    which makes a file binary): its text's UTF-8 already, recognised and read without decoding it.
    None for any other file, which `File` decodes."""
    table = data.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in data[:4096] or not table.isascii():
        return None
    return table
