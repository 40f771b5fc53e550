"""The sidebar settings form: URL -> widgets once per session, widgets -> config every run.

Widgets hold text (so an entry like "3e-4" stays exactly as typed, and a bad entry stays on
screen with its message instead of being lost). Keys are TrainingArguments' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import streamlit as st

from warmup_viz import parse, registry, run_kind, scheduler_types, share, steps, tools
from warmup_viz.config import (
    DEFAULTS,
    EPOCH_FIELDS,
    FROM_EPOCHS,
    ConfigError,
    ScheduleConfig,
    parse_field,
    parse_kwargs,
)
from warmup_viz.registry import REQUIRED
from warmup_viz.share import View

from . import keys, page_link, widgets
from .strings import kwarg_line, language, say, scheduler_line, t
from .text import plain

_PERSIST = "session"
CHECKPOINT_EXAMPLE = steps.checkpoint_name(500)  # the name Trainer gives a checkpoint: the same in every language
LETTERS = "ABCDEF"
_NONE = repr(None)  # an argument not given, as Python writes it (the same in every language)
_STEPS_FROM = "steps_from"
_OPEN_TAB = "_schedule_tab"  # (how many times schedules were added or removed, the tab to open)


@dataclass
class FormResult:
    """What the form produced: a config when every entry is valid, else messages by field."""

    config: ScheduleConfig | None
    errors: dict[str, str] = field(default_factory=dict)
    resume: int | None = None  # a compared schedule resumes A from this checkpoint step
    kind: run_kind.RunKind = field(default_factory=run_kind.RunKind)  # its loop and param groups


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


def load_from_url(other_pages: tuple[str, ...]) -> list[str]:
    """Put the link's schedules, view and page settings into the widgets, and keep the settings
    it carries for `other_pages` (their link prefixes: `gallery.`): on a session's first run, and
    again whenever the address is not the one this session last wrote — the browser's Back or
    Forward brought an earlier state of the page back. Returns the link's warnings."""
    state = st.session_state
    params = st.query_params.to_dict()
    if keys.LOADED_FROM_URL in state and (not params or params == state.get(keys.WRITTEN)):
        return url_warnings()  # a page switch without parameters keeps the page as it is
    if keys.LOADED_FROM_URL in state:  # back to an earlier address: what it says replaces the page
        for prefix in slots()[1:]:
            remove_slot(prefix)
        for key in [k for k in state if isinstance(k, str) and k.startswith(other_pages)]:
            del state[key]  # the other pages' widgets start again from the address
    # a bare address opens on a schedule with a warmup (the tool is about warmup); a parameter a
    # link leaves out still means TrainingArguments' default, so shared links keep their meaning
    link, page, warnings = page_link.decode(params or page_link.FIRST_VISIT, other_pages)
    state[keys.SLOTS] = [keys.slot_prefix(i) for i in range(len(link.configs))]
    state[keys.NEXT_SLOT] = len(link.configs)
    for prefix, config in zip(state[keys.SLOTS], link.configs, strict=True):
        put_config(config, prefix)
        state.pop(keys.last_valid(prefix), None)
    for prefix, step in zip(state[keys.SLOTS], link.resumes, strict=False):
        if prefix and step is not None:
            state[prefix + share.RESUME] = steps.checkpoint_name(step)
    for i, prefix in enumerate(state[keys.SLOTS]):  # a plain one too: Back may undo a loop
        put_run_kind(link.kinds[i] if i < len(link.kinds) else run_kind.RunKind(), prefix)
    put_view(link.view)
    put_page(page)
    if "example" in params:  # asked for by the link: kept as it is, not retired
        state[keys.EXAMPLE_CHOSEN] = True
    state[keys.PAGE_PARAMS] = dict(page.others)
    state[keys.LINK_PARAMS] = page_link.encode(link, replace(page, others={}))
    state[keys.WRITTEN] = params
    state[keys.LOADED_FROM_URL] = True
    state[keys.URL_WARNINGS] = warnings
    return warnings


def url_warnings() -> list:
    """What the link this session opened with got wrong (`load_from_url` has run)."""
    return st.session_state.get(keys.URL_WARNINGS, [])


