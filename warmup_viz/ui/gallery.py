"""The gallery: every scheduler type as small multiples at the same learning_rate, warmup and max_steps."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from warmup_viz import figures, lr_schedule, registry, scheduler_types, share
from warmup_viz.config import ConfigError, ScheduleConfig, parse_field

from . import chrome, form, keys, page_link, present
from .pages import linked_value, sync_page_url
from .strings import figure_labels, say, scheduler_line, t
from .text import plain

COLUMNS = 3
_DEFAULTS = {"gallery.learning_rate": "5e-05", "gallery.warmup_steps": "0.05", "gallery.max_steps": "1000"}
GALLERY_POINTS = 200
_FULL = "_gallery_full"  # "Open" found the schedule page full: the type it could not add


def gallery_config(name: str, base: ScheduleConfig) -> ScheduleConfig:
    """`base`'s learning_rate, warmup_steps and max_steps with scheduler `name`, and the kwargs its
    record suggests: those it cannot draw without (as the settings form fills them) and those
    that show its character (restarts, a power, a floor)."""
    kwargs = scheduler_types.of(name).suggested(base.total_steps, base.learning_rate, showcase=True)
    return ScheduleConfig(
        learning_rate=base.learning_rate,
        warmup_steps=base.warmup_steps,
        max_steps=base.total_steps,
        lr_scheduler_type=name,
        lr_scheduler_kwargs=kwargs,
    )


def _base() -> ScheduleConfig | None:
    state = st.session_state
    for name in ("learning_rate", "warmup_steps", "max_steps"):
        default = _DEFAULTS[f"gallery.{name}"]
        # start from schedule A's settings (a warmup, so that every type shows one)
        start = state.get(name) or default if name != "warmup_steps" else default
        state.setdefault(f"gallery.{name}", linked_value(f"gallery.{name}", start, str.strip))
    cols = st.columns(3)
    values, errors = {}, []
    for col, name in zip(cols, ("learning_rate", "warmup_steps", "max_steps"), strict=True):
        text = col.text_input(name, key=f"gallery.{name}", help=t(f"form.{name}_help"), persist_state="session")
        try:
            values[name] = parse_field(name, text)
        except ConfigError as e:
            errors.append(say(e))
    try:
        return None if errors else ScheduleConfig(**values)
    except ConfigError as e:
        errors.append(say(e))
    for message in errors:
        st.error(message)
    return None


def _open(config: ScheduleConfig) -> None:
    """Callback: add `config` to the main page's schedules, beside what is there, then go there;
    when the page already holds as many as it can, say so and stay."""
    if len(form.slots()) >= share.MAX_SCHEDULES:
        st.session_state[_FULL] = config.lr_scheduler_type
        return
    form.add_slot(config)
    st.session_state[keys.OPEN_MAIN] = config


def render_gallery_page() -> None:
    present.header(t("gallery.title"), t("gallery.intro"))
    added = st.session_state.pop(keys.OPEN_MAIN, None)
    if added is not None:
        from .pages import LINK_PREFIXES, main_page  # pages imports this module's page script, not this module

        # at the address the schedule page will write, so the browser's history gets one entry
        state = st.session_state
        link, own, _ = page_link.decode(state.get(keys.LINK_PARAMS, {}), LINK_PREFIXES)
        link = replace(link, configs=(*link.configs, added))
        params = page_link.encode(link, replace(own, others=state[keys.PAGE_PARAMS]))
        state[keys.WRITTEN] = params  # this session's own address, not one the browser went back to
        st.switch_page(main_page(), query_params=params)
    full = st.session_state.pop(_FULL, None)
    if full:
        st.warning(t("gallery.full", name=full, count=share.MAX_SCHEDULES))
    base = _base()
    state = st.session_state  # this page's link keeps its settings that differ from its defaults
    sync_page_url(
        "gallery.", {key: str(state[key]) for key, default in _DEFAULTS.items() if str(state[key]) != default}
    )
    if base is None:
        return
    names = registry.scheduler_names()
    columns = 2 if present.on() else COLUMNS  # on a projector, larger cards (a phone stacks them)
    for row in range(0, len(names), columns):
        for col, name in zip(st.columns(columns), names[row : row + columns], strict=False):
            with col.container(border=True):
                _card(name, base)


def _card(name: str, base: ScheduleConfig) -> None:
    info = registry.info(name)
    st.subheader(name.replace("_", "_\u200b"))  # a narrow card wraps the name at underscores, never mid-word
    st.caption(scheduler_line(name, plain(info.summary)))
    if info.metric_driven:
        st.info(t("gallery.metric_driven"))
        return
    try:
        config = gallery_config(name, base)
        curve = lr_schedule.display_curve(config, points=GALLERY_POINTS)
    except ConfigError as e:
        st.error(say(e))
        return
    chrome.chart(st, _figure(curve), key=f"gallery.chart.{name}", width="stretch", config={"displayModeBar": False})
    st.button(t("gallery.open", name=name), key=f"gallery.open.{name}", on_click=_open, args=(config,))
    if config.lr_scheduler_kwargs:  # what gives the card its character, as the main form would take it
        st.caption(", ".join(f"{k}={_short(v)}" for k, v in config.lr_scheduler_kwargs.items()))


def _figure(curve: lr_schedule.DisplayCurve):
    """A small multiple: no legend, titles or final label; the y axis from 0 on every card, so a
    constant schedule reads as its LR, not as a line in the middle of nowhere."""
    options = figures.FigureOptions(labels=figure_labels(), final=False, present=present.on())
    figure = figures.curve_figure(curve, options)
    figure.update_layout(height=300 if present.on() else 220, showlegend=False)
    figure.layout.annotations = ()  # a projector's named peak: no room on a card
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    figure.update_xaxes(title_text=None)
    figure.update_layout(yaxis={"title": {"text": None}, "range": [0, max(curve.lrs) * 1.1 or 1.0]})  # the LR panel
    return figure


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
