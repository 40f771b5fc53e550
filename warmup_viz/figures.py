"""Data -> plotly figures. Pure: no Streamlit, no state."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .logview import LAYOUTS, Line, outlier_range
from .schedule import DisplayCurve

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
    "end": "#111827",
}
LR_PANEL = "learning_rate"
STEP_TITLE = "step (the update that used this LR, as Trainer logs it)"


def schedule_figure(
    curve: DisplayCurve,
    *,
    name: str = LR_PANEL,
    epochs: Sequence[float] | None = None,
    compared: Sequence[tuple[str, DisplayCurve, Sequence[float] | None]] = (),
    differences: Sequence[tuple[str, Sequence[float], Sequence[float | None]]] = (),
    diff_title: str = "B − A",
    lr_lines: Sequence[Line] = (),
    metric_lines: Sequence[Line] = (),
    layout: str = "stacked",
    log_y: Collection[str] = (),
    ignore_outliers: bool = False,
    title: str | None = None,
    present: bool = False,
) -> go.Figure:
    """The schedule's LR against step, with its breakpoints marked, and what is compared with it.

    `compared` schedules (name, curve, epochs) are drawn on the LR panel in their own colour and
    dash; `differences` (name, x, values) in a panel below it titled `diff_title`.
    `lr_lines` (logged learning rates) are drawn as markers on the LR panel; `metric_lines` on a
    panel per metric below it sharing the x axis (`layout="stacked"`: zooming one zooms all) or
    on a second y axis over the LR (`"overlay"`). `log_y` names the panels with a log axis
    (`learning_rate` and metric names; in overlay the metric axis is log when every metric shown
    is named). `epochs` (the epoch of each curve step) puts the schedule on an epoch axis to
    match lines drawn by epoch. Hover shows the exact step and LR (Python `repr`). On a log
    axis a step whose LR is 0 (step 1 of a warmup) cannot be drawn; plotly leaves it out.
    `present` doubles line widths and enlarges type, for a projector.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r} must be one of: {', '.join(LAYOUTS)}")
    metrics = list(dict.fromkeys(line.metric for line in metric_lines))
    stacked = layout == "stacked" and bool(metrics)
    panels = [LR_PANEL] + (["difference"] if differences else []) + (metrics if stacked else [])
    heights = [0.45 if len(panels) > 1 else 1.0] + [0.55 / max(1, len(panels) - 1)] * (len(panels) - 1)
    specs = [[{"secondary_y": bool(metrics) and not stacked}]] + [[{}]] * (len(panels) - 1)
    fig = make_subplots(
        rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.03, row_heights=heights, specs=specs
    )
    lr_at = {"row": 1, "col": 1}

    for i, (label, drawn, x) in enumerate([(name, curve, epochs), *compared]):
        _schedule_trace(fig, label, drawn, x, SCHEDULE_STYLES[i % len(SCHEDULE_STYLES)], i == 0)
    _marks(fig, curve, epochs, LR_PANEL in log_y)
    for i, (label, x, values) in enumerate(differences, start=1):
        color, dash = SCHEDULE_STYLES[i % len(SCHEDULE_STYLES)]
        fig.add_trace(
            go.Scatter(
                x=list(x),
                y=list(values),
                mode="lines",
                name=f"{label} ({diff_title})",
                legendgroup=f"schedule {i}",
                showlegend=False,
                line={"color": color, "dash": dash, "width": 2},
                connectgaps=False,
                hovertemplate=f"%{{x}}<br>{diff_title} %{{y:.6g}}<extra>{label}</extra>",
            ),
            row=2,
            col=1,
        )

    colors = _run_colors([*lr_lines, *metric_lines])
    shown = set()
    for line in lr_lines:
        fig.add_trace(
            _trace(line, line.y, colors[line.run], shown, mode="markers", name_suffix=" · logged LR"), **lr_at
        )
    first_metric_row = 3 if differences else 2
    for line in metric_lines:
        color = colors[line.run]
        where = {"row": first_metric_row + metrics.index(line.metric), "col": 1} if stacked else {"secondary_y": True}
        if line.smooth_y is not None:
            fig.add_trace(_trace(line, line.y, color, shown, opacity=0.25, raw=True), **where)
            fig.add_trace(_trace(line, line.smooth_y, color, shown, smoothed=True), **where)
        else:
            fig.add_trace(_trace(line, line.y, color, shown), **where)

    _axes(fig, panels, metrics, metric_lines, stacked, log_y, ignore_outliers, epochs is not None, diff_title)
    fig.update_layout(
        # the title (for slides) at the top, the legend between it and the plot
        title={"text": title, "y": 0.995, "yanchor": "top", "x": 0.01, "xanchor": "left"} if title else None,
        hovermode="closest",
        margin={"l": 60, "r": 20, "t": 100 if title else 20, "b": 50},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        template="plotly_white",
        height=None if len(panels) == 1 else 360 + 220 * (len(panels) - 1),
    )
    if present:
        _for_a_projector(fig, len(panels))
    return fig


