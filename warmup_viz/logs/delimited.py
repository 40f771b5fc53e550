"""CSV/TSV logs: a step column and metric columns, including TensorBoard's scalar export
(`Wall time,Step,Value`, in a file named `run-<run>-tag-<tag>.csv`) and W&B's export (`Step`,
`<run> - <metric>`, `...__MIN`, `...__MAX`). Metric names are mapped by `names.canonical` afterwards.

A file of numbers only is read by pyarrow's multi-threaded reader, any other by pandas' (see
`_read_numbers`): both give the same table."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from ..messages import Note, english
from ._tables import STEP_COLUMNS, LogError, floats
from .formats import Format, register
from .names import download_tag, metric_name

MAX_COLUMNS = 10_000

english(
    {
        "log.columns": "{name} has more than {limit} columns; not read",
        "log.csv": "{name} is not a readable CSV/TSV table ({problem})",
        "log.no_column": "{name} has no column {column}",
        "log.no_step": "{name} has no column named like a step ({names})",
        "log.no_step_pick": "{name} has no column named like a step ({names}); pick the step column: {candidates}",
        "log.no_metric": "{name} has no numeric metric column besides {step}",
    }
)


def read_delimited(data: bytes, run: str, name: str, step_column: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The table's metric columns against its step column; `data` is the file's text in UTF-8.
    Facts: `step_column` (the one used) and `step_columns` (every candidate, when more than one
    could be the step)."""
    frame = _parse(data, name)
    columns = list(frame.columns)
    candidates = _step_columns(frame)
    step = _choose_step(name, columns, candidates, step_column)
    facts = {"step_column": step, "step_columns": tuple(candidates)} if len(candidates) > 1 else {}
    if set(columns) >= {"Wall time", "Step", "Value"}:  # TensorBoard's scalar export
        run, tag = _tb_download(run)
        out = pd.DataFrame(
            {
                "run": run,
                "step": frame["Step"],
                "metric": download_tag(tag),
                "value": frame["Value"],
                "wall_time": frame["Wall time"],
            }
        )
        return out, {}
    return _long(frame, step, run, name), facts


