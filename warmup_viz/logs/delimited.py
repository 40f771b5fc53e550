"""CSV/TSV logs: a step column and metric columns, including TensorBoard's scalar export
(`Wall time,Step,Value`) and W&B's export (`Step`, `<run> - <metric>`, `...__MIN`, `...__MAX`)."""

from __future__ import annotations

import csv
import io

import pandas as pd

from ._tables import LogError

STEP_COLUMNS = ("step", "global_step", "_step", "trainer/global_step", "iteration", "iter")
MAX_COLUMNS = 10_000


def read_delimited(text: str, run: str, name: str, step_column: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The table's metric columns against its step column. Facts: `step_column` (the one used)
    and `step_columns` (every candidate, when more than one could be the step)."""
    first = text.split("\n", 1)[0]
    if len(first) > 1_000_000 or first.count(",") > MAX_COLUMNS or first.count("\t") > MAX_COLUMNS:
        raise LogError(f"{name} has more than {MAX_COLUMNS:,} columns; not read")
    sep = "\t" if first.count("\t") > first.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="c", on_bad_lines="error")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as e:
        raise LogError(f"{name} is not a readable CSV/TSV table ({str(e).splitlines()[0][:120]})") from None
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    candidates = _step_columns(frame)
    if step_column is not None and step_column not in columns:
        raise LogError(f"{name} has no column {step_column!r}", tuple(candidates))
    step = step_column or next((c for c in candidates if c.lower() in STEP_COLUMNS), None)
    if step is None:
        raise LogError(
            f"{name} has no column named like a step ({', '.join(STEP_COLUMNS)})"
            + (f"; pick the step column: {', '.join(candidates)}" if candidates else ""),
            tuple(candidates),
        )
    facts = {"step_column": step, "step_columns": tuple(candidates)} if len(candidates) > 1 else {}
    if set(columns) >= {"Wall time", "Step", "Value"}:  # TensorBoard's scalar export
        out = pd.DataFrame(
            {
                "run": run,
                "step": frame["Step"],
                "metric": _tb_metric(run),
                "value": frame["Value"],
                "wall_time": frame["Wall time"],
            }
        )
        return out, {}
    parts = []
    for column in columns:
        if column == step or column.endswith(("__MIN", "__MAX")) or column in ("epoch", "Wall time", "wall_time"):
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().sum() == 0:
            continue
        column_run, metric = column.split(" - ", 1) if " - " in column else (run, column)
        part = pd.DataFrame({"run": column_run, "step": frame[step], "metric": metric, "value": values})
        if "epoch" in columns:
            part["epoch"] = pd.to_numeric(frame["epoch"], errors="coerce")
        parts.append(part[values.notna()])
    if not parts:
        raise LogError(f"{name} has no numeric metric column besides {step!r}")
    return pd.concat(parts, ignore_index=True), facts


def _step_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that could hold the step: those named like one (in STEP_COLUMNS' order), then any
    other column of whole numbers that never decreases."""
    named = sorted((c for c in frame.columns if c.lower() in STEP_COLUMNS), key=lambda c: STEP_COLUMNS.index(c.lower()))
    others = []
    for column in frame.columns:
        if column in named or column in ("epoch", "Wall time", "wall_time"):
            continue
        values = pd.to_numeric(frame[column], errors="coerce").dropna()
        if len(values) > 1 and (values % 1 == 0).all() and values.is_monotonic_increasing and values.iloc[-1] > 0:
            others.append(column)
    return named + others


def _tb_metric(run: str) -> str:
    # TensorBoard names its export "run-<run>-tag-<tag>.csv"
    if "-tag-" in run:
        return run.split("-tag-", 1)[1]
    return "value"
