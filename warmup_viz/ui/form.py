"""The sidebar settings form: URL -> widgets once per session, widgets -> config every run.

Widgets hold text (so an entry like "3e-4" stays exactly as typed, and a bad entry stays on
screen with its message instead of being lost). Keys are TrainingArguments' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st

from warmup_viz import registry, scheduler_types, share
from warmup_viz.config import DEFAULTS, EPOCH_FIELDS, FROM_EPOCHS, ConfigError, ScheduleConfig, parse_field
from warmup_viz.registry import REQUIRED
from warmup_viz.share import View

from .strings import kwarg_line, labels, scheduler_line, t
from .text import plain

_PERSIST = "session"
_SLOTS = "_schedule_slots"
LETTERS = "ABCDEF"
_STEPS_FROM = "steps_from"


@dataclass
class FormResult:
    """What the form produced: a config when every entry is valid, else messages by field."""

    config: ScheduleConfig | None
    errors: dict[str, str] = field(default_factory=dict)


def kwarg_key(scheduler: str, name: str, prefix: str = "") -> str:
    return f"{prefix}lr_scheduler_kwargs.{scheduler}.{name}"


def _default_text(spec: registry.KwargSpec, suggested: Mapping[str, object]) -> object:
    """A kwarg widget's first value: what the type needs to be drawn at all (its record's
    suggestion, so the curve shows at once), else transformers' default."""
    if spec.kind == "bool":
        return bool(spec.default)
    if spec.name in suggested and spec.default in (None, REQUIRED):
        return share.to_text(spec.name, suggested[spec.name])
    if spec.default in (None, REQUIRED):
        return ""
    return spec.default if spec.choices else share.to_text(spec.name, spec.default)


def load_from_url() -> list[str]:
    """Once per session: put the link's schedules and view into the widgets. Returns the link's warnings."""
    state = st.session_state
    if "_loaded_from_url" in state:
        return state["_url_warnings"]
    link, warnings = share.decode_link(st.query_params.to_dict())
    state[_SLOTS] = [""] + [f"s{i}." for i in range(1, len(link.configs))]
    state["_next_slot"] = len(link.configs)
    for prefix, config in zip(state[_SLOTS], link.configs, strict=True):
        put_config(config, prefix)
    put_view(link.view)
    state["_loaded_from_url"] = True
    state["_url_warnings"] = warnings
    return warnings


def put_config(config: ScheduleConfig, prefix: str = "") -> None:
    """Show `config` in the widgets of the schedule whose keys start with `prefix`."""
    state = st.session_state
    state[prefix + "lr_scheduler_type"] = config.lr_scheduler_type
    for name in ("learning_rate", "warmup_steps", *EPOCH_FIELDS):
        value = getattr(config, name)
        state[prefix + name] = (
            value if name == "dataloader_drop_last" else ("" if value is None else share.to_text(name, value))
        )
    state[prefix + "max_steps"] = str(DEFAULTS.max_steps if config.uses_epochs else config.max_steps)
    state[prefix + _STEPS_FROM] = "epochs" if config.uses_epochs else "max_steps"
    _put_kwargs(config.lr_scheduler_type, config.lr_scheduler_kwargs, prefix)


def _put_kwargs(scheduler: str, kwargs: Mapping[str, object], prefix: str) -> None:
    state = st.session_state
    for spec in registry.info(scheduler).kwargs:
        key = kwarg_key(scheduler, spec.name, prefix)
        if spec.name in kwargs:
            value = kwargs[spec.name]
            state[key] = value if spec.kind == "bool" or spec.choices else share.to_text(spec.name, value)
        else:
            state.pop(key, None)


def put_view(view: View) -> None:
    """Show `view` in the chart-option widgets (their keys are the link's names)."""
    state = st.session_state
    for name in share.VIEW_KEYS:
        value = getattr(view, name)
        if name == "metrics" and value is None:
            state.pop(name, None)  # the default: the logs' training loss
        else:
            state[name] = list(value) if name in ("metrics", "log_y") else value


def slots() -> list[str]:
    """The key prefixes of the schedules on the page, in order; the first is "" (schedule A)."""
    return st.session_state.setdefault(_SLOTS, [""])


