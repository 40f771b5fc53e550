"""The main view of the schedule page: chart, summary, notes; and the URL kept in step."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from warmup_viz import compare, figures, logview, registry, schedule, share, teach
from warmup_viz.config import ConfigError, ScheduleConfig

from . import exchange, form, logs_panel, metric_panel
from .strings import t
from .text import plain


def render_schedule_page() -> None:
    """The whole schedule page: sidebar form(s), then the chart and summary of schedule A."""
    warnings = form.load_from_url()
    head = st.columns([3, 1], vertical_alignment="center")
    head[0].title(t("app.title"))
    present = head[1].toggle(t("form.present"), key="present", help=t("form.present_help"), persist_state="session")
    if present:
        st.html(PRESENTATION_CSS)
        st.info(t("present.on"))
    st.caption(t("app.tagline"))
    for message in warnings:
        st.warning(t("app.link_warning", message=plain(message)))
    results = form.render_all()
    chart, below = st.container(), st.container()
    # the log section and the view options are drawn on every run, even when the settings are
    # invalid: a widget that is not drawn loses its value (and an upload its files)
    logs = logs_panel.uploads()
    with below:
        view = logs_panel.options(logs, compared=len(results) > 1)
    with chart:
        drawn = _drawable(results, logs)
    if drawn is None:
        return
    configs, curves, simulations = drawn
    link = share.Link(tuple(configs), view)
    if len(configs) == len(results):  # a schedule with an invalid entry keeps the last good link
        _sync_url(link)
    config, curve = configs[0], curves[0]
    names = compare.names(configs)
    with below:
        lr_lines, metric_lines = logs_panel.lines(logs, view)
        logs_panel.verdicts(config, logs, simulations.get(0))
        _summary(schedule.summarize(config, curve))
        image_format = exchange.render(configs, names)
    epochs = _epochs(view, config, curve, logs)
    title = names[0] if len(configs) == 1 else " vs ".join(names)
    figure = figures.schedule_figure(
        curve,
        name="learning_rate" if len(configs) == 1 else names[0],
        epochs=epochs,
        compared=[
            (n, c, _epochs(view, cfg, c, logs)) for n, c, cfg in zip(names[1:], curves[1:], configs[1:], strict=True)
        ],
        differences=_differences(view, configs, curves, simulations),
        diff_title="B / A" if view.diff == "ratio" else "B − A",
        lr_lines=lr_lines,
        metric_lines=metric_lines,
        layout=view.layout,
        log_y=view.log_y,
        ignore_outliers=view.ignore_outliers,
        title=title,
        present=view.present,
    )
    if chart.toggle(t("view.playhead"), key="playhead", help=t("view.playhead_help"), persist_state="session"):
        figures.add_playhead(
            figure,
            _playhead(config, curve, epochs),
            (t("playhead.play"), t("playhead.pause"), t("playhead.step")),
        )
    image = {"format": image_format, "filename": "learning_rate", "scale": 2}
    chart.plotly_chart(
        figure, key="lr_chart", width="stretch", config={"displaylogo": False, "toImageButtonOptions": image}
    )
    chart.caption(t("app.step_convention"))
    with chart.expander(t("app.share")):
        st.caption(t("app.share_help"))
        st.code(_full_link(share.encode_link(link)), language=None, wrap_lines=True)
        st.caption(t("app.slide_title"))
        st.code(title, language=None, wrap_lines=True)


# our own constant stylesheet (never user text): larger type everywhere for a projector
PRESENTATION_CSS = "<style>html { font-size: 22px; } section[data-testid='stSidebar'] { font-size: 18px; }</style>"


def _drawable(results: list[form.FormResult], logs: list) -> tuple[list[ScheduleConfig], list, dict] | None:
    """The schedules that can be drawn, their curves, and the simulations of metric-driven ones
    (by index); None (after saying why) when schedule A cannot be drawn."""
    configs, curves, simulations = [], [], {}
    for i, result in enumerate(results):
        letter = form.LETTERS[i]
        if result.config is None:
            errors = plain(" ".join(result.errors.values()))
            if i == 0:
                st.error(t("app.fix_setting", errors=errors))
                return None
            st.warning(t("app.left_out_invalid", letter=letter, message=errors))
            continue
        info = registry.info(result.config.lr_scheduler_type)
        if info.metric_driven:
            simulation = metric_panel.simulation(result.config, logs, letter)
            if simulation is None:
                text = t("app.metric_driven", name=info.name)
                if i == 0:
                    st.info(text)
                    return None
                st.info(t("app.left_out", letter=letter, message=text))
                continue
            simulations[len(configs)] = simulation
            curves.append(simulation.curve)
            configs.append(result.config)
            continue
        try:
            curves.append(schedule.display_curve(result.config))
        except ConfigError as e:
            if i == 0:
                st.error(plain(str(e)))
                return None
            st.warning(t("app.left_out", letter=letter, message=plain(str(e))))
            continue
        configs.append(result.config)
    return configs, curves, simulations


def _playhead(config: ScheduleConfig, curve: schedule.DisplayCurve, epochs: list | None) -> list:
    """(x, lr, read-out, step) along the curve, the read-out in the page's language."""
    x_of = dict(zip(curve.steps, epochs or curve.steps, strict=True))
    out = []
    for r in teach.readouts(config, curve):
        phase = t(f"phase.{r.phase.kind}", n=r.phase.n)
        values = dict(step=f"{r.step:,}", phase=phase, lr=f"{r.lr:.4g}", percent=f"{r.percent_of_peak:.1f}%")
        text = (
            t("playhead.readout", epoch=f"{r.epoch:.2f}", **values)
            if r.epoch is not None
            else t("playhead.readout_no_epoch", **values)
        )
        out.append((x_of[r.step], r.lr, text, r.step))
    return out


