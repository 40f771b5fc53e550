"""The playhead's step in the link: the chart's slider and play button run in the browser
(plotly frames), so a small component of our own tells the server where the playhead stopped,
and the link (`playhead=N`) follows it — a teacher's link opens at the teacher's step."""

from __future__ import annotations

import streamlit as st

from . import keys
from .address import write_url

# our own constant code (never user text): it reads the slider plotly keeps on the chart element
_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  let chart = null;
  let timer = null;
  const report = () => {
    const slider = chart && chart.layout && chart.layout.sliders && chart.layout.sliders[0];
    const step = slider ? data.steps[slider.active] : undefined;
    if (step !== undefined && step !== data.step) setStateValue("step", step);
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(report, 400); };  // once it rests
  const attach = () => {
    const found = document.querySelector(data.selector);
    if (!found || found === chart || typeof found.on !== "function") return;
    chart = found;
    for (const event of ["plotly_sliderchange", "plotly_animated", "plotly_animationinterrupted"]) {
      chart.on(event, later);
    }
  };
  attach();
  const watch = setInterval(attach, 300);  // the chart element is replaced when the page redraws it
  return () => { clearInterval(watch); clearTimeout(timer); };
}
"""
_COMPONENT = st.components.v2.component("warmup_viz.playhead_step", js=_JS)
STEP = "_playhead_step_reported"


def follow(chart_key: str, steps: list[int], current: int | None) -> None:
    """Mount the component that reports where the slider of chart `chart_key` stopped (its
    positions are `steps`); the page's playhead step and the link's `playhead=` follow it."""
    data = {"selector": f".st-key-{chart_key} .js-plotly-plot", "steps": steps, "step": current}
    _COMPONENT(key=STEP, data=data, on_step_change=_moved, height=0)


def _moved() -> None:
    state = st.session_state
    result = state.get(STEP)
    step = result.get("step") if hasattr(result, "get") else None
    if not isinstance(step, int) or step < 1:
        return
    state[keys.PLAYHEAD_STEP] = step
    if state.get(keys.PLAYHEAD):
        state[keys.LINK_PARAMS] = {**state.get(keys.LINK_PARAMS, {}), "playhead": str(step)}
        write_url({**state.get(keys.WRITTEN, {}), "playhead": str(step)})