def add_slot(copy_of: ScheduleConfig | None) -> None:
    """A new compared schedule, a copy of `copy_of` (or the defaults). For button callbacks."""
    state = st.session_state
    if len(slots()) >= share.MAX_SCHEDULES:
        return
    number = state.get("_next_slot", len(slots()))
    state["_next_slot"] = number + 1
    prefix = f"s{number}."
    put_config(copy_of or DEFAULTS, prefix)
    state[_SLOTS] = [*slots(), prefix]


def remove_slot(prefix: str) -> None:
    """Take a compared schedule off the page. For button callbacks."""
    state = st.session_state
    state[_SLOTS] = [p for p in slots() if p != prefix]
    for key in [k for k in state if isinstance(k, str) and k.startswith(prefix)]:
        del state[key]


def apply_settings(settings: Mapping[str, object], prefix: str = "") -> None:
    """Put `settings` (TrainingArguments-named, parsed values: a trainer_state.json's facts or
    imported settings) into the widgets of one schedule. max_steps=-1 switches to the epochs
    calculator, another max_steps to max_steps mode. For widget callbacks."""
    state = st.session_state
    for name, value in settings.items():
        if name == "lr_scheduler_type":
            state[prefix + name] = value
        elif name == "lr_scheduler_kwargs":
            scheduler = settings.get(
                "lr_scheduler_type", state.get(prefix + "lr_scheduler_type", DEFAULTS.lr_scheduler_type)
            )
            _put_kwargs(scheduler, value, prefix)
        elif name == "dataloader_drop_last":
            state[prefix + name] = bool(value)
        elif name == "max_steps" and value == FROM_EPOCHS:
            state[prefix + _STEPS_FROM] = "epochs"
        else:
            state[prefix + name] = share.to_text(name, value)
            if name == "max_steps":
                state[prefix + _STEPS_FROM] = "max_steps"


def _text(name: str, slots: dict, prefix: str) -> str:
    # the label is the TrainingArguments name, in every language
    value = st.text_input(name, key=prefix + name, help=t(f"form.{name}_help"), persist_state=_PERSIST)
    slots[name] = st.empty()
    return value


def render_all() -> list[FormResult]:
    """The sidebar: one schedule's settings, or a tab per compared schedule with its buttons."""
    prefixes = slots()
    with st.sidebar:
        st.header(t("form.schedule") if len(prefixes) == 1 else t("form.schedules"))
        if len(prefixes) == 1:
            results = [render("")]
        else:
            results = []
            for i, (tab, prefix) in enumerate(zip(st.tabs(list(LETTERS[: len(prefixes)])), prefixes, strict=True)):
                with tab:
                    results.append(render(prefix))
                    cols = st.columns(2)
                    cols[0].button(
                        t("form.duplicate"),
                        key=f"duplicate.{prefix}",
                        on_click=add_slot,
                        args=(results[-1].config,),
                        disabled=results[-1].config is None or len(prefixes) >= share.MAX_SCHEDULES,
                        help=t("form.duplicate_help"),
                    )
                    if i:
                        cols[1].button(t("form.remove"), key=f"remove.{prefix}", on_click=remove_slot, args=(prefix,))
        st.button(
            t("form.add"),
            key="add_schedule",
            on_click=add_slot,
            args=(results[0].config,),
            disabled=len(prefixes) >= share.MAX_SCHEDULES,
            help=t("form.add_help", count=share.MAX_SCHEDULES),
        )
    return results


