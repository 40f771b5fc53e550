"""The page in a real Chromium against a bare Streamlit page (bench/bare_app.py: one text input,
one 2,000-point plotly chart), side by side in one run, interleaved:

(a) change a setting (max_steps) -> chart redrawn, p50 of --changes
(b) open a link in a new browser session -> chart drawn, p50 of --links
(c) fresh server (health check answered), first visit -> chart drawn, median of --fresh
(d) the page's toggles, each way, interleaved with (a): presentation mode on and off, the
    playhead on and off, the language English -> 中文 -> English; each as a ratio to the page's
    own settings change (a) in the same run

Each timed action starts from a quiet page (the browser's main thread idle twice in a row), as a
person's next action does: before, an action began while the one before was still finishing
(the sidebar sliding back after presentation mode, the elements below the chart drawn after it),
and its time held part of that one's; on either page.

"Chart drawn" means: the page's first plotly chart holds a `.main-svg` and its `_fullData` has
the new data (the first trace ends at x = max_steps), and the app root's
`data-test-script-state` has left running. Times are wall clock from the action (fill + Enter,
goto, click) to that state, browsers included, on this machine. A toggle is over when the same holds
(the chart still ends at max_steps: its real data, not a placeholder) and the page shows the toggle
took effect: presentation mode's chart type (20 px) and stylesheet, the playhead's slider on the
chart, the chart's plotly locale and the sidebar's language label.

Run from the repository root: .venv/bin/python -m bench.bench_page [--changes 12 --links 5 --fresh 3]
"""

import argparse
import statistics
import time
import unicodedata

from tests.browser import chromium, streamlit_server

OURS, BARE = "app.py", "bench/bare_app.py"
GOALS = {"change": 1.2, "link": 1.15, "fresh": 2.0}
TOGGLE_GOAL = 1.3  # a toggle against the page's own settings change
TIMEOUT_MS = 120_000

# true once the first chart shows x ending at `n` and the script run is over
DRAWN_JS = """(n) => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    if (!state || ['initial', 'running', 'rerunRequested'].includes(state)) return false;
    const chart = document.querySelector('.js-plotly-plot');
    if (!chart || !chart.querySelector('.main-svg') || !chart._fullData?.length) return false;
    const x = chart._fullData[0].x;
    return !!x && x.length > 0 && Number(x[x.length - 1]) === n;
}"""


# true once the run is over, the first chart ends at x = n and `check` (a TOGGLES entry) holds
TOGGLED_JS = """([n, check]) => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    if (!state || ['initial', 'running', 'rerunRequested', 'stopRequested'].includes(state)) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const chart = document.querySelector('.js-plotly-plot');
    if (!chart || !chart.querySelector('.main-svg') || !chart._fullData?.length || !chart._fullLayout) return false;
    const x = chart._fullData[0].x;
    if (!x || x.length === 0 || Number(x[x.length - 1]) !== n) return false;
    const rootSize = getComputedStyle(document.documentElement).fontSize;
    const sliders = (chart.layout.sliders || []).length;
    const language = document.querySelector('[data-testid="stSidebar"] [role="radiogroup"]')?.getAttribute('aria-label');
    return {
        present_on: () => chart._fullLayout.font.size === 20 && rootSize === '20px',
        present_off: () => chart._fullLayout.font.size !== 20 && rootSize !== '20px',
        playhead_on: () => sliders > 0,
        playhead_off: () => sliders === 0,
        zh: () => chart._context.locale === 'zh-CN' && language === '语言',
        en: () => chart._context.locale === 'en-US' && language === 'Language',
    }[check]();
}"""
SIDEBAR_WIDTH_JS = "document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().width"
# each toggle: (row label, its two directions, each a (check, what to click) pair)
TOGGLES = (
    ("presentation mode", (("present_on", "Presentation mode"), ("present_off", "Presentation mode"))),
    ("the playhead", (("playhead_on", "Playhead"), ("playhead_off", "Playhead"))),
    ("the language", (("zh", "中文"), ("en", "English"))),
)


def link(script: str, server: str, n: int) -> str:
    """The address that opens `script` at max_steps = n (ours: a shared cosine link)."""
    if script == BARE:
        return f"{server}/?max_steps={n}"
    return f"{server}/?lr_scheduler_type=cosine&learning_rate=0.0003&warmup_steps=0.05&max_steps={n}"


# resolves once the browser's main thread has been idle twice in a row (a frame between): what an
# action before leaves running (a sidebar sliding back, a chart resized after it) is over
IDLE_JS = """() => new Promise(done => {
    const idle = (then) => requestIdleCallback(then, {timeout: 2000});
    idle(() => requestAnimationFrame(() => idle(() => done(true))));
})"""


def quiet(page) -> None:
    """Wait until the page is idle, so that each timed action starts from a settled page and is
    not charged for the one before it (on either page)."""
    page.evaluate(IDLE_JS)


def wait_drawn(page, n: int) -> None:
    page.wait_for_function(DRAWN_JS, arg=n, timeout=TIMEOUT_MS)


