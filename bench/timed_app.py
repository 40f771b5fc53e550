"""app.py with every section of the schedule page timed (bench/trace_page.py runs it).

The page code is left as it is: this wraps the functions `render_schedule_page` calls in
`warmup_viz.ui.timing` sections, by name, before app.py's code runs. Start the server with
WARMUP_VIZ_TIMINGS=1 (stderr) or WARMUP_VIZ_TIMINGS=/path/file.jsonl.
"""

import functools
import json

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from warmup_viz.ui import chart_options, exchange, form, pages, summary, timing, uploads, verdicts, view, warm


def _timed(name, fn):
    if getattr(fn, "_timed", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with timing.section(name):
            return fn(*args, **kwargs)

    wrapper._timed = True
    return wrapper


def _plotly_chart(fn):
    @functools.wraps(fn)
    def wrapper(self, figure, *args, **kwargs):
        timing.value("figure_json_bytes", len(json.dumps(figure.to_plotly_json(), default=str)))
        timing.value("figure_traces", len(figure.data))
        with timing.section("plotly_chart"):
            return fn(self, figure, *args, **kwargs)

    wrapper._timed = True
    return wrapper


for module, names in (
    (view, ["_header", "_drawable", "_figure", "_chart", "_share", "_playhead"]),
    (form, ["render_all"]),
    (uploads, ["uploads"]),
    (chart_options, ["options", "lines"]),
    (verdicts, ["verdicts"]),
    (exchange, ["render"]),
    (summary, ["summary"]),
):
    for name in names:
        setattr(module, name, _timed(f"{module.__name__.rsplit('.', 1)[-1]}.{name}", getattr(module, name)))
if not getattr(DeltaGenerator.plotly_chart, "_timed", False):
    DeltaGenerator.plotly_chart = _plotly_chart(DeltaGenerator.plotly_chart)
if not getattr(view.render_schedule_page, "_timed", False):
    _page = view.render_schedule_page

    @functools.wraps(_page)
    def _render_schedule_page():
        with timing.section("schedule_page"):
            _page()

    _render_schedule_page._timed = True
    view.render_schedule_page = _render_schedule_page
    pages.render_schedule_page = _render_schedule_page

warm.once()  # as app.py
with timing.run("script"):  # the whole script run; the page is one section of it
    st.set_page_config(page_title="warmup-viz", page_icon="📈", layout="wide")
    pages.run()
