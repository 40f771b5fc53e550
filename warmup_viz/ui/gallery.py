"""The gallery: every scheduler type as small multiples at the same learning_rate, warmup and max_steps."""

from __future__ import annotations

import streamlit as st

from warmup_viz import figures, registry, schedule, scheduler_types
from warmup_viz.config import ConfigError, ScheduleConfig, parse_field

from . import chrome, form, keys
from .pages import linked_value, sync_page_url
from .strings import figure_labels, say, scheduler_line, t
from .text import plain

COLUMNS = 3
_KEYS = ("gallery.learning_rate", "gallery.warmup_steps", "gallery.max_steps")
GALLERY_POINTS = 200


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
    for name, default in (("learning_rate", "5e-05"), ("warmup_steps", "0.05"), ("max_steps", "1000")):
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
    """Callback: make `config` the main page's only schedule, then go there."""
    for prefix in form.slots()[1:]:
        form.remove_slot(prefix)
    form.put_config(config)
    st.session_state[keys.OPEN_MAIN] = True


def render_gallery_page() -> None:
    st.title(t("gallery.title"))
    st.caption(t("gallery.intro"))
    if st.session_state.pop(keys.OPEN_MAIN, False):
        from .pages import main_page  # pages imports this module's page script, not this module

        st.switch_page(main_page())
    base = _base()
    sync_page_url({key: str(st.session_state[key]) for key in _KEYS})  # this page's link keeps its settings
    if base is None:
        return
    names = registry.scheduler_names()
    for row in range(0, len(names), COLUMNS):
        for col, name in zip(st.columns(COLUMNS), names[row : row + COLUMNS], strict=False):
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
        curve = schedule.display_curve(config, points=GALLERY_POINTS)
    except ConfigError as e:
        st.error(say(e))
        return
    chrome.chart(st, _figure(curve), key=f"gallery.chart.{name}", width="stretch", config={"displayModeBar": False})
    st.button(t("gallery.open", name=name), key=f"gallery.open.{name}", on_click=_open, args=(config,))
    if config.lr_scheduler_kwargs:  # what gives the card its character, as the main form would take it
        st.caption(", ".join(f"{k}={_short(v)}" for k, v in config.lr_scheduler_kwargs.items()))


def _figure(curve: schedule.DisplayCurve):
    """A small multiple: no legend, titles or final label; the y axis from 0 on every card, so a
    constant schedule reads as its LR, not as a line in the middle of nowhere."""
    figure = figures.curve_figure(curve, figures.FigureOptions(labels=figure_labels(), final=False))
    figure.update_layout(height=220, showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    figure.update_xaxes(title_text=None)
    figure.update_layout(yaxis={"title": {"text": None}, "range": [0, max(curve.lrs) * 1.1 or 1.0]})  # the LR panel
    return figure


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
