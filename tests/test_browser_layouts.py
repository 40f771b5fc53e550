"""Every page at every size a class uses, in both languages, in a real Chromium: a desktop
(1400×1000), a projector in presentation mode (1280×720) and a phone (390×844). Nothing scrolls
sideways, no text plotly draws covers another or is cut at its chart's edge, and the schedule's
chart with its playhead fits a projector's screen."""

import pytest

from .browser import overlap, settle

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1400, 1000, ""), "projector": (1280, 720, "&present=1"), "phone": (390, 844, "")}
PAGES = {
    "schedule": "/?max_steps=1000&warmup_steps=0.1&b.lr_scheduler_type=cosine&c.lr_scheduler_type=cosine_with_min_lr"
    "&c.lr_scheduler_kwargs=%7B%22min_lr_rate%22%3A0.1%7D&playhead=300",
    "gallery": "/gallery?max_steps=500",
    "learn": "/learn?learn.warmup=0.2",
}

# the text boxes plotly drew in each of the first `n` charts (their legend, ticks, titles,
# annotations and controls), and whether the page scrolls sideways
BOXES_JS = """(n) => {
    const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
    const charts = Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]')).slice(0, n);
    return {
        scroll: document.scrollingElement.scrollWidth,
        width: window.innerWidth,
        charts: charts.map(c => ({
            box: box(c),
            texts: Array.from(c.querySelectorAll(
                '.xtick text, .ytick text, .annotation-text, .updatemenu-button, .g-xtitle text, .g-ytitle text,'
                + ' .legendtext, .gtitle'))
                .filter(e => e.textContent.trim() && box(e).r > box(e).l)
                .map(e => ({...box(e), text: e.textContent})),
        })),
    };
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_every_size(server, browser, name, size, lang):
    width, height, extra = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}{PAGES[name]}&lang={lang}{extra}")
    settle(page)
    if size == "phone":  # the page is drawn again for a narrow window once the browser says so
        page.wait_for_function("(document.querySelector('.js-plotly-plot')?.layout?.margin?.r ?? 99) <= 20")
        settle(page)
    seen = page.evaluate(BOXES_JS, 3)
    page.screenshot(path=f"/tmp/warmup_viz_{name}_{size}_{lang}.png")
    page.close()
    assert errors == []
    assert seen["scroll"] <= seen["width"], "the page scrolls sideways"
    assert seen["charts"]
    for chart in seen["charts"]:
        texts, edge = chart["texts"], chart["box"]
        assert edge["l"] >= 0 and edge["r"] <= seen["width"] + 1
        clashes = [
            (a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1 :] if overlap(a, b, slack=1)
        ]
        assert clashes == []
        cut = [t["text"] for t in texts if t["l"] < edge["l"] - 1 or t["r"] > edge["r"] + 1]
        assert cut == []
    if name == "schedule" and size == "projector":
        assert seen["charts"][0]["box"]["b"] <= height, "the chart runs below a projector's screen"
