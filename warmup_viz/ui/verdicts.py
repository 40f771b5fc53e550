"""Does each logged run's learning rate match schedule A (or, for a metric-driven type, its replay)?"""

from __future__ import annotations

import streamlit as st

from warmup_viz import logview, verdict
from warmup_viz.logs import Log, learning_rate_metric, runs, series
from warmup_viz.run import Run

from .strings import say, t
from .text import plain


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _verdict(_run: Run, run_key: int, _log: Log, log_key: str, name: str) -> verdict.Verdict:
    # a run is a frozen value: its hash stands for it (Streamlit's hasher cannot read every part)
    logged = series(_log, learning_rate_metric(_log.metrics), name)
    return verdict.compare(_run, logged.steps, logged.values, facts=_log.facts)


def verdicts(run: Run, logs: list) -> None:
    """A verdict per logged run that wrote its LR, against what `run` logs."""
    for item, run_names in zip(logs, logview.run_labels([item.log for item in logs]), strict=True):
        metric = learning_rate_metric(item.log.metrics)
        if metric is None:
            continue
        labels = dict(zip(map(str, item.log.table["run"].unique()), run_names, strict=True))
        for name in runs(item.log, metric):
            verdict = _verdict(run, hash(run), item.log, item.key, name)
            if verdict.checked:
                _show(verdict, labels.get(name, name), example=item.key == "example")


def said_verdict(verdict: verdict.Verdict, *, markdown: bool = True) -> str:
    """The verdict and its causes in the page's language (escaped for markdown unless not)."""
    said = say(verdict.note, markdown=markdown)
    if not verdict.causes:
        return said
    causes = t("app.clauses").join(say(c.note, markdown=markdown) for c in verdict.causes)
    return t("verdict.with_causes", verdict=said, causes=causes)


def _show(verdict: verdict.Verdict, label: str, *, example: bool) -> None:
    text = t("logs.verdict", run=plain(label), message=said_verdict(verdict))
    if verdict.matches:
        st.success(text)
    elif example:  # expected once the settings move away from the defaults
        st.info(t("logs.verdict_example", text=text))
    else:
        st.warning(text)