def put_config(config: ScheduleConfig, prefix: str = "") -> None:
    """Show `config` in the widgets of the schedule whose keys start with `prefix`."""
    state = st.session_state
    state[prefix + "tool"] = config.tool
    state[prefix + "lr_scheduler_type"] = config.lr_scheduler_type
    for name in ("learning_rate", "warmup_steps", *EPOCH_FIELDS):
        value = getattr(config, name)
        state[prefix + name] = (
            value if name == "dataloader_drop_last" else ("" if value is None else share.to_text(name, value))
        )
    state[prefix + "max_steps"] = str(DEFAULTS.max_steps if config.uses_epochs else config.max_steps)
    state[prefix + _STEPS_FROM] = "epochs" if config.uses_epochs else "max_steps"
    _put_kwargs(config.lr_scheduler_type, config.lr_scheduler_kwargs, prefix)
    _put_tool_args(config.tool, config.tool_args, prefix, config.lr_scheduler_kwargs)


def put_run_kind(kind: run_kind.RunKind, prefix: str = "") -> None:
    """Show a schedule's loop and param groups in its widgets."""
    state = st.session_state
    params = kind.to_params()
    state[prefix + "loop"] = params.get("loop", "trainer")
    for name in ("num_processes", "max_train_steps", "param_groups", "loraplus_lr_ratio", "loraplus_lr_embedding"):
        state[prefix + name] = params.get(name, "")
    state[prefix + "loop.gradient_accumulation_steps"] = params.get("gradient_accumulation_steps", "")
    state[prefix + "split_batches"] = kind.loop is not None and kind.loop.split_batches
    state[prefix + "step_scheduler_with_optimizer"] = kind.loop is None or kind.loop.step_scheduler_with_optimizer
    state[prefix + "scaled_by_num_processes"] = kind.scaled_by_num_processes


def _put_tool_args(tool: str, args: Mapping[str, object], prefix: str, kwargs: Mapping[str, object]) -> None:
    state = st.session_state
    for name, spec in tools.by_name(tool).args.items():
        key = keys.tool_arg(tool, name, prefix)
        value = args.get(name)
        if spec.kind == "bool":
            state[key] = bool(value)
        elif spec.kind == "choice":
            state[key] = value
        elif value is None:
            state.pop(key, None)
        else:
            state[key] = share.to_text(name, value)
    # the kwargs as the tool's own scheduler reads them (OneCycleLR's), beside transformers' widgets
    state[keys.tool_arg(tool, "lr_scheduler_kwargs", prefix)] = share.to_text("lr_scheduler_kwargs", kwargs)


def _put_kwargs(scheduler: str, kwargs: Mapping[str, object], prefix: str) -> None:
    state = st.session_state
    for spec in registry.info(scheduler).kwargs:
        key = keys.kwarg(scheduler, spec.name, prefix)
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


def put_page(page: page_link.Page) -> None:
    """Show the page's part of a link in its switches and the language picker."""
    state = st.session_state
    state[keys.EXAMPLE] = page.example
    state[keys.LANG] = page.lang
    state[keys.PRESENT] = page.present
    state[keys.PLAYHEAD] = page.playhead
    state[keys.PLAYHEAD_STEP] = page.playhead_step


def page_state() -> page_link.Page:
    """The page's part of its link, as its switches and the language picker have it now."""
    state = st.session_state
    playing = bool(state.get(keys.PLAYHEAD, False))
    return page_link.Page(
        example=state.get(keys.EXAMPLE, True),
        lang=language(),
        present=bool(state.get(keys.PRESENT, False)),
        playhead=playing,
        playhead_step=state.get(keys.PLAYHEAD_STEP) if playing else None,
    )


def slots() -> list[str]:
    """The key prefixes of the schedules on the page, in order; the first is "" (schedule A)."""
    return st.session_state.setdefault(keys.SLOTS, [keys.slot_prefix(0)])


def add_slot(copy_of: ScheduleConfig | None) -> None:
    """A new compared schedule, a copy of `copy_of` (or the defaults). For button callbacks."""
    state = st.session_state
    if len(slots()) >= share.MAX_SCHEDULES:
        return
    number = state.get(keys.NEXT_SLOT, len(slots()))
    state[keys.NEXT_SLOT] = number + 1
    prefix = keys.slot_prefix(number)
    put_config(copy_of or DEFAULTS, prefix)
    state[keys.SLOTS] = [*slots(), prefix]
    _open_tab(LETTERS[len(slots()) - 1])  # the sidebar opens on the new schedule


