"""Training logs on the page: uploads (and the example run), view options, and the LR verdicts."""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass

import streamlit as st

from warmup_viz import check, logview, share
from warmup_viz.config import ScheduleConfig
from warmup_viz.infer import NoFit, infer
from warmup_viz.logs import Log, LogError, read_log

from . import form
from .strings import labels, language, t
from .text import plain

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "trainer_state.json"
_PERSIST = "session"  # keep a choice while its widget is not drawn
LOSS_NAMES = ("loss", "train/loss", "train_loss_step")


@dataclass(frozen=True)
class Loaded:
    """A read log and the key that identifies its content for caching."""

    key: str
    log: Log


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _read(_data: bytes, key: str, name: str, step_column: str | None) -> Log:
    return read_log(_data, name, step_column)


def uploads() -> list[Loaded]:
    """The "Training logs" section: the example switch, the uploader, and each file's status."""
    st.subheader(t("logs.title"))
    st.caption(t("logs.formats"))
    loaded = []
    if EXAMPLE.exists() and _example_switch():
        loaded.append(Loaded("example", _read(EXAMPLE.read_bytes(), "example", "example", None)))
    files = st.file_uploader(t("logs.upload"), accept_multiple_files=True, key="log_files") or []
    for file in files:
        item = _one_file(file)
        if item is not None:
            loaded.append(item)
    for item in loaded:
        _status(item)
    return loaded


def _example_switch() -> bool:
    st.session_state.setdefault("example", True)  # the widget default, set where a link can override it
    return st.checkbox(t("logs.example"), key="example", persist_state=_PERSIST)


def _one_file(file) -> Loaded | None:
    key = f"step_column.{file.file_id}"
    name = plain(file.name)
    try:
        with st.spinner(t("logs.reading")):
            log = _read(file.getvalue(), file.file_id, file.name, st.session_state.get(key))
    except LogError as e:
        st.error(t("logs.file_error", name=name, message=plain(str(e))), icon="⚠️")
        if e.step_columns:
            st.selectbox(
                t("logs.step_column", name=name),
                e.step_columns,
                index=None,
                key=key,
                placeholder=t("logs.step_column_pick"),
            )
        return None
    if log.step_columns:
        st.selectbox(
            t("logs.step_column", name=name),
            log.step_columns,
            key=key,
            index=log.step_columns.index(log.step_column),
            help=t("logs.step_column_help"),
        )
    return Loaded(f"{file.file_id}:{log.step_column}", log)  # the key names what was read


def _status(item: Loaded) -> None:
    log = item.log
    counts = log.table.groupby("metric").size()
    parts = [
        t("logs.status", name=plain(log.name), format=log.format, values=f"{len(log.table):,}", metrics=len(counts))
    ]
    if log.replaced:
        parts.append(t("logs.replaced", count=f"{log.replaced:,}"))
    if log.non_finite:
        parts.append(t("logs.non_finite", count=f"{log.non_finite:,}"))
    st.markdown("; ".join(parts))
    if check.learning_rate_metric(log.metrics) is not None:
        st.button(
            t("logs.recover"),
            key=f"recover.{item.key}",
            on_click=_recover,
            args=(item.log,),
            help=t("logs.recover_help"),
        )
        report = st.session_state.get(f"_recovered.{item.log.name}")
        if report:
            (st.success if report[0] == "ok" else st.warning)(report[1])
    settings = log.settings
    if settings.get("max_steps"):
        described = ", ".join(f"{k}={share.to_text(k, v)}" for k, v in settings.items())
        st.button(
            t("logs.use_settings", settings=described),
            key=f"use_settings.{item.key}",
            on_click=form.apply_settings,
            args=(settings,),
            help=t("logs.use_settings_help"),
        )


def _recover(log: Log) -> None:
    """Callback: recover the schedule from the log's LR and put it into schedule A."""
    metric = check.learning_rate_metric(log.metrics)
    rows = log.table[log.table["metric"] == metric]
    first_run = rows["run"].iloc[0]
    rows = rows[rows["run"] == first_run]
    key = f"_recovered.{log.name}"
    try:
        fit = infer(rows["step"].tolist(), rows["value"].tolist(), max_steps=log.facts.get("max_steps"))
    except NoFit as e:
        st.session_state[key] = ("none", t("logs.recover_none", reason=plain(str(e))))
        return
    form.apply_settings(fit.settings())
    shown = plain(", ".join(f"{k}={share.to_text(k, v)}" for k, v in fit.settings().items()))
    if fit.exact:
        st.session_state[key] = ("ok", t("logs.recover_exact", settings=shown, points=fit.points))
    else:
        st.session_state[key] = ("fit", t("logs.recover_fit", settings=shown, error=f"{fit.max_relative_error:.3g}"))


