"""Read logs -> the lines a chart draws: per run and metric, smoothed, downsampled, by step or epoch.

Pure functions of plain values. Smoothing runs on the whole series (as TensorBoard's does);
downsampling then keeps each bucket's minimum and maximum, so a 1M-point log draws ~4000 points
without losing a spike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .config import ScheduleConfig
from .logs import Log
from .smoothing import downsample_min_max, tensorboard_ema

X_AXES = ("step", "epoch")
LAYOUTS = ("stacked", "overlay")
DIFFS = ("off", "difference", "ratio")
BUCKETS = 2000
MAX_SMOOTHING = 0.99
# on a log LR axis, the lowest LR framed by default, as a fraction of the peak: a decay to ~0
# (down to 1e-13) would otherwise spend most of the height on its last steps
LOG_FLOOR = 1e-3


@dataclass(frozen=True)
class Line:
    """One run's metric, ready to draw. `x`/`y` are the raw values (downsampled), `smooth_y` the
    smoothed ones at the same `x` (None when smoothing is off or the series is too short).
    `low`/`high` are its 5th and 95th percentiles over every point; `points` its length."""

    run: str
    metric: str
    x: np.ndarray
    y: np.ndarray
    smooth_y: np.ndarray | None
    low: float
    high: float
    points: int


def run_labels(logs: Sequence[Log]) -> list[list[str]]:
    """Each log's runs, labelled so no two lines share a name across files (`run`, `run (2)`, ...)."""
    seen: dict[str, int] = {}
    labels = []
    for log in logs:
        names = []
        for run in log.table["run"].unique():
            seen[run] = seen.get(run, 0) + 1
            names.append(run if seen[run] == 1 else f"{run} ({seen[run]})")
        labels.append(names)
    return labels


def has_epochs(log: Log) -> bool:
    return bool(log.table["epoch"].notna().any())


def lines(
    logs: Sequence[Log],
    metrics: Sequence[str],
    *,
    smoothing: float = 0.6,
    x_axis: str = "step",
    buckets: int = BUCKETS,
) -> list[Line]:
    """The lines of `metrics` in every log: in the order of `metrics` (a figure draws a panel per
    metric in the order its lines come), then of logs and runs.

    On the epoch axis, points without an epoch are left out (a run without epochs draws nothing).
    """
    if x_axis not in X_AXES:
        raise ValueError(f"x_axis={x_axis!r} must be one of: {', '.join(X_AXES)}")
    metrics = list(dict.fromkeys(metrics))
    out = []
    for log, labels in zip(logs, run_labels(logs), strict=True):
        table = log.table[log.table["metric"].isin(metrics)]
        for run, label in zip(log.table["run"].unique(), labels, strict=True):
            of_run = table[table["run"] == run]
            for metric in metrics:
                rows = of_run[of_run["metric"] == metric]
                if x_axis == "epoch":
                    rows = rows[rows["epoch"].notna()]
                if rows.empty:
                    continue
                out.append(_line(label, metric, rows[x_axis].to_numpy(), rows["value"].to_numpy(), smoothing, buckets))
    return sorted(out, key=lambda line: metrics.index(line.metric))  # stable: logs and runs keep their order


def _line(run: str, metric: str, x: np.ndarray, y: np.ndarray, smoothing: float, buckets: int) -> Line:
    low, high = np.percentile(y, [5, 95])
    smooth = tensorboard_ema(y, smoothing) if smoothing > 0 and len(y) > 1 else None
    if len(x) > 2 * buckets:
        # min/max per bucket of the raw values; the smoothed line at the same points
        kept, _ = downsample_min_max(np.arange(len(x)), y, buckets)
        x_out, y_out = x[kept], y[kept]
        smooth = None if smooth is None else smooth[kept]
    else:
        x_out, y_out = x, y
    return Line(run, metric, x_out, y_out, smooth, float(low), float(high), len(y))


def outlier_range(lines: Sequence[Line], *, log_y: bool = False) -> tuple[float, float] | None:
    """A y range for a panel that ignores outliers: from the lowest 5th to the highest 95th
    percentile of its lines, padded by 5% (in log units on a log axis), as TensorBoard's
    "ignore outliers in chart scaling". None when there is nothing to range."""
    if not lines:
        return None
    low, high = min(line.low for line in lines), max(line.high for line in lines)
    if log_y:
        if low <= 0:
            return None
        low, high = np.log10(low), np.log10(high)
    pad = (high - low) * 0.05 or abs(high) * 0.05 or 1.0
    return float(low - pad), float(high + pad)


