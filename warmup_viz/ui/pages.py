"""The app's pages and what every page shares: the link loaded once, the language picker."""

from __future__ import annotations

import pathlib

import streamlit as st

from . import form, keys, present, viewport
from .address import write_url
from .serve import DASHBOARD, logdir
from .strings import DEFAULT_LANGUAGE, LANGUAGES, language, t
from .view import render_schedule_page

PAGES = DASHBOARD / "pages"


# pages shown only when the server was started so: the runs page with `--logdir DIR`
_SHOWN_WHEN = {"runs": lambda: logdir() is not None}


def page_scripts() -> list[pathlib.Path]:
    """The pages besides the schedule page: every script in pages/ this server shows, in name
    order. A page is its script, its ui module and its words (`nav.<name>`, its title;
    `nav.<name>_icon`, its icon)."""
    return [s for s in sorted(PAGES.glob("*.py")) if _SHOWN_WHEN.get(s.stem, lambda: True)()]


def link_prefixes() -> tuple[str, ...]:
    """Each page keeps its own settings in a link under its name (`gallery.max_steps`,
    `learn.warmup`): the schedule page's link decoding keeps them for it."""
    return tuple(f"{script.stem}." for script in page_scripts())


LINK_PREFIXES = link_prefixes()
_ROUTED = "_routed_this_run"
_GO_TO = "_go_to_page"
_NAVIGATED = "_navigated"


def run() -> None:
    """Route to the page the address names; every page gets the sidebar's language picker."""
    form.load_from_url(link_prefixes())  # once per session, whichever page the link opens
    if present.on():  # presentation mode: the slide, not the controls
        st.set_page_config(initial_sidebar_state="collapsed")
    present.style()
    viewport.watch()
    _language_picker()
    st.session_state[_ROUTED] = True
    st.session_state[_NAVIGATED] = True
    pages = {
        script.stem: st.Page(
            str(script), title=t(f"nav.{script.stem}"), icon=t(f"nav.{script.stem}_icon"), url_path=script.stem
        )
        for script in page_scripts()
    }
    navigation = st.navigation([main_page(), *pages.values()])
    if (go_to := st.session_state.pop(_GO_TO, None)) in pages:
        st.session_state.pop(_ROUTED, None)
        st.switch_page(pages[go_to], query_params=st.query_params.to_dict())
    try:
        navigation.run()
    finally:
        st.session_state.pop(_ROUTED, None)


def setup(page: str) -> None:
    """Called first by every page script. Normally app.py has routed here and there is nothing to
    do. On a fresh server, the first request for /gallery runs pages/gallery.py on its own
    (Streamlit's pages/ folder convention): then go through app.py, which routes back here, so
    the navigation is app.py's (translated) from the first page on."""
    state = st.session_state
    if state.get(_ROUTED):
        return
    if not state.get(_NAVIGATED):  # this session has not been through app.py yet
        state[_GO_TO] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    # run on its own after app.py has routed this session before (as Streamlit's AppTest does)
    form.load_from_url(link_prefixes())
    present.style()
    _language_picker()


def main_page() -> st.Page:
    """The schedule page (the default page), for navigation and st.switch_page."""
    return st.Page(render_schedule_page, title=t("nav.schedule"), icon="📈", default=True)


def _language_picker() -> None:
    """The sidebar's language choice. The page's language lives under `lang` in the session (set
    from the link); the radio is drawn from it with `index=` and a change is copied back by its
    callback, rather than the radio being keyed by `lang` itself: a keyed radio whose value a link
    set before it was drawn came back as its first option on the next rerun, and the page fell
    back to English."""
    current = st.session_state.setdefault(keys.LANG, DEFAULT_LANGUAGE)
    options = list(LANGUAGES)
    st.sidebar.radio(
        t("app.language"),
        options,
        index=options.index(current) if current in options else 0,
        format_func=LANGUAGES.get,
        horizontal=True,
        key=keys.LANG_PICKER,
        on_change=_picked,
    )


def _picked() -> None:
    st.session_state[keys.LANG] = st.session_state[keys.LANG_PICKER]


def linked_value(key: str, default, parse):
    """The value a link gave for a page's own widget `key` (`gallery.max_steps`, `learn.warmup`),
    parsed; `default` when the link gave none or an unusable one."""
    text = st.session_state.get(keys.PAGE_PARAMS, {}).get(key)
    if text is None:
        return default
    try:
        return parse(text)
    except (TypeError, ValueError):
        return default


def sync_page_url(prefix: str, own: dict[str, str]) -> None:
    """Write this page's link: the schedule page's settings and view (so navigation keeps them and
    the language), every other page's own settings as last seen, and this page's own settings
    `own` (those that differ from its defaults; their keys start with `prefix`)."""
    state = st.session_state
    others = {k: v for k, v in state.get(keys.PAGE_PARAMS, {}).items() if not k.startswith(prefix)}
    state[keys.PAGE_PARAMS] = others | own
    params = {k: v for k, v in state.get(keys.LINK_PARAMS, {}).items() if k != "lang"}
    params |= state[keys.PAGE_PARAMS]
    if language() != DEFAULT_LANGUAGE:
        params["lang"] = language()
    write_url(params)
