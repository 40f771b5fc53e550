"""What a link carries for the page itself, beside the library's schedules and chart view
(`share.Link`): whether the example run shows, the language, presentation mode, the playhead, and
the other pages' own settings.

`decode(encode(link, page)) == (link, page, [])` for every page a person can reach, and the link
is the one the page has always written, parameter for parameter and in the same order. Decoding
never raises: a bad value is warned about by name (as the library warns about its own) and falls
back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from warmup_viz import share
from warmup_viz.config import DEFAULTS, ScheduleConfig
from warmup_viz.messages import Note

from .strings import DEFAULT_LANGUAGE, LANGUAGES

# what a bare address opens on: the rule-of-thumb warmup (scripts/make_example.py trains with it)
FIRST_VISIT = {"warmup_steps": "0.1"}
# a link's view and page parameters in the order links have always had them, so a page still
# writes the very link it wrote before the page's part moved out of the library
_ORDER = (
    "metrics",
    "layout",
    "smoothing",
    "x_axis",
    "log_y",
    "ignore_outliers",
    "lr_y_min",
    "lr_y_max",
    "example",
    "diff",
    "lang",
    "present",
    "playhead",
    "logging_convention",
)


@dataclass(frozen=True)
class Page:
    """The page's own part of a link. `example` shows the example run; `lang` is the page's
    language, `present` its presentation mode, `playhead` the step slider (`playhead_step`: the
    step it opens at, `playhead=500` in a link); `others` holds the other pages' own settings
    (`gallery.max_steps`, `learn.warmup`) as text."""

    example: bool = True
    lang: str = DEFAULT_LANGUAGE
    present: bool = False
    playhead: bool = False
    playhead_step: int | None = None
    others: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        share.one_of("lang", self.lang, tuple(LANGUAGES))


def _playhead(text: str) -> bool | int:
    return int(text) if text.isdigit() else share.boolean("playhead", text)  # playhead=500: on, at step 500


_PARSERS = {
    "example": partial(share.boolean, "example"),
    "lang": lambda text: share.one_of("lang", text, tuple(LANGUAGES)),
    "present": partial(share.boolean, "present"),
    "playhead": _playhead,
}
PAGE_KEYS = tuple(_PARSERS)


def example_by_default(configs: tuple[ScheduleConfig, ...]) -> bool:
    """Whether a link that does not say `example=` shows the example run: only when its schedules
    are the first visit's (or none given), the view the example was made for. A link of one's own
    settings shows those alone; `example=true` brings the example run along."""
    first, _ = share.decode(FIRST_VISIT)
    return tuple(configs) in ((DEFAULTS,), (first,))


def decode(params: Mapping[str, object], other_pages: tuple[str, ...] = ()) -> tuple[share.Link, Page, list[Note]]:
    """The schedules and view a link describes, the page's part, and a warning for each parameter
    that could not be used. Parameters under `other_pages`' prefixes (`gallery.`) are kept, as
    text, for those pages."""
    link, own, warnings = share.decode_page_link(params, share.PageParams(_PARSERS, other_pages))
    values = {key: value for key, value in own.items() if key in _PARSERS}
    step = values.get("playhead")
    if isinstance(step, int) and not isinstance(step, bool):
        values.update(playhead=step >= 1, playhead_step=step if step >= 1 else None)
    values.setdefault("example", example_by_default(link.configs))  # not given, or not usable
    others = {key: value for key, value in own.items() if key not in _PARSERS}
    return link, Page(**values, others=others), warnings


def encode(link: share.Link, page: Page) -> dict[str, str]:
    """The query parameters of the whole page: the schedules, the other pages' settings, then the
    view's and the page's non-defaults."""
    params = share.encode_link(link)
    default = Page(example=example_by_default(link.configs))
    own = {}
    for name in PAGE_KEYS:
        value = getattr(page, name)
        if name == "playhead" and page.playhead and page.playhead_step:
            own[name] = str(page.playhead_step)  # on, at that step
        elif value != getattr(default, name):
            own[name] = share.to_text(name, value)
    options = {**params, **own}
    schedules = {key: value for key, value in params.items() if key not in _ORDER}
    return {**schedules, **page.others, **{key: options[key] for key in _ORDER if key in options}}