def lr_range(
    lrs: Sequence[Sequence[float]],
    lr_lines: Sequence[Line],
    *,
    log: bool = False,
    ignore_outliers: bool = False,
    low: float | None = None,
    high: float | None = None,
) -> tuple[float, float] | None:
    """The LR panel's y range (log10 units on a log axis), or None to leave it to plotly.

    The peak is the highest of the schedules' LRs and the logged LRs (with `ignore_outliers`, the
    logged LRs' 95th percentiles: one bad logged value does not squash the curves; the schedules
    are always drawn whole). On a log axis the range runs from the floor, `max(peak × LOG_FLOOR,
    the schedules' smallest positive LR)`, to the peak; on a linear axis, with `ignore_outliers`,
    from `min(0, the lowest schedule LR, the logged LRs' 5th percentiles)` to the peak. Padded by
    5% of the span. `low`/`high` (the view's lr_y_min/lr_y_max) replace either end (on a log axis
    only when positive); a range whose ends cross is left out. Otherwise (linear, nothing set) None.
    `lrs` are the schedules' LRs; `lr_lines` the logged LRs."""
    low_set, high_set = low, high
    if log:  # a bound of 0 or below cannot be drawn on a log axis: the default end instead
        low_set = low_set if low_set is not None and low_set > 0 else None
        high_set = high_set if high_set is not None and high_set > 0 else None
    if not (log or ignore_outliers or low_set is not None or high_set is not None):
        return None
    drawn = [np.asarray(v, dtype=float) for v in lrs if len(v)]
    drawn = [v[np.isfinite(v)] for v in drawn]
    drawn = [v for v in drawn if v.size]
    logged = [line for line in lr_lines if line.points]
    if ignore_outliers:
        logged_low = [line.low for line in logged]
        logged_high = [line.high for line in logged]
    else:
        ys = [y[np.isfinite(y)] for y in (np.asarray(line.y, dtype=float) for line in logged)]
        logged_low = [float(y.min()) for y in ys if y.size]
        logged_high = [float(y.max()) for y in ys if y.size]
    highs = [float(v.max()) for v in drawn] + logged_high
    if not highs:
        return None
    high = max(highs)
    if log:
        positive = [float(v[v > 0].min()) for v in drawn if (v > 0).any()]
        peak = max((float(v.max()) for v in drawn), default=high)
        low = max(peak * LOG_FLOOR, min(positive, default=0.0)) if peak > 0 else None
        low = low_set if low_set is not None else low
        high = high_set if high_set is not None else high
        if low is None or high <= 0 or low >= high:
            return None
        low, high = float(np.log10(low)), float(np.log10(high))
    else:
        low = min([0.0, *(float(v.min()) for v in drawn), *logged_low])
        low = low_set if low_set is not None else low
        high = high_set if high_set is not None else high
        if low >= high:
            return None
    pad = (high - low) * 0.05
    return (low if low_set is not None else low - pad), (high if high_set is not None else high + pad)


def steps_to_epochs(steps: Sequence[int], config: ScheduleConfig, logs: Sequence[Log]) -> np.ndarray | None:
    """The epoch at each step, for drawing the schedule on an epoch axis: `step / steps per epoch`
    when the config derives max_steps from epochs, else read from the first log that records
    epochs (interpolated between its points, extended at its last rate). None when unknown."""
    steps = np.asarray(steps, dtype=float)
    if config.update_steps_per_epoch:
        return steps / config.update_steps_per_epoch
    for log in logs:
        rows = log.table[log.table["epoch"].notna()].drop_duplicates("step").sort_values("step")
        if len(rows) and rows["step"].iloc[-1] > 0:
            s, e = rows["step"].to_numpy(dtype=float), rows["epoch"].to_numpy(dtype=float)
            s, e = np.concatenate([[0.0], s]), np.concatenate([[0.0], e])  # step 0 is epoch 0
            epochs = np.interp(steps, s, e)
            beyond = steps > s[-1]
            epochs[beyond] = steps[beyond] * (e[-1] / s[-1])
            return epochs
    return None
