"""Data -> plotly figures. Pure: no Streamlit, no state."""

from __future__ import annotations

import plotly.graph_objects as go

from .schedule import DisplayCurve

LR_COLOR = "#1f6fb4"
MARK_COLORS = {
    "start": "#6b7280",
    "warmup_end": "#d97706",
    "peak": "#dc2626",
    "decay_start": "#7c3aed",
    "decay_end": "#7c3aed",
    "restart": "#059669",
    "end": "#111827",
}


def schedule_figure(curve: DisplayCurve, *, log_y: bool = False, title: str | None = None) -> go.Figure:
    """LR against step, with the breakpoints marked.

    Hover shows the exact step and the exact LR (Python `repr`). On a log axis, steps whose LR is
    0 (step 1 of a warmup) cannot be drawn; plotly leaves them out.
    """
    lr_at = dict(zip(curve.steps, curve.lrs, strict=True))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=list(curve.steps),
            y=list(curve.lrs),
            mode="lines",
            name="learning_rate",
            line={"color": LR_COLOR, "width": 2},
            customdata=[repr(v) for v in curve.lrs],
            hovertemplate="step %{x}<br>learning_rate %{customdata}<extra></extra>",
        )
    )
    marks = [b for b in curve.breakpoints if b.step in lr_at]
    fig.add_trace(
        go.Scatter(
            x=[b.step for b in marks],
            y=[lr_at[b.step] for b in marks],
            mode="markers",
            name="breakpoints",
            marker={"size": 9, "color": [MARK_COLORS.get(b.kind, "#111827") for b in marks]},
            customdata=[[b.label, repr(lr_at[b.step])] for b in marks],
            hovertemplate="%{customdata[0]}<br>learning_rate %{customdata[1]}<extra></extra>",
        )
    )
    for b in marks:
        if b.kind in ("warmup_end", "decay_start", "restart"):
            fig.add_vline(x=b.step, line={"color": MARK_COLORS[b.kind], "width": 1, "dash": "dot"})
    final = curve.breakpoints[-1] if curve.breakpoints else None
    if final is not None and final.step in lr_at:
        fig.add_annotation(
            x=final.step, y=lr_at[final.step], text=f"final {lr_at[final.step]:.3g}", showarrow=True, ax=-40, ay=-30
        )
    fig.update_layout(
        title=title,
        xaxis_title="step (the update that used this LR, as Trainer logs it)",
        yaxis_title="learning_rate",
        yaxis_type="log" if log_y else "linear",
        yaxis_exponentformat="e",
        hovermode="closest",
        margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 50},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        template="plotly_white",
    )
    return fig
