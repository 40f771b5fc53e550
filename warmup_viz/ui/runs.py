"""The runs page of `warmup-viz serve --logdir DIR`: every training run under DIR, its verdict, and
the chosen runs drawn over the schedule each is checked against, followed as their files grow.

A fragment polls the files' sizes and modification times every `POLL_SECONDS` and reruns the page
only when one changed (a run came, went or wrote). Runs are chosen by name from those found; the
browser never names a path. DIR is the server's (`serve.logdir`), never the page's."""

from __future__ import annotations

import html

import streamlit as st

from warmup_viz import figures, logview, rundir
from warmup_viz.logs import Log
from warmup_viz.messages import Note
from warmup_viz.run import curve

from . import chrome, present, verdicts, viewport
from .serve import logdir
from .strings import figure_labels, say, t
from .text import plain

POLL_SECONDS = 2.0
DRAWN_AT_FIRST = 6
CHOSEN = "runs.chosen"
_SEEN = "_runs_seen"
_KNOWN = "_runs_known"


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)  # one log directory per server
def watcher(root: str) -> rundir.Watcher:
    """One watcher per log directory, shared by every session: each file is read once per change."""
    return rundir.Watcher(root)


def render_runs_page() -> None:
    """The whole runs page."""
    if not present.on():  # on a projector the chart is the page, as on the schedule page
        st.title(t("runs.title"))
    root = logdir()
    if root is None:
        st.info(t("runs.how_to_start"))
        return
    w = watcher(root)
    found, stopped = w.find()
    lives = [w.live(f) for f in found]
    _poll(w, tuple((live.found.name, live.stamp) for live in lives))
    if not present.on():
        st.caption(t("runs.watching", root=plain(root)))
    if stopped:
        st.warning(say(Note("rundir.too_many", {"count": rundir.MAX_DIRECTORIES, "root": root})))
    _gone([live.found.name for live in lives])
    if not lives:
        st.info(t("runs.none", root=plain(root)))
        return
    names = [live.found.name for live in lives]
    # in the sidebar, as TensorBoard lists its runs: the chart starts near the top of the page
    chosen = st.sidebar.multiselect(
        t("runs.choose"), names, default=_chosen(names), key=CHOSEN, help=t("runs.choose_help")
    )
    drawn = [live for live in lives if live.found.name in chosen]
    if drawn:  # the chart first: on a projector or a phone it is what the page is for
        chrome.chart(st, _figure(drawn), key="runs_chart", width="stretch")
        st.caption(t("app.step_convention"))
    _table(lives)
    for live in lives:
        for problem in live.problems:
            st.warning(say(problem))
    for live in drawn:
        if live.recovered is not None:
            settings = ", ".join(f"{k}={v}" for k, v in live.recovered.settings().items())
            st.caption(
                t(
                    "runs.recovered_settings",
                    run=plain(live.found.name),
                    source=say(live.source),
                    settings=plain(settings),
                )
            )


@st.fragment(run_every=POLL_SECONDS)
def _poll(w: rundir.Watcher, drawn: tuple) -> None:
    """Every POLL_SECONDS: the page again when a run's files changed since it was drawn."""
    if w.stamp() != drawn:
        st.rerun()


def _chosen(names: list[str]) -> list[str] | None:
    """The multiselect's default on a first draw: the first runs. Afterwards (None: its value is the
    session's) the runs chosen before that are still there, and a run that came since joins them,
    as TensorBoard draws a new run."""
    state = st.session_state
    known = state.get(_KNOWN)
    state[_KNOWN] = names
    if CHOSEN not in state or known is None:
        return names[:DRAWN_AT_FIRST]
    kept = [n for n in state[CHOSEN] if n in names]
    came = [n for n in names if n not in known][: max(0, DRAWN_AT_FIRST - len(kept))]
    if kept + came != state[CHOSEN]:
        state[CHOSEN] = kept + came
    return None


def _gone(names: list[str]) -> None:
    """Say which runs this page showed before and are no longer there."""
    seen = st.session_state.setdefault(_SEEN, set())
    for name in sorted(seen - set(names)):
        st.info(say(Note("rundir.gone", {"name": name})))
    seen.update(names)


def _table(lives: list[rundir.Live]) -> None:
    """One row per run: its name, how far it has logged, its last LR, what it is checked against
    and its verdict, in the page's language; on a phone, a box per run (a table's last columns
    would be out of sight)."""
    rows = [_row(live) for live in lives]
    if viewport.narrow():
        for live, row in zip(lives, rows, strict=True):
            text = t("runs.card", **{k: plain(v) for k, v in row.items()})
            matches = live.verdict is not None and live.verdict.matches
            (st.success if matches else st.warning if live.verdict is not None else st.info)(text)
        return
    # st.table renders markdown in its cells: names and messages are escaped to show as typed
    st.table({t(f"runs.column.{c}"): [plain(row[c]) for row in rows] for c in _COLUMNS})


_COLUMNS = ("run", "steps", "last", "lr", "against", "verdict")


def _row(live: rundir.Live) -> dict[str, str]:
    verdict = verdicts.said_verdict(live.verdict, markdown=False) if live.verdict is not None else t("runs.no_verdict")
    return {
        "run": live.found.name,
        "steps": f"{len(live.steps):,}",
        "last": f"{live.steps[-1]:,}" if live.steps else "—",
        "lr": f"{live.lrs[-1]:.4g}" if live.lrs else "—",
        "against": say(live.source, markdown=False),
        "verdict": verdict,
    }


def _figure(drawn: list[rundir.Live]):
    """Each run's planned (or recovered) schedule and its logged LR, on one LR panel."""
    planned = [live for live in drawn if live.run is not None]
    curves = [
        figures.Curve(
            t("runs.planned" if live.verdict is not None else "runs.recovered", run=html.escape(live.found.name)),
            curve(live.run),
        )
        for live in planned
    ]
    # plotly obeys its own markup in trace names (<b>, <a href>): a directory's name shows as typed
    logs = [
        Log(live.found.name, "live", live.table.assign(run=live.table["run"].map(html.escape)))
        for live in drawn
        if live.steps
    ]
    options = figures.FigureOptions(
        title=t("runs.chart_title"),
        narrow=viewport.narrow(),
        present=present.on(),
        final=False,
        labels=figure_labels(),
    )
    lines = logview.lines(logs, ["learning_rate"], smoothing=0.0)
    figure = figures.schedule_figure(curves, lr_lines=lines, options=options)
    _pair_colors(
        figure, {curve.name: html.escape(live.found.name) for curve, live in zip(curves, planned, strict=True)}
    )
    return figure


def _pair_colors(figure, run_of: dict[str, str]) -> None:
    """Each run's logged points in the colour of the line they are checked against, so that with
    several runs drawn one can tell whose points are whose (`run_of`: a line's name -> its run)."""
    color_of = {}
    for trace in figure.data:
        name = (trace.meta or {}).get("name", trace.name) if isinstance(trace.meta, dict) else trace.name
        if name in run_of and trace.mode == "lines":
            color_of[run_of[name]] = trace.line.color
    for trace in figure.data:
        if trace.legendgroup in color_of and trace.mode != "lines":
            trace.marker.color = trace.line.color = color_of[trace.legendgroup]
