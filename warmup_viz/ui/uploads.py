"""Training logs on the page: the example run, the uploader, and each file's status line."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from warmup_viz import share
from warmup_viz.logs import Log, LogError, learning_rate_metric, read_log

from . import chrome, form, keys, recovery
from .serve import DASHBOARD
from .strings import say, t
from .text import plain

EXAMPLE = DASHBOARD / "examples" / "trainer_state.json"
_PERSIST = "session"  # keep a choice while its widget is not drawn
LOG_FILES = chrome.uploader("log_files")


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
    chrome.words()
    files = st.file_uploader(t("logs.upload"), accept_multiple_files=True, key=LOG_FILES) or []
    for file in files:
        item = _one_file(file)
        if item is not None:
            loaded.append(item)
    for item in loaded:
        _status(item)
    return loaded


def _example_switch() -> bool:
    st.session_state.setdefault(keys.EXAMPLE, True)  # the widget default, set where a link can override it
    shown = st.checkbox(t("logs.example"), key=keys.EXAMPLE, persist_state=_PERSIST)
    if st.session_state.get(keys.EXAMPLE_RETIRED) and not shown:
        st.caption(t("logs.example_retired"))
    return shown


def _use_settings(settings: dict) -> None:
    """Callback: a log's own settings into schedule A. Taking the example's settings is not
    "settings of your own": the example run stays."""
    form.apply_settings(settings)
    st.session_state.pop(keys.EXAMPLE_FIRST, None)


def retire_example(config) -> None:
    """The example run is for a first visit: once the person changes schedule A's settings or
    uploads a log, switch it off (once; the switch brings it back, and the page says so)."""
    state = st.session_state
    if state.get(keys.EXAMPLE_RETIRED) or state.get(keys.EXAMPLE_CHOSEN):
        return
    if not state.get(keys.EXAMPLE, True):  # off (by the link, or by hand): a later tick is the person's
        state[keys.EXAMPLE_CHOSEN] = True
        return
    first = state.setdefault(keys.EXAMPLE_FIRST, config)
    if (config is not None and config != first) or state.get("log_files"):
        state[keys.EXAMPLE] = False
        state[keys.EXAMPLE_RETIRED] = True


def _one_file(file) -> Loaded | None:
    key = keys.step_column(file.file_id)
    name = plain(file.name)
    try:
        with st.spinner(t("logs.reading")):
            log = _read(file.getvalue(), file.file_id, file.name, st.session_state.get(key))
    except LogError as e:
        st.error(t("logs.file_error", name=name, message=say(e)), icon="⚠️")
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

    def count(key: str, n: int) -> str:  # "1 metric", "3 metrics"
        return t(f"{key}_one" if n == 1 else f"{key}_other", count=f"{n:,}")

    values, metrics = count("logs.values", len(log.table)), count("logs.metrics", len(log.metrics))
    parts = [t("logs.status", name=plain(log.name), format=log.format, values=values, metrics=metrics)]
    if log.replaced:
        parts.append(t("logs.replaced", count=f"{log.replaced:,}"))
    if log.non_finite:
        parts.append(t("logs.non_finite", count=f"{log.non_finite:,}"))
    for run, summary in log.summary.items():
        shown = ", ".join(f"{plain(name)} {value:.6g}" for name, value in summary.items())
        parts.append(t("logs.summary", run=plain(run), values=shown))
    st.markdown(t("app.clauses").join(parts))
    if learning_rate_metric(log.metrics) is not None:
        recovery.render(item.key, log)
    settings = log.settings
    if settings.get("max_steps"):
        described = ", ".join(f"{k}={share.to_text(k, v)}" for k, v in settings.items())
        st.button(
            t("logs.use_settings", settings=described),
            key=f"use_settings.{item.key}",
            on_click=_use_settings,
            args=(settings,),
            help=t("logs.use_settings_help"),
        )
