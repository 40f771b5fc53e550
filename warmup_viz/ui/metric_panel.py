"""Metric-driven schedules on the page: which log's metric steps them, and the replay."""

from __future__ import annotations

import streamlit as st

from warmup_viz import simulate as replay
from warmup_viz.config import ConfigError, ScheduleConfig
from warmup_viz.logs import series, stepping_metrics

from . import keys
from .strings import say, t
from .text import plain


def _sources(logs: list) -> list[tuple[int, str, str]]:
    """(log index, run, metric) for every metric that can step a scheduler, eval metrics first."""
    return [(i, run, metric) for i, item in enumerate(logs) for run, metric in stepping_metrics(item.log)]


def simulation(config: ScheduleConfig, logs: list, letter: str) -> replay.Simulation | None:
    """A picker for the metric that steps `config`'s scheduler, and its replay; None without logs."""
    sources = _sources(logs)
    if not sources:
        try:  # nothing to replay yet; still name a setting transformers refuses
            replay.simulate(config, (), ())
        except ConfigError as e:
            st.error(say(e))
        return None
    default = next((k for k, s in enumerate(sources) if s[2] == replay.DEFAULT_METRIC), 0)
    key = keys.sim_metric(letter)
    if st.session_state.get(key, -1) not in range(len(sources)):
        st.session_state[key] = default
    index = st.selectbox(
        t("sim.metric", letter=letter),
        range(len(sources)),
        format_func=lambda k: f"{sources[k][1]} · {sources[k][2]}",
        key=key,
        help=t("sim.metric_help"),
    )
    log_index, run, metric = sources[index]
    observed = series(logs[log_index].log, metric, run)
    try:
        result = replay.simulate(config, observed.steps, observed.values)
    except ConfigError as e:
        st.error(say(e))
        return None
    if result.changes:
        for change in result.changes:
            st.caption(t("sim.change", step=f"{change.step:,}", reason=say(change.reason)))
    else:
        st.caption(t("sim.no_change", count=result.steps_used, metric=plain(metric)))
    return result
