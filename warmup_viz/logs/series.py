"""Which of a log's metrics is the learning rate, and one metric of one run as a series.

The CLI and the page both read a log's metrics through these functions, so a multi-run log is
read the same way everywhere: a run is named, or the log holds only one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InputError, UsageError
from ..messages import Note

if TYPE_CHECKING:
    from . import Log

LEARNING_RATE_NAMES = ("learning_rate", "lr")
_NOT_STEPPING = (*LEARNING_RATE_NAMES, "epoch")
_SHOWN = 12


@dataclass(frozen=True)
class Series:
    """One metric of one run: its steps (ascending, each once) and values."""

    run: str
    metric: str
    steps: list[int]
    values: list[float]


def is_learning_rate(metric: str) -> bool:
    """Whether `metric` holds the learning rate: `learning_rate` or `lr`, bare or under a prefix
    (`train/learning_rate`, `lr-AdamW/lr`)."""
    return metric.split("/")[-1] in LEARNING_RATE_NAMES


def learning_rate_metric(metrics: Iterable[str]) -> str | None:
    """The first of `metrics` that holds the learning rate, or None."""
    return next((m for m in metrics if is_learning_rate(m)), None)


def stepping_metrics(log: Log) -> list[tuple[str, str]]:
    """`(run, metric)` for every metric that could step a metric-driven scheduler (all but the
    learning rate and the epoch), runs in order, each run's eval metrics first."""
    out = []
    table = log.table
    for run in runs(log):
        names = table.loc[table["run"] == run, "metric"].unique()
        for metric in sorted(map(str, names), key=lambda m: (not m.startswith("eval_"), m)):
            if metric.split("/")[-1] not in _NOT_STEPPING:
                out.append((run, metric))
    return out


def runs(log: Log, metric: str | None = None) -> list[str]:
    """The log's runs (sorted), or those that logged `metric`."""
    table = log.table if metric is None else log.table[log.table["metric"] == metric]
    return sorted(map(str, table["run"].unique()))


def series(log: Log, metric: str, run: str | None = None) -> Series:
    """`metric` of `run` in `log`. `run` may be left out when one run logged `metric`.

    Raises `InputError` when no run logged `metric`, `UsageError` (with the runs as `choices`)
    when `run` is not one of them, or is left out while several are."""
    table = log.table
    rows = table[table["metric"] == metric]
    if rows.empty:
        shown = ", ".join(log.metrics[:_SHOWN]) + (", …" if len(log.metrics) > _SHOWN else "")
        raise InputError(Note("log.no_metric_values", {"name": log.name, "metric": metric, "metrics": shown}), log.name)
    names = runs(log, metric)
    listed = ", ".join(names[:_SHOWN]) + (", …" if len(names) > _SHOWN else "")
    if run is None and len(names) > 1:
        raise UsageError(
            Note("log.choose_run", {"name": log.name, "count": len(names), "metric": metric, "runs": listed}),
            tuple(names),
        )
    if run is not None and run not in names:
        raise UsageError(
            Note("log.no_run", {"name": log.name, "run": repr(run), "metric": metric, "runs": listed}), tuple(names)
        )
    chosen = names[0] if run is None else run
    rows = rows[rows["run"] == chosen]
    return Series(chosen, metric, rows["step"].tolist(), rows["value"].tolist())
