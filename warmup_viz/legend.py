"""A figure's frame: its title and legend above the plot, their text fitted to a width.

Plotly lays a horizontal legend out in rows but clips an entry wider than the figure, and never
wraps a title. So `frame` wraps every legend name and the title (plotly's `<br>`) at a width in
pixels that the narrowest place they are shown still holds (`TEXT_WIDTH`), and reserves room for
the lines that makes (`legend_height`, `lines_height`). Widths are estimated from the characters
(`text_width`), erring wide, so what is estimated to fit does fit in the browser's own font.
Plain data in and out: the figure's trace and layout dicts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# the widest a legend name may be, in pixels (by `text_width`'s estimate), normal and for a
# projector: a phone (390 px wide: the chart about 358 px, the legend's text from about 100 px in)
# and a projector's page (1280 px, larger type), and any exported image at least `MIN_WIDTH` wide;
# the title starts at the figure's left edge, so it has `TITLE_MORE` px more
TEXT_WIDTH = {False: 250, True: 700}
TITLE_MORE = 90
MIN_WIDTH = {False: 400, True: 900}
LINE_SPACING = 1.3  # plotly's line height, in font sizes
_ENTRY_PAD = 6  # plotly's space around a legend entry's text, in pixels
GROUP_GAP = 4  # the legend's `tracegroupgap`: between entries of different legend groups
# where a name may break, preferred first: after its parts' separator, a comma, a space
_BREAKS = (" · ", ", ", " ")
_TAG = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")


_NARROW = set("iljtfrI.,:;·'|!()[] ")
_WIDE = set("mwMW%@&")


def char_width(char: str) -> float:
    """An estimate of a character's width in ems, erring wide of Source Sans (Streamlit's charts)
    and about plotly's own Open Sans: CJK and other full-width characters 1, wide letters 0.8,
    capitals 0.66, narrow ones (i, l, t, punctuation, space) 0.34, the rest 0.53."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _WIDE:
        return 0.8
    if char in _NARROW:
        return 0.34
    return 0.66 if char.isupper() else 0.53


def text_width(text: str, size: float) -> float:
    """The estimated width of one line of `text` at font `size` px, in pixels (tags take none,
    an entity one character)."""
    shown = _TAG.sub(lambda m: "" if m.group().startswith("<") else "&", text)
    return sum(char_width(c) for c in shown) * size


def wrap(text: str, width: float, size: float) -> str:
    """`text` with `<br>` where it must break so no line is wider than `width` px at font `size`:
    after a " · " separator where one fits, else after a comma or a space, else inside a word.
    Text that already fits, or holds its own `<br>`, is kept as it is."""
    if "<br>" in text or text_width(text, size) <= width:
        return text
    lines, rest = [], text
    while text_width(rest, size) > width:
        cut = _cut(rest, width, size)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return "<br>".join([*lines, rest])


def _cut(text: str, width: float, size: float) -> int:
    """Where the first line of `text` ends: the longest prefix that fits, ending at the most
    preferred break it holds (at least one character, so a line always moves on)."""
    fits = 1
    while fits < len(text) and text_width(text[: fits + 1], size) <= width:
        fits += 1
    head = text[: fits + 1]  # a separator's closing space may fall just past what fits
    for sep in _BREAKS:
        kept = len(sep.rstrip())  # the line keeps " ·" and ",", not the space
        at = head.rfind(sep)
        while at > 0 and at + kept > fits:
            at = head.rfind(sep, 0, at)
        if at > 0:
            return at + kept
    return fits


def lines_height(text: str, size: float) -> float:
    """The pixels `text` (lines split at `<br>`) takes at font `size`."""
    return (text.count("<br>") + 1) * size * LINE_SPACING


