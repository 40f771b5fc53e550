"""The page's address: written in one place, so the session knows which address is its own."""

from __future__ import annotations

import streamlit as st

from . import keys


def write_url(params: dict[str, str]) -> None:
    """Make `params` the page's address (a new entry in the browser's history, so Back returns to
    the one before) and remember it as this session's own."""
    st.session_state[keys.WRITTEN] = params
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