def render(prefix: str = "") -> FormResult:
    """Draw one schedule's settings (widget keys start with `prefix`) and return its config."""
    slots: dict[str, object] = {}
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def read(name: str, text: str) -> None:
        try:
            values[name] = parse_field(name, text)
        except ConfigError as e:
            errors[name] = str(e)

    names = registry.scheduler_names()
    scheduler = st.selectbox(
        "lr_scheduler_type",  # setting names are labels in every language
        names,
        key=prefix + "lr_scheduler_type",
        persist_state=_PERSIST,
        help=t("form.type_help"),
    )
    slots["lr_scheduler_type"] = st.empty()
    values["lr_scheduler_type"] = scheduler
    info = registry.info(scheduler)
    st.caption(scheduler_line(scheduler, plain(info.summary)))
    read("learning_rate", _text("learning_rate", slots, prefix))
    read("warmup_steps", _text("warmup_steps", slots, prefix))

    mode = st.radio(
        t("form.steps_from"),
        ["max_steps", "epochs"],
        key=prefix + _STEPS_FROM,
        format_func=labels("form.mode_"),
        horizontal=True,
        persist_state=_PERSIST,
        help=t("form.steps_from_help"),
    )
    if mode == "max_steps":
        read("max_steps", _text("max_steps", slots, prefix))
    else:
        values["max_steps"] = FROM_EPOCHS
    with st.expander(t("form.epochs_calculator"), expanded=mode == "epochs"):
        for name in EPOCH_FIELDS[:-1]:
            text = _text(name, slots, prefix)
            # the calculator feeds max_steps only in epochs mode; an empty dataset_size is "not given"
            if mode == "epochs" and (text.strip() or name != "dataset_size"):
                read(name, text)
        drop_last = st.checkbox(
            "dataloader_drop_last",
            key=prefix + "dataloader_drop_last",
            persist_state=_PERSIST,
            help=t("form.drop_last_help"),
        )
        if mode == "epochs":
            values["dataloader_drop_last"] = drop_last
        slots["dataloader_drop_last"] = st.empty()

    values["lr_scheduler_kwargs"] = _kwargs(info, values.get("max_steps"), slots, errors, prefix)

    config = None
    if not errors:
        try:
            config = ScheduleConfig(**values)
        except ConfigError as e:
            errors[e.field] = str(e)
    for name, message in errors.items():
        slot = slots.get(name) or slots["lr_scheduler_type"]
        slot.error(plain(message))
    return FormResult(config, errors)


def _kwargs(
    info: registry.SchedulerInfo, max_steps: object, slots: dict, errors: dict, prefix: str
) -> dict[str, object]:
    """The kwargs widgets of `info`; returns the kwargs that differ from transformers' defaults."""
    kwargs: dict[str, object] = {}
    if info.kwargs:
        st.subheader(t("form.kwargs"))
    steps_hint = max_steps if isinstance(max_steps, int) and max_steps > 0 else DEFAULTS.max_steps
    suggested = scheduler_types.of(info.name).suggested(steps_hint, DEFAULTS.learning_rate)
    for spec in info.kwargs:
        key = kwarg_key(info.name, spec.name, prefix)
        default = _default_text(spec, suggested)
        st.session_state.setdefault(key, default)
        required = spec.default is REQUIRED or spec.name in info.one_of
        label = t("form.required", name=spec.name) if spec.default is REQUIRED else spec.name
        help_text = t(
            "form.kwarg_help", help=kwarg_line(info.name, spec.name, plain(spec.help)), default=repr(spec.default)
        )
        if spec.kind == "bool":
            value = st.checkbox(label, key=key, help=help_text, persist_state=_PERSIST)
        elif spec.choices:
            value = st.selectbox(label, spec.choices, key=key, help=help_text, persist_state=_PERSIST)
        else:
            placeholder = "None" if spec.default is None else ""
            value = st.text_input(label, key=key, help=help_text, placeholder=placeholder, persist_state=_PERSIST)
            if not value.strip():
                continue
            try:
                value = _kwarg_value(spec, value)
            except ValueError:
                errors["lr_scheduler_kwargs"] = t("form.not_a_number", name=spec.name, text=repr(value.strip()))
                continue
        if value != spec.default or required:
            kwargs[spec.name] = value
    if info.one_of:
        st.caption(t("form.one_of", names=" / ".join(info.one_of)))
    if info.metric_driven:
        st.caption(t("form.metric_kwargs"))
    slots["lr_scheduler_kwargs"] = st.empty()
    return kwargs


def _kwarg_value(spec: registry.KwargSpec, text: str) -> object:
    text = text.strip()
    if spec.kind == "str":
        return text
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if spec.kind == "int" and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number
