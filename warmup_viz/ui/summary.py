"""The numbers under the chart: schedule A's summary as one element (eight figures in a grid),
and a compared page's table of each schedule's numbers.

The summary is one block of our own HTML rather than eight `st.metric`s in two rows of columns:
those are 18 elements re-sent and redrawn on every change of a setting, this is one. Every
text in it is ours or a number, and escaped all the same."""

from __future__ import annotations

import html

import streamlit as st

from warmup_viz import lr_schedule

from .strings import say, t

# our own constant stylesheet: a metric's look (small label, large figure), four to a row, two on
# a phone; a figure with more to say (its exact value, what it means) dotted, said on hover
_CSS = (
    "<style>"
    ".wv-summary { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.5rem 1rem;"
    " margin: 0.25rem 0 0.75rem 0; padding: 0 !important; }"  # Streamlit indents a list
    ".wv-summary dt { font-size: 0.875rem; opacity: 0.75; margin: 0; font-weight: 400; }"
    ".wv-summary dd { font-size: 1.75rem; line-height: 1.25; margin: 0; overflow-wrap: anywhere; }"
    ".wv-summary [title] dd { text-decoration: underline dotted; text-decoration-thickness: 1px;"
    " text-underline-offset: 0.3em; cursor: help; }"
    "@media (max-width: 640px) { .wv-summary { grid-template-columns: repeat(2, minmax(0, 1fr)); } }"
    "</style>"
)


def figures(s: lr_schedule.Summary) -> list[tuple[str, str, str, str | None]]:
    """The summary's eight figures, in the order shown: (name, label, value as shown, what the
    hover adds or None). `name` is the field's own name, kept on the page for tests and tools."""
    per_epoch = "—" if s.update_steps_per_epoch is None else f"{s.update_steps_per_epoch:,}"
    return [
        ("max_steps", t("summary.max_steps"), f"{s.max_steps:,}", None),
        ("num_warmup_steps", t("summary.num_warmup_steps"), f"{s.num_warmup_steps:,}", None),
        (
            "peak_lr",
            t("summary.peak"),
            f"{s.peak_lr:.4g}",
            t("summary.peak_help", value=repr(s.peak_lr), step=f"{s.peak_step:,}"),
        ),
        ("final_lr", t("summary.final"), f"{s.final_lr:.4g}", repr(s.final_lr)),
        ("first_lr", t("summary.first"), f"{s.first_lr:.4g}", repr(s.first_lr)),
        ("peak_step", t("summary.peak_step"), f"{s.peak_step:,}", None),
        ("update_steps_per_epoch", t("summary.steps_per_epoch"), per_epoch, None),
        ("global_batch_size", t("summary.global_batch"), f"{s.global_batch_size:,}", t("summary.global_batch_help")),
    ]


def grid(s: lr_schedule.Summary) -> str:
    """The summary's figures as one HTML block (everything in it escaped)."""
    cells = []
    for name, label, value, more in figures(s):
        hover = f' title="{html.escape(more)}"' if more else ""
        cells.append(f'<div data-name="{name}"{hover}><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>')
    return _CSS + '<dl class="wv-summary">' + "".join(cells) + "</dl>"


def summary(s: lr_schedule.Summary) -> None:
    """Schedule A's figures, then its notes (one element each)."""
    st.html(grid(s))
    if s.notes:
        st.markdown("\n".join("- " + say(note) for note in s.notes))


def table(rows: list[tuple[str, int, int, float, float]]) -> None:
    """One row per schedule (name, max_steps, num_warmup_steps, peak, final): the numbers to
    compare them by (exact values in the single summary)."""
    columns = [
        t("summary.schedule"),
        t("summary.max_steps"),
        t("summary.num_warmup_steps"),
        t("summary.peak"),
        t("summary.final"),
    ]
    shown = [
        [name, f"{steps:,}", f"{warmup:,}", f"{peak:.4g}", f"{final:.4g}"] for name, steps, warmup, peak, final in rows
    ]
    st.table({column: [row[i] for row in shown] for i, column in enumerate(columns)})
