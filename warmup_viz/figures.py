"""Data -> plotly figures. Pure: no Streamlit, no state."""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from . import legend
from .curve import BREAKPOINTS, Breakpoint, DisplayCurve
from .logview import LAYOUTS, Line, lr_range, outlier_range
from .numbers import apart

LR_COLOR = "#1f6fb4"
# compared schedules: colour and dash both differ, so they stay apart in print and on a projector
SCHEDULE_STYLES = [
    (LR_COLOR, "solid"),
    ("#e66101", "dash"),
    ("#018571", "dot"),
    ("#c51b7d", "dashdot"),
    ("#8c510a", "longdash"),
    ("#4d4d4d", "longdashdot"),
]
# run colours: distinct from the schedule's blue and from each other, readable on a projector
RUN_COLORS = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
MARK_COLORS = {
    "start": "#6b7280",
    "warmup_end": "#d97706",
    "peak": "#dc2626",
    "decay_start": "#7c3aed",
    "decay_end": "#7c3aed",
    "restart": "#059669",
    "cut": "#b91c1c",
    "raise": "#15803d",
    "resume": "#b45309",
    "end": "#111827",
}
LR_PANEL = "learning_rate"


@dataclass(frozen=True)
class Labels:
    """Every word a figure shows, so a page can give them in its language (English by default).
    `final`, `logged`, `hover_step` and `hover_epoch` are format strings (`{value}`, `{run}`,
    `{step}`, `{epoch}`); the hover's are filled with plotly's own placeholders."""

    step_axis: str = "step (the update that used this LR, as Trainer logs it)"
    epoch_axis: str = "epoch"
    breakpoints: str = "breakpoints"
    configured: str = "configured"
    logged: str = "{run} · logged LR"
    final: str = "final {value}"
    raw: str = "raw"
    smoothed: str = "smoothed"
    hover_step: str = "step {step}"
    hover_epoch: str = "epoch {epoch}"
    marks: Mapping[str, str] = field(default_factory=lambda: dict(BREAKPOINTS))

    def mark(self, b: Breakpoint) -> str:
        template = self.marks.get(b.kind) or BREAKPOINTS[b.kind]
        return template.format(step=f"{b.step:,}", n=b.n)

    def hover_x(self, *, by_epoch: bool) -> str:
        """Where a point is, in a hovertemplate: its step (`12,345`) or its epoch (`1.2346`)."""
        return self.hover_epoch.format(epoch="%{x:.4f}") if by_epoch else self.hover_step.format(step="%{x:,}")


@dataclass(frozen=True)
class Curve:
    """One schedule to draw: its legend name, its curve, and the epoch of each curve step (to
    draw it on an epoch axis) or None."""

    name: str
    curve: DisplayCurve
    epochs: Sequence[float] | None = None
    short: str = ""  # in the hover box (a letter); the first schedule alone says `Labels.configured`


@dataclass(frozen=True)
class Difference:
    """A compared schedule against the first: `name` (the pair, e.g. "C − A"), x and values."""

    name: str
    x: Sequence[float]
    values: Sequence[float | None]


@dataclass(frozen=True)
class FigureOptions:
    """How a figure is drawn. `layout`: metric panels "stacked" under the LR (sharing the x axis)
    or "overlay" on a second y axis; `log_y` names the panels with a log axis (`learning_rate` and
    metric names); `ignore_outliers` ranges metric axes from the 5th to 95th percentile, and the
    LR panel by the logged LRs' percentiles (`logview.lr_range`); `lr_y_min`/`lr_y_max` set the
    LR panel's y range (None: framed by `logview.lr_range`); `diff_title` titles the difference panel;
    `present` is for a projector."""

    layout: str = "stacked"
    log_y: Collection[str] = ()
    ignore_outliers: bool = False
    lr_y_min: float | None = None
    lr_y_max: float | None = None
    title: str | None = None
    diff_title: str = "− A"
    present: bool = False
    narrow: bool = False  # for a phone's width: small margins, the final LR inside the plot, titles wrapped
    final: bool = True  # the final LR written beside the first schedule (small multiples leave it out)
    labels: Labels = field(default_factory=Labels)

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout={self.layout!r} must be one of: {', '.join(LAYOUTS)}")


