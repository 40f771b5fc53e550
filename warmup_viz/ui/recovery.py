"""Recover a run's schedule from its logged learning rate: the button under a log, and its report."""

from __future__ import annotations

import streamlit as st

from warmup_viz import share
from warmup_viz.errors import UsageError
from warmup_viz.inference import NoFit, infer
from warmup_viz.logs import Log, learning_rate_metric, runs, series
from warmup_viz.simulate import DEFAULT_METRIC

from . import form, keys
from .strings import say, t
from .text import plain


def render(log_key: str, log: Log) -> None:
    """One button per run that logged its LR, and what the last recovery found."""
    names = runs(log, learning_rate_metric(log.metrics))
    for run in names:
        several = len(names) > 1
        st.button(
            f"{t('logs.recover')} · {plain(run)}" if several else t("logs.recover"),
            key=f"recover.{log_key}.{run}" if several else f"recover.{log_key}",
            on_click=_recover,
            args=(log_key, log, run),
            help=t("logs.recover_help"),
        )
    report = st.session_state.get(keys.recovered(log_key))
    if report:
        (st.success if report[0] == "ok" else st.warning)(report[1])


def _recover(log_key: str, log: Log, run: str) -> None:
    """Callback: recover `run`'s schedule from its logged LR (and its eval metric, which steps a
    metric-driven scheduler) and propose it as a new compared schedule: A stays as it was."""
    key = keys.recovered(log_key)
    if len(form.slots()) >= share.MAX_SCHEDULES:
        st.session_state[key] = ("none", t("logs.recover_full"))
        return
    try:
        logged = series(log, learning_rate_metric(log.metrics), run)
        fit = infer(logged.steps, logged.values, max_steps=log.facts.get("max_steps"), metric=_metric(log, run))
    except (NoFit, UsageError) as e:
        st.session_state[key] = ("none", t("logs.recover_none", reason=say(e)))
        return
    letter = form.LETTERS[len(form.slots())]
    form.add_slot(fit.config)
    shown = plain(", ".join(f"{k}={share.to_text(k, v)}" for k, v in fit.settings().items()))
    if fit.exact:
        report = ("ok", t("logs.recover_exact", settings=shown, points=fit.points, letter=letter))
    else:
        report = ("fit", t("logs.recover_fit", settings=shown, error=f"{fit.max_relative_error:.3g}", letter=letter))
    if fit.hint is not None:
        report = (report[0], f"{report[1]} {say(fit.hint)}")
    st.session_state[key] = report


def _metric(log: Log, run: str) -> tuple[list[int], list[float]] | None:
    """The run's evaluated metric (eval_loss, Trainer's default metric_for_best_model), if it has one."""
    if DEFAULT_METRIC not in log.metrics or run not in runs(log, DEFAULT_METRIC):
        return None
    evaluated = series(log, DEFAULT_METRIC, run)
    return evaluated.steps, evaluated.values
