"""A figure as a file a person can keep, send or open without a server: a self-contained HTML page
(plotly.js inside it, so it opens from disk in a room without internet) or a PNG, SVG or PDF drawn
by kaleido, plotly's own static-image engine (it drives a headless Chromium)."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .errors import InputError, UsageError

if TYPE_CHECKING:  # plotly is imported by whoever made the figure
    import plotly.graph_objects as go

FORMATS = ("html", "png", "svg", "pdf")
IMAGE_FORMATS = FORMATS[1:]
WIDTH, HEIGHT, SCALE = 1100, 620, 2  # an image's default size in CSS pixels, and its pixel density
MAX_SIDE = 8000


def html_bytes(figure: go.Figure, title: str = "warmup-viz", config: Mapping[str, object] | None = None) -> bytes:
    """A whole HTML page holding `figure` and plotly.js: works offline, opened from disk. `title`
    is the page's (tab) title, written as text; `config` plotly's (locale, toolbar buttons)."""
    page = figure.to_html(
        include_plotlyjs=True,
        full_html=True,
        config=dict(config or {"displaylogo": False, "responsive": True}),
        default_width="100%",
        default_height="100vh",
    )
    charset = '<meta charset="utf-8" />'
    return page.replace(charset, f"{charset}<title>{html.escape(title)}</title>", 1).encode()


def image_bytes(figure: go.Figure, fmt: str, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE) -> bytes:
    """`figure` drawn as `fmt` (png, svg or pdf) at `width` × `height` CSS pixels, PNG at `scale`
    pixels each. Needs a Chromium that kaleido can find (on PATH); `InputError` when it cannot draw."""
    if fmt not in IMAGE_FORMATS:
        raise UsageError(f"format={fmt!r} must be one of: {', '.join(IMAGE_FORMATS)}")
    for name, value in (("width", width), ("height", height)):
        if not 10 <= value <= MAX_SIDE:
            raise UsageError(f"{name}={value} must be from 10 to {MAX_SIDE} pixels")
    if not 0.1 <= scale <= 8:
        raise UsageError(f"scale={scale} must be from 0.1 to 8")
    _import_kaleido()
    try:
        return figure.to_image(format=fmt, width=width, height=height, scale=scale)
    except (ValueError, RuntimeError, OSError) as e:  # kaleido without a browser, say
        raise InputError(
            f"cannot draw the {fmt.upper()}: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
        ) from None


def _import_kaleido() -> None:
    """Import kaleido with a bare command line: its logger (logistro) parses `sys.argv` on import,
    and our `--log` is a prefix of its own `--logistro-*` options (it would exit the process)."""
    import sys

    if "kaleido" in sys.modules:
        return
    argv, sys.argv = sys.argv, sys.argv[:1]
    try:
        import kaleido  # noqa: F401
    except ImportError:
        pass  # plotly says what is missing when it draws
    finally:
        sys.argv = argv


def format_of(path: str, fmt: str | None = None) -> str:
    """The format to write `path` in: `fmt`, else its extension's (`view.html` -> html); a
    `UsageError` when the two name different formats (PNG bytes in `view.html`)."""
    named = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt and named in FORMATS and named != fmt:
        raise UsageError(f"--format {fmt} would write {fmt} into {path!r}: name the file .{fmt}, or leave --format out")
    chosen = fmt or named
    if chosen not in FORMATS:
        raise UsageError(f"cannot tell the format of {path!r}: give --format ({', '.join(FORMATS)})")
    return chosen