def curve_figure(curve: DisplayCurve, options: FigureOptions | None = None) -> go.Figure:
    """One schedule alone, with its breakpoints (the gallery's and the lesson's charts)."""
    return schedule_figure([Curve(LR_PANEL, curve)], options=options)


def schedule_figure(
    schedules: Sequence[Curve],
    *,
    differences: Sequence[Difference] = (),
    lr_lines: Sequence[Line] = (),
    metric_lines: Sequence[Line] = (),
    options: FigureOptions | None = None,
) -> go.Figure:
    """The schedules' LR against step (the first with its breakpoints marked) and the logs.

    Compared schedules are drawn on the LR panel in their own colour and dash; `differences` in a
    panel below it. `lr_lines` (logged learning rates) are markers on the LR panel; `metric_lines`
    go on a panel per metric below it or on a second y axis (`options.layout`). The first
    schedule's phase lines run through every panel. Hover shows the step and each LR with the
    fewest digits that tell it from its neighbours (`numbers.apart`), in `options.labels`' words;
    the exact value (Python `repr`) is the page's to show (its summary, its exported table). On a
    log axis a step whose LR is 0 (step 1 of a warmup) cannot be drawn; plotly
    leaves it out.

    The figure is written as plain data (arrays as numpy, which plotly sends as base64) and
    handed to plotly without its per-property validation, which took most of a page run's time
    (a test checks that validating it changes nothing). The subplot grid comes from
    `make_subplots`, once per shape.
    """
    options = options or FigureOptions()
    metrics = list(dict.fromkeys(line.metric for line in metric_lines))
    stacked = options.layout == "stacked" and bool(metrics)
    panels = [LR_PANEL] + (["difference"] if differences else []) + (metrics if stacked else [])
    spec = _Spec.grid(len(panels), overlay=bool(metrics) and not stacked)
    for i, drawn in enumerate(schedules):
        _schedule_trace(spec, drawn, SCHEDULE_STYLES[i % len(SCHEDULE_STYLES)], i == 0, options.labels)
    if schedules:
        _marks(spec, schedules[0], LR_PANEL in options.log_y, options.labels, final=options.final)
    for i, drawn in enumerate(schedules[1:], start=1):  # every compared schedule's breakpoints too
        _compared_marks(spec, drawn, SCHEDULE_STYLES[i % len(SCHEDULE_STYLES)][0], options.labels)
    by_epoch = bool(schedules) and schedules[0].epochs is not None
    hover_x = options.labels.hover_x(by_epoch=by_epoch)
    _difference_traces(spec, differences, hover_x)
    _log_traces(spec, lr_lines, metric_lines, metrics, stacked, 3 if differences else 2, options.labels, hover_x)
    _axes(spec, panels, metrics, metric_lines, stacked, by_epoch, options)
    span = lr_range(
        [d.curve.lrs for d in schedules],
        lr_lines,
        log=LR_PANEL in options.log_y,
        ignore_outliers=options.ignore_outliers,
        low=options.lr_y_min,
        high=options.lr_y_max,
    )
    if span is not None:
        spec.axis(spec.rows[0][1])["range"] = list(span)
    _layout(spec, len(panels), options, schedules)
    return go.Figure({"data": spec.data, "layout": spec.layout}, _validate=False)


@dataclass
class _Spec:
    """A figure being written: its traces and layout as plain data, and the axes of each panel
    (`rows[i]` for panel i + 1; `second` for the overlay's second y axis)."""

    data: list[dict]
    layout: dict
    rows: tuple[tuple[str, str], ...]
    second: tuple[str, str] | None

    @classmethod
    def grid(cls, panels: int, *, overlay: bool) -> _Spec:
        layout, rows, second = _grid(panels, overlay)
        return cls([], json.loads(layout), rows, second)

    def add(self, trace: dict, row: int = 1, *, secondary: bool = False) -> None:
        xaxis, yaxis = self.second if secondary else self.rows[row - 1]
        self.data.append({"type": "scatter", **trace, "xaxis": xaxis, "yaxis": yaxis})

    def axis(self, name: str) -> dict:
        """The layout entry of axis `name` ("x3" -> layout["xaxis3"])."""
        return self.layout.setdefault(f"{name[0]}axis{name[1:]}", {})

    def axes(self, letter: str) -> list[dict]:
        """Every x (or y) axis of the figure."""
        names = {row[0 if letter == "x" else 1] for row in self.rows}
        if self.second is not None:
            names.add(self.second[0 if letter == "x" else 1])
        return [self.axis(name) for name in sorted(names)]


