"""Training logs on the page: the example run, the uploader, and each file's status line."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import streamlit as st

from warmup_viz import share
from warmup_viz.logs import Log, LogError, learning_rate_metric, read_log

from . import form, keys, recovery
from .strings import say, t
from .text import plain

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "trainer_state.json"
_PERSIST = "session"  # keep a choice while its widget is not drawn


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
    st.session_state.setdefault(keys.EXAMPLE, True)  # the widget default, set where a link can override it
    return st.checkbox(t("logs.example"), key=keys.EXAMPLE, persist_state=_PERSIST)


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
    metrics = len(log.metrics)
    parts = [t("logs.status", name=plain(log.name), format=log.format, values=f"{len(log.table):,}", metrics=metrics)]
    if log.replaced:
        parts.append(t("logs.replaced", count=f"{log.replaced:,}"))
    if log.non_finite:
        parts.append(t("logs.non_finite", count=f"{log.non_finite:,}"))
    st.markdown("; ".join(parts))
    if learning_rate_metric(log.metrics) is not None:
        recovery.render(item.key, log)
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
