"""The tidy table every reader returns, and the clean-up they share."""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["run", "step", "metric", "value", "epoch", "wall_time"]
MAX_ROWS = 20_000_000


class LogError(ValueError):
    """A log that cannot be read, with a message naming the file and the problem.

    `step_columns` lists the columns that could hold the step when the reader could not tell
    which one does, so a person can pick one and read the file again."""

    def __init__(self, message: str, step_columns: tuple[str, ...] = ()):
        super().__init__(message)
        self.step_columns = step_columns


def tidy(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, int, int]:
    """Typed, sorted, deduplicated rows. Returns (table, rows replaced by a later duplicate step,
    non-finite values left out). A resumed run logs some steps twice: the last one is kept."""
    for column in COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame[COLUMNS]
    if frame.empty:
        raise LogError(f"{name} has no numeric values with a step")
    if len(frame) > MAX_ROWS:
        raise LogError(f"{name} has {len(frame):,} values; at most {MAX_ROWS:,} are read")
    frame = frame.astype({"run": str, "metric": str})
    frame["step"] = pd.to_numeric(frame["step"], errors="coerce")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame = frame[frame["step"].notna() & np.isfinite(frame["step"])]
    frame["step"] = frame["step"].astype("int64")
    finite = np.isfinite(frame["value"].to_numpy())
    non_finite = int((~finite).sum())
    frame = frame[finite]
    before = len(frame)
    frame = frame.drop_duplicates(["run", "metric", "step"], keep="last")
    replaced = before - len(frame)
    if frame.empty:
        raise LogError(f"{name} has no finite numeric values with a step")
    frame = frame.sort_values(["run", "metric", "step"], kind="stable").reset_index(drop=True)
    return frame, replaced, non_finite