@functools.lru_cache(maxsize=16)
def _grid(panels: int, overlay: bool) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, str] | None]:
    """make_subplots' layout for `panels` rows sharing the x axis (JSON, without its template),
    each row's (x axis, y axis), and the second y axis of row 1 when `overlay`."""
    heights = [0.45 if panels > 1 else 1.0] + [0.55 / max(1, panels - 1)] * (panels - 1)
    specs = [[{"secondary_y": overlay}]] + [[{}]] * (panels - 1)
    fig = make_subplots(rows=panels, cols=1, shared_xaxes=True, vertical_spacing=0.03, row_heights=heights, specs=specs)
    rows = []
    for row in range(1, panels + 1):  # where make_subplots puts a trace of each row
        fig.add_trace(go.Scatter(), row=row, col=1)
        rows.append((fig.data[-1].xaxis, fig.data[-1].yaxis))
    second = None
    if overlay:
        fig.add_trace(go.Scatter(), row=1, col=1, secondary_y=True)
        second = (fig.data[-1].xaxis, fig.data[-1].yaxis)
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout), tuple(rows), second


@functools.lru_cache(maxsize=4)
def _template(name: str) -> dict:
    """A plotly template as data (read-only: plotly copies what a figure is given)."""
    return pio.templates[name].to_plotly_json()


def _difference_traces(spec: _Spec, differences: Sequence[Difference], hover_x: str) -> None:
    for i, d in enumerate(differences, start=1):
        color, dash = SCHEDULE_STYLES[i % len(SCHEDULE_STYLES)]
        trace = {
            "x": np.asarray(d.x, dtype=float),
            "y": np.asarray(d.values, dtype=float),  # None (no value at that step) -> NaN: a gap
            "mode": "lines",
            "name": d.name,
            "legendgroup": f"schedule {i}",
            "showlegend": False,
            "line": {"color": color, "dash": dash, "width": 2},
            "connectgaps": False,
            "customdata": apart(d.values),  # None (NaN) is never hovered: a gap
            "hovertemplate": f"{hover_x}<br>{d.name} %{{customdata}}<extra></extra>",
        }
        spec.add(trace, row=2)


def _log_traces(
    spec: _Spec, lr_lines, metric_lines, metrics, stacked, first_metric_row, labels: Labels, hover_x: str
) -> None:
    colors = _run_colors([*lr_lines, *metric_lines])
    for line in lr_lines:  # the logged LR written as the schedule's is, to compare them in the hover
        name = labels.logged.format(run=line.run)
        trace = _trace(line, line.y, colors[line.run], labels, hover_x, mode="markers", name=name, text=True)
        spec.add(trace | {"customdata": apart(line.y)})
    for line in metric_lines:
        color = colors[line.run]
        where = {"row": first_metric_row + metrics.index(line.metric)} if stacked else {"secondary": True}
        if line.smooth_y is not None:
            spec.add(_trace(line, line.y, color, labels, hover_x, opacity=0.25, kind="raw"), **where)
            spec.add(_trace(line, line.smooth_y, color, labels, hover_x, kind="smoothed"), **where)
        else:
            spec.add(_trace(line, line.y, color, labels, hover_x), **where)


def _layout(spec: _Spec, panels: int, options: FigureOptions, schedules: Sequence[Curve]) -> None:
    spec.layout.update(
        hovermode="closest",
        modebar={"orientation": "v"},  # in the right margin: the toolbar never covers a long title
        template=_template("plotly_white"),
    )
    if options.present:
        _for_a_projector(spec)
        if schedules:
            _name_peak(spec, schedules[0], options.labels)
    legend.frame(
        spec.data, spec.layout, title=options.title, panels=panels, present=options.present, narrow=options.narrow
    )
    if options.narrow:
        _for_a_phone(spec, options.present)


