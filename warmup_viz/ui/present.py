"""Presentation mode: a property of the session, applied on every page (large type, the sidebar
collapsed, nothing on the slide but the lesson), with its switch at the top of each page."""

from __future__ import annotations

import streamlit as st

from . import keys
from .strings import t

# our own constant stylesheet (never user text): larger type everywhere for a projector, and the
# page's top padding just below Streamlit's header (its button opens the collapsed sidebar)
PRESENTATION_CSS = (
    "<style>html { font-size: 20px; } section[data-testid='stSidebar'] { font-size: 18px; }"
    " [data-testid='stMainBlockContainer'] { padding-top: 3.2rem; padding-bottom: 1rem; }"
    " [data-testid='stMainBlockContainer'] h1 { font-size: 2rem; padding-top: 0; }"
    " @media (max-width: 640px) { html { font-size: 17px; }"  # a phone: large, and still a page
    " [data-testid='stMainBlockContainer'] { padding-top: 3.5rem; } }</style>"
)


def on() -> bool:
    """Whether the session is in presentation mode."""
    return bool(st.session_state.get(keys.PRESENT))


def style() -> None:
    """The presentation stylesheet, on whichever page runs (called once per run, by the router)."""
    if on():
        st.html(PRESENTATION_CSS)


def switch(container=st) -> None:
    """The presentation switch (one setting for every page; the link carries it)."""
    container.toggle(t("form.present"), key=keys.PRESENT, help=t("form.present_help"), persist_state="session")


def header(title: str, intro: str) -> None:
    """A page's title with the presentation switch beside it, then its introduction (left out of
    a slide: in presentation mode the page is the lesson, not its instructions)."""
    head = st.columns([3, 1], vertical_alignment="center")
    head[0].title(title)
    switch(head[1])
    if not on():
        st.caption(intro)