def _open_tab(letter: str) -> None:
    """The sidebar's tabs are drawn anew, open on `letter` (a browser keeps a tab it has drawn open)."""
    number, _ = st.session_state.get(_OPEN_TAB, (0, ""))
    st.session_state[_OPEN_TAB] = (number + 1, letter)


def remove_slot(prefix: str) -> None:
    """Take a compared schedule off the page. For button callbacks."""
    state = st.session_state
    state[keys.SLOTS] = [p for p in slots() if p != prefix]
    _open_tab(LETTERS[0])
    for key in [k for k in state if isinstance(k, str) and k.startswith(prefix)]:
        del state[key]


def apply_settings(settings: Mapping[str, object], prefix: str = "") -> None:
    """Put `settings` (TrainingArguments-named, parsed values: a trainer_state.json's facts or
    imported settings) into the widgets of one schedule. max_steps=-1 switches to the epochs
    calculator, another max_steps to max_steps mode. For widget callbacks."""
    state = st.session_state
    for name, value in settings.items():
        if name in ("lr_scheduler_type", "tool"):
            state[prefix + name] = value
        elif name == "lr_scheduler_kwargs":
            scheduler = settings.get(
                "lr_scheduler_type", state.get(prefix + "lr_scheduler_type", DEFAULTS.lr_scheduler_type)
            )
            _put_kwargs(scheduler, value, prefix)
            tool = settings.get("tool", state.get(prefix + "tool", DEFAULTS.tool))
            state[keys.tool_arg(tool, "lr_scheduler_kwargs", prefix)] = share.to_text(name, value)
        elif name == "tool_args":
            tool = settings.get("tool", state.get(prefix + "tool", DEFAULTS.tool))
            _put_tool_args(tool, value, prefix, settings.get("lr_scheduler_kwargs", {}))
        elif name == "dataloader_drop_last":
            state[prefix + name] = bool(value)
        elif name == "max_steps" and value == FROM_EPOCHS:
            state[prefix + _STEPS_FROM] = "epochs"
        else:
            state[prefix + name] = share.to_text(name, value)
            if name == "max_steps":
                state[prefix + _STEPS_FROM] = "max_steps"


@dataclass
class _Entries:
    """One schedule's entries while its form is drawn: parsed values, errors by setting, and a
    place under each input for its message."""

    prefix: str
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    slots: dict[str, object] = field(default_factory=dict)

    def text(self, name: str) -> str:
        # the label is the TrainingArguments name, in every language
        value = st.text_input(name, key=self.prefix + name, help=t(f"form.{name}_help"), persist_state=_PERSIST)
        self.slots[name] = st.empty()
        return value

    def read(self, name: str, text: str) -> None:
        try:
            self.values[name] = parse_field(name, text)
        except ConfigError as e:
            self.errors[name] = say(e)


def render_all() -> list[FormResult]:
    """The sidebar: one schedule's settings, or a tab per compared schedule with its buttons."""
    prefixes = slots()
    with st.sidebar:
        st.header(t("form.schedule") if len(prefixes) == 1 else t("form.schedules"))
        if len(prefixes) == 1:
            results = [render("")]
        else:
            results = []
            letters = list(LETTERS[: len(prefixes)])
            number, opened = st.session_state.get(_OPEN_TAB, (0, letters[0]))
            # every tab's form is drawn (each schedule is charted); new tabs, under a new key,
            # open on the schedule just added
            tabs = st.tabs(letters, key=f"schedule_tab.{number}", default=opened if opened in letters else None)
            for i, (tab, prefix) in enumerate(zip(tabs, prefixes, strict=True)):
                with tab:
                    results.append(render(prefix))
                    _slot_buttons(prefix, results[-1].config, removable=i > 0)
        st.button(
            t("form.add"),
            key="add_schedule",
            on_click=add_slot,
            args=(results[0].config,),
            disabled=len(prefixes) >= share.MAX_SCHEDULES,
            help=t("form.add_help", count=share.MAX_SCHEDULES),
        )
    return results


def _slot_buttons(prefix: str, config: ScheduleConfig | None, *, removable: bool) -> None:
    cols = st.columns(2)
    cols[0].button(
        t("form.duplicate"),
        key=f"duplicate.{prefix}",
        on_click=add_slot,
        args=(config,),
        disabled=config is None or len(slots()) >= share.MAX_SCHEDULES,
        help=t("form.duplicate_help"),
    )
    if removable:
        cols[1].button(t("form.remove"), key=f"remove.{prefix}", on_click=remove_slot, args=(prefix,))


