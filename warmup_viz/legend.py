"""Chart text fitted to a width: names wrapped onto lines (plotly's `<br>`) and the pixels they take.

Plotly lays a horizontal legend out in rows but clips an entry wider than the figure, and never
wraps a title. So the figures wrap every legend name and the title themselves, at a width in
pixels that the narrowest place they are shown still holds (`TEXT_WIDTH`), and reserve room for the
lines that makes (`legend_height`, `lines_height`). Widths are estimated from the characters
(`text_width`), erring wide, so what is estimated to fit does fit in the browser's own font.
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
TITLE_MORE = 60
MIN_WIDTH = {False: 400, True: 900}
LINE_SPACING = 1.3  # plotly's line height, in font sizes
_ENTRY_PAD = 6  # plotly's space around a legend entry's text, in pixels
GROUP_GAP = 4  # the legend's `tracegroupgap`: between entries of different legend groups
# where a name may break, preferred first: after its parts' separator, a comma, a space
_BREAKS = (" · ", ", ", " ")
_TAG = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")


def char_width(char: str) -> float:
    """An estimate of a character's width in ems, erring wide: CJK and other full-width characters
    1, capitals and wide letters 0.75, the rest 0.55 (Streamlit's Source Sans averages about 0.45,
    plotly's own Open Sans about 0.55)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char.isupper() or char in "mwMW%@&":
        return 0.75
    return 0.55


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
