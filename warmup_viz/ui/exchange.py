"""Getting schedules out (per-step downloads, chart images, code) and settings in (import)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from warmup_viz import comparison, ds_schedule, export, figures, legend, lr_schedule, parse, share, snippets
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
# the exported image: its width and scale by default, and the bounds of width, height and scale
# (its height by default is the chart's own, which holds its title and legend)
IMAGE_WIDTH, IMAGE_SCALE = 1400, 2.0
MAX_PIXELS, SCALES = 5000, (1.0, 4.0)
_MIN_HEIGHT = "_image_min_height"  # the drawn chart's least height, for the download tab's message
_EDITS = {"titleText": True, "axisTitleText": True, "legendText": True}


def image_format() -> str:
    """The chart image format chosen in the download tab (png or svg)."""
    return st.session_state.get("image_format", "png")


def image_options(figure: go.Figure, configs: list[ScheduleConfig], *, present: bool = False) -> dict:
    """The chart's camera button's `toImageButtonOptions`: the format, width, height and scale
    chosen in the download tab (a bad or empty entry: its default), and a file name that says
    what the chart shows."""
    st.session_state[_MIN_HEIGHT] = figures.min_height(figure)
    width, height, scale = _image_size(figure.layout.height or 450, present)[0]
    return {
        "format": image_format(),
        "filename": _stem("one", configs),  # every schedule drawn, by letter when there are several
        "width": width,
        "height": height,
        "scale": scale,
    }


def chart_edits() -> dict:
    """The chart's config for editing its labels (title, axis titles, legend names) in place,
    when the download tab's switch is on; the camera button saves what was typed."""
    return {"edits": dict(_EDITS)} if st.session_state.get("edit_labels") else {}


def _image_size(default_height: int, present: bool) -> tuple[tuple[int, int, float], list[str]]:
    """(width, height, scale) from the download tab's entries, each bad one replaced by its default
    and said: a whole number of pixels within bounds, a scale from 1 to 4."""
    state = st.session_state
    min_height = state.get(_MIN_HEIGHT, 300)
    min_width = legend.MIN_WIDTH[present]
    problems = []
    width = _entry("image_width", IMAGE_WIDTH, min_width, MAX_PIXELS, problems, whole=True)
    height = _entry("image_height", default_height, min_height, MAX_PIXELS, problems, whole=True)
    scale = _entry("image_scale", IMAGE_SCALE, *SCALES, problems)
    return (int(width), int(max(height, min_height)), scale), problems


def _entry(key: str, default, low, high, problems: list[str], *, whole: bool = False):
    text = str(st.session_state.get(key) or "").strip()
    if not text:
        return default
    try:
        value = parse.number(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high or (whole and not float(value).is_integer()):
        kind = "whole" if whole else "scale"
        used = t(f"exchange.{key}_default", width=IMAGE_WIDTH, scale=f"{IMAGE_SCALE:g}")
        problems.append(
            t(
                f"exchange.image_bad_{kind}",
                name=t(f"exchange.{key}"),
                value=plain(text),
                low=f"{low:g}",
                high=f"{high:g}",
                used=used,
            )
        )
        return default
    return int(value) if whole else float(value)


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
    layout = {"a": "one", "all": "long", "wide": "wide"}[which]
    too_long = [c for c in chosen if c.total_steps > EXPORT_STEPS_LIMIT]
    if too_long:
        st.info(t("exchange.too_many", steps=f"{too_long[0].total_steps:,}", limit=f"{EXPORT_STEPS_LIMIT:,}"))
    else:
        letters = [letter or "A" for letter, _ in comparison.names(configs)]
        english = [comparison.english_name(letter, parts) for letter, parts in comparison.names(configs)]
        keyed = list(zip(letters, chosen, strict=False))
        stem = _stem(layout, chosen, several=len(configs) > 1)
        rows = export.rows(layout, [c.total_steps for c in chosen])
        buttons = st.columns(2)
        buttons[0].download_button(
            t("exchange.download_button", rows=f"{rows:,}", format=fmt),
            data=lambda: _table(keyed, fmt, layout),
            file_name=f"{stem}.{fmt}",
            mime=_MIME[fmt],
            key="download_table",
            on_click="ignore",
        )
        sidecar = [(letter, name, share.encode(c)) for letter, name, c in zip(letters, english, chosen, strict=False)]
        buttons[1].download_button(
            t("exchange.download_names"),
            data=lambda: export.names_bytes(layout, f"{stem}.{fmt}", sidecar),
            file_name=f"{stem}.names.json",
            mime="application/json",
            key="download_names",
            on_click="ignore",
            help=t("exchange.download_names_help"),
        )
        st.caption(t("exchange.columns_help"))
    _image_settings()


def _image_settings() -> None:
    """The chart image's format, size and scale, and the switch that makes its labels editable."""
    cols = st.columns([2, 1, 1, 1])
    image = cols[0].radio(
        t("exchange.image"),
        ["png", "svg"],
        key="image_format",
        horizontal=True,
        persist_state=_PERSIST,
        on_change=_rerun_page,  # the chart's camera button takes it
    )
    for col, key in zip(cols[1:], ("image_width", "image_height", "image_scale"), strict=True):
        col.text_input(
            t(f"exchange.{key}"),
            key=key,
            placeholder=t(f"exchange.{key}_default", width=IMAGE_WIDTH, scale=f"{IMAGE_SCALE:g}"),
            persist_state=_PERSIST,
            on_change=_rerun_page,
        )
    st.toggle(
        t("exchange.edit_labels"),
        key="edit_labels",
        help=t("exchange.edit_labels_help"),
        persist_state=_PERSIST,
        on_change=_rerun_page,
    )
    for problem in _image_size(0, bool(st.session_state.get(keys.PRESENT)))[1]:
        st.warning(problem)
    st.caption(t("exchange.image_help", format=image.upper()))


def _stem(layout: str, configs: list[ScheduleConfig], *, several: bool | None = None) -> str:
    """The file name (no extension) of a table or image of `configs`, lettered as the page letters them."""
    letters = [letter or "A" for letter, _ in comparison.names(configs)] if configs else []
    if not (len(configs) > 1 if several is None else several):
        letters = [""] * len(configs)
    described = [(letter, c.lr_scheduler_type, c.total_steps) for letter, c in zip(letters, configs, strict=False)]
    return export.file_stem(layout, described)


def _table(keyed: list[tuple[str, ScheduleConfig]], fmt: str, layout: str) -> bytes:
    return export.layout_bytes([(letter, *lr_schedule.full_table(c)) for letter, c in keyed], fmt, layout)


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
