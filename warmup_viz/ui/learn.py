"""A guided lesson on warmup: what it does, why it helps, how to choose it, the step-1 quirk,
TrainingArguments / SFTConfig, and each scheduler's formula with its kwargs live."""

from __future__ import annotations

import streamlit as st

from warmup_viz import figures, lr_schedule, registry, scheduler_types, snippets, steps, teach
from warmup_viz.config import ConfigError, ScheduleConfig
from warmup_viz.messages import human
from warmup_viz.registry import REQUIRED

from . import chrome, present, viewport
from .pages import linked_value, sync_page_url
from .strings import figure_labels, kwarg_line, say, scheduler_line, t
from .text import plain

LESSON_STEPS = 1000
_PERSIST = "session"  # the lesson's settings are kept while another page is open
LESSON_LR = 3e-4
# warmup_steps values that show the rounding rules side by side
WARMUP_EXAMPLES = (0.05, 0.07, 0.1, 5.9, 10, 100)


def _chart(config: ScheduleConfig, key: str, *, title: str) -> None:
    """A lesson chart: titled, its y axis from 0 to just above the lesson's learning_rate, so
    charts side by side compare at a glance."""
    options = figures.FigureOptions(title=title, labels=figure_labels(), present=present.on(), narrow=viewport.narrow())
    figure = figures.curve_figure(lr_schedule.display_curve(config), options)
    figure.update_layout(height=400 if present.on() else 320, showlegend=False)  # one line, titled
    figure.update_layout(yaxis={"range": [0, LESSON_LR * 1.08]})  # the LR panel's y axis
    chrome.chart(st, figure, key=key, width="stretch")


def render_learn_page() -> None:
    _page()
    sync_page_url("learn.", _own_params())  # this page's link keeps the lesson's sliders


# the lesson's own widgets and their defaults; a link carries those that differ
_DEFAULTS = {"learn.warmup": 0.1, "learn.max_steps": 100, "learn.scheduler": "cosine"}


def _own_params() -> dict[str, str]:
    state = st.session_state
    kwargs = f"learn.kwarg.{state.get('learn.scheduler', 'cosine')}."
    keys_ = [*_DEFAULTS, *(k for k in state if isinstance(k, str) and k.startswith(kwargs))]
    return {k: _text(state[k]) for k in keys_ if k in state and state[k] != _DEFAULTS.get(k)}


