"""The playhead: a step slider and a play button that move a marker along a figure's first
schedule, with a line through every panel and a read-out. Pure: figure in, figure out; it runs
in the browser (plotly frames), with no round trip to the server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .teach import round_steps


@dataclass(frozen=True)
class Position:
    """One playhead position: x on the chart, the LR there, its read-out text and its step."""

    x: float
    lr: float
    text: str
    step: int


# pixels below the plot for the x axis's ticks and title, the read-out, and the controls
_BELOW = {False: {"axis": 62, "readout": 15, "controls": 70}, True: {"axis": 80, "readout": 22, "controls": 72}}


def add_playhead(
    fig: go.Figure,
    positions: Sequence[Position],
    labels: tuple[str, str],
    *,
    present: bool = False,
    start_step: int | None = None,
) -> None:
    """A step slider and a play button that move a marker along the schedule, with a line through
    every panel and a read-out. It runs in the browser: plotly frames, no round trip.
    `labels`: play button, pause button. Below the plot, top to bottom: the x axis's ticks and
    title, the read-out, then the buttons and the slider side by side — laid out in pixels (the
    figure grows to hold them), so nothing covers a tick label or another control."""
    if not positions:
        return
    sizes = _BELOW[present]
    top, bottom = fig.layout.margin.t or 20, fig.layout.margin.b or 50
    below = sizes["axis"] + 2 * sizes["readout"] + 12 + sizes["controls"]
    height = (fig.layout.height or (560 if present else 460)) + below - bottom
    plot = height - top - below  # the plotting area's height, to turn pixels into paper units
    fig.update_layout(height=height, margin={"b": below})
    readout_y = -(sizes["axis"] + 4) / plot
    controls_y = -(sizes["axis"] + 2 * sizes["readout"] + 12) / plot
    base = (list(fig.layout.shapes), list(fig.layout.annotations))
    start = 0
    if start_step is not None:  # the position nearest the step asked for (a link's playhead=N)
        start = min(range(len(positions)), key=lambda i: abs(positions[i].step - start_step))
    first = positions[start]
    fig.add_trace(
        go.Scatter(
            x=[first.x],
            y=[first.lr],
            mode="markers",
            name="playhead",
            showlegend=False,
            marker={"size": 22 if present else 16, "color": "#111827", "symbol": "diamond"},
            hoverinfo="skip",
            xaxis="x",  # the LR panel's axes
            yaxis="y",
        )
    )
    index = len(fig.data) - 1
    note = {"y": readout_y, "font": {"size": sizes["readout"], "color": "#000000"}}
    fig.frames = [
        go.Frame(name=str(i), data=[go.Scatter(x=[p.x], y=[p.lr])], traces=[index], layout=_frame_layout(p, base, note))
        for i, p in enumerate(positions)
    ]
    fig.update_layout(**_frame_layout(first, base, note))
    fig.update_layout(
        updatemenus=[_play_buttons(labels[0], labels[1], controls_y, present)],
        sliders=[{**_slider(positions, controls_y, present), "active": start}],
    )


def _frame_layout(position: Position, base: tuple[list, list], note_style: dict) -> dict:
    """The playhead's line through every panel and its read-out, on top of the figure's own."""
    shapes, notes = base
    line = {"type": "line", "xref": "x", "yref": "paper", "x0": position.x, "x1": position.x, "y0": 0, "y1": 1}
    line["line"] = {"color": "#111827", "width": 2}
    note = {"text": position.text, "xref": "paper", "yref": "paper", "x": 0, "showarrow": False, **note_style}
    note.update({"xanchor": "left", "yanchor": "top", "bgcolor": "#ffffff"})
    return {"shapes": [*shapes, line], "annotations": [*notes, note]}


def _play_buttons(play: str, pause: str, y: float, present: bool) -> dict:
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
        "font": {"size": 18 if present else 13},
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


def _slider(positions: Sequence[Position], y: float, present: bool) -> dict:
    """The step slider, its ticks on the positions' (round) steps; no current-value label (the
    read-out above says the step)."""
    jump = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}
    labelled = set(round_steps(positions[-1].step, 8))  # a few round numbers under the ticks
    return {
        "active": 0,
        "x": 0.2 if present else 0.16,
        "y": y,
        "len": 0.8 if present else 0.84,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 0, "b": 0},
        "currentvalue": {"visible": False},
        "font": {"size": 14 if present else 11},
        "steps": [
            {"label": f"{p.step:,}" if p.step in labelled else "", "method": "animate", "args": [[str(i)], jump]}
            for i, p in enumerate(positions)
        ],
    }
