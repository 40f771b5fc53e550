"""The main view of the schedule page: chart, summary, notes; and the URL kept in step."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from warmup_viz import (
    comparison,
    ds_schedule,
    figures,
    groups,
    legend,
    logview,
    lr_schedule,
    playhead,
    registry,
    resume,
    run_kind,
    share,
    static,
    teach,
)
from warmup_viz.config import ConfigError, ScheduleConfig
from warmup_viz.curve import DisplayCurve
from warmup_viz.run import Run, curve, with_convention

from . import (
    chart_options,
    chrome,
    exchange,
    form,
    keys,
    metric_panel,
    page_link,
    playhead_link,
    present,
    summary,
    uploads,
    verdicts,
    viewport,
    widgets,
)
from .address import write_url
from .strings import figure_labels, say, schedule_name, t


@dataclass(frozen=True)
class Drawn:
    """A schedule that can be drawn: its letter, its run (what the log holds at each step), and
    the curve drawn of it."""

    letter: str
    run: Run
    curve: DisplayCurve
    resumes: int | None = None  # resumes A's run from this checkpoint step (the link says so)
    kind: run_kind.RunKind = run_kind.RunKind()  # its loop and param groups (the link says so)

    @property
    def config(self) -> ScheduleConfig:
        return self.run.config


def render_schedule_page() -> None:
    """The whole schedule page: sidebar form(s), then the chart and summary of schedule A."""
    with st.container():  # one block either way: a switch of mode leaves what follows in place
        playing = _header(form.url_warnings())
    preload = st.empty()
    if not st.session_state.get(keys.PLOTLY_LOADING):
        # a session's first run: an empty chart sent first has the browser fetch and start plotly's
        # code (a few MB, loaded on a page's first chart) while the rest of the page arrives; the
        # real chart replaces nothing, this one is cleared at the end of the run
        st.session_state[keys.PLOTLY_LOADING] = True
        chrome.chart(preload, _EMPTY_FIGURE, height=10, config={"staticPlot": True})
    try:
        _render(playing)
    finally:
        preload.empty()


def _render(playing: bool | None) -> None:
    results = form.render_all()
    chart, below = st.container(), st.container()
    # the log section and the view options are drawn on every run, even when the settings are
    # invalid: a widget that is not drawn loses its value (and an upload its files)
    uploads.retire_example(results[0].config)
    logs = uploads.uploads()
    with below:
        view = chart_options.options(logs, compared=len(results) > 1)
    page = form.page_state()
    with chart:
        drawn = _drawable(results, logs, view)
    if not drawn:
        with below:  # the import stays at hand (an imported config may wait for an entry)
            exchange.render([], [])
        return
    resumes = tuple(d.resumes for d in drawn) if any(d.resumes for d in drawn) else ()
    kinds = tuple(d.kind for d in drawn) if any(not d.kind.plain for d in drawn) else ()
    link = share.Link(tuple(d.config for d in drawn), view, resumes, kinds)
    synced = len(drawn) == len(results)  # a schedule with an invalid entry keeps the last good link
    if synced:
        _sync_url(link, page)
    names = [schedule_name(letter, parts) for letter, parts in comparison.names([d.config for d in drawn])]
    lr_lines, metric_lines = chart_options.lines(logs, view)
    title = _title(names, [d.letter for d in drawn], present=page.present)
    figure = _figure(drawn, names, view, logs, lr_lines, metric_lines, title, present=page.present)
    # the chart first, then what goes below it: the browser draws it while the rest is made
    with chart:
        chrome.words()  # from the full run: a fragment never writes the page's stylesheet
        _chart(_Chart(drawn, names, view, logs, lr_lines, metric_lines, title, figure, link, synced), playing)
    with below:
        verdicts.verdicts(drawn[0].run, logs)
        summary.summary(lr_schedule.summarize(drawn[0].config, drawn[0].curve))
        if len(drawn) > 1:
            summary.table([_numbers(d, name) for d, name in zip(drawn, names, strict=True)])
        exchange.render([d.config for d in drawn], names)


@dataclass(frozen=True)
class _Chart:
    """What the chart area draws, made by the page's full run: the schedules, their names, the
    view, the logs and their lines, the title, the figure (without the playhead), the link and
    whether the page writes it (not while a schedule has an invalid entry)."""

    drawn: list[Drawn]
    names: list[str]
    view: share.View
    logs: list
    lr_lines: list
    metric_lines: list
    title: str
    figure: go.Figure
    link: share.Link
    synced: bool


@st.fragment
def _chart(c: _Chart, playing: bool | None) -> None:
    """The chart area: the playhead switch (`playing`: None when it is not in the header), the
    chart, its notes and the share box. A fragment: turning the playhead on or off, or the
    playhead stopping at a step, changes nothing else on the page, so it reruns only this."""
    page = form.page_state()
    figure = c.figure
    if playing is None:
        playing = st.toggle(
            t("view.playhead"), key=keys.PLAYHEAD, help=t("view.playhead_help"), persist_state="session"
        )
        page = form.page_state()
    if c.synced:  # after a run of this area alone too: the playhead's part of the link
        _sync_url(c.link, page)
    if playing:
        figure = go.Figure(figure.to_dict(), _validate=False)  # the full run's figure stays as drawn
        labels = (t("playhead.play"), t("playhead.pause"))
        positions, follow = _playhead(c.drawn, c.names, c.view, c.logs, c.lr_lines, c.metric_lines)
        playhead.add_playhead(
            figure,
            positions,
            follow,
            labels,
            present=page.present and not viewport.narrow(),  # a projector's controls do not fit a phone
            start_step=page.playhead_step,
        )
        playhead_link.follow("lr_chart", [p.step for p in positions], page.playhead_step)
    # the exported image at the size chosen in the download tab (the chart's own height by default:
    # it holds the title and legend), its labels editable there for it
    image = exchange.image_options(figure, [d.config for d in c.drawn], present=page.present)
    config = {"toImageButtonOptions": image, **exchange.chart_edits()}
    st.plotly_chart(figure, key="lr_chart", width="stretch", config=chrome.chart_config(**config))
    st.caption(t("app.step_convention"))
    _run_kind_notes(st, c.drawn)
    _share(c.title, figure, chrome.chart_config(**config))


def _title(names: list[str], letters: list[str], *, present: bool) -> str:
    """The chart's (and the slide's) title: the schedules' names side by side while that stays
    within two of a phone's lines; longer, or on a projector (whose screen the plot needs), their
    letters (the legend under it names each)."""
    title = t("app.versus").join(names)
    if len(names) == 1:
        return title
    if not present and legend.text_width(title, 17) <= 2 * (legend.TEXT_WIDTH[False] + legend.TITLE_MORE):
        return title
    return t("app.versus").join(letters)


def _header(warnings: list[str]) -> bool | None:
    """Title, presentation switch, tagline and the link's warnings. In presentation mode, one
    compact row instead (the switches and a short note), so the chart fills the first screen;
    returns the playhead switch then (it sits in that row), else None."""
    if present.on():
        row = st.columns([1, 1, 2], vertical_alignment="center")  # room for each switch's whole label
        present.switch(row[0])
        playing = row[1].toggle(
            t("view.playhead"), key=keys.PLAYHEAD, help=t("view.playhead_help"), persist_state="session"
        )
        _link_warnings(warnings)
        return playing
    head = st.columns([3, 1], vertical_alignment="center")
    head[0].title(t("app.title"))
    present.switch(head[1])
    st.caption(t("app.tagline"))
    _link_warnings(warnings)
    return None


def _link_warnings(warnings: list) -> None:
    """One box for everything the link got wrong, each parameter and what was used instead."""
    if warnings:
        st.warning("\n".join([t("app.link_warnings", count=len(warnings)), *(f"- {say(w)}" for w in warnings)]))


def _figure(drawn: list[Drawn], names, view: share.View, logs, lr_lines, metric_lines, title: str, *, present: bool):
    curves = [
        figures.Curve(name, d.curve, _epochs(view, d, logs), d.letter if len(drawn) > 1 else "")
        for name, d in zip(names, drawn, strict=True)
    ]
    if len(drawn) == 1 and drawn[0].kind.plain:
        curves[0] = figures.Curve(figures.LR_PANEL, drawn[0].curve, curves[0].epochs)
    curves += _companions(drawn)
    options = figures.FigureOptions(
        layout=view.layout,
        log_y=view.log_y,
        ignore_outliers=view.ignore_outliers,
        lr_y_min=view.lr_y_min,
        lr_y_max=view.lr_y_max,
        title=title,
        diff_title=t(f"view.diff_axis_{view.diff}") if view.diff != "off" else "",
        present=present,
        narrow=viewport.narrow(),
        labels=figure_labels(),
    )
    differences = _differences(view, drawn)
    if curves[0].epochs is not None:  # on an epoch axis, the differences too (they are by A's steps)
        steps = drawn[0].curve.steps
        differences = [replace(d, x=np.interp(d.x, steps, curves[0].epochs).tolist()) for d in differences]
    return figures.schedule_figure(
        curves,
        differences=differences,
        lr_lines=lr_lines,
        metric_lines=metric_lines,
        options=options,
    )


def _run_kind_notes(chart, drawn: list[Drawn]) -> None:
    """Under the chart: where a loop parts from what it meant, and which param group a log shows."""
    for d in drawn:
        letter = f"{d.letter}: " if len(drawn) > 1 else ""
        if d.kind.loop is not None:
            for note in d.run.warnings:
                chart.warning(letter + say(note))
        found = d.kind.groups(d.config.learning_rate)
        if found:
            chart.caption(letter + say(groups.logged_note(found)))


def _companions(drawn: list[Drawn]) -> list[figures.Curve]:
    """Beside each schedule: what its loop meant (one scheduler step per update) and its other
    param groups, each its own line."""
    out = []
    for d in drawn:
        letter = f"{d.letter} · " if len(drawn) > 1 else ""
        try:
            lines = []
            intended = d.kind.intended(d.config)
            if intended is not None:
                lines.append(figures.Curve(t("view.intended", letter=letter), curve(intended), None, ""))
            for i, (name, run) in enumerate(d.kind.group_runs(d.config).items()):
                if i:  # the first is the schedule's own line: the group Trainer logs
                    # a name the person wrote, shown as written (plotly reads a few HTML tags in a name)
                    shown = _for_plotly(name)
                    lines.append(figures.Curve(t("view.group", letter=letter, group=shown), curve(run), None, ""))
        except ConfigError as e:  # said, and the schedule's own line stays
            st.error(say(e))
            continue
        out += lines
    return out


@st.fragment
def _share(title: str, figure: go.Figure, config: dict) -> None:
    """The share box (the page's link as last written, with the playhead where it stopped, and
    the view as a self-contained HTML page, written when asked for): drawn when opened, and
    opening it reruns only this box."""
    box = widgets.expander("share_open", t("app.share"))
    if box.open:
        with box:
            st.caption(t("app.share_help"))
            st.code(_full_link(st.session_state.get(keys.WRITTEN, {})), language=None, wrap_lines=True)
            st.caption(t("app.slide_title"))
            st.code(title, language=None, wrap_lines=True)
            st.download_button(
                t("app.share_html"),
                data=lambda: static.html_bytes(figure, title, config),
                file_name="warmup-viz-view.html",
                mime="text/html",
                help=t("app.share_html_help"),
                on_click="ignore",
                key="share_html",
            )


_EMPTY_FIGURE = go.Figure(layout={"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})  # only read


def _drawable(results: list[form.FormResult], logs: list, view: share.View) -> list[Drawn]:
    """The schedules that can be drawn; empty (after saying why) when schedule A cannot be drawn."""
    drawn: list[Drawn] = []
    for i, result in enumerate(results):
        letter = form.LETTERS[i]
        item, problem = _one(letter, result, logs, drawn[0] if drawn and i else None)
        if item is not None and i == 0:
            item = _as_it_runs(item, view)
        if item is not None:
            drawn.append(item)
            continue
        if i == 0:
            (st.info if problem[0] == "info" else st.error)(problem[1])
            return []
        message = t("app.left_out", letter=letter, message=problem[1])
        (st.info if problem[0] == "info" else st.warning)(message)
    return drawn


def _one(letter: str, result: form.FormResult, logs: list, first: Drawn | None) -> tuple[Drawn | None, tuple[str, str]]:
    """Schedule `letter` ready to draw, or None and (severity, why not). A compared schedule
    that resumes A from a checkpoint is drawn as that resumed run."""
    config = result.config
    if config is None:
        config = st.session_state.get(keys.last_valid(form.slots()[form.LETTERS.index(letter)]))
        if config is None:
            asked = set(result.errors.values()) == {t("form.enter_dataset_size")}  # asked for, not wrong
            return None, ("info", t("app.needs_dataset")) if asked else (
                "error",
                t("app.fix_setting", errors=" ".join(result.errors.values())),
            )
        st.caption(t("app.last_valid", letter=letter))
    info = registry.info(config.lr_scheduler_type)
    if info.metric_driven:
        simulation = metric_panel.simulation(config, logs, letter)
        if simulation is None:
            return None, ("info", t("app.metric_driven", name=info.name))
        return Drawn(letter, simulation, simulation.curve), ("", "")
    try:
        if result.resume is not None and first is not None and not first.config.info.metric_driven:
            run = resume.resumed_from(first.config, config, result.resume)
            st.caption(f"{letter}: " + " ".join(say(n) for n in run.notes))
            return Drawn(letter, run, curve(run), resumes=result.resume), ("", "")
        kind = result.kind
        try:
            run = kind.logged_run(config)
        except ConfigError as e:
            if e.field not in run_kind.KEYS:
                raise
            st.error(f"{letter}: " + say(e))  # said; the schedule itself is still drawn
            kind = run_kind.RunKind()
            run = kind.logged_run(config)
        return Drawn(letter, run, curve(run), kind=kind), ("", "")
    except ConfigError as e:
        return None, ("error", say(e))


def _as_it_runs(first: Drawn, view: share.View) -> Drawn:
    """Schedule A as the run logs it: under a DeepSpeed config (its scheduler may replace
    lr_scheduler_type), or with the logging convention of transformers before 4.51."""
    if first.config.info.metric_driven:  # replayed from the log's own metric, as the log holds it
        return first
    ds_config = st.session_state.get(keys.DEEPSPEED)
    try:
        if ds_config:
            run = ds_schedule.resolve(first.config, ds_config, keys.DEEPSPEED)
        else:
            run = with_convention(first.run, view.logging_convention)
    except ConfigError as e:
        st.error(say(e))
        return first
    if run is first.run:
        return first
    for note in run.warnings:
        st.warning(say(note))
    for note in run.notes:
        st.info(say(note))
    return replace(first, run=run, curve=curve(run))


def _playhead(drawn: list[Drawn], names: list[str], view: share.View, logs, lr_lines, metric_lines):
    """Playhead positions on round steps up to the longest schedule, and the traces they follow:
    every schedule (a marker and its exact LR there) and every shown log (its last logged value
    at or before that step). The read-out, in the page's language: the step, A's phase, LR and
    share of its peak; each compared schedule's LR; each log's value."""
    first = drawn[0]
    longest = max(d.curve.steps[-1] for d in drawn)
    steps = teach.round_steps(longest)
    own = [s for s in steps if s <= first.curve.steps[-1]]
    readouts = {r.step: r for r in teach.readouts(first.config, first.curve, first.run.logged, steps=own)}
    epochs = _epochs(view, first, logs)
    xs = [float(s) for s in steps]
    if epochs is not None:
        at = logview.steps_to_epochs(steps, first.config, [item.log for item in logs])
        xs = [float(x) for x in at] if at is not None else xs
    tracks = [_schedule_track(d, steps, _epochs(view, d, logs)) for d in drawn]
    compared = len(drawn) > 1 or not first.kind.plain
    follow = [figures.LR_PANEL if not compared else name for name in names]
    logged_name = figure_labels().logged
    lines = [*lr_lines, *metric_lines]
    follow += [logged_name.format(run=line.run) for line in lr_lines]
    follow += [f"{line.run} · {line.metric}" for line in metric_lines]
    out = []
    for i, (step, x) in enumerate(zip(steps, xs, strict=True)):
        points = [track[i] for track in tracks] + [_last(line, x) for line in lines]
        text = [_readout(readouts.get(step), step, first.letter if len(drawn) > 1 else "")]
        others = [
            t("playhead.schedule", letter=d.letter, lr=f"{point[1]:.4g}")
            for d, point in zip(drawn[1:], points[1 : len(drawn)], strict=True)
            if point is not None
        ]
        shown = [
            f"{_for_plotly(line.run)} · {_for_plotly(line.metric)} {point[1]:.4g}"
            for line, point in zip(lines, points[len(drawn) :], strict=True)
            if point is not None
        ]
        per_line = 1 if viewport.narrow() else 3
        text += [" · ".join(others[j : j + per_line]) for j in range(0, len(others), per_line)]
        text += [" · ".join(shown[j : j + per_line]) for j in range(0, len(shown), per_line)]
        if viewport.narrow():  # a phone: each line wrapped to its width
            text = [part for line in text for part in figures.wrap(line, 36).split("<br>")]
        out.append(playhead.Position(x, step, tuple(text), tuple(points)))
    return out, follow


def _for_plotly(text: str) -> str:
    """A name a person wrote or a log holds, shown as written in plotly's text (which reads a few
    HTML tags): `&`, `<` and `>` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _readout(r: teach.Readout | None, step: int, letter: str) -> str:
    """The read-out's first line: the step and schedule A's phase, LR and share of its peak."""
    if r is None:
        return t("playhead.past_end", step=f"{step:,}", letter=letter or "A")
    phase = t(f"phase.{r.phase.kind}", n=r.phase.n)
    phase = f"{letter} {phase}" if letter else phase
    values = dict(step=f"{r.step:,}", phase=phase, lr=f"{r.lr:.4g}", percent=f"{r.percent_of_peak:.1f}%")
    if r.epoch is not None:
        return t("playhead.readout", epoch=f"{r.epoch:.2f}", **values)
    return t("playhead.readout_no_epoch", **values)