def render(prefix: str = "") -> FormResult:
    """Draw one schedule's settings (widget keys start with `prefix`) and return its config."""
    entries = _Entries(prefix)
    entries.values["tool"] = st.selectbox(
        t("form.tool"),  # the tool whose rules and defaults apply: TrainingArguments, a TRL config, axolotl, ...
        tools.NAMES,
        key=prefix + "tool",
        persist_state=_PERSIST,
        help=t("form.tool_help"),
    )
    scheduler = st.selectbox(
        "lr_scheduler_type",  # setting names are labels in every language
        registry.scheduler_names(),
        key=prefix + "lr_scheduler_type",
        persist_state=_PERSIST,
        help=t("form.type_help"),
    )
    entries.slots["lr_scheduler_type"] = st.empty()
    entries.values["lr_scheduler_type"] = scheduler
    info = registry.info(scheduler)
    st.caption(scheduler_line(scheduler, plain(info.summary)))
    entries.read("learning_rate", entries.text("learning_rate"))
    entries.read("warmup_steps", entries.text("warmup_steps"))
    _steps(entries)
    max_steps = entries.values.get("max_steps")
    tool = str(entries.values["tool"])
    entries.values["tool_args"] = _tool_args(entries, tool)
    reader = tools.by_name(tool).kwargs_reader(entries.values["tool_args"], scheduler)
    if reader == "transformers":
        entries.values["lr_scheduler_kwargs"] = _kwargs(info, max_steps, entries.slots, entries.errors, prefix, tool)
    else:
        entries.values["lr_scheduler_kwargs"] = _tool_kwargs(entries, tool, reader)
    kind = _run_kind(entries)
    resume = _resume(entries) if prefix else None
    config = None
    if not entries.errors:
        try:
            config = ScheduleConfig(**entries.values)
        except ConfigError as e:
            entries.errors[e.field] = say(e)
            if e.field == "dataset_size" and entries.values.get("dataset_size") is None:
                entries.errors[e.field] = t("form.enter_dataset_size")  # not yet typed: asked, not an error
    for name, message in entries.errors.items():
        slot = entries.slots.get(name) or entries.slots["lr_scheduler_type"]
        # already safe: said by the catalogue, user text escaped
        (slot.info if message == t("form.enter_dataset_size") else slot.error)(message)
    if config is not None:
        st.session_state[keys.last_valid(prefix)] = config
    return FormResult(config, entries.errors, resume, kind)


def _run_kind(entries: _Entries) -> run_kind.RunKind:
    """The training loop (Trainer, or accelerate's in a loop of one's own) and the optimizer's
    param groups, by the libraries' names; a plain Trainer run with one group unless given."""
    prefix, state = entries.prefix, st.session_state
    given = state.get(prefix + "loop", "trainer") != "trainer" or any(
        state.get(prefix + n) for n in ("param_groups", "loraplus_lr_ratio")
    )
    # drawn only when open (it opens by itself when the link or the page gave one of them):
    # closed, a change of a setting does not re-send its widgets, whose values the session keeps
    box = widgets.expander(prefix + "run_kind_open", t("form.run_kind"), default=given)
    if box.open:
        with box:
            texts = _run_kind_drawn(entries)
    else:
        texts = _run_kind_kept(prefix)
    try:
        return run_kind.from_params({k: v for k, v in texts.items() if v.strip()})
    except ConfigError as e:
        entries.errors["run_kind"] = say(e)
        return run_kind.RunKind()


_LOOP = "loop"  # the link's and the CLI's name for it, the same in every language
_LOOP_DEFAULTS = {"num_processes": "1", "max_train_steps": "max_steps", "gradient_accumulation_steps": "1"}
_LOOP_SWITCHES = (("split_batches", False), ("step_scheduler_with_optimizer", True), ("scaled_by_num_processes", False))
_GROUPS = ("param_groups", "loraplus_lr_ratio", "loraplus_lr_embedding")


