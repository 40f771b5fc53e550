"""A figure for a paper, as the chart's camera button saves it: six compared schedules with long
names, exported as PNG and SVG at the default size and at one the person chose, and every legend
entry measured in the SVG as a browser draws it: none overlaps another, none is cut by the image's
edge, and the legend covers neither the plot nor the title."""

import struct
import urllib.parse

import pytest

from .browser import TIMEOUT_MS, chromium, overlap, settle, streamlit_server

pytestmark = pytest.mark.browser

KWARGS = {
    "": ("cosine_with_min_lr", {"min_lr_rate": 0.1}, "0.1", "20000"),
    "b.": ("cosine_with_restarts", {"num_cycles": 3}, "500", "10000"),
    "c.": ("polynomial", {"power": 2.0, "lr_end": 1e-7}, "0.05", "15000"),
    "d.": ("warmup_stable_decay", {"num_decay_steps": 2000, "min_lr_ratio": 0.01}, "1000", "20000"),
    "e.": ("cosine", {"num_cycles": 0.45}, "0.2", "12000"),
    "f.": ("inverse_sqrt", {"timescale": 7777}, "2500", "18000"),
}
LINK = "/?" + urllib.parse.urlencode(
    {
        key: value
        for prefix, (kind, kwargs, warmup, steps) in KWARGS.items()
        for key, value in {
            f"{prefix}lr_scheduler_type": kind,
            f"{prefix}lr_scheduler_kwargs": urllib.parse.unquote(str(kwargs).replace("'", '"')),
            f"{prefix}warmup_steps": warmup,
            f"{prefix}max_steps": steps,
            f"{prefix}learning_rate": f"0.000{len(prefix) + len(kind) % 7 + 1}",
        }.items()
    }
    | {"example": "false"}
)

# the exported SVG drawn in the page (its fonts are the page's), and the boxes to compare: each
# legend entry (its text and its whole row), the plotting area, the title, the image's own size
MEASURE_JS = """(svg) => {
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;';
    holder.innerHTML = svg;
    document.body.appendChild(holder);
    const root = holder.querySelector('svg');
    const [, , width, height] = root.getAttribute('viewBox').split(' ').map(parseFloat);
    const scale = parseFloat(root.getAttribute('width')) / width;
    root.setAttribute('width', width);  // one SVG unit a CSS pixel, to measure in the image's units
    root.setAttribute('height', height);
    const origin = root.getBoundingClientRect();
    const box = e => { const r = e.getBoundingClientRect();
        return {l: r.left - origin.left, r: r.right - origin.left, t: r.top - origin.top, b: r.bottom - origin.top}; };
    const clip = root.querySelector('clipPath[id$="xyplot"] rect');
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => parseFloat(clip.getAttribute(a)));
    const out = {
        width, height, scale,
        entries: Array.from(root.querySelectorAll('.legend .traces')).map(e => ({
            ...box(e), text: box(e.querySelector('.legendtext')), name: e.querySelector('.legendtext').textContent})),
        plot: {l: x, r: x + w, t: y, b: y + h},
        title: root.querySelector('.gtitle') ? box(root.querySelector('.gtitle')) : null,
    };
    holder.remove();
    return out;
}"""


# the same boxes in the chart on the page, at the page's own width
LIVE_JS = """() => {
    const root = document.querySelector('[data-testid=stPlotlyChart] .main-svg');
    const origin = root.getBoundingClientRect();
    const box = e => { const r = e.getBoundingClientRect();
        return {l: r.left - origin.left, r: r.right - origin.left, t: r.top - origin.top, b: r.bottom - origin.top}; };
    const chart = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
    const size = chart._fullLayout._size;
    return {
        width: origin.width, height: origin.height,
        entries: Array.from(chart.querySelectorAll('.legend .traces')).map(e => ({
            ...box(e), text: box(e.querySelector('.legendtext')), name: e.querySelector('.legendtext').textContent})),
        plot: {l: size.l, r: size.l + size.w, t: size.t, b: size.t + size.h},
        title: chart.querySelector('.gtitle') ? box(chart.querySelector('.gtitle')) : null,
    };
}"""


def _check_legend(measured):
    entries = measured["entries"]
    assert len(entries) == 7, [e["name"] for e in entries]  # six schedules and A's breakpoints
    assert all(e["name"] for e in entries)
    clashes = [(a["name"], b["name"]) for i, a in enumerate(entries) for b in entries[i + 1 :] if overlap(a, b)]
    assert clashes == []
    cut = [e["name"] for e in entries if e["l"] < 0 or e["text"]["r"] > measured["width"] or e["t"] < 0]
    assert cut == [], measured["width"]
    legend = {k: f([e[k] for e in entries]) for k, f in (("l", min), ("r", max), ("t", min), ("b", max))}
    assert not overlap(legend, measured["plot"]), (legend, measured["plot"])
    assert measured["title"] is not None and not overlap(legend, measured["title"]), (legend, measured["title"])
    assert 0 <= measured["title"]["t"] and measured["title"]["r"] <= measured["width"]


