"""Where the page's time goes, in numbers: a link opened in a new session, then settings changed.

For each action it reports, from one real Chromium against bench/timed_app.py (app.py with every
page section timed, see warmup_viz/ui/timing.py):
- wall time to "chart drawn" (as bench_page.py), when the first and last websocket message came;
- what the server sent: messages and bytes, by element type (Streamlit's ForwardMsg, decoded);
- the server's time per page section and the figure's JSON size;
- the browser's main-thread time (Chrome's Performance metrics: script, layout, style) and when
  plotly finished drawing (`plotly_afterplot`);
- the number of elements on the page.

Run from the repository root: .venv/bin/python -m bench.trace_page [--changes 3] [--chrome-trace out.json]
Then each of bench_page's toggles, each way, --toggles times.
(--chrome-trace writes a DevTools performance trace of the first settings change; open it in
Chrome's Performance panel.)
"""

import argparse
import collections
import json
import os
import pathlib
import statistics
import tempfile
import time

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.bench_page import DRAWN_JS, SIDEBAR_WIDTH_JS, TIMEOUT_MS, TOGGLED_JS, TOGGLES
from tests.browser import chromium, streamlit_server

LINK = "/?lr_scheduler_type=cosine&learning_rate=0.0003&warmup_steps=0.05&max_steps={n}"
ELEMENTS_JS = "document.querySelectorAll('[data-testid=\"stElementContainer\"]').length"
AFTERPLOT_JS = """() => {
    window.__afterplot = window.__afterplot || [];
    const chart = document.querySelector('.js-plotly-plot');
    if (chart && !chart.__benchHooked) {
        chart.on('plotly_afterplot', () => window.__afterplot.push(performance.now()));
        chart.__benchHooked = true;
    }
}"""
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


def kind(payload: bytes) -> str:
    """What one websocket message from the server carries: `delta:plotly_chart`, `script_finished`..."""
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    which = msg.WhichOneof("type")
    if which != "delta":
        return which or "?"
    delta = msg.delta.WhichOneof("type")
    if delta == "new_element":
        return "element:" + (msg.delta.new_element.WhichOneof("type") or "?")
    return "delta:" + (delta or "?")


class Recorder:
    """Websocket messages from the server, timed (perf_counter) and sized."""

    def __init__(self, page):
        self.frames = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload):
        if isinstance(payload, bytes):
            self.frames.append((time.perf_counter(), len(payload), kind(payload)))

    def since(self, start: float) -> list:
        return [f for f in self.frames if f[0] >= start]


def metrics(cdp) -> dict:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] in METRICS}


def measure(page, cdp, recorder, action, n: int, timings: pathlib.Path, check: str | None = None) -> dict:
    """Run `action`, wait for the chart ending at `n` (and, after a toggle, for its `check`, one of
    bench_page's TOGGLED_JS), and collect what it cost."""
    lines_before = len(timings.read_text().splitlines()) if timings.exists() else 0
    before = metrics(cdp) if cdp else {}
    start = time.perf_counter()
    page_start = action()
    if check is None:
        page.wait_for_function(DRAWN_JS, arg=n, timeout=TIMEOUT_MS)
    else:
        page.wait_for_function(TOGGLED_JS, arg=[n, check], timeout=TIMEOUT_MS)
    wall = time.perf_counter() - start
    time.sleep(0.3)  # late messages (the run's end) and the server's timing line
    page.evaluate(AFTERPLOT_JS)
    frames = recorder.since(start)
    by_kind = collections.defaultdict(lambda: [0, 0])
    for _, size, what in frames:
        by_kind[what][0] += 1
        by_kind[what][1] += size
    after = metrics(cdp) if cdp else {}
    plots = [
        t - page_start for t in page.evaluate("window.__afterplot || []") if page_start is not None and t >= page_start
    ]
    runs = [json.loads(line) for line in timings.read_text().splitlines()[lines_before:]] if timings.exists() else []
    return {
        "wall_s": wall,
        "first_msg_s": frames[0][0] - start if frames else None,
        "last_msg_s": max(f[0] for f in frames) - start if frames else None,
        "messages": len(frames),
        "bytes": sum(f[1] for f in frames),
        "by_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1][1])),
        "browser_ms": {k: (after[k] - before.get(k, 0)) * 1000 for k in after},
        "afterplot_ms": plots,
        "elements": page.evaluate(ELEMENTS_JS),
        "server_runs": runs,
    }


