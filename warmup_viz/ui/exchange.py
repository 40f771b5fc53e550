"""Getting schedules out (per-step downloads, chart images, code) and settings in (import)."""

from __future__ import annotations

import streamlit as st

from warmup_viz import export, schedule, snippets
from warmup_viz.config import EXPORT_STEPS_LIMIT, ScheduleConfig
from warmup_viz.importer import SettingsError, read_settings

from . import form
from .text import plain

_MIME = {"csv": "text/csv", "json": "application/json", "parquet": "application/vnd.apache.parquet"}
_CODE = {
    "TrainingArguments": "python",
    "SFTConfig": "python",
    "get_scheduler": "python",
    "flags": "bash",
}
_REPORT = "_import_report"


def render(configs: list[ScheduleConfig], names: list[str]) -> str:
    """The "Export and import" section. Returns the chart image format chosen (png or svg)."""
    st.subheader("Export and import")
    download, code, bring_in = st.tabs(["Download", "Code", "Import"])
    with download:
        image_format = _downloads(configs, names)
    with code:
        _code(configs, names)
    with bring_in:
        _import(len(form.slots()))
    return image_format


def _downloads(configs: list[ScheduleConfig], names: list[str]) -> str:
    cols = st.columns(3)
    fmt = cols[0].radio("Table format", list(export.FORMATS), key="export_format", horizontal=True)
    which = "A"
    if len(configs) > 1:
        which = cols[1].radio("Schedules", ["A", "all"], key="export_which", horizontal=True)
    chosen = configs if which == "all" else configs[:1]
    too_long = [c for c in chosen if c.total_steps > EXPORT_STEPS_LIMIT]
    if too_long:
        st.info(
            f"max_steps={too_long[0].total_steps:,} is too many to export step by step "
            f"(at most {EXPORT_STEPS_LIMIT:,}); the chart still shows it exactly."
        )
    else:
        pairs = list(zip(names, chosen, strict=False))
        st.download_button(
            f"Download the LR of every step ({sum(c.total_steps for c in chosen):,} rows, {fmt})",
            data=lambda: _table(pairs, fmt),
            file_name=f"learning_rate.{fmt}",
            mime=_MIME[fmt],
            key="download_table",
            on_click="ignore",
        )
    image = cols[2].radio("Chart image", ["png", "svg"], key="image_format", horizontal=True)
    st.caption(f"The chart's camera icon (top right of the chart) saves it as {image.upper()}, title included.")
    return image


def _table(pairs: list[tuple[str, ScheduleConfig]], fmt: str) -> bytes:
    if len(pairs) == 1:
        return export.table_bytes(*schedule.full_table(pairs[0][1]), fmt)
    return export.schedules_bytes([(name, *schedule.full_table(config)) for name, config in pairs], fmt)


def _code(configs: list[ScheduleConfig], names: list[str]) -> None:
    index = 0
    if len(configs) > 1:
        index = st.selectbox("Schedule", range(len(configs)), format_func=names.__getitem__, key="code_schedule")
    config = configs[min(index, len(configs) - 1)]
    st.caption("Every schedule setting is written out: TRL's configs have defaults of their own.")
    for tab, form_name in zip(st.tabs(list(snippets.FORMS)), snippets.FORMS, strict=True):
        tab.code(snippets.snippet(config, form_name), language=_CODE[form_name])


def _import(count: int) -> None:
    st.caption(
        "Paste a TrainingArguments(...) or SFTConfig(...) call, a dict, JSON or YAML (axolotl, LLaMA-Factory), "
        "or upload training_args.json / a YAML config. Only literal values are read: nothing is run."
    )
    if count > 1:
        st.selectbox("Into schedule", range(count), format_func=form.LETTERS.__getitem__, key="import_into")
    st.text_area("Settings to import", key="import_text", height=140)
    cols = st.columns(2)
    cols[0].button("Import the pasted settings", key="import_apply", on_click=_apply_text)
    cols[1].file_uploader(
        "or a file", key="import_file", on_change=_apply_file, type=["json", "yaml", "yml", "txt", "py"]
    )
    report = st.session_state.get(_REPORT)
    if report:
        kind, text = report
        (st.success if kind == "ok" else st.error)(text)


def _apply_text() -> None:
    _apply(st.session_state.get("import_text", ""), "the pasted text")


def _apply_file() -> None:
    file = st.session_state.get("import_file")
    if file is not None:
        _apply(file.getvalue(), file.name)


def _apply(data: str | bytes, name: str) -> None:
    """Callback: read the settings and put them into the chosen schedule's widgets."""
    state = st.session_state
    prefixes = form.slots()
    target = min(state.get("import_into", 0) if len(prefixes) > 1 else 0, len(prefixes) - 1)
    try:
        imported = read_settings(data, name)
    except SettingsError as e:
        state[_REPORT] = ("error", plain(f"{name}: {e}"))
        return
    form.apply_settings(imported.values, prefixes[target])
    used = ", ".join(k if k == v else f"{k} (as {v})" for k, v in imported.used.items())
    lines = [f"Imported into {form.LETTERS[target]} from {imported.source}: {used}."]
    others = [k for k, why in imported.ignored.items() if why == "not a schedule setting"]
    reasons = [f"{k} ({why})" for k, why in imported.ignored.items() if why != "not a schedule setting"]
    if reasons:
        lines.append("Not used: " + "; ".join(reasons) + ".")
    if others:
        shown = ", ".join(others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8 else "")
        lines.append(f"Ignored as not schedule settings: {shown}.")
    lines += imported.notes
    state[_REPORT] = ("ok", plain(" ".join(lines)))
