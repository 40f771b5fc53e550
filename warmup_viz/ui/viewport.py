"""The browser's width, as the page lays out for it: a phone gets charts laid out for a narrow
screen (their margins, type and controls in pixels, which no stylesheet reaches). A small
component of our own reports whether the window is narrow when the page opens and when it
crosses the line; the server then draws for it."""

from __future__ import annotations

import streamlit as st

NARROW_PX = 640  # below this window width (a phone, portrait) charts are laid out narrow
_KEY = "_viewport"
_NARROW = "_narrow"  # what the browser said last

# our own constant code (never user text)
_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const report = () => {
    const narrow = window.innerWidth < data.limit;
    if (narrow !== data.narrow) setTriggerValue("narrow", narrow);  // the page redraws for it
  };
  const first = setTimeout(report, 0);  // once mounted
  let timer = null;
  const resized = () => { clearTimeout(timer); timer = setTimeout(report, 300); };
  window.addEventListener("resize", resized);
  return () => { clearTimeout(first); clearTimeout(timer); window.removeEventListener("resize", resized); };
}
"""
_COMPONENT = st.components.v2.component("warmup_viz.viewport", js=_JS)


def narrow() -> bool:
    """Whether the browser's window is narrow (as last reported; wide until it says so)."""
    return bool(st.session_state.get(_NARROW))


def watch() -> None:
    """Mount the reporter (once per run, by the router): a change reruns the page."""
    _COMPONENT(key=_KEY, data={"limit": NARROW_PX, "narrow": narrow()}, on_narrow_change=_said, height=0)


def _said() -> None:
    result = st.session_state.get(_KEY)
    value = result.get("narrow") if hasattr(result, "get") else None
    if isinstance(value, bool):
        st.session_state[_NARROW] = value