def _run_kind_drawn(entries: _Entries) -> dict[str, str]:
    """The loop's and the param groups' widgets; what they hold, by the link's names."""
    prefix, state = entries.prefix, st.session_state
    texts: dict[str, str] = {}
    loop = st.selectbox(_LOOP, run_kind.LOOPS, key=prefix + _LOOP, help=t("form.loop_help"), persist_state=_PERSIST)
    texts["loop"] = loop
    if loop == "accelerate":
        st.caption(t("form.loop_counts"))
        inputs = [("num_processes", "num_processes"), ("max_train_steps", "max_train_steps")]
        if state.get(prefix + _STEPS_FROM) == "epochs":  # one setting: the epochs calculator's
            texts["gradient_accumulation_steps"] = str(state.get(prefix + "gradient_accumulation_steps", ""))
            st.caption(t("form.loop_ga_epochs"))
        else:
            inputs.append(("gradient_accumulation_steps", "loop.gradient_accumulation_steps"))
        for name, key in inputs:
            texts[name] = st.text_input(
                name, key=prefix + key, help=t(f"form.loop.{name}"), placeholder=_LOOP_DEFAULTS[name],
                persist_state=_PERSIST,
            )  # fmt: skip
        for name, default in _LOOP_SWITCHES:
            state.setdefault(prefix + name, default)
            checked = st.checkbox(name, key=prefix + name, help=t(f"form.loop.{name}"), persist_state=_PERSIST)
            texts[name] = "true" if checked else "false"
    for name in _GROUPS:
        texts[name] = st.text_input(name, key=prefix + name, help=t(f"form.groups.{name}"), persist_state=_PERSIST)
    entries.slots["run_kind"] = st.empty()
    return texts


def _run_kind_kept(prefix: str) -> dict[str, str]:
    """What `_run_kind_drawn`'s widgets hold while they are not drawn (each its widget's default
    where the session has none)."""
    state = st.session_state
    loop = state.get(prefix + _LOOP)
    texts = {"loop": loop if loop in run_kind.LOOPS else run_kind.LOOPS[0]}
    if texts["loop"] == "accelerate":
        texts |= {name: str(state.get(prefix + name, "")) for name in ("num_processes", "max_train_steps")}
        if state.get(prefix + _STEPS_FROM) == "epochs":
            texts["gradient_accumulation_steps"] = str(state.get(prefix + "gradient_accumulation_steps", ""))
        else:
            texts["gradient_accumulation_steps"] = str(state.get(prefix + "loop.gradient_accumulation_steps", ""))
        for name, default in _LOOP_SWITCHES:
            texts[name] = "true" if state.get(prefix + name, default) else "false"
    for name in _GROUPS:
        texts[name] = str(state.get(prefix + name, ""))
    return texts


def _resume(entries: _Entries) -> int | None:
    """A compared schedule may resume A's run from one of its checkpoints (`checkpoint-500` or
    `500`, TrainingArguments' `resume_from_checkpoint`): these settings then take over from there."""
    text = st.text_input(
        share.RESUME,
        key=entries.prefix + share.RESUME,
        help=t("form.resume_help"),
        placeholder=CHECKPOINT_EXAMPLE,
        persist_state=_PERSIST,
    ).strip()
    entries.slots[share.RESUME] = st.empty()
    if not text:
        return None
    try:
        step = steps.checkpoint_step(text)
    except ValueError:
        step = 0
    if step < 1:
        entries.slots[share.RESUME].error(t("form.resume_bad", text=plain(repr(text))))
        return None
    return step


def _steps(entries: _Entries) -> None:
    """max_steps, or the epochs calculator that derives it (its inputs are drawn either way)."""
    mode = widgets.choice(
        st,
        entries.prefix + _STEPS_FROM,
        ("max_steps", "epochs"),
        t("form.steps_from"),
        "form.mode_",
        help=t("form.steps_from_help"),
    )
    if mode == "max_steps":
        entries.read("max_steps", entries.text("max_steps"))
    else:
        entries.values["max_steps"] = FROM_EPOCHS
    if mode == "epochs":
        box = st.expander(t("form.epochs_calculator"), expanded=True)
    else:  # not read: drawn only when opened (its inputs keep their values meanwhile)
        box = widgets.expander(entries.prefix + "epochs_calculator_open", t("form.epochs_calculator"))
        if not box.open:
            return
    with box:
        for name in EPOCH_FIELDS[:-1]:
            text = entries.text(name)
            # the calculator feeds max_steps only in epochs mode; an empty dataset_size is "not given"
            if mode == "epochs" and (text.strip() or name != "dataset_size"):
                entries.read(name, text)
        drop_last = st.checkbox(
            "dataloader_drop_last",
            key=entries.prefix + "dataloader_drop_last",
            persist_state=_PERSIST,
            help=t("form.drop_last_help"),
        )
        if mode == "epochs":
            entries.values["dataloader_drop_last"] = drop_last
        entries.slots["dataloader_drop_last"] = st.empty()