def _for_a_phone(spec: _Spec, present: bool) -> None:
    """A phone's width (about 360 px of chart): margins only for the tick labels, the final LR
    written inside the plot above its point, the toolbar along the top, long axis titles wrapped,
    and a projector's type scaled down to what fits (the title and legend are `legend.frame`'s,
    wrapped at what a phone holds)."""
    for note in spec.layout.get("annotations", []):
        if note.get("name") == "final":
            note.update(x=1, xanchor="right", xshift=0, yanchor="bottom", yshift=4)
        if present:
            note["font"] = {**note.get("font", {}), "size": 14}
    for axis in spec.axes("x") + spec.axes("y"):
        if axis.get("title", {}).get("text"):
            axis["title"] = {**axis["title"], "text": wrap(axis["title"]["text"], 30 if present else 40)}
        if present:
            axis.update(tickfont={"size": 14, "color": "#000000"})
            axis["title"] = {**axis.get("title", {}), "font": {"size": 15, "color": "#000000"}}
    spec.layout["margin"] = {**spec.layout["margin"], "l": 56, "r": 12, "b": 70 if present else 50}
    spec.layout["modebar"] = {"orientation": "h"}
    if present:
        spec.layout["font"] = {"size": 15, "color": "#000000"}


def wrap(text: str, width: int) -> str:
    """`text` broken into lines (plotly's `<br>`) of about `width` columns at its spaces; a wide
    (CJK) character takes two columns. A word longer than a line stays whole."""
    lines, line, used = [], "", 0
    for word in text.split(" "):
        size = sum(2 if ord(c) > 0x2E80 else 1 for c in word)
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = word, size
        else:
            line, used = (f"{line} {word}" if line else word), used + (1 if line else 0) + size
    return "<br>".join([*lines, line])


def min_height(figure: go.Figure) -> int:
    """The least height (px) a figure from `schedule_figure` can be exported at: its title, legend
    and x axis, and a plotting area of 120 px."""
    margin = figure.layout.margin
    return int((margin.t or 0) + (margin.b or 0) + 120)


def _for_a_projector(spec: _Spec) -> None:
    """Thick lines, large dark type, pure white and black: what survives a washed-out projector."""
    for trace in spec.data:
        if trace.get("line", {}).get("width"):
            trace["line"] = {**trace["line"], "width": trace["line"]["width"] * 2}
        if isinstance(trace.get("marker", {}).get("size"), (int, float)):
            trace["marker"] = {**trace["marker"], "size": trace["marker"]["size"] * 1.6}
    dark = {"size": 18, "color": "#000000"}
    for axis in spec.axes("x") + spec.axes("y"):
        axis.update(tickfont=dark, linewidth=2, tickwidth=2)
        axis["title"] = {**axis.get("title", {}), "font": {"size": 20, "color": "#000000"}}
    for note in spec.layout.get("annotations", []):
        note["font"] = {"size": 20, "color": "#000000"}
    spec.layout.update(font={"size": 20, "color": "#000000"}, template=_template("simple_white"))


def _xs(drawn: Curve) -> np.ndarray:
    """Where a curve's points go on the x axis: its steps, or their epochs."""
    return np.asarray(drawn.curve.steps if drawn.epochs is None else drawn.epochs, dtype=float)


def _schedule_trace(spec: _Spec, drawn: Curve, style, first: bool, labels: Labels) -> None:
    color, dash = style
    curve = drawn.curve
    extra = drawn.short or labels.configured
    written = apart(curve.lrs)  # the LR as people write it
    if drawn.epochs is None:  # the step is x itself: one string per point, the browser's least work
        customdata, lr = written, "%{customdata}"
        hover_x = labels.hover_x(by_epoch=False)
    else:  # on an epoch axis, the step beside it
        customdata = np.empty((len(curve.steps), 2), dtype=object)
        customdata[:, 0] = written
        customdata[:, 1] = [f"{s:,}" for s in curve.steps]
        lr = "%{customdata[0]}"
        hover_x = labels.hover_x(by_epoch=True) + " · " + labels.hover_step.format(step="%{customdata[1]}")
    trace = {
        "x": np.asarray(curve.steps) if drawn.epochs is None else _xs(drawn),
        "y": np.asarray(curve.lrs, dtype=float),
        "mode": "lines",
        "name": drawn.name,
        "legendgroup": "schedule" if first else f"schedule {drawn.name}",
        "line": {"color": color, "width": 2 if first else 2.5, "dash": dash},
        "customdata": customdata,
        "hovertemplate": f"{hover_x}<br>learning_rate {lr}<extra>{extra}</extra>",
    }
    spec.add(trace)