def legend_height(entries: Sequence[tuple[str, str]], size: float) -> float:
    """The pixels a vertical legend of `entries` ((name, legend group) in order) takes at font
    `size`: each entry's lines and padding, and a group gap where the group changes."""
    height = 0.0
    for i, (name, group) in enumerate(entries):
        height += max(lines_height(name, size), 16) + _ENTRY_PAD
        if i and group != entries[i - 1][1]:
            height += GROUP_GAP
    return height + 2 * _ENTRY_PAD if entries else 0.0


# the plotting area's height (px) of one panel, and of each panel below it, on a page (it scrolls)
_PLOT = (300, 220)
# for a projector, one screen holds the whole figure under the page's one row of switches (and the
# playhead's controls under it): the figure is this tall, and its plot takes what the title and
# legend leave, at least `_PLOT_LEAST` px (and 40 more a panel below it; a title and legend too
# tall for the screen then make the page scroll rather than the plot unreadable)
_SCREEN, _PLOT_LEAST = 470, (160, 40)
_MARGIN = {False: {"l": 60, "r": 100, "b": 50}, True: {"l": 110, "r": 150, "b": 84}}
_LEGEND_FONT = {False: 12, True: 16}  # a projector's legend a size under its ticks: more room for the plot
_TITLE_FONT = {False: 17, True: 24}


def frame(
    data: list[dict], layout: dict, *, title: str | None, panels: int, present: bool, narrow: bool = False
) -> None:
    """A figure's frame, written into its trace dicts `data` and its `layout` dict: the title on
    top, then the legend (one entry a row, each name wrapped), then the plot of `panels` panels;
    the figure as tall as the plot and what is above it.

    A horizontal legend wraps its entries into rows as wide as the figure but clips an entry wider
    than the plot, and the title never wraps: so every name shown in the legend and the title are
    wrapped here at `TEXT_WIDTH` (what a phone, or a projector's page, holds), and the top
    margin holds the lines that makes. The legend's bottom sits on the plot's top and its top
    under the title's last line, whatever the figure's width and height (an export's too).
    `narrow` (a phone): a projector's title and legend too are wrapped and sized for a phone."""
    wide = present and not narrow
    size = _LEGEND_FONT[wide]
    width = TEXT_WIDTH[wide]
    entries = []
    for trace in data:
        if trace.get("showlegend", True) and trace.get("name"):
            trace.setdefault("meta", {"name": trace["name"]})  # the name as given, for who looks a trace up
            trace["name"] = wrap(trace["name"], width, size)
            entries.append((trace["name"], trace.get("legendgroup", "")))
    groups = list(dict.fromkeys(group for _, group in entries))  # plotly shows a group's entries together
    entries.sort(key=lambda entry: groups.index(entry[1]))
    height = legend_height(entries, size) if len(entries) > 1 else 0.0  # plotly shows two or more
    top = 10 + height
    if title:  # for slides, at the top; the legend between it and the plot
        title_size = _TITLE_FONT[wide]
        text = wrap(title, width + TITLE_MORE, title_size)
        layout["title"] = {
            "text": text,
            "font": {"size": title_size},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "paper",  # its last line just above the legend, `height` px over the plot, at any size
            "yanchor": "bottom",
            # plotly puts a title's first line on the anchor and the rest below it
            "pad": {
                "l": 10,
                "b": round(height + 4 + lines_height(text, title_size) - title_size * LINE_SPACING),
            },
        }
        top += 12 + lines_height(text, title_size)
    layout["legend"] = {  # on the plot's top edge, from its left; plotly's top margin grows to hold it
        "orientation": "v",
        "x": 0,
        "xanchor": "left",
        "y": 1,
        "yanchor": "bottom",
        "tracegroupgap": GROUP_GAP,
        "font": {"size": size},
    }
    margin = _MARGIN[present]
    if present:
        plot = max(_PLOT_LEAST[0] + _PLOT_LEAST[1] * (panels - 1), _SCREEN - top - margin["b"])
    else:
        plot = _PLOT[0] + _PLOT[1] * (panels - 1)
    layout["margin"] = {**margin, "t": round(top)}
    layout["height"] = round(plot + top + margin["b"])