def _for_a_projector(fig: go.Figure, panels: int) -> None:
    """Thick lines, large type, pure white and black: what survives a washed-out projector."""
    for trace in fig.data:
        if trace.line is not None and trace.line.width:
            trace.line.width = trace.line.width * 2
        if trace.marker is not None and isinstance(trace.marker.size, (int, float)):
            trace.marker.size = trace.marker.size * 1.6
    fig.update_layout(
        font={"size": 22, "color": "#000000"},
        template="simple_white",
        height=560 + 260 * (panels - 1),
        margin={"l": 90, "r": 30, "t": 120, "b": 80},
    )


def _schedule_trace(fig, label, curve, epochs, style, first) -> None:
    color, dash = style
    x = list(curve.steps) if epochs is None else [float(e) for e in epochs]
    hover_x = "step %{customdata[1]}" if epochs is None else "epoch %{x:.4f} · step %{customdata[1]}"
    fig.add_trace(
        go.Scatter(
            x=x,
            y=list(curve.lrs),
            mode="lines",
            name=label,
            legendgroup="schedule" if first else f"schedule {label}",
            line={"color": color, "width": 2 if first else 2.5, "dash": dash},
            customdata=[[repr(v), s] for s, v in zip(curve.steps, curve.lrs, strict=True)],
            hovertemplate=hover_x + "<br>learning_rate %{customdata[0]}<extra>" + _extra(label) + "</extra>",
        ),
        row=1,
        col=1,
    )


def _extra(label: str) -> str:
    return "configured" if label == LR_PANEL else label.split(":")[0]