def _marks(spec: _Spec, drawn: Curve, log_lr: bool, labels: Labels, *, final: bool = True) -> None:
    """The first schedule's breakpoints, its phase lines (through every panel) and final LR."""
    curve = drawn.curve
    x_of = dict(zip(curve.steps, _xs(drawn).tolist(), strict=True))
    lr_of = dict(zip(curve.steps, curve.lrs, strict=True))
    text_of = dict(zip(curve.steps, apart(curve.lrs), strict=True))  # as the curve's hover writes it
    marks = [b for b in curve.breakpoints if b.step in lr_of]
    trace = {
        "x": [x_of[b.step] for b in marks],
        "y": [lr_of[b.step] for b in marks],
        "mode": "markers",
        "name": labels.breakpoints,
        "legendgroup": "schedule",
        "marker": {"size": 9, "color": [MARK_COLORS.get(b.kind, "#111827") for b in marks]},
        "customdata": [[labels.mark(b), text_of[b.step]] for b in marks],
        "hovertemplate": "%{customdata[0]}<br>learning_rate %{customdata[1]}<extra></extra>",
    }
    spec.add(trace)
    shapes = spec.layout.setdefault("shapes", [])
    for b in marks:
        if b.kind in ("warmup_end", "decay_start", "restart", "cut", "raise", "resume"):
            line = {"color": MARK_COLORS[b.kind], "width": 1, "dash": "dot"}
            x = x_of[b.step]
            for xaxis, yaxis in spec.rows:
                shapes.append(
                    {"type": "line", "x0": x, "x1": x, "xref": xaxis, "y0": 0, "y1": 1, "yref": f"{yaxis} domain"}
                    | {"line": line}
                )
    last = marks[-1] if marks and final else None
    if last is not None and (not log_lr or lr_of[last.step] > 0):
        value = lr_of[last.step]
        # in the right margin, level with the last point: beside the curves, never on one
        note = {
            "x": 1,
            "xref": "paper",
            "xanchor": "left",
            "xshift": 6,
            "y": float(np.log10(value)) if log_lr else value,  # annotations take log10 on a log axis
            "yref": "y",
            "text": labels.final.format(value=f"{value:.4g}"),
            "showarrow": False,
            "name": "final",
        }
        spec.layout.setdefault("annotations", []).append(note)


def _name_peak(spec: _Spec, drawn: Curve, labels: Labels) -> None:
    """For a projector: the warmup's end (and the peak, where it is another step) written on the chart."""
    curve = drawn.curve
    x_of = dict(zip(curve.steps, _xs(drawn).tolist(), strict=True))
    lr_of = dict(zip(curve.steps, curve.lrs, strict=True))
    marks = {b.kind: b for b in curve.breakpoints if b.step in lr_of}
    named = [marks[k] for k in ("warmup_end", "peak") if k in marks]
    if len(named) == 2 and named[1].step - named[0].step <= 1:
        named = named[1:]  # the peak is the step after the warmup's last: one label says both
    for b in named:
        note = {
            "x": x_of[b.step],
            "y": lr_of[b.step],
            "text": labels.mark(b),
            "showarrow": True,
            "arrowwidth": 2,
            "ax": 40,
            "ay": -40,
            "xanchor": "left",
            "bgcolor": "#ffffff",
            "font": {"size": 20, "color": "#000000"},
            "name": "mark",
        }
        spec.layout.setdefault("annotations", []).append(note)


