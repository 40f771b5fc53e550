"""The app's pages and what every page shares: the link loaded once, the language picker."""

from __future__ import annotations

import pathlib

import streamlit as st

from . import form
from .strings import DEFAULT_LANGUAGE, LANGUAGES, t
from .view import render_schedule_page

PAGES = pathlib.Path(__file__).resolve().parents[2] / "pages"


def run() -> None:
    """Route to the page the address names; every page gets the sidebar's language picker."""
    form.load_from_url()  # once per session, whichever page the link opens
    _language_picker()
    navigation = st.navigation(
        [
            main_page(),
            st.Page(str(PAGES / "gallery.py"), title=t("nav.gallery"), icon="🗂️", url_path="gallery"),
            st.Page(str(PAGES / "learn.py"), title=t("nav.learn"), icon="🎓", url_path="learn"),
        ]
    )
    navigation.run()


def main_page() -> st.Page:
    """The schedule page (the default page), for navigation and st.switch_page."""
    return st.Page(render_schedule_page, title=t("nav.schedule"), icon="📈", default=True)


def _language_picker() -> None:
    st.session_state.setdefault("lang", DEFAULT_LANGUAGE)
    st.sidebar.radio(
        t("app.language"),
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key="lang",
        horizontal=True,
        persist_state="session",
    )
