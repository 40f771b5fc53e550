"""app.py with whole sections of the schedule page left out: what a
rerun would cost if they were not re-run and re-sent on every change. LEAN_SECTIONS lists them
(comma-separated): exchange, verdicts, summary, share, options, sidebar_extras."""

import os

import streamlit as st

from warmup_viz.ui import chart_options, exchange, pages, verdicts, view, warm

_OUT = set(filter(None, os.environ.get("LEAN_SECTIONS", "").split(",")))
if "exchange" in _OUT:
    exchange.render = lambda configs, names: "png"
if "verdicts" in _OUT:
    verdicts.verdicts = lambda *args, **kwargs: None
if "summary" in _OUT:
    view.summary.summary = lambda s: None
if "share" in _OUT:
    view._share = lambda chart, link, title: None
if "options" in _OUT:
    _options = chart_options.options
    chart_options.options = lambda logs, compared=False: _options([], compared=compared)

warm.once()  # as app.py
st.set_page_config(page_title="warmup-viz", page_icon="📈", layout="wide")
pages.run()
