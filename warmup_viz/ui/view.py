"""The main view of the schedule page: chart, summary, notes; and the URL kept in step."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from warmup_viz import compare, figures, logview, registry, schedule, share
from warmup_viz.config import ConfigError, ScheduleConfig

from . import exchange, form, logs_panel
from .text import plain

STEP_CONVENTION = (
    "Step s runs from 1 to max_steps and shows the learning rate that update used: "
    "learning_rate × λ(s − 1), exactly what Trainer logs at step s."
)


def render_schedule_page() -> None:
    """The whole schedule page: sidebar form(s), then the chart and summary of schedule A."""
    st.title("warmup-viz")
    st.caption("The learning-rate schedule your Hugging Face Trainer run will really get, computed by transformers.")
    for message in form.load_from_url():
        st.warning(plain(message))
    results = form.render_all()
    chart, below = st.container(), st.container()
    # the log section and the view options are drawn on every run, even when the settings are
    # invalid: a widget that is not drawn loses its value (and an upload its files)
    logs = logs_panel.uploads()
    with below:
        view = logs_panel.options(logs, compared=len(results) > 1)
    with chart:
        drawn = _drawable(results)
    if drawn is None:
        return
    configs, curves = drawn
    link = share.Link(tuple(configs), view)
    if len(configs) == len(results):  # a schedule with an invalid entry keeps the last good link
        _sync_url(link)
    config, curve = configs[0], curves[0]
    with below:
        lr_lines, metric_lines = logs_panel.lines(logs, view)
        logs_panel.verdicts(config, logs)
        _summary(schedule.summarize(config, curve))
    names = compare.names(configs)
    with below:
        image_format = exchange.render(configs, names)
    title = names[0] if len(configs) == 1 else " vs ".join(names)
    figure = figures.schedule_figure(
        curve,
        name="learning_rate" if len(configs) == 1 else names[0],
        epochs=_epochs(view, config, curve, logs),
        compared=[
            (n, c, _epochs(view, cfg, c, logs)) for n, c, cfg in zip(names[1:], curves[1:], configs[1:], strict=True)
        ],
        differences=_differences(view, configs, curves),
        diff_title="B / A" if view.diff == "ratio" else "B − A",
        lr_lines=lr_lines,
        metric_lines=metric_lines,
        layout=view.layout,
        log_y=view.log_y,
        ignore_outliers=view.ignore_outliers,
        title=title,
    )
    image = {"format": image_format, "filename": "learning_rate", "scale": 2}
    chart.plotly_chart(
        figure, key="lr_chart", width="stretch", config={"displaylogo": False, "toImageButtonOptions": image}
    )
    chart.caption(STEP_CONVENTION)
    with chart.expander("Share this view"):
        st.caption("Every setting and view option is in the link (uploaded logs are not). Copy it with the icon.")
        st.code(_full_link(share.encode_link(link)), language=None, wrap_lines=True)
        st.caption("Title for a slide:")
        st.code(title, language=None, wrap_lines=True)


def _drawable(results: list[form.FormResult]) -> tuple[list[ScheduleConfig], list[schedule.DisplayCurve]] | None:
    """The schedules that can be drawn, and their curves; None (after saying why) without A."""
    configs, curves = [], []
    for i, result in enumerate(results):
        letter = form.LETTERS[i]
        if result.config is None:
            message = "Fix the setting marked in the sidebar to see the schedule. " + " ".join(result.errors.values())
            if i == 0:
                st.error(plain(message))
                return None
            st.warning(plain(f"Schedule {letter} is left out until its setting is fixed: {message}"))
            continue
        info = registry.info(result.config.lr_scheduler_type)
        if info.metric_driven:
            text = (
                f"**{info.name}** has no step function: it lowers (or raises) the LR when a watched metric stops "
                "improving, so its curve depends on the training run. Trainer steps it with the eval metric after "
                "each evaluation. Simulating it needs a training log."
            )
            if i == 0:
                st.info(text)
                return None
            st.info(f"Schedule {letter} is left out: " + text)
            continue
        try:
            curves.append(schedule.display_curve(result.config))
        except ConfigError as e:
            if i == 0:
                st.error(plain(str(e)))
                return None
            st.warning(plain(f"Schedule {letter} is left out: {e}"))
            continue
        configs.append(result.config)
    return configs, curves


def _sync_url(link: share.Link) -> None:
    params = share.encode_link(link)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def _full_link(params: dict[str, str]) -> str:
    base = st.context.url or ""
    return base + ("?" + urlencode(params) if params else "")


def _epochs(view: logview.View, config: ScheduleConfig, curve: schedule.DisplayCurve, logs) -> list | None:
    if view.x_axis != "epoch" or not any(logview.has_epochs(item.log) for item in logs):
        return None
    epochs = logview.steps_to_epochs(curve.steps, config, [item.log for item in logs])
    return None if epochs is None else epochs.tolist()


def _differences(view: logview.View, configs: list[ScheduleConfig], curves: list[schedule.DisplayCurve]) -> list:
    if view.diff == "off" or len(configs) < 2:
        return []
    names = compare.names(configs)
    out = []
    for name, config, curve in zip(names[1:], configs[1:], curves[1:], strict=True):
        d = compare.difference(curves[0], configs[0], curve, config, view.diff)
        out.append((name, d.steps, d.values))
    return out


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
