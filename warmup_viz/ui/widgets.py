"""Radios whose option labels depend on the page's language, keeping their value across a switch.

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
    if key in state and state[key] != value:
        del state[key]  # set elsewhere since the radio was last drawn: draw it from the setting
    chosen = container.radio(
        label,
        list(options),
        index=list(options).index(value),
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