def options(logs: list[Loaded], *, compared: bool = False) -> share.View:
    """The chart's options (which metrics, layout, smoothing, axes, difference panel)."""
    metric_names = _metric_names(logs)
    defaults = default_metrics(metric_names)
    state = st.session_state
    # widget defaults live in the session state, where a link (or a button) can set them
    state.setdefault("smoothing", share.View.smoothing)
    if "metrics" in state:  # keep the choice, minus metrics no loaded log has any more
        kept = [m for m in state["metrics"] if m in metric_names]
        if kept or not state["metrics"]:
            state["metrics"] = kept
        else:  # every chosen metric went away with its log: start again from the defaults
            del state["metrics"]
    if metric_names:
        state.setdefault("metrics", defaults)
    if compared:
        st.radio(
            t("view.diff"),
            list(logview.DIFFS),
            key="diff",
            horizontal=True,
            persist_state=_PERSIST,
            format_func=labels("view.diff_"),
            help=t("view.diff_help"),
        )
    cols = st.columns([3, 2, 2, 2])
    chosen = (
        cols[0].multiselect(t("view.metrics"), metric_names, key="metrics", persist_state=_PERSIST)
        if metric_names
        else []
    )
    layout = cols[1].radio(
        t("view.layout"),
        list(logview.LAYOUTS),
        format_func=labels("view.layout_"),
        key="layout",
        persist_state=_PERSIST,
        horizontal=True,
        help=t("view.layout_help"),
    )
    has_epochs = any(logview.has_epochs(item.log) for item in logs)
    x_axis = cols[2].radio(
        t("view.x_axis"),
        list(logview.X_AXES),
        format_func=labels("view.x_"),
        key="x_axis",
        persist_state=_PERSIST,
        horizontal=True,
        disabled=not has_epochs,
        help=t("view.x_axis_help"),
    )
    smoothing = cols[3].slider(
        t("view.smoothing"),
        0.0,
        logview.MAX_SMOOTHING,
        step=0.01,
        key="smoothing",
        persist_state=_PERSIST,
        help=t("view.smoothing_help"),
    )
    cols = st.columns([3, 2])
    log_y = cols[0].pills(
        t("view.log_y"), ["learning_rate", *chosen], selection_mode="multi", key="log_y", persist_state=_PERSIST
    )
    outliers = cols[1].checkbox(
        t("view.outliers"),
        key="ignore_outliers",
        persist_state=_PERSIST,
        help=t("view.outliers_help"),
    )
    return share.View(
        metrics=None if chosen == defaults else tuple(chosen),
        layout=layout,
        smoothing=smoothing,
        x_axis=x_axis,
        log_y=tuple(log_y or ()),
        ignore_outliers=outliers,
        example=state.get("example", True),
        diff=state.get("diff", "off") if compared else "off",
        lang=language(),
        present=bool(state.get("present", False)),
        playhead=bool(state.get("playhead", False)),
    )


def default_metrics(metric_names: list[str]) -> list[str]:
    """The metric shown when none is chosen: the training loss, else the first metric."""
    return [m for m in metric_names if m in LOSS_NAMES][:1] or metric_names[:1]


def _lr_metrics(logs: list[Loaded]) -> set[str]:
    return {name for item in logs if (name := check.learning_rate_metric(item.log.metrics))}


def _metric_names(logs: list[Loaded]) -> list[str]:
    """Every metric of the loaded logs but their learning rates."""
    return sorted({m for item in logs for m in item.log.metrics} - _lr_metrics(logs))


def lines(logs: list[Loaded], view: share.View) -> tuple[list[logview.Line], list[logview.Line]]:
    """(logged-LR lines, metric lines) for the chart. Cached: a million-point log is smoothed
    and downsampled once per choice of metrics, smoothing and axis, not on every rerun."""
    x_axis = view.x_axis if any(logview.has_epochs(item.log) for item in logs) else "step"
    chosen = default_metrics(_metric_names(logs)) if view.metrics is None else list(view.metrics)
    keys = tuple(item.key for item in logs)
    read = [item.log for item in logs]
    lr = _lines(read, keys, tuple(sorted(_lr_metrics(logs))), 0.0, x_axis)
    return lr, _lines(read, keys, tuple(chosen), view.smoothing, x_axis)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _lines(_logs: list[Log], keys: tuple[str, ...], metrics: tuple[str, ...], smoothing: float, x_axis: str) -> list:
    return logview.lines(_logs, metrics, smoothing=smoothing, x_axis=x_axis)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _verdict(_config: ScheduleConfig, config_key: str, _log: Log, log_key: str, run: str, _sim) -> check.Verdict:
    name = check.learning_rate_metric(_log.metrics)
    rows = _log.table[(_log.table["metric"] == name) & (_log.table["run"] == run)]
    return check.compare(_config, rows["step"].tolist(), rows["value"].tolist(), _sim.lrs if _sim else None)


def verdicts(config: ScheduleConfig, logs: list[Loaded], simulation=None) -> None:
    """For each run that logged its LR: does it match the configured schedule (or, for a
    metric-driven type, its replay)?"""
    config_key = json.dumps(share.encode(config), sort_keys=True)
    if simulation is not None:  # the replay depends on the metric chosen too
        config_key += repr([(c.step, c.new) for c in simulation.changes])
    for item, run_names in zip(logs, logview.run_labels([item.log for item in logs]), strict=True):
        if check.learning_rate_metric(item.log.metrics) is None:
            continue
        for run, label in zip(item.log.table["run"].unique(), run_names, strict=True):
            verdict = _verdict(config, config_key, item.log, item.key, run, simulation)
            if not verdict.checked:
                continue
            text = t("logs.verdict", run=plain(label), message=plain(verdict.message))
            if verdict.matches:
                st.success(text)
            elif item.key == "example":  # expected once the settings move away from the defaults
                st.info(t("logs.verdict_example", text=text))
            else:
                st.warning(text)