def _parse(data: bytes, name: str) -> pd.DataFrame:
    """The table (read by pyarrow when it reads it as pandas would, else by pandas), its column
    names as strings."""
    end = data.find(b"\n")
    head = data if end < 0 else data[:end]
    # at most 4 bytes a character: a longer first line has more than 1_000_000 characters
    first = head.decode() if len(head) <= 4_000_000 else None
    if first is None or len(first) > 1_000_000 or first.count(",") > MAX_COLUMNS or first.count("\t") > MAX_COLUMNS:
        raise LogError(Note("log.columns", {"name": name, "limit": MAX_COLUMNS}))
    sep = "\t" if first.count("\t") > first.count(",") else ","
    frame = _read_numbers(data, sep, first, len(head))
    if frame is not None:
        return frame
    try:
        # only an empty cell is missing; a written "nan" is a logged NaN, counted as such
        frame = pd.read_csv(
            io.BytesIO(data), sep=sep, engine="c", on_bad_lines="error", keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as e:
        raise LogError(Note("log.csv", {"name": name, "problem": str(e).splitlines()[0][:120]})) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_numbers(data: bytes, sep: str, first: str, body: int) -> pd.DataFrame | None:
    """The table exactly as `_parse` reads it with pandas, read by pyarrow (several times
    faster), when pyarrow reads it the same way for sure: a header of distinct plain names,
    then at least one row, every cell a finite number or empty. None for any other file, which
    pandas reads (and explains, when it cannot). `body` is where the rows start.

    pyarrow differs elsewhere: it reads "nan" as a number (pandas as text, which is counted as a
    logged NaN), "0x10" as 16 (pandas as text), and refuses rows of too few cells and blank-looking
    lines of spaces (pandas reads them)."""
    names = _plain_header(first, sep)
    if names is None or data.find(b"x", body) >= 0 or data.find(b"X", body) >= 0:
        return None
    try:
        table = arrow_csv.read_csv(
            pa.py_buffer(data),
            parse_options=arrow_csv.ParseOptions(delimiter=sep),
            convert_options=arrow_csv.ConvertOptions(null_values=[""], quoted_strings_can_be_null=True),
        )
    except pa.ArrowException:
        return None
    if table.column_names != names or table.num_rows == 0:
        return None
    columns = {}
    for column_name, column in zip(names, table.columns, strict=True):
        if pa.types.is_null(column.type):  # every cell empty
            columns[column_name] = np.full(table.num_rows, np.nan)
        elif pa.types.is_int64(column.type) or (
            pa.types.is_float64(column.type) and pc.all(pc.is_finite(column), min_count=0).as_py()
        ):
            columns[column_name] = column.to_numpy()  # integers with empty cells become floats, as in pandas
        else:
            return None
    return pd.DataFrame(columns, copy=False)  # arrays of its own: no need to copy them into one block


def _plain_header(first: str, sep: str) -> list[str] | None:
    """The names in a header line, when they are distinct and plain (none empty, none quoted
    but as a whole, as W&B quotes them), so that every reader reads them alike; else None."""
    fields = first.removesuffix("\r").split(sep)
    names = [f[1:-1] if len(f) > 1 and f[0] == f[-1] == '"' else f for f in fields]
    if "" in names or any('"' in n for n in names) or len(set(names)) < len(names):
        return None
    return names


def _choose_step(name: str, columns: list[str], candidates: list[str], step_column: str | None) -> str:
    """The step column: the one asked for, else the first candidate named like a step."""
    if step_column is not None and step_column not in columns:
        raise LogError(Note("log.no_column", {"name": name, "column": repr(step_column)}), tuple(candidates))
    step = step_column or next((c for c in candidates if c.lower() in STEP_COLUMNS), None)
    if step is None:
        values = {"name": name, "names": ", ".join(STEP_COLUMNS), "candidates": ", ".join(candidates)}
        raise LogError(
            Note("log.no_step_pick" if candidates else "log.no_step", values),
            tuple(candidates),
        )
    return step


def _long(frame: pd.DataFrame, step: str, run: str, name: str) -> pd.DataFrame:
    """One row per (metric column, row with a number in it); a W&B column `<run> - <metric>`
    names its run."""
    columns = list(frame.columns)
    # whole numbers stay integers (`tidy` takes them as they are, without a round trip through floats)
    step_values = frame[step].to_numpy() if frame[step].dtype == np.int64 else floats(frame[step])
    epochs = _numbers(frame["epoch"])[0] if "epoch" in columns else None
    runs, metrics, parts = [], [], []
    for column in columns:
        if column == step or column.endswith(("__MIN", "__MAX")) or column in ("epoch", "Wall time", "wall_time"):
            continue
        numbers, present = _numbers(frame[column])
        if not present.any():
            continue
        if present.all():  # the usual case, without copies
            parts.append((numbers, step_values, epochs))
        else:
            parts.append((numbers[present], step_values[present], None if epochs is None else epochs[present]))
        column_run, metric = column.split(" - ", 1) if " - " in column else (run, column)
        runs.append(column_run)
        metrics.append(metric)
    if not parts:
        raise LogError(Note("log.no_metric", {"name": name, "step": repr(step)}))
    # one long table built from arrays (no per-row strings): each metric column's rows in turn,
    # the columns in the order of the names the table ends up with, so that `tidy` finds a one-run
    # table sorted already (stable: which of two columns of one name wins stays the file's order)
    order = sorted(range(len(parts)), key=lambda i: metric_name(metrics[i]))
    counts = [len(parts[i][0]) for i in order]
    return pd.DataFrame(
        {
            "run": pd.Categorical.from_codes(np.repeat(_codes(runs)[order], counts), categories=sorted(set(runs))),
            "step": np.concatenate([parts[i][1] for i in order]),
            "metric": pd.Categorical.from_codes(
                np.repeat(_codes(metrics)[order], counts), categories=sorted(set(metrics))
            ),
            "value": np.concatenate([parts[i][0] for i in order]),
            "epoch": np.full(sum(counts), np.nan) if epochs is None else np.concatenate([parts[i][2] for i in order]),
        },
        copy=False,
    )


def _numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values as floats, which cells hold a number): empty cells and text are not numbers, but a
    written nan/inf is (a logged non-finite value, counted later)."""
    numbers = floats(column)
    present = ~column.isna().to_numpy()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        text = column.astype(str).str.strip().str.lower()
        present &= ~np.isnan(numbers) | text.isin(["nan", "-nan", "+nan"]).to_numpy()
    return numbers, present


def _codes(names: list[str]) -> np.ndarray:
    """Each name's code among the names sorted (the categories `tidy` wants: no recoding there)."""
    index = {name: i for i, name in enumerate(sorted(set(names)))}
    # the type a categorical keeps its codes in, so that its rows' codes are not converted again
    return np.array([index[name] for name in names], dtype=np.int8 if len(index) < 128 else np.int32)


def _step_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that could hold the step: those named like one (in STEP_COLUMNS' order), then any
    other column of whole numbers that never decreases."""
    named = sorted((c for c in frame.columns if c.lower() in STEP_COLUMNS), key=lambda c: STEP_COLUMNS.index(c.lower()))
    others = []
    for column in frame.columns:
        if column in named or column in ("epoch", "Wall time", "wall_time"):
            continue
        values = floats(frame[column])
        if np.isnan(values).any():
            values = values[~np.isnan(values)]
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not a whole number
            whole = len(values) > 1 and values[-1] > 0 and (values[1:] >= values[:-1]).all() and (values % 1 == 0).all()
        if whole:
            others.append(column)
    return named + others


def _tb_download(name: str) -> tuple[str, str]:
    """(run, tag) of a TensorBoard CSV download, which TensorBoard names `run-<run>-tag-<tag>.csv`
    (the browser turns the tag's `/` into `_`); a renamed file is one run whose tag is unknown."""
    if name.startswith("run-") and "-tag-" in name:
        run, tag = name.removeprefix("run-").split("-tag-", 1)
        return run or name, tag or "value"
    if "-tag-" in name:
        return name, name.split("-tag-", 1)[1] or "value"
    return name, "value"


# the last format asked: any text that no other format recognises is read as a table
register(
    Format(
        "csv",
        priority=1000,
        recognises=lambda file: file.is_text,
        read=lambda file: read_delimited(file.utf8, file.run, file.name, file.step_column),
    )
)
