"""Radios, tabs and expanders whose labels depend on the page's language, keeping their value
across a switch.

A radio keyed by its setting's name keeps that key when the language changes, and the browser
then looks for the old option label among the new ones: it finds none and shows nothing chosen
(the value itself is kept). So the radio is keyed per language and drawn from the setting's value
(`session_state[name]`, the link's name), which its callback keeps up to date; a value set by
other code (a link, an import, a button) redraws it.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from .strings import labels, language


def choice(container, name: str, options: Sequence[str], label: str, label_prefix: str, **kwargs) -> str:
    """A radio for setting `name` (its value in `session_state[name]`), options labelled by the
    catalogue keys `label_prefix + option` in the page's language. Returns the chosen option."""
    state = st.session_state
    key = f"{name}@{language()}"
    value = state.get(name)
    if value not in options:
        value = options[0]
    if state.get(key) != value:
        # set elsewhere since the radio was last drawn (an import, a link): the radio's own state
        # says it, so the browser shows it too (a new `index` alone would not move a drawn radio)
        state[key] = value
    chosen = container.radio(
        label,
        list(options),
        format_func=labels(label_prefix),
        key=key,
        on_change=_copy,
        args=(key, name),
        horizontal=True,
        **kwargs,
    )
    state[name] = chosen
    return chosen


def _copy(key: str, name: str) -> None:
    st.session_state[name] = st.session_state[key]


def tabs(name: str, options: Sequence[str], label_prefix: str) -> tuple[list, str]:
    """Tabs that draw only the open one: `session_state[name]` holds the open option (the first at
    first), its label the catalogue's `label_prefix + option`. Opening another reruns the app, or
    only the fragment the tabs are in. Returns the tab containers and the open option; draw into
    that one alone."""
    state = st.session_state
    key = f"{name}@{language()}"
    label = labels(label_prefix)
    value = state.get(name)
    if value not in options:
        value = options[0]
    if key in state and state[key] != label(value):
        del state[key]  # opened elsewhere (a test, a link): draw it from the setting
    by_label = {label(option): option for option in options}
    containers = st.tabs(list(by_label), key=key, default=label(value), on_change=_open_tab, args=(key, name, by_label))
    state[name] = value
    return list(containers), value


def _open_tab(key: str, name: str, by_label: dict[str, str]) -> None:
    st.session_state[name] = by_label.get(st.session_state[key], st.session_state.get(name))


def expander(name: str, label: str, *, default: bool = False):
    """An expander drawn closed, or open where `default` says, until it has been open: then
    open or closed as the person leaves it, which `session_state[name]` keeps (across a language switch too). Opening or closing it
    reruns the app, or only the fragment it is in. Draw into it only when `.open`."""
    state = st.session_state
    key = f"{name}@{language()}"
    value = bool(state.get(name, default))
    if key in state and state[key] != value:
        del state[key]  # opened elsewhere (a test, another language, its default): draw it from the setting
    box = st.expander(label, expanded=value, key=key, on_change=_copy, args=(key, name))
    if name in state or box.open:  # once open (by itself too), it stays open until a person closes it
        state[name] = bool(box.open)
    return box
