"""The main view of the schedule page: chart, summary, notes; and the URL kept in step."""

from __future__ import annotations

import streamlit as st

from warmup_viz import figures, logview, registry, schedule, share
from warmup_viz.config import ConfigError, ScheduleConfig

from . import form, logs_panel
from .text import plain

STEP_CONVENTION = (
    "Step s runs from 1 to max_steps and shows the learning rate that update used: "
    "learning_rate × λ(s − 1), exactly what Trainer logs at step s."
)


def _sync_url(config: ScheduleConfig) -> None:
    params = share.encode(config)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def render_schedule_page() -> None:
    """The whole schedule page: sidebar form, then the chart and summary of its config."""
    st.title("warmup-viz")
    st.caption("The learning-rate schedule your Hugging Face Trainer run will really get, computed by transformers.")
    warnings = form.load_from_url()
    for message in warnings:
        st.warning(plain(message))
    result = form.render()
    chart, below = st.container(), st.container()
    # the log section and the view options are drawn on every run, even when the settings are
    # invalid: a widget that is not drawn loses its value (and an upload its files)
    logs = logs_panel.uploads()
    with below:
        view = logs_panel.options(logs)
    with chart:
        curve = _curve(result)
    if curve is None:
        return
    config = result.config
    with below:
        lr_lines, metric_lines = logs_panel.lines(logs, view)
        logs_panel.verdicts(config, logs)
        _summary(schedule.summarize(config, curve))
    epochs = None
    if view.x_axis == "epoch":
        epochs = logview.steps_to_epochs(curve.steps, config, [item.log for item in logs])
    figure = figures.schedule_figure(
        curve,
        lr_lines=lr_lines,
        metric_lines=metric_lines,
        layout=view.layout,
        log_y=view.log_y,
        ignore_outliers=view.ignore_outliers,
        epochs=epochs,
    )
    chart.plotly_chart(figure, key="lr_chart", width="stretch")
    chart.caption(STEP_CONVENTION)


def _curve(result: form.FormResult) -> schedule.DisplayCurve | None:
    """The curve to draw, or None after saying why there is none."""
    if result.config is None:
        st.error(
            plain("Fix the setting marked in the sidebar to see the schedule. " + " ".join(result.errors.values()))
        )
        return None
    config = result.config
    _sync_url(config)
    info = registry.info(config.lr_scheduler_type)
    if info.metric_driven:
        st.info(
            f"**{info.name}** has no step function: it lowers (or raises) the LR when a watched metric stops "
            "improving, so its curve depends on the training run. Trainer steps it with the eval metric after "
            "each evaluation. Simulating it needs a training log."
        )
        return None
    try:
        return schedule.display_curve(config)
    except ConfigError as e:
        st.error(plain(str(e)))
        return None


def _summary(s: schedule.Summary) -> None:
    cols = st.columns(4)
    cols[0].metric("max_steps", f"{s.max_steps:,}")
    cols[1].metric("num_warmup_steps", f"{s.num_warmup_steps:,}")
    cols[2].metric("peak LR", f"{s.peak_lr:.4g}", help=f"{s.peak_lr!r} at step {s.peak_step:,}")
    cols[3].metric("final LR", f"{s.final_lr:.4g}", help=repr(s.final_lr))
    cols = st.columns(4)
    cols[0].metric("LR at step 1", f"{s.first_lr:.4g}", help=repr(s.first_lr))
    cols[1].metric("peak at step", f"{s.peak_step:,}")
    cols[2].metric("steps per epoch", "—" if s.update_steps_per_epoch is None else f"{s.update_steps_per_epoch:,}")
    cols[3].metric(
        "global batch size",
        f"{s.global_batch_size:,}",
        help="per_device_train_batch_size × gradient_accumulation_steps × world_size",
    )
    for note in s.notes:
        st.markdown(f"- {plain(note)}")