def open_page(browser, url: str, n: int):
    """A new browser session at `url`, timed until the chart ending at `n` is drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    wait_drawn(page, n)
    return context, page, time.perf_counter() - start


def change(page, n: int) -> float:
    field = page.get_by_role("textbox", name="max_steps", exact=True)
    quiet(page)
    start = time.perf_counter()
    field.fill(str(n))
    field.press("Enter")
    wait_drawn(page, n)
    return time.perf_counter() - start


def toggle(page, check: str, label: str, n: int) -> float:
    """Click the switch (or the language) labelled `label`, timed until `check` holds and the
    page is settled with the chart ending at `n`."""
    if label in ("中文", "English"):  # the sidebar's language radio, its option as a person clicks it
        if page.evaluate(SIDEBAR_WIDTH_JS) < 100:  # presentation mode collapsed it: opened first, untimed
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            page.wait_for_function(f"{SIDEBAR_WIDTH_JS} > 200", timeout=TIMEOUT_MS)
        target = page.locator('[data-testid="stSidebar"] [role="radiogroup"] label').filter(has_text=label)
    else:
        target = page.get_by_text(label, exact=True)
    quiet(page)
    start = time.perf_counter()
    target.click()
    page.wait_for_function(TOGGLED_JS, arg=[n, check], timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def changes_and_links(browser, servers: dict[str, str], changes: int, links: int) -> dict:
    times = {("change", s): [] for s in servers} | {("link", s): [] for s in servers}
    times |= {(check, OURS): [] for _, ways in TOGGLES for check, _ in ways}
    pages = {}
    for script, server in servers.items():  # warm both servers: imports, caches, first render
        context, page, _ = open_page(browser, link(script, server, 2000), 2000)
        change(page, 2001)
        pages[script] = (context, page)
    for _, ways in TOGGLES:  # each toggle's first use (its code and figures) left out too
        for check, label in ways:
            toggle(pages[OURS][1], check, label, 2001)
    for k in range(changes):
        for script in servers:
            times[("change", script)].append(change(pages[script][1], 2002 + k))
        for _, ways in TOGGLES:  # there and back, so the next change starts from the same page
            for check, label in ways:
                times[(check, OURS)].append(toggle(pages[OURS][1], check, label, 2002 + k))
    for context, _ in pages.values():
        context.close()
    times[("link_example", OURS)] = []
    for k in range(links):
        for script, server in servers.items():
            context, _, seconds = open_page(browser, link(script, server, 3000 + k), 3000 + k)
            times[("link", script)].append(seconds)
            context.close()
        # the same link bringing the example run along (its loss panel, status and verdict)
        url = link(OURS, servers[OURS], 3500 + k) + "&example=true"
        context, _, seconds = open_page(browser, url, 3500 + k)
        times[("link_example", OURS)].append(seconds)
        context.close()
    times[("link_example", BARE)] = times[("link", BARE)]
    return times


def first_visits(browser, repeats: int) -> dict:
    times = {("fresh", OURS): [], ("fresh", BARE): []}
    for k in range(repeats):
        for script in (OURS, BARE):
            with streamlit_server(script) as server:
                context, _, seconds = open_page(browser, link(script, server, 4000 + k), 4000 + k)
                context.close()
            times[("fresh", script)].append(seconds)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=12)
    parser.add_argument("--links", type=int, default=5)
    parser.add_argument("--fresh", type=int, default=3)
    args = parser.parse_args()
    with chromium() as browser:
        times = first_visits(browser, args.fresh)  # first, while no other server is up
        with streamlit_server(OURS) as ours, streamlit_server(BARE) as bare:
            times |= changes_and_links(browser, {OURS: ours, BARE: bare}, args.changes, args.links)
    rows = (
        ("change", f"change a setting -> chart redrawn (p50 of {args.changes})"),
        ("link", f"open a link in a new session -> chart drawn (p50 of {args.links})"),
        ("link_example", f"  the link with example=true (p50 of {args.links}; no goal)"),
        ("fresh", f"fresh server, first visit -> chart drawn (median of {args.fresh})"),
    )
    print("The page in a real Chromium vs a bare Streamlit page (one input, one 2,000-point chart), interleaved:")
    print(f"    {'what':<62} {'warmup-viz':>10} {'bare':>8} {'ratio':>7}  goal")
    for key, label in rows:
        ours, bare = statistics.median(times[(key, OURS)]), statistics.median(times[(key, BARE)])
        ratio, goal = ours / bare, GOALS.get(key)
        verdict = "" if goal is None else f"≤ {goal}× " + ("met" if ratio <= goal else "NOT met")
        print(f"    {label:<62} {ours:9.3f}s {bare:7.3f}s {ratio:6.2f}×  {verdict}")
    change = statistics.median(times[("change", OURS)])
    print(f"The page's toggles vs its own settings change (a) in the same run, p50 of {args.changes} each way:")
    print(f"    {'what':<62} {'toggle':>10} {'change':>8} {'ratio':>7}  goal")
    for name, ways in TOGGLES:
        for check, label in ways:
            seconds = statistics.median(times[(check, OURS)])
            ratio = seconds / change
            verdict = f"≤ {TOGGLE_GOAL}× " + ("met" if ratio <= TOGGLE_GOAL else "NOT met")
            what = f"{name}: {check.rsplit('_', 1)[-1] if '_' in check else 'to ' + label} -> page settled"
            wide = sum(unicodedata.east_asian_width(c) == "W" for c in what)  # 中文 takes two columns each
            print(f"    {what:<{62 - wide}} {seconds:9.3f}s {change:7.3f}s {ratio:6.2f}×  {verdict}")


if __name__ == "__main__":
    main()
