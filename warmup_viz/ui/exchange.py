"""Getting schedules out (per-step downloads, chart images, code) and settings in (import)."""

from __future__ import annotations

import streamlit as st

from warmup_viz import compare, ds_schedule, export, schedule, share, snippets
from warmup_viz.config import EXPORT_STEPS_LIMIT, ScheduleConfig
from warmup_viz.errors import InputError
from warmup_viz.importer import NOT_A_SETTING, SettingsError, looks_like_ds_config, read_settings
from warmup_viz.tools import TRAINING_ARGUMENTS

from . import chrome, form, keys, widgets
from .strings import has, labels, say, t
from .text import plain

_MIME = {"csv": "text/csv", "json": "application/json", "parquet": "application/vnd.apache.parquet"}
_CODE = {
    "TrainingArguments": "python",
    "SFTConfig": "python",
    "get_scheduler": "python",
    "no_trainer": "python",
    "flags": "bash",
    "llamafactory": "yaml",
    "axolotl": "yaml",
    "ms-swift": "bash",
}
_PERSIST = "session"  # kept while the section is not drawn (a bad setting elsewhere hides it)
IMPORT_TYPES = ("json", "yaml", "yml", "txt", "py", "sh")  # the settings files the import reads
IMPORT_FILE = chrome.uploader("import_file", IMPORT_TYPES)  # its words are written by the page's run, not this fragment


_TABS = ("download", "code", "import")
_RERUN_PAGE = "_exchange_rerun_page"  # set by a callback whose change reaches beyond this section


def image_format() -> str:
    """The chart image format chosen in the download tab (png or svg)."""
    return st.session_state.get("image_format", "png")


@st.fragment
def render(configs: list[ScheduleConfig], names: list[str]) -> None:
    """The "Export and import" section, drawn when opened, and then only its open tab; its own
    widgets rerun only this section (a fragment); an import, or a new image format for the
    chart's camera button, reruns the page."""
    if st.session_state.pop(_RERUN_PAGE, False):
        st.rerun()  # from a fragment run: the whole page, with what the callback changed
    box = widgets.expander("exchange_open", t("exchange.title"))
    if not box.open:
        return
    with box:
        containers, open_tab = widgets.tabs("exchange_tab", _TABS, "exchange.")
    with containers[_TABS.index(open_tab)]:
        if open_tab != "import" and not configs:
            st.info(t("exchange.nothing"))
        elif open_tab == "download":
            _downloads(configs, names)
        elif open_tab == "code":
            _code(configs, names)
        else:
            _import(len(form.slots()))


def _rerun_page() -> None:
    st.session_state[_RERUN_PAGE] = True


def _downloads(configs: list[ScheduleConfig], names: list[str]) -> None:
    cols = st.columns(3)
    fmt = cols[0].radio(
        t("exchange.format"), list(export.FORMATS), key="export_format", horizontal=True, persist_state=_PERSIST
    )
    which = "a"
    if len(configs) > 1:
        which = cols[1].radio(
            t("exchange.which"),
            ["a", "all", "wide"],
            key="export_which",
            horizontal=True,
            persist_state=_PERSIST,
            format_func=labels("exchange.which_"),
        )
    chosen = configs if which in ("all", "wide") else configs[:1]
    too_long = [c for c in chosen if c.total_steps > EXPORT_STEPS_LIMIT]
    if too_long:
        st.info(t("exchange.too_many", steps=f"{too_long[0].total_steps:,}", limit=f"{EXPORT_STEPS_LIMIT:,}"))
    else:
        files = [compare.english_name(letter, parts) for letter, parts in compare.names(configs)]
        pairs = list(zip(files, chosen, strict=False))  # files keep English names
        st.download_button(
            t("exchange.download_button", rows=f"{sum(c.total_steps for c in chosen):,}", format=fmt),
            data=lambda: _table(pairs, fmt, wide=which == "wide"),
            file_name=f"learning_rate.{fmt}",
            mime=_MIME[fmt],
            key="download_table",
            on_click="ignore",
        )
    image = cols[2].radio(
        t("exchange.image"),
        ["png", "svg"],
        key="image_format",
        horizontal=True,
        persist_state=_PERSIST,
        on_change=_rerun_page,  # the chart's camera button takes it
    )
    st.caption(t("exchange.image_help", format=image.upper()))


def _table(pairs: list[tuple[str, ScheduleConfig]], fmt: str, *, wide: bool = False) -> bytes:
    if len(pairs) == 1:
        return export.table_bytes(*schedule.full_table(pairs[0][1]), fmt)
    tables = [(name, *schedule.full_table(config)) for name, config in pairs]
    return export.wide_bytes(tables, fmt) if wide else export.schedules_bytes(tables, fmt)


