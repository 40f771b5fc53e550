"""Many browser sessions against one server at once (Playwright's async API, one Chromium, a
context per session). Used by the load test and by bench/bench_load.py."""

from __future__ import annotations

import asyncio
import pathlib
import tempfile
import time
from dataclasses import dataclass, field

from .browser import CHROMIUM, CHROMIUM_ARGS

X_LENGTH = "document.querySelector('.js-plotly-plot')?._fullData?.[0]?.x?.length"  # decoded arrays
TIMEOUT_MS = 180_000  # ten sessions loading at once on two cores take most of a minute
GROUPS = "Array.from(document.querySelector('.js-plotly-plot')?.data || [], t => t.legendgroup)"


@dataclass
class Report:
    latencies: list[float] = field(default_factory=list)  # seconds from input change to chart updated
    errors: list[str] = field(default_factory=list)
    crosstalk: list[str] = field(default_factory=list)
    changes: int = 0
    per_session: dict[int, int] = field(default_factory=dict)


async def _session(browser, url: str, index: int, seconds: float, report: Report, upload: bool) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda e: report.errors.append(f"session {index}: {e}"))
    try:
        base = 100 + 37 * index  # every session's own max_steps values: none shared with another
        await page.goto(f"{url}/?max_steps={base}&example=false", timeout=TIMEOUT_MS)
        await page.wait_for_function(f"{X_LENGTH} === {base}", timeout=TIMEOUT_MS)
        if upload:
            with tempfile.TemporaryDirectory() as tmp:
                log = pathlib.Path(tmp) / f"s{index}.csv"
                log.write_text("step,learning_rate,loss\n" + "".join(f"{s},0.0,{3 - s / 100}\n" for s in range(1, 51)))
                await page.locator("input[type=file][multiple]").set_input_files(str(log))
                await page.wait_for_function(f"{GROUPS}.includes('s{index}')", timeout=TIMEOUT_MS)
        field = page.get_by_role("textbox", name="max_steps", exact=True)
        deadline = time.monotonic() + seconds  # from when this session is loaded
        k = 0
        while time.monotonic() < deadline:
            k += 1
            steps = base + (k % 5) + 1
            start = time.perf_counter()
            await field.fill(str(steps))
            await field.press("Enter")
            await page.wait_for_function(f"{X_LENGTH} === {steps}", timeout=TIMEOUT_MS)
            report.latencies.append(time.perf_counter() - start)
            report.changes += 1
            report.per_session[index] = report.per_session.get(index, 0) + 1
            groups = await page.evaluate(GROUPS)
            foreign = [g for g in groups if g and g.startswith("s") and g != f"s{index}" and g[1:].isdigit()]
            if foreign or f"max_steps={steps}" not in page.url:
                report.crosstalk.append(f"session {index} saw {foreign} at {page.url}")
            body = await page.inner_text("body")
            if "Traceback" in body or "This app has encountered an error" in body:
                report.errors.append(f"session {index}: error on the page")
    except Exception as e:  # a timeout or a crash is a failed session, reported, not raised
        report.errors.append(f"session {index}: {type(e).__name__}: {str(e)[:200]}")
    finally:
        await context.close()


async def _drive(url: str, sessions: int, seconds: float, upload: bool) -> Report:
    from playwright.async_api import async_playwright

    report = Report()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(*(_session(browser, url, i, seconds, report, upload) for i in range(sessions)))
        await browser.close()
    return report


def drive(url: str, sessions: int, seconds: float, upload: bool = True) -> Report:
    """`sessions` browser sessions at once, each loading the page (and uploading a log), then
    changing max_steps in a loop for `seconds`."""
    return asyncio.run(_drive(url, sessions, seconds, upload))
