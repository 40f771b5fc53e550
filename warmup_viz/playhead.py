"""The playhead: a step slider and a play button that move a marker along every schedule and
every shown log of a figure, with a line through every panel and a read-out. Pure: figure in,
figure out; it runs in the browser (plotly frames), with no round trip to the server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

Point = tuple[float, float]


@dataclass(frozen=True)
class Position:
    """One playhead position: x on the chart (the line), its step, the read-out's lines, and one
    point per followed trace (`add_playhead`'s `follow`, in order): where its marker sits, or
    None where that trace has no value yet (a log before its first entry, a schedule past its
    end)."""

    x: float
    step: int
    lines: tuple[str, ...]
    points: tuple[Point | None, ...]


# pixels below the plot for the x axis's ticks and title, one read-out line (and its font size:
# plotly spaces lines at about 1.3 of it), and the row of the buttons and the slider (its ticks
# and their labels); the buttons' font size
_BELOW = {
    False: {"axis": 62, "line": 19, "readout": 13, "controls": 52, "font": 13, "title_line": 18},
    True: {"axis": 82, "line": 26, "readout": 19, "controls": 52, "font": 17, "title_line": 26},
}
# on a projector the figure keeps a screen's height: the playhead's rows take this much of the
# plot (which keeps at least _PLOT_LEAST px) rather than pushing the controls below the screen
_GIVE, _PLOT_LEAST = 150, 150
# where each followed trace's value is written: markers that meet keep their values apart
_SIDES = (
    "top left",
    "bottom right",
    "top right",
    "bottom left",
    "middle right",
    "middle left",
)


def add_playhead(
    fig: go.Figure,
    positions: Sequence[Position],
    follow: Sequence[str],
    labels: tuple[str, str],
    *,
    present: bool = False,
    start_step: int | None = None,
) -> None:
    """A step slider and play/pause buttons that move a marker along each trace named in
    `follow` (a schedule's line, a log's markers or metric), with a line through every panel and
    a read-out. It runs in the browser: plotly frames, no round trip. `labels`: play button,
    pause button. Each marker is in its trace's colour and on its trace's axes; its value is
    written beside it. Below the plot, top to bottom: the x axis's ticks and title, the read-out
    (one line per entry of `Position.lines`), then the buttons and, right of them, the slider —
    laid out in pixels (the figure grows to hold them; the slider starts where the buttons end),
    so nothing covers a tick label or another control at any width."""
    if not positions:
        return
    sizes = _BELOW[present]
    lines = max(len(p.lines) for p in positions)
    top, bottom = fig.layout.margin.t or 20, fig.layout.margin.b or 50
    readout = lines * sizes["line"] + 10
    layout = fig.layout.to_plotly_json()
    titled = [v.get("title", {}).get("text") or "" for k, v in layout.items() if k.startswith("xaxis")]
    axis = sizes["axis"] + sizes["title_line"] * max([t.count("<br>") for t in titled] or [0])  # a wrapped title
    below = axis + readout + sizes["controls"]
    height = (fig.layout.height or (560 if present else 460)) + below - bottom
    if present:  # a projector's screen: the plot gives up some of its height, down to _PLOT_LEAST
        height = max(height - _GIVE, top + _PLOT_LEAST + below)
    plot = height - top - below  # the plotting area's height, to turn pixels into paper units
    fig.update_layout(height=height, margin={"b": below})
    readout_y = -(axis + 4) / plot
    controls_y = -(axis + readout) / plot
    base = (layout.get("shapes", []), layout.get("annotations", []))  # as plain data
    start = 0
    if start_step is not None:  # the position nearest the step asked for (a link's playhead=N)
        start = min(range(len(positions)), key=lambda i: abs(positions[i].step - start_step))
    traces = {}  # by name as given (the legend may have wrapped the one it shows: it keeps it in meta)
    for t in fig.data:
        if t.showlegend is not False and t.name:
            given = t.meta.get("name") if isinstance(t.meta, dict) else None
            traces.setdefault(given or t.name, t)
    first = len(fig.data)
    for i, name in enumerate(follow):
        fig.add_trace(_marker(traces[name], positions[start].points[i], _SIDES[i % len(_SIDES)], present))
    indices = list(range(first, len(fig.data)))
    note = {"y": readout_y, "font": {"size": sizes["readout"], "color": "#000000"}}
    # plain data, as figures.py writes a figure: assigning `fig.frames` validates every frame's
    # layout (the figure's shapes and notes again), ~0.3 s for 100 positions on a settings change
    frames = (
        {
            "name": str(i),
            "data": [_at(point) for point in p.points],
            "traces": indices,
            "layout": _frame_layout(p, base, note),
        }
        for i, p in enumerate(positions)
    )
    fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
    fig.update_layout(**_frame_layout(positions[start], base, note))
    fig.update_layout(
        updatemenus=[_play_buttons(labels[0], labels[1], controls_y, sizes["font"])],
        sliders=[{**_slider(positions, controls_y, present, _width(labels, sizes["font"])), "active": start}],
    )


def _marker(trace, point: Point | None, side: str, present: bool) -> go.Scatter:
    """A followed trace's marker: its colour, on its axes, its value written on `side` of it."""
    color = (trace.line.color if trace.line is not None else None) or trace.marker.color or "#111827"
    return go.Scatter(
        **{k: v for k, v in _at(point).items() if k != "type"},
        mode="markers+text",
        name="playhead",
        showlegend=False,
        textposition=side,
        textfont={"size": 18 if present else 12, "color": color},
        marker={
            "size": 18 if present else 12,
            "color": color,
            "symbol": "diamond",
            "line": {"width": 1.5, "color": "#ffffff"},
        },
        hoverinfo="skip",
        cliponaxis=False,
        xaxis=trace.xaxis,
        yaxis=trace.yaxis,
    )


def _at(point: Point | None) -> dict:
    """A marker's data in one frame: at `point` with its value beside it, or nothing."""
    if point is None:
        return {"type": "scatter", "x": [None], "y": [None], "text": [""]}
    x, y = point
    return {"type": "scatter", "x": [x], "y": [y], "text": [f" {y:.3g}"]}


def _frame_layout(position: Position, base: tuple[list, list], note_style: dict) -> dict:
    """The playhead's line through every panel and its read-out, on top of the figure's own."""
    shapes, notes = base
    line = {"type": "line", "xref": "x", "yref": "paper", "x0": position.x, "x1": position.x, "y0": 0, "y1": 1}
    line["line"] = {"color": "#111827", "width": 2}
    text = "<br>".join(position.lines)
    note = {"text": text, "xref": "paper", "yref": "paper", "x": 0, "showarrow": False, "align": "left", **note_style}
    note.update({"xanchor": "left", "yanchor": "top", "bgcolor": "#ffffff"})
    return {"shapes": [*shapes, line], "annotations": [*notes, note]}


def _width(labels: tuple[str, ...], font: int) -> int:
    """The buttons' width in pixels, generously: a wide (CJK) character is about one font size,
    another about 0.62 of one, and each button has 2 × 10 px of padding and a 10 px gap."""
    text = sum(font * (1.0 if ord(c) > 0x2E80 else 0.62) for label in labels for c in label)
    return int(text + 30 * len(labels)) + 12


def _play_buttons(play: str, pause: str, y: float, font: int) -> dict:
    step = {"duration": 60, "redraw": True}
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0,
        "y": y,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 0, "r": 10},
        "showactive": False,
        "font": {"size": font},
        "buttons": [
            {
                "label": play,
                "method": "animate",
                "args": [None, {"frame": step, "transition": {"duration": 0}, "fromcurrent": True}],
            },
            {
                "label": pause,
                "method": "animate",
                "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
            },
        ],
    }


def _slider(positions: Sequence[Position], y: float, present: bool, left: int) -> dict:
    """The step slider, from `left` pixels (right of the buttons) to the plot's right edge; every
    tick has its step as label, and plotly writes every n-th, as many as fit the slider's width
    (only some labelled would leave a single one where its stride missed them); no
    current-value label (the read-out above says the step)."""
    jump = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}
    return {
        "active": 0,
        "x": 0,
        "y": y,
        "len": 1,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 4, "b": 0, "l": left, "r": 8},
        "currentvalue": {"visible": False},
        "font": {"size": 14 if present else 11},
        "steps": [
            {"label": f"{p.step:,}", "method": "animate", "args": [[str(i)], jump]} for i, p in enumerate(positions)
        ],
    }
