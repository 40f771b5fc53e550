"""CSV/TSV logs: a step column and metric columns, including TensorBoard's scalar export
(`Wall time,Step,Value`, in a file named `run-<run>-tag-<tag>.csv`) and W&B's export (`Step`,
`<run> - <metric>`, `...__MIN`, `...__MAX`). Metric names are mapped by `names.canonical` afterwards."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from ..messages import Note
from ._tables import STEP_COLUMNS, LogError, floats
from .names import download_tag

MAX_COLUMNS = 10_000


def read_delimited(text: str, run: str, name: str, step_column: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The table's metric columns against its step column. Facts: `step_column` (the one used)
    and `step_columns` (every candidate, when more than one could be the step)."""
    frame = _parse(text, name)
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


def _parse(text: str, name: str) -> pd.DataFrame:
    """The table as read by pandas, its column names as strings."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if len(first) > 1_000_000 or first.count(",") > MAX_COLUMNS or first.count("\t") > MAX_COLUMNS:
        raise LogError(Note("log.columns", {"name": name, "limit": MAX_COLUMNS}))
    sep = "\t" if first.count("\t") > first.count(",") else ","
    try:
        # only an empty cell is missing; a written "nan" is a logged NaN, counted as such
        frame = pd.read_csv(
            io.BytesIO(text.encode()), sep=sep, engine="c", on_bad_lines="error", keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as e:
        raise LogError(Note("log.csv", {"name": name, "problem": str(e).splitlines()[0][:120]})) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame


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
    step_values = floats(frame[step])
    epochs = _numbers(frame["epoch"])[0] if "epoch" in columns else np.full(len(frame), np.nan)
    runs, metrics, parts = [], [], []
    for column in columns:
        if column == step or column.endswith(("__MIN", "__MAX")) or column in ("epoch", "Wall time", "wall_time"):
            continue
        numbers, present = _numbers(frame[column])
        if not present.any():
            continue
        column_run, metric = column.split(" - ", 1) if " - " in column else (run, column)
        runs.append(column_run)
        metrics.append(metric)
        parts.append((numbers[present], step_values[present], epochs[present]))
    if not parts:
        raise LogError(Note("log.no_metric", {"name": name, "step": repr(step)}))
    # one long table built from arrays (no per-row strings): each metric column's rows in turn
    counts = [len(values) for values, _, _ in parts]
    out = pd.DataFrame(
        {
            "run": pd.Categorical.from_codes(np.repeat(_codes(runs), counts), categories=list(dict.fromkeys(runs))),
            "step": np.concatenate([s for _, s, _ in parts]),
            "metric": pd.Categorical.from_codes(
                np.repeat(_codes(metrics), counts), categories=list(dict.fromkeys(metrics))
            ),
            "value": np.concatenate([v for v, _, _ in parts]),
            "epoch": np.concatenate([e for _, _, e in parts]),
        }
    )
    return out


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
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return np.array([index[name] for name in names], dtype=np.int32)


def _step_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that could hold the step: those named like one (in STEP_COLUMNS' order), then any
    other column of whole numbers that never decreases."""
    named = sorted((c for c in frame.columns if c.lower() in STEP_COLUMNS), key=lambda c: STEP_COLUMNS.index(c.lower()))
    others = []
    for column in frame.columns:
        if column in named or column in ("epoch", "Wall time", "wall_time"):
            continue
        values = pd.Series(floats(frame[column])).dropna()
        if len(values) > 1 and (values % 1 == 0).all() and values.is_monotonic_increasing and values.iloc[-1] > 0:
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