def _sync_url(link: share.Link) -> None:
    params = share.encode_link(link)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def _full_link(params: dict[str, str]) -> str:
    base = st.context.url or ""
    return base + ("?" + urlencode(params) if params else "")


def _epochs(view: share.View, config: ScheduleConfig, curve: schedule.DisplayCurve, logs) -> list | None:
    if view.x_axis != "epoch" or not any(logview.has_epochs(item.log) for item in logs):
        return None
    epochs = logview.steps_to_epochs(curve.steps, config, [item.log for item in logs])
    return None if epochs is None else epochs.tolist()


def _differences(view: share.View, configs: list[ScheduleConfig], curves: list, simulations: dict) -> list:
    if view.diff == "off" or len(configs) < 2 or simulations:
        return []  # (metric-driven schedules are replayed, not functions of the step: no difference panel)
    names = compare.names(configs)
    out = []
    for name, config, curve in zip(names[1:], configs[1:], curves[1:], strict=True):
        d = compare.difference(curves[0], configs[0], curve, config, view.diff)
        out.append((name, d.steps, d.values))
    return out


def _summary(s: schedule.Summary) -> None:
    cols = st.columns(4)
    cols[0].metric(t("summary.max_steps"), f"{s.max_steps:,}")
    cols[1].metric(t("summary.num_warmup_steps"), f"{s.num_warmup_steps:,}")
    cols[2].metric(
        t("summary.peak"),
        f"{s.peak_lr:.4g}",
        help=t("summary.peak_help", value=repr(s.peak_lr), step=f"{s.peak_step:,}"),
    )
    cols[3].metric(t("summary.final"), f"{s.final_lr:.4g}", help=repr(s.final_lr))
    cols = st.columns(4)
    cols[0].metric(t("summary.first"), f"{s.first_lr:.4g}", help=repr(s.first_lr))
    cols[1].metric(t("summary.peak_step"), f"{s.peak_step:,}")
    per_epoch = "—" if s.update_steps_per_epoch is None else f"{s.update_steps_per_epoch:,}"
    cols[2].metric(t("summary.steps_per_epoch"), per_epoch)
    cols[3].metric(t("summary.global_batch"), f"{s.global_batch_size:,}", help=t("summary.global_batch_help"))
    for note in s.notes:
        st.markdown("- " + t(f"note.{note.key}", **{k: plain(v) for k, v in note.values.items()}))