def _camera(page, fmt):
    """The bytes the chart's camera button saves."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.locator(".modebar-btn[data-title^='Download plot']").first.click()
    saved = download.value
    assert saved.suggested_filename.endswith(f".{fmt}") and " " not in saved.suggested_filename
    return saved.suggested_filename, pathlib_bytes(saved.path())


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk (the first, after the 8-byte signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def pathlib_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _image_options(page):
    return page.evaluate("document.querySelector('.js-plotly-plot')._context.toImageButtonOptions")


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


@pytest.mark.parametrize(
    "viewport, present",
    [((1400, 1000), False), ((390, 844), False), ((1280, 720), True)],
    ids=["page", "phone", "present"],
)
def test_six_long_named_schedules_export_with_every_legend_entry_whole_and_apart(server, viewport, present):
    with chromium() as browser:
        context = browser.new_context(viewport=dict(zip(("width", "height"), viewport, strict=True)))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + LINK + ("&present=true" if present else ""))
        settle(page)
        names = page.evaluate("Array.from(document.querySelector('.js-plotly-plot')._fullData, t => t.name)")
        broken = sum(n.startswith(tuple("ABCDEF")) and "<br>" in n for n in names)
        assert broken == 6 or (present and broken >= 1)  # long: broken (a projector's lines are longer)
        _check_legend(page.evaluate(LIVE_JS))  # as the page shows it, a phone's width too
        page.get_by_text("Export and import").click()
        page.get_by_role("tab", name="Download").click()
        page.get_by_role("textbox", name="Image width (px)").wait_for(timeout=TIMEOUT_MS)
        options = _image_options(page)
        height = page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.height")
        assert (options["width"], options["height"], options["scale"]) == (1400, height, 2)

        name, png = _camera(page, "png")
        assert name == options["filename"] + ".png" and name.startswith(
            "learning_rate_ABCDEF_cosine_with_min_lr+cosine_with_restarts+"
        )
        assert png_size(png) == (2800, 2 * height)

        page.locator("[data-testid=stRadio]").filter(has_text="Chart image").get_by_text("svg").click()
        page.wait_for_function(
            "document.querySelector('.js-plotly-plot')._context.toImageButtonOptions.format === 'svg'"
        )
        settle(page)
        _, svg = _camera(page, "svg")
        measured = page.evaluate(MEASURE_JS, svg.decode())
        assert (measured["width"], measured["height"], measured["scale"]) == (1400, height, 2)
        _check_legend(measured)

        # a size the person chose: narrow and tall, scale 1
        width = "960" if present else "640"  # a projector's figure is at least 900 px wide
        for label, value in (("Image width (px)", width), ("Image height (px)", "1500"), ("Scale", "1")):
            box = page.get_by_role("textbox", name=label)
            box.fill(value)
            box.press("Enter")
            page.wait_for_function(
                "(v) => Object.values(document.querySelector('.js-plotly-plot')._context.toImageButtonOptions)"
                ".map(String).includes(v)",
                arg=value,
                timeout=TIMEOUT_MS,
            )
        settle(page)
        _, svg = _camera(page, "svg")
        measured = page.evaluate(MEASURE_JS, svg.decode())
        assert (measured["width"], measured["height"], measured["scale"]) == (int(width), 1500, 1)
        _check_legend(measured)
        page.locator("[data-testid=stRadio]").filter(has_text="Chart image").get_by_text("png").click()
        page.wait_for_function(
            "document.querySelector('.js-plotly-plot')._context.toImageButtonOptions.format === 'png'"
        )
        settle(page)
        _, png = _camera(page, "png")
        assert png_size(png) == (int(width), 1500)
        context.close()
        assert errors == []


def test_labels_edited_on_the_chart_are_in_the_exported_image(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/?lr_scheduler_type=cosine&max_steps=100&example=false")
        settle(page)
        page.get_by_text("Export and import").click()
        page.get_by_role("tab", name="Download").click()
        page.locator("[data-testid=stRadio]").filter(has_text="Chart image").get_by_text("svg").click()
        page.wait_for_function(
            "document.querySelector('.js-plotly-plot')._context.toImageButtonOptions.format === 'svg'"
        )
        settle(page)
        assert page.evaluate("document.querySelector('.js-plotly-plot')._context.edits.titleText") is False
        page.get_by_text("Edit labels for export").click()
        page.wait_for_function("document.querySelector('.js-plotly-plot')._context.edits.titleText === true")
        settle(page)
        edited = {".gtitle": "Figure 3: cosine", ".g-ytitle text": "LR", ".legendtext": "schedule"}
        for selector, text in edited.items():
            page.locator(f"[data-testid=stPlotlyChart] {selector}").first.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(text)
            page.keyboard.press("Enter")
            page.wait_for_function(
                "([s, t]) => document.querySelector('[data-testid=stPlotlyChart] ' + s)?.textContent === t",
                arg=[selector, text],
            )
        _, svg = _camera(page, "svg")
        for text in edited.values():
            assert f">{text}<" in svg.decode()
        page.close()