def _kwargs(
    info: registry.SchedulerInfo,
    max_steps: object,
    slots: dict,
    errors: dict,
    prefix: str,
    tool: str = tools.TRAINING_ARGUMENTS,
) -> dict[str, object]:
    """The kwargs widgets of `info`; returns the kwargs that differ from transformers' defaults."""
    kwargs: dict[str, object] = {}
    if info.kwargs:
        st.subheader(t("form.kwargs"))
    steps_hint = max_steps if isinstance(max_steps, int) and max_steps > 0 else DEFAULTS.max_steps
    record = scheduler_types.of(info.name)
    suggested = record.suggested(steps_hint, DEFAULTS.learning_rate)
    fill = record.tool_kwargs.get(tool)
    if fill is not None:  # the tool fills these itself (LLaMA-Factory's warmup_stable_decay): left empty here
        suggested = {k: v for k, v in suggested.items() if k not in fill({}, 0, steps_hint)}
    for spec in info.kwargs:
        key = keys.kwarg(info.name, spec.name, prefix)
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
                errors["lr_scheduler_kwargs"] = t("form.not_a_number", name=spec.name, text=plain(repr(value.strip())))
                continue
        if value != spec.default or required:
            kwargs[spec.name] = value
    if info.one_of:
        st.caption(t("form.one_of", names=" / ".join(info.one_of)))
    if info.metric_driven:
        st.caption(t("form.metric_kwargs"))
    slots["lr_scheduler_kwargs"] = st.empty()
    return kwargs


def _tool_args(entries: _Entries, tool: str) -> dict[str, object]:
    """The tool's own arguments that choose its own scheduler (axolotl's), by its names: those
    given (None and false are not)."""
    specs = tools.by_name(tool).args
    if not specs:
        return {}
    out: dict[str, object] = {}
    with st.expander(t("form.tool_args", tool=tool), expanded=any(_given(entries.prefix, tool, n) for n in specs)):
        for name, spec in specs.items():
            key = keys.tool_arg(tool, name, entries.prefix)
            help_text = t(f"form.tool_arg.{name}")
            if spec.kind == "bool":
                value = st.checkbox(name, key=key, help=help_text, persist_state=_PERSIST)
            elif spec.kind == "choice":
                value = st.selectbox(
                    name, (None, *spec.choices), key=key, help=help_text, persist_state=_PERSIST,
                    format_func=lambda v: _NONE if v is None else str(v),
                )  # fmt: skip
            else:
                text = st.text_input(name, key=key, help=help_text, placeholder=_NONE, persist_state=_PERSIST)
                if not text.strip():
                    continue
                try:
                    value = parse.count(text) if spec.kind == "int" else parse.number(text)
                except ValueError:
                    entries.errors["tool_args"] = t("form.not_a_number", name=name, text=plain(repr(text.strip())))
                    continue
            if value not in (None, False):
                out[name] = value
        entries.slots["tool_args"] = st.empty()
    if tools.by_name(tool).builds_own(out, str(entries.values.get("lr_scheduler_type"))):
        st.caption(t("form.tool_builds", tool=tool, type=entries.values.get("lr_scheduler_type")))
    return out


def _given(prefix: str, tool: str, name: str) -> bool:
    value = st.session_state.get(keys.tool_arg(tool, name, prefix))
    return value not in (None, False, "")


def _tool_kwargs(entries: _Entries, tool: str, reader: str) -> dict[str, object]:
    """lr_scheduler_kwargs when the tool's own scheduler reads them (axolotl's one_cycle: torch's
    OneCycleLR arguments, as JSON) or reads none."""
    if reader != "one_cycle":
        st.caption(t("form.tool_kwargs_none", tool=tool))
        return {}
    key = keys.tool_arg(tool, "lr_scheduler_kwargs", entries.prefix)
    text = st.text_input(
        t("form.kwargs"), key=key, help=t("form.one_cycle_kwargs_help"), placeholder="{}", persist_state=_PERSIST
    )
    entries.slots["lr_scheduler_kwargs"] = st.empty()
    try:
        return parse_kwargs(text)
    except ConfigError as e:
        entries.errors["lr_scheduler_kwargs"] = say(e)
        return {}


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