def _compared_marks(spec: _Spec, drawn: Curve, color: str, labels: Labels) -> None:
    """A compared schedule's breakpoints, in its colour (the lines and the final LR are A's only)."""
    curve = drawn.curve
    x_of = dict(zip(curve.steps, _xs(drawn).tolist(), strict=True))
    lr_of = dict(zip(curve.steps, curve.lrs, strict=True))
    text_of = dict(zip(curve.steps, apart(curve.lrs), strict=True))
    marks = [b for b in curve.breakpoints if b.step in lr_of and b.kind not in ("start", "end")]
    trace = {
        "x": [x_of[b.step] for b in marks],
        "y": [lr_of[b.step] for b in marks],
        "mode": "markers",
        "name": f"{drawn.name} · {labels.breakpoints}",
        "legendgroup": f"schedule {drawn.name}",
        "showlegend": False,
        "marker": {"size": 8, "color": color, "symbol": "diamond-open", "line": {"width": 2, "color": color}},
        "customdata": [[labels.mark(b), text_of[b.step]] for b in marks],
        "hovertemplate": "%{customdata[0]}<br>learning_rate %{customdata[1]}<extra>" + (drawn.short or "") + "</extra>",
    }
    spec.add(trace)


def _run_colors(lines: Sequence[Line]) -> dict[str, str]:
    runs = list(dict.fromkeys(line.run for line in lines))
    return {run: RUN_COLORS[i % len(RUN_COLORS)] for i, run in enumerate(runs)}


def _trace(
    line: Line,
    y: np.ndarray,
    color: str,
    labels: Labels,
    hover_x: str,
    *,
    mode: str = "lines",
    opacity: float = 1.0,
    kind: str | None = None,
    name: str | None = None,
    text: bool = False,
) -> dict:
    """One line of a run. Every (run, metric) line has its own legend entry ("example · loss"); a
    smoothed metric's raw and smoothed lines share the smoothed one's. A run's lines are one legend
    group: clicking an entry hides the whole run. `kind` is "raw" or "smoothed" for the two lines
    of a smoothed metric. `text`: the hover shows each value as the trace's `customdata` writes it
    (else to 6 significant digits)."""
    suffix = f" ({getattr(labels, kind)})" if kind else ""
    value = "%{customdata}" if text else "%{y:.6~g}"
    return {
        "x": np.asarray(line.x),
        "y": np.asarray(y),
        "mode": mode,
        "name": name or f"{line.run} · {line.metric}",
        "legendgroup": line.run,
        "showlegend": kind != "raw",
        "opacity": opacity,
        "line": {"color": color, "width": 1.5 if kind == "raw" else 2},
        "marker": {"color": color, "size": 5, "symbol": "circle-open"},
        "hovertemplate": f"{hover_x}<br>{line.metric}{suffix} {value}<extra>%{{fullData.legendgroup}}</extra>",
    }


def _axes(spec: _Spec, panels, metrics, metric_lines, stacked, by_epoch, options: FigureOptions) -> None:
    log_y = options.log_y
    x_title = options.labels.epoch_axis if by_epoch else options.labels.step_axis
    spec.axis(spec.rows[len(panels) - 1][0])["title"] = {"text": x_title}
    lr_type = "log" if LR_PANEL in log_y else "linear"
    spec.axis(spec.rows[0][1]).update(title={"text": LR_PANEL}, exponentformat="e", type=lr_type)
    if "difference" in panels:
        spec.axis(spec.rows[1][1]).update(title={"text": options.diff_title}, exponentformat="e")
    if stacked:
        for row, metric in enumerate(metrics, start=len(panels) - len(metrics) + 1):
            of_metric = [line for line in metric_lines if line.metric == metric]
            axis = _metric_axis([metric], of_metric, log_y, options.ignore_outliers)
            spec.axis(spec.rows[row - 1][1]).update(axis)
    elif metrics:
        axis = _metric_axis(metrics, metric_lines, log_y, options.ignore_outliers)
        spec.axis(spec.second[1]).update(axis, showgrid=False)


def _metric_axis(metrics: list[str], lines: Sequence[Line], log_y: Collection[str], ignore_outliers: bool) -> dict:
    """A metric panel's y axis: log when every metric on it is named in `log_y`."""
    log = all(metric in log_y for metric in metrics)
    axis = {"title": {"text": ", ".join(metrics)}, "type": "log" if log else "linear"}
    if ignore_outliers and (span := outlier_range(lines, log_y=log)):
        axis["range"] = [float(v) for v in span]
    return axis
