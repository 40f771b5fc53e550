"""The tidy table every reader returns, and the clean-up they share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError

COLUMNS = ["run", "step", "metric", "value", "epoch", "wall_time"]
MAX_ROWS = 20_000_000
# the names a step column (CSV/TSV) or key (JSON Lines) goes by, the likeliest first
STEP_COLUMNS = ("step", "global_step", "_step", "trainer/global_step", "iteration", "iter")


class LogError(InputError):
    """A log that cannot be read, with a message naming the file and the problem; `name` is the
    file's name.

    `step_columns` lists the columns that could hold the step when the reader could not tell
    which one does, so a person can pick one and read the file again."""

    def __init__(self, message: str, step_columns: tuple[str, ...] = (), name: str = ""):
        super().__init__(message, name)
        self.step_columns = step_columns


def tidy(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, int, int]:
    """Typed, sorted, deduplicated rows. Returns (table, rows replaced by a later duplicate step,
    non-finite values left out). A resumed run logs some steps twice: the last one is kept.
    `run` and `metric` are categoricals (sorted categories), so millions of rows stay cheap."""
    for column in COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame[COLUMNS]
    if frame.empty:
        raise LogError(f"{name} has no numeric values with a step")
    if len(frame) > MAX_ROWS:
        raise LogError(f"{name} has {len(frame):,} values; at most {MAX_ROWS:,} are read")
    step, value = floats(frame["step"]), floats(frame["value"])
    has_step = np.abs(step) < 2**53  # finite, and exact as an integer
    finite = np.isfinite(value)
    non_finite = int((has_step & ~finite).sum())
    keep = has_step & finite
    frame = pd.DataFrame(
        {
            "run": _category(frame["run"][keep]),
            "step": step[keep].astype("int64"),
            "metric": _category(frame["metric"][keep]),
            "value": value[keep],
            "epoch": floats(frame["epoch"][keep]),
            "wall_time": floats(frame["wall_time"][keep]),
        }
    )
    if frame.empty:
        raise LogError(f"{name} has no finite numeric values with a step")
    runs, metrics, steps = (
        frame["run"].cat.codes.to_numpy(),
        frame["metric"].cat.codes.to_numpy(),
        frame["step"].to_numpy(),
    )
    order = np.lexsort((steps, metrics, runs))  # stable: among repeats of a step, file order
    runs, metrics, steps = runs[order], metrics[order], steps[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (runs[1:] != runs[:-1]) | (metrics[1:] != metrics[:-1]) | (steps[1:] != steps[:-1])
    frame = frame.take(order[last]).reset_index(drop=True)
    return frame, int((~last).sum()), non_finite


def floats(column: pd.Series) -> np.ndarray:
    """A column as float64: text that is not a number becomes NaN, a number beyond float range ±inf."""
    try:
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except OverflowError:  # pandas raises even with errors="coerce" on a huge integer
        return np.array([_float(v) for v in column], dtype=float)


def _float(value: object) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if str(value).strip()[:1] != "-" else float("-inf")
    except (TypeError, ValueError):
        return float("nan")


def _category(column: pd.Series) -> pd.Categorical:
    """Strings as a categorical whose categories are sorted, so sorting by codes sorts by name."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.cat.remove_unused_categories().cat.rename_categories(str)
        return column.cat.reorder_categories(sorted(column.cat.categories)).array
    values = column.astype(str)
    return pd.Categorical(values, categories=sorted(values.unique()))