def _text(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _page() -> None:
    present.header(t("learn.title"), t("learn.intro"))
    ratio = _what()
    st.header(t("learn.why.title"))
    st.markdown(t("learn.why.body"))
    _choose()
    _quirk()
    st.header(t("learn.args.title"))
    st.markdown(t("learn.args.body"))
    example = ScheduleConfig(learning_rate=LESSON_LR, warmup_steps=ratio, max_steps=LESSON_STEPS)
    cols = st.columns(2)
    cols[0].code(snippets.training_arguments(example), language="python")
    cols[1].code(snippets.sft_config(example), language="python")
    _formulas(ratio)


def _what() -> float:
    """What warmup does: the same warmup on two types, side by side, titled, on one y range."""
    st.header(t("learn.what.title"))
    st.markdown(t("learn.what.body"))
    start = min(max(linked_value("learn.warmup", 0.1, float), 0.0), 0.5)
    ratio = st.slider(t("learn.what.slider"), 0.0, 0.5, start, 0.01, key="learn.warmup", persist_state=_PERSIST)
    linear = ScheduleConfig(learning_rate=LESSON_LR, warmup_steps=ratio, max_steps=LESSON_STEPS)
    wsd = ScheduleConfig(
        lr_scheduler_type="warmup_stable_decay",
        learning_rate=LESSON_LR,
        warmup_steps=ratio,
        max_steps=LESSON_STEPS,
        lr_scheduler_kwargs={"num_decay_steps": 200, "min_lr_ratio": 0.1},
    )
    for col, config, key in zip(st.columns(2), (linear, wsd), ("learn.what.linear", "learn.what.wsd"), strict=True):
        with col:
            _chart(config, key, title=config.lr_scheduler_type)
    return ratio


def _choose() -> None:
    st.header(t("learn.choose.title"))
    st.markdown(t("learn.choose.body"))
    start = min(max(linked_value("learn.max_steps", 100, int), 1), 10**9)
    max_steps = st.number_input("max_steps", 1, 10**9, start, key="learn.max_steps", persist_state=_PERSIST)
    st.caption(t("learn.choose.table", max_steps=f"{max_steps:,}"))
    st.table(
        {"warmup_steps": [repr(w) for w in WARMUP_EXAMPLES]}
        | {"num_warmup_steps": [steps.num_warmup_steps(w, int(max_steps)) for w in WARMUP_EXAMPLES]}
    )


def _quirk() -> None:
    st.header(t("learn.quirk.title"))
    st.markdown(t("learn.quirk.body"))
    quirk = ScheduleConfig(learning_rate=LESSON_LR, warmup_steps=10, max_steps=100)
    first, second = lr_schedule.build(quirk).lrs([1, 2])
    st.markdown(t("learn.quirk.first", first=human(first), second=human(second)))  # as people write them


def _formulas(ratio: float) -> None:
    """Each type's formula, every branch with its condition, and sliders for its kwargs."""
    st.header(t("learn.formulas.title"))
    st.markdown(t("learn.formulas.body"))
    names = [n for n in registry.scheduler_names() if teach.formula(n)]
    linked = linked_value("learn.scheduler", "cosine", str)
    index = names.index(linked if linked in names else "cosine")
    name = st.selectbox(t("learn.formulas.pick"), names, key="learn.scheduler", index=index, persist_state=_PERSIST)
    st.caption(scheduler_line(name, plain(registry.info(name).summary)))
    st.latex(teach.formula(name))
    kwargs = _kwarg_controls(name)
    try:
        config = ScheduleConfig(
            lr_scheduler_type=name,
            learning_rate=LESSON_LR,
            warmup_steps=ratio,
            max_steps=LESSON_STEPS,
            lr_scheduler_kwargs=kwargs,
        )
    except ConfigError as e:
        st.error(say(e))
        return
    _chart(config, "learn.formula.chart", title=name)


def _kwarg_controls(name: str) -> dict[str, object]:
    """A control per kwarg of `name` its record gives a slider (or whose values are choices), with
    the lesson's explanation and its symbol in the formula; returns the kwargs chosen."""
    info, record = registry.info(name), scheduler_types.of(name)
    movable = [spec for spec in info.kwargs if spec.choices or record.slider(spec.name)]
    if not movable:
        return {}
    st.subheader(t("learn.formulas.kwargs"))
    kwargs: dict[str, object] = {}
    for spec in movable:
        key = f"learn.kwarg.{name}.{spec.name}"
        explanation = kwarg_line(name, spec.name, plain(spec.help))
        symbol = record.symbol(spec.name)
        label = f"{spec.name} (${symbol}$)" if symbol else spec.name
        if spec.choices:
            chosen = linked_value(key, spec.default, str)
            index = list(spec.choices).index(chosen) if chosen in spec.choices else 0
            kwargs[spec.name] = st.radio(
                label, spec.choices, key=key, index=index, horizontal=True, help=explanation, persist_state=_PERSIST
            )
        else:
            slider = record.slider(spec.name)
            start = spec.default if spec.default not in (None, REQUIRED) else slider.start
            start = slider.low if start is None else start
            start = min(max(linked_value(key, start, type(slider.low)), slider.low), slider.high)
            value = st.slider(
                label,
                slider.low,
                slider.high,
                type(slider.low)(start),
                slider.step,
                key=key,
                help=explanation,
                persist_state=_PERSIST,
            )
            if spec.default is None and value == slider.low and slider.start is None:
                continue  # left at "None": transformers' own default applies
            kwargs[spec.name] = value
        st.caption(explanation)
    return kwargs
