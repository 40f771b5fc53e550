"""Does each logged run's learning rate match schedule A (or, for a metric-driven type, its replay)?"""

from __future__ import annotations

import json

import streamlit as st

from warmup_viz import check, logview, share
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import Log, learning_rate_metric, runs, series

from .strings import say, t
from .text import plain


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _verdict(_config: ScheduleConfig, config_key: str, _log: Log, log_key: str, run: str, _sim) -> check.Verdict:
    logged = series(_log, learning_rate_metric(_log.metrics), run)
    return check.compare(_config, logged.steps, logged.values, _sim.lrs if _sim else None, facts=_log.facts)


def verdicts(config: ScheduleConfig, logs: list, simulation=None) -> None:
    """A verdict per run that logged its LR."""
    config_key = json.dumps(share.encode(config), sort_keys=True)
    if simulation is not None:  # a replay depends on the metric chosen; a DeepSpeed run on its config
        changes = getattr(simulation, "changes", None)
        config_key += repr([(c.step, c.new) for c in changes] if changes is not None else simulation)
    for item, run_names in zip(logs, logview.run_labels([item.log for item in logs]), strict=True):
        metric = learning_rate_metric(item.log.metrics)
        if metric is None:
            continue
        labels = dict(zip(map(str, item.log.table["run"].unique()), run_names, strict=True))
        for run in runs(item.log, metric):
            verdict = _verdict(config, config_key, item.log, item.key, run, simulation)
            if verdict.checked:
                _show(verdict, labels.get(run, run), example=item.key == "example")


def _show(verdict: check.Verdict, label: str, *, example: bool) -> None:
    message = say(verdict.note)
    if verdict.causes:
        message = t("verdict.with_causes", verdict=message, causes="; ".join(say(c.note) for c in verdict.causes))
    text = t("logs.verdict", run=plain(label), message=message)
    if verdict.matches:
        st.success(text)
    elif example:  # expected once the settings move away from the defaults
        st.info(t("logs.verdict_example", text=text))
    else:
        st.warning(text)