def _code(configs: list[ScheduleConfig], names: list[str]) -> None:
    index = 0
    if len(configs) > 1:
        index = st.selectbox(
            t("exchange.schedule"),
            range(len(configs)),
            format_func=names.__getitem__,
            key="code_schedule",
            persist_state=_PERSIST,
        )
    config = configs[min(index, len(configs) - 1)]
    st.caption(t("exchange.code_note"))
    # each form by its name (a tool's, a class's); one that is a word in the page's language
    labels = [t(f"exchange.form.{name}") if has(f"exchange.form.{name}") else name for name in snippets.FORMS]
    for tab, form_name in zip(st.tabs(labels), snippets.FORMS, strict=True):
        tab.code(snippets.snippet(config, form_name), language=_CODE[form_name])


def _import(count: int) -> None:
    st.caption(t("exchange.import_help"))
    if count > 1:
        st.selectbox(
            t("exchange.into"),
            range(count),
            format_func=form.LETTERS.__getitem__,
            key="import_into",
            persist_state=_PERSIST,
        )
    st.text_area(t("exchange.text"), key="import_text", height=140, persist_state=_PERSIST)
    cols = st.columns(2)
    cols[0].button(t("exchange.apply"), key="import_apply", on_click=_apply_text)
    cols[1].file_uploader(t("exchange.file"), key=IMPORT_FILE, on_change=_apply_file, type=list(IMPORT_TYPES))
    if st.session_state.get(keys.DEEPSPEED):
        st.button(t("exchange.deepspeed_remove"), key="deepspeed_remove", on_click=_forget_deepspeed)
    report = st.session_state.get(keys.IMPORT_REPORT)
    if report:
        kind, text = report
        (st.success if kind == "ok" else st.error)(text)


def _apply_text() -> None:
    _apply(st.session_state.get("import_text", ""), t("exchange.pasted"))


def _apply_file() -> None:
    file = st.session_state.get("import_file")
    if file is not None:
        _apply(file.getvalue(), file.name)


def _apply(data: str | bytes, name: str) -> None:
    """Callback: read the settings and put them into the chosen schedule's widgets."""
    state = st.session_state
    _rerun_page()  # the form, the chart and the report under the import box
    prefixes = form.slots()
    target = min(state.get("import_into", 0) if len(prefixes) > 1 else 0, len(prefixes) - 1)
    if _deepspeed(data, name):
        return
    try:
        imported = read_settings(data, name)
    except SettingsError as e:
        state[keys.IMPORT_REPORT] = ("error", t("exchange.failed", name=plain(name), message=say(e)))
        return
    form.apply_settings(imported.settings, prefixes[target])
    # the schedule before the import is not drawn while the imported one waits for an entry
    state.pop(keys.last_valid(prefixes[target]), None)
    state[keys.IMPORT_REPORT] = ("ok", _report(imported, form.LETTERS[target]))


def _deepspeed(data: str | bytes, name: str) -> bool:
    """A ds_config (TrainingArguments' `deepspeed`) is kept for schedule A, whose chart then shows
    the schedule that runs under it; True when `data` is one, or too large to be read as one (the
    reader's error is then the report)."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        value = ds_schedule.read_ds_config(raw, name)
    except InputError as e:
        if e.note is None or e.note.key != "deepspeed.too_large":
            return False  # not a JSON object: settings, perhaps (their reader says what is wrong)
        st.session_state[keys.IMPORT_REPORT] = ("error", say(e))  # too large for the settings reader too
        return True
    if not looks_like_ds_config(value):
        return False
    scheduler = value.get("scheduler", {}).get("type") if isinstance(value.get("scheduler"), dict) else None
    st.session_state[keys.DEEPSPEED] = value
    message = t("exchange.deepspeed", name=plain(name), scheduler=plain(str(scheduler or "—")))
    st.session_state[keys.IMPORT_REPORT] = ("ok", message)
    return True


def _forget_deepspeed() -> None:
    st.session_state.pop(keys.DEEPSPEED, None)
    _rerun_page()


def _report(imported, letter: str) -> str:
    """What was imported into which schedule, what was not used and why (user text escaped)."""
    used = ", ".join(plain(k) if k == v else t("exchange.as", given=plain(k), name=v) for k, v in imported.used.items())
    lines = [t("exchange.imported", letter=letter, source=plain(imported.source), used=used)]
    others = [plain(k) for k, why in imported.ignored.items() if why == NOT_A_SETTING]
    reasons = [f"{plain(k)} ({say(why)})" for k, why in imported.ignored.items() if why != NOT_A_SETTING]
    if reasons:
        lines.append(t("exchange.not_used", items=t("app.clauses").join(reasons)))
    if others:
        shown = ", ".join(others[:8])
        if len(others) > 8:
            shown = t("exchange.more", shown=shown, count=len(others) - 8)
        lines.append(t("exchange.ignored", items=shown))
    if imported.tool != TRAINING_ARGUMENTS:
        lines.append(t("exchange.tool", tool=imported.tool))
    defaults = imported.defaults_that_matter()
    if defaults:
        shown = ", ".join(f"{k}={share.to_text(k, v)}" for k, v in defaults.items())
        lines.append(t("exchange.tool_defaults", tool=imported.tool, settings=shown))
    lines += [say(note) for note in imported.notes]
    return " ".join(lines)
