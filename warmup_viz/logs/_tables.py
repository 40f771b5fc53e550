"""The tidy table every reader returns, and the clean-up they share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..messages import Note, english

COLUMNS = ["run", "step", "metric", "value", "epoch", "wall_time"]
MAX_ROWS = 20_000_000
# the names a step column (CSV/TSV) or key (JSON Lines) goes by, the likeliest first: the
# trainer's own step (Trainer's and Lightning's W&B step keys) before W&B's count of log calls
STEP_COLUMNS = ("step", "global_step", "train/global_step", "trainer/global_step", "_step", "iteration", "iter")


english(
    {
        "log.empty": "{name} is empty",
        "log.no_values": "{name} has no numeric values with a step",
        "log.too_many": "{name} has {count} values; at most {limit} are read",
        "log.no_finite": "{name} has no finite numeric values with a step",
        "log.no_metric_values": "{name} has no {metric} values (its metrics: {metrics})",
        "log.choose_run": "{name} holds {count} runs with {metric} ({runs}): choose one",
        "log.no_run": "{name} has no run {run} with {metric} (its runs: {runs})",
    }
)


class LogError(InputError):
    """A log that cannot be read, with a message naming the file and the problem; `name` is the
    file's name.

    `step_columns` lists the columns that could hold the step when the reader could not tell
    which one does, so a person can pick one and read the file again."""

    def __init__(self, message: str | Note, step_columns: tuple[str, ...] = (), name: str = ""):
        super().__init__(message, name)
        self.step_columns = step_columns


def tidy(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, int, int]:
    """Typed, sorted, deduplicated rows. Returns (table, rows replaced by a later duplicate step,
    non-finite values left out). A resumed run logs some steps twice: the last one is kept.
    `run` and `metric` are categoricals (sorted categories), so millions of rows stay cheap."""
    for column in ("run", "step", "metric", "value"):
        if column not in frame:
            frame[column] = np.nan
    if frame.empty:
        raise LogError(Note("log.no_values", {"name": name}))
    if len(frame) > MAX_ROWS:
        raise LogError(Note("log.too_many", {"name": name, "count": len(frame), "limit": MAX_ROWS}))
    step, value = frame["step"], floats(frame["value"])
    zeros = value == 0
    if np.signbit(value[zeros]).any():  # "-0" is 0 whichever parser read it (pandas as int, pyarrow as float)
        value = np.where(zeros, 0.0, value)
    if step.dtype == np.int64:  # whole numbers already: the same test, without converting them
        step = step.to_numpy()
        has_step = (step > -(2**53)) & (step < 2**53)
    else:
        step = floats(step)
        has_step = np.abs(step) < 2**53  # finite, and exact as an integer
    finite = np.isfinite(value)
    non_finite = int((has_step & ~finite).sum())
    keep = has_step & finite
    every = bool(keep.all())  # the usual case: no copies of a million rows to leave none out
    count = len(step) if every else int(keep.sum())

    def kept(column: str) -> pd.Series:
        return frame[column] if every else frame[column][keep]

    frame = pd.DataFrame(
        {
            "run": _category(kept("run")),
            "step": (step if every else step[keep]).astype("int64", copy=False),
            "metric": _category(kept("metric")),
            "value": value if every else value[keep],
            **{c: floats(kept(c)) if c in frame else np.full(count, np.nan) for c in ("epoch", "wall_time")},
        },
        copy=False,  # arrays of its own: no need to copy them into one block
    )
    if frame.empty:
        raise LogError(Note("log.no_finite", {"name": name}))
    runs, metrics, steps = (
        frame["run"].cat.codes.to_numpy(),
        frame["metric"].cat.codes.to_numpy(),
        frame["step"].to_numpy(),
    )
    order, last = sorted_last(runs, metrics, steps)
    if order is not None:
        frame = frame.take(order[last])
    elif not last.all():
        frame = frame.take(np.flatnonzero(last))
    return frame.reset_index(drop=True), int((~last).sum()), non_finite


def sorted_last(runs: np.ndarray, metrics: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The rows sorted by run, metric and step, stably (`np.lexsort((steps, metrics, runs))`), and
    which of them are the last of their run, metric and step. The order is None when the rows are
    in it already.

    Readers write each metric's rows in step order, so sorting by (run, metric) alone, stably,
    is usually enough (and nothing when they are grouped already): checked, else a full sort."""
    # one number per (run, metric), in their order; codes are -1 for a missing value, sorted first
    width = int(metrics.max(initial=-1)) + 2
    small = (int(runs.max(initial=-1)) + 2) * width < 2**15  # numpy sorts 16-bit integers by radix, stably
    group = runs.astype(np.int16 if small else np.int64)
    group += 1
    group *= width
    group += metrics
    group += 1
    order = None if (group[1:] >= group[:-1]).all() else np.argsort(group, kind="stable")
    if order is not None:
        group, steps_sorted = group[order], steps[order]
    else:
        steps_sorted = steps
    new_group = group[1:] != group[:-1]
    if not (new_group | (steps_sorted[1:] >= steps_sorted[:-1])).all():
        order = np.lexsort((steps, metrics, runs))
        runs, metrics, steps_sorted = runs[order], metrics[order], steps[order]
        new_group = (runs[1:] != runs[:-1]) | (metrics[1:] != metrics[:-1])
    last = np.ones(len(steps), dtype=bool)
    last[:-1] = new_group | (steps_sorted[1:] != steps_sorted[:-1])
    return order, last


def empty_table() -> pd.DataFrame:
    """A table of no rows, typed as `tidy`'s are: the log of a file that holds only a run's summary."""
    return pd.DataFrame(
        {
            "run": pd.Categorical([]),
            "step": np.array([], dtype="int64"),
            "metric": pd.Categorical([]),
            **{column: np.array([], dtype=float) for column in ("value", "epoch", "wall_time")},
        }
    )


def floats(column: pd.Series) -> np.ndarray:
    """A column as float64: text that is not a number becomes NaN, a number beyond float range ±inf."""
    if column.dtype == np.float64:
        return column.to_numpy()  # floats already: the column's own array, not a copy
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
        values = _without_unused(column.array).rename_categories(str)
        names = list(values.categories)
        return values if names == sorted(names) else values.reorder_categories(sorted(names))
    values = column.astype(str)
    return pd.Categorical(values, categories=sorted(values.unique()))


def _without_unused(values: pd.Categorical) -> pd.Categorical:
    """`values.remove_unused_categories()`, counting codes instead of sorting them."""
    codes, count = values.codes, len(values.categories)
    if count <= 16:  # a few runs or metrics: a pass per category over the small codes beats counting them
        used = np.array([(codes == code).any() for code in range(count)], dtype=bool)
    else:
        used = np.bincount(codes.astype(np.intp) + 1, minlength=count + 1)[1:] > 0
    if used.all():
        return values
    new = np.full(len(used) + 1, -1, dtype=np.intp)  # a missing value (code -1) picks the last, -1
    new[:-1][used] = np.arange(used.sum())
    return pd.Categorical.from_codes(new[codes], dtype=pd.CategoricalDtype(values.categories[used], values.ordered))