def _schedule_track(d: Drawn, steps: list[int], epochs: list | None) -> list:
    """A schedule's marker at each playhead step: (x, the LR its log holds there), or None past its end."""
    last = d.curve.steps[-1]
    inside = [s for s in steps if s <= last]
    values = dict(zip(inside, d.run.logged(inside), strict=True))
    out = []
    for s in steps:
        if s not in values:
            out.append(None)
            continue
        x = float(np.interp(s, d.curve.steps, epochs)) if epochs else float(s)
        out.append((x, float(values[s])))
    return out


def _last(line, x: float):
    """A log line's last point at or before `x` (smoothed where it is smoothed), or None."""
    i = int(np.searchsorted(line.x, x, side="right")) - 1
    if i < 0:
        return None
    return float(line.x[i]), float((line.smooth_y if line.smooth_y is not None else line.y)[i])


def _sync_url(link: share.Link, page: page_link.Page) -> None:
    """The address: this page's link, with the other pages' own settings as they were last left."""
    st.session_state[keys.LINK_PARAMS] = page_link.encode(link, page)  # the other pages' links start from it
    others = st.session_state.get(keys.PAGE_PARAMS, {})
    write_url(page_link.encode(link, replace(page, others=others)))


def _full_link(params: dict[str, str]) -> str:
    base = st.context.url or ""
    return base + ("?" + urlencode(params) if params else "")


def _epochs(view: share.View, drawn: Drawn, logs) -> list | None:
    if view.x_axis != "epoch" or not any(logview.has_epochs(item.log) for item in logs):
        return None
    epochs = logview.steps_to_epochs(drawn.curve.steps, drawn.config, [item.log for item in logs])
    return None if epochs is None else epochs.tolist()


def _differences(view: share.View, drawn: list[Drawn]) -> list[figures.Difference]:
    """Each compared schedule against A, named by its own pair (C − A, C / A)."""
    if view.diff == "off" or len(drawn) < 2:
        return []
    first = drawn[0]
    sign = "/" if view.diff == "ratio" else "−"
    out = []
    for d in drawn[1:]:
        diff = comparison.difference(first.curve, first.run, d.curve, d.run, view.diff)
        out.append(figures.Difference(f"{d.letter} {sign} {first.letter}", diff.steps, diff.values))
    return out


def _numbers(d: Drawn, name: str) -> tuple[str, int, int, float, float]:
    """A compared schedule's row: its name, max_steps, warmup, peak and final LR."""
    warmup = d.config.num_warmup_steps if d.config.info.uses_warmup else 0
    return name, d.curve.steps[-1], warmup, max(d.curve.lrs), d.curve.lrs[-1]
