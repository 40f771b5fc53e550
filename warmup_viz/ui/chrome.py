"""The words Streamlit and plotly write themselves, in the page's language.

Plotly's toolbar tooltips and notices, and its number and date formats, follow the `locale` and
`locales` of a chart's config (Streamlit 1.67 hands `st.plotly_chart(config=)` to plotly as it
is): every chart takes its config from `chart_config`. Streamlit's own words take no setting: its
fullscreen button on a chart's toolbar and its file uploaders' button, size limit and drop
notice are written over by our own constant CSS (never user text), per language: one stylesheet
for the toolbar and every uploader (each registered by its key where it is defined), written by a
page's full run. A fragment never writes it: Streamlit puts a style-only element out of the
page's flow, at a place a fragment's own would take over.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from .strings import language, t

# plotly's language codes
PLOTLY_LOCALES = {"en": "en-US", "zh": "zh-CN"}
# the English plotly writes (its own dictionary keys, in the plotly.js Streamlit 1.67 ships) -> ours
PLOTLY_WORDS = {
    "Download plot as a PNG": "plotly.download_png",
    "Download plot": "plotly.download",
    "Preparing image - this may take a few seconds": "plotly.preparing",
    "Image download succeeded": "plotly.downloaded",
    "Sorry, there was a problem downloading your image!": "plotly.download_failed",
    "Zoom": "plotly.zoom",
    "Pan": "plotly.pan",
    "Box Select": "plotly.box_select",
    "Lasso Select": "plotly.lasso_select",
    "Zoom in": "plotly.zoom_in",
    "Zoom out": "plotly.zoom_out",
    "Autoscale": "plotly.autoscale",
    "Reset axes": "plotly.reset_axes",
    "Toggle Spike Lines": "plotly.spikes",
    "Show closest data on hover": "plotly.hover_closest",
    "Compare data on hover": "plotly.hover_compare",
    "Double-click to zoom back out": "plotly.zoom_back",
    "Double-click on legend to isolate one trace": "plotly.legend_isolate",
}
# the tooltips of the button Streamlit adds to a chart's toolbar (its title, plotly's data-title)
STREAMLIT_CHART_BUTTONS = {"Fullscreen": "streamlit.fullscreen", "Close fullscreen": "streamlit.close_fullscreen"}
# plotly's date formats (d3's), whose words come from the catalogue
_DATE_NAMES = {
    "days": "plotly.days",
    "shortDays": "plotly.short_days",
    "months": "plotly.months",
    "shortMonths": "plotly.short_months",
    "periods": "plotly.periods",
}
_DATE_FORMATS = {
    "date": "plotly.date",
    "year": "plotly.year",
    "month": "plotly.month",
    "dayMonth": "plotly.day_month",
    "dayMonthYear": "plotly.day_month_year",
}
# Streamlit's uploader text is 0.875rem (its theme's small size); the words put over it keep it
_SMALL = "0.875rem"
_UPLOADERS: dict[str, tuple[str, ...]] = {}  # key -> the file types it takes (none: any)


def uploader(key: str, types: Sequence[str] = ()) -> str:
    """Uploader `key` (taking `types`, as `st.file_uploader` is given them) gets its words in the
    page's language from `words()`; returns `key`."""
    _UPLOADERS[key] = tuple(types)
    return key


def chart_config(**options: object) -> dict:
    """The config every chart takes: plotly's words and its number and date formats in the page's
    language, no plotly logo; `options` (plotly's config names) on top."""
    lang = language()
    locale = PLOTLY_LOCALES[lang]
    config: dict = {"displaylogo": False, "locale": locale}
    if lang != "en":  # plotly writes English itself
        config["locales"] = {locale: {"dictionary": _dictionary(), "format": plotly_format()}}
    return config | options


def plotly_format() -> dict:
    """plotly's (d3's) number and date format in the page's language. Both languages write
    numbers alike: `.` before decimals, `,` between thousands (as China's GB/T 15835 allows)."""
    names = {name: t(key).split() for name, key in _DATE_NAMES.items()}
    return {"decimal": ".", "thousands": ",", "grouping": [3]} | names | {n: t(k) for n, k in _DATE_FORMATS.items()}


def chart(where, figure, *, config: dict | None = None, **kwargs: object):
    """`where.plotly_chart(figure, **kwargs)` with `chart_config` (`config` on top); a chart that
    shows its toolbar also gets Streamlit's own button on it named in the page's language."""
    full = chart_config(**(config or {}))
    if full.get("displayModeBar", True) and not full.get("staticPlot"):
        words()
    return where.plotly_chart(figure, config=full, **kwargs)


def words() -> None:
    """The stylesheet that writes Streamlit's own words in the page's language: the chart
    toolbar's fullscreen button, every registered uploader's button, limit and drop notice (an
    empty one in English, so a switch back leaves none behind). From a page's full run only."""
    rules = _toolbar_rules() + [rule for key, types in _UPLOADERS.items() for rule in uploader_rules(key, types)]
    st.html(_style(rules))


def uploader_rules(key: str, types: Sequence[str] = ()) -> list[str]:
    """The CSS rules that write uploader `key`'s own words in the page's language (none in English)."""
    if language() == "en":
        return []
    limit = t("streamlit.upload_limit", size=f"{st.get_option('server.maxUploadSize')}MB")
    if types:  # as Streamlit lists them
        limit += " • " + ", ".join(kind.upper() for kind in types)
    zone = f".st-key-{key} [data-testid=stFileUploaderDropzone]"
    button = f"{zone} [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p"
    return [
        *_over(button, t("streamlit.upload")),
        *_over(f"{zone} [data-testid=stFileUploaderDropzoneInstructions] span", limit),
        *_over(f"{zone} > div > span", t("streamlit.drop_files")),  # shown while files are dragged over it
    ]


def _toolbar_rules() -> list[str]:
    if language() == "en":
        return []
    return [
        f".js-plotly-plot .plotly .modebar .modebar-btn[data-title={_quoted(english)}]::after {{ content: {_quoted(t(key))}; }}"
        for english, key in STREAMLIT_CHART_BUTTONS.items()
    ]


def _dictionary() -> dict[str, str]:
    return {english: t(key) for english, key in PLOTLY_WORDS.items()}


def _over(selector: str, text: str) -> list[str]:
    """Rules that hide an element's own text and write `text` in its place, at the same size."""
    return [
        f"{selector} {{ font-size: 0; }}",
        f"{selector}::after {{ content: {_quoted(text)}; font-size: {_SMALL}; }}",
    ]


def _quoted(text: str) -> str:
    """`text` as a CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def _style(rules: list[str]) -> str:
    return "<style>" + "\n".join(rules) + "</style>"