def show(title: str, results: list[dict]) -> None:
    med = lambda key: statistics.median(r[key] for r in results if r[key] is not None)  # noqa: E731
    print(f"\n== {title} (median of {len(results)}) ==")
    print(
        f"  wall to chart drawn {med('wall_s') * 1000:7.0f} ms; first message {med('first_msg_s') * 1000:.0f} ms,"
        f" last message {med('last_msg_s') * 1000:.0f} ms after the action"
    )
    print(
        f"  sent {med('messages'):.0f} messages, {med('bytes') / 1024:.1f} KB; {results[-1]['elements']} elements on the page"
    )
    kinds = results[-1]["by_kind"]
    top = ", ".join(f"{k} {c}× {b / 1024:.1f} KB" for k, (c, b) in list(kinds.items())[:8])
    print(f"  by kind (last): {top}")
    browser = {k: statistics.median(r["browser_ms"].get(k, 0) for r in results) for k in METRICS}
    print(
        "  browser main thread: "
        + ", ".join(f"{k.removesuffix('Duration').lower()} {v:.0f} ms" for k, v in browser.items())
    )
    plots = [r["afterplot_ms"][-1] for r in results if r["afterplot_ms"]]
    if plots:
        print(f"  plotly afterplot (last) {statistics.median(plots):.0f} ms after the action")
    runs = [run for r in results for run in r["server_runs"]]
    if runs:
        totals = [run["total_ms"] for run in runs]
        print(f"  server: {len(runs)} script run(s), total p50 {statistics.median(totals):.0f} ms")
        names = {name for run in runs for name in run["sections_ms"]}
        per = {n: statistics.median(run["sections_ms"].get(n, 0) for run in runs) for n in names}
        print("    " + ", ".join(f"{n} {v:.1f}" for n, v in sorted(per.items(), key=lambda kv: -kv[1])))
        values = runs[-1]["values"]
        if values:
            print("    " + ", ".join(f"{k} {v:,}" for k, v in values.items()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--links", type=int, default=3)
    parser.add_argument("--toggles", type=int, default=2, help="times each toggle goes each way")
    parser.add_argument("--chrome-trace", help="write a DevTools trace of the first settings change here")
    parser.add_argument("--bare", action="store_true", help="trace bench/bare_app.py instead, for comparison")
    args = parser.parse_args()
    script, link = ("bench/bare_app.py", "/?max_steps={n}") if args.bare else ("bench/timed_app.py", LINK)
    timings = pathlib.Path(tempfile.mkdtemp()) / "timings.jsonl"
    os.environ["WARMUP_VIZ_TIMINGS"] = str(timings)
    with chromium() as browser, streamlit_server(script) as server:
        links, changes = [], []
        for k in range(args.links + 1):  # the first one warms the server up, and is left out
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            recorder = Recorder(page)
            n = 2000 + k

            def go(page=page, n=n):
                page.goto(server + link.format(n=n), timeout=TIMEOUT_MS)
                return None

            result = measure(page, cdp, recorder, go, n, timings)
            if k:
                links.append(result)
            if k < args.links:
                context.close()
        page.evaluate(AFTERPLOT_JS)
        field = page.get_by_role("textbox", name="max_steps", exact=True)
        for k in range(args.changes):
            n = 2100 + k
            traced = args.chrome_trace and k == 0
            if traced:
                browser.start_tracing(page=page, path=args.chrome_trace, screenshots=False)

            def edit(n=n):
                t = page.evaluate("performance.now()")
                field.fill(str(n))
                field.press("Enter")
                return t

            changes.append(measure(page, cdp, recorder, edit, n, timings))
            if traced:
                browser.stop_tracing()
        toggled = {check: [] for _, ways in TOGGLES for check, _ in ways}
        for _ in range(0 if args.bare else args.toggles):
            for _, ways in TOGGLES:
                for check, label in ways:

                    def click(label=label):
                        t = page.evaluate("performance.now()")
                        if label in ("中文", "English") and page.evaluate(SIDEBAR_WIDTH_JS) < 100:
                            page.locator('[data-testid="stExpandSidebarButton"]').click()
                            page.wait_for_function(f"{SIDEBAR_WIDTH_JS} > 200", timeout=TIMEOUT_MS)
                            t = page.evaluate("performance.now()")
                        if label in ("中文", "English"):
                            target = page.locator('[data-testid="stSidebar"] [role="radiogroup"] label')
                            target.filter(has_text=label).click()
                        else:
                            page.get_by_text(label, exact=True).click()
                        return t

                    toggled[check].append(measure(page, cdp, recorder, click, n, timings, check))
        context.close()
    show("open a link in a new session", links)
    show("change max_steps", changes)
    for check, results in toggled.items():
        if results:
            show(f"toggle: {check}", results)


if __name__ == "__main__":
    main()