def _marks(fig, curve, epochs, log_lr) -> None:
    """The first schedule's breakpoints, phase lines (through every panel) and final LR."""
    x = list(curve.steps) if epochs is None else [float(e) for e in epochs]
    x_of = dict(zip(curve.steps, x, strict=True))
    lr_of = dict(zip(curve.steps, curve.lrs, strict=True))
    marks = [b for b in curve.breakpoints if b.step in lr_of]
    fig.add_trace(
        go.Scatter(
            x=[x_of[b.step] for b in marks],
            y=[lr_of[b.step] for b in marks],
            mode="markers",
            name="breakpoints",
            legendgroup="schedule",
            marker={"size": 9, "color": [MARK_COLORS.get(b.kind, "#111827") for b in marks]},
            customdata=[[b.label, repr(lr_of[b.step])] for b in marks],
            hovertemplate="%{customdata[0]}<br>learning_rate %{customdata[1]}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for b in marks:
        if b.kind in ("warmup_end", "decay_start", "restart", "cut", "raise"):
            line = {"color": MARK_COLORS[b.kind], "width": 1, "dash": "dot"}
            fig.add_vline(x=x_of[b.step], line=line, row="all", col=1)
    final = marks[-1] if marks else None
    if final is not None and (not log_lr or lr_of[final.step] > 0):
        value = lr_of[final.step]
        fig.add_annotation(
            x=x_of[final.step],
            y=np.log10(value) if log_lr else value,  # annotations take log10 on a log axis
            text=f"final {value:.3g}",
            showarrow=True,
            ax=-40,
            ay=-30,
            yref="y",
            xref="x",
        )


def _run_colors(lines: Sequence[Line]) -> dict[str, str]:
    runs = list(dict.fromkeys(line.run for line in lines))
    return {run: RUN_COLORS[i % len(RUN_COLORS)] for i, run in enumerate(runs)}


def _trace(
    line: Line,
    y: np.ndarray,
    color: str,
    shown: set,
    *,
    mode: str = "lines",
    opacity: float = 1.0,
    raw: bool = False,
    smoothed: bool = False,
    name_suffix: str = "",
) -> go.Scatter:
    """One line of a run. The legend names each run once; clicking it hides all of the run."""
    kind = " (raw)" if raw else " (smoothed)" if smoothed else ""
    show = not raw and line.run not in shown
    if show:
        shown.add(line.run)
    return go.Scatter(
        x=np.asarray(line.x),
        y=np.asarray(y),
        mode=mode,
        name=line.run + name_suffix if mode == "markers" else line.run,
        legendgroup=line.run,
        showlegend=show,
        opacity=opacity,
        line={"color": color, "width": 1.5 if raw else 2},
        marker={"color": color, "size": 5, "symbol": "circle-open"},
        hovertemplate=f"%{{x}}<br>{line.metric}{kind} %{{y:.10g}}<extra>%{{fullData.legendgroup}}</extra>",
    )


def _axes(fig, panels, metrics, metric_lines, stacked, log_y, ignore_outliers, by_epoch, diff_title) -> None:
    x_title = "epoch" if by_epoch else STEP_TITLE
    fig.update_xaxes(title_text=x_title, row=len(panels), col=1)
    lr_axis = {"title_text": LR_PANEL, "exponentformat": "e", "type": "log" if LR_PANEL in log_y else "linear"}
    fig.update_yaxes(**lr_axis, row=1, col=1, secondary_y=False)
    if "difference" in panels:
        fig.update_yaxes(title_text=diff_title, exponentformat="e", row=2, col=1)
    if stacked:
        for row, metric in enumerate(metrics, start=len(panels) - len(metrics) + 1):
            log = metric in log_y
            axis = {"title_text": metric, "type": "log" if log else "linear"}
            of_metric = [line for line in metric_lines if line.metric == metric]
            if ignore_outliers and (span := outlier_range(of_metric, log_y=log)):
                axis["range"] = list(span)
            fig.update_yaxes(**axis, row=row, col=1)
    elif metrics:
        log = all(metric in log_y for metric in metrics)
        axis = {"title_text": ", ".join(metrics), "type": "log" if log else "linear", "showgrid": False}
        if ignore_outliers and (span := outlier_range(metric_lines, log_y=log)):
            axis["range"] = list(span)
        fig.update_yaxes(**axis, row=1, col=1, secondary_y=True)


def add_playhead(
    fig: go.Figure, positions: Sequence[tuple[float, float, str, int]], labels: tuple[str, str, str]
) -> None:
    """A step slider and a play button that move a marker along the schedule, with a line through
    every panel and a read-out (`positions` are (x, lr, read-out text, step)). It runs in the
    browser: plotly frames, no round trip. `labels`: play button, pause button, slider prefix."""
    if not positions:
        return
    base_shapes = list(fig.layout.shapes)
    base_notes = list(fig.layout.annotations)
    x0, y0, text0, _ = positions[0]
    fig.add_trace(
        go.Scatter(
            x=[x0],
            y=[y0],
            mode="markers",
            name="playhead",
            showlegend=False,
            marker={"size": 16, "color": "#111827", "symbol": "diamond"},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    index = len(fig.data) - 1

    def frame_layout(x: float, text: str) -> dict:
        line = {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1}
        line["line"] = {"color": "#111827", "width": 2}
        note = {"text": text, "xref": "paper", "yref": "paper", "x": 0, "y": -0.02, "showarrow": False}
        note.update({"xanchor": "left", "yanchor": "top", "font": {"size": 14}, "bgcolor": "#ffffff"})
        return {"shapes": [*base_shapes, line], "annotations": [*base_notes, note]}

    fig.frames = [
        go.Frame(name=str(i), data=[go.Scatter(x=[x], y=[y])], traces=[index], layout=frame_layout(x, text))
        for i, (x, y, text, _) in enumerate(positions)
    ]
    fig.update_layout(**frame_layout(x0, text0))
    step = {"duration": 60, "redraw": True}
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {
                        "label": labels[0],
                        "method": "animate",
                        "args": [None, {"frame": step, "transition": {"duration": 0}, "fromcurrent": True}],
                    },
                    {
                        "label": labels[1],
                        "method": "animate",
                        "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.12,
                "y": -0.1,
                "len": 0.88,
                "currentvalue": {"prefix": labels[2] + " "},
                "steps": [
                    {
                        "label": f"{step}",
                        "method": "animate",
                        "args": [[str(i)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}],
                    }
                    for i, (_, _, _, step) in enumerate(positions)
                ],
            }
        ],
    )
    fig.update_layout(margin={"b": 150})
