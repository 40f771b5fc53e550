"""Nothing a person set is lost: random reachable page states survive their own link, opened in a
fresh browser; and sequences of language switch, page switch, upload, compare and import keep
every widget's value (no option group left empty)."""

import pathlib
import random
from urllib.parse import parse_qsl, urlsplit

import pytest

from warmup_viz import registry, share
from warmup_viz.config import ScheduleConfig
from warmup_viz.ui import page_link

from .browser import chart_data, chromium, settle, streamlit_server

pytestmark = pytest.mark.browser
ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDGETS_JS = """() => {
    const label = e => e.getAttribute('aria-label') || e.closest('[data-testid]')?.innerText?.split('\\n')[0] || '';
    return {
        text: Array.from(document.querySelectorAll('input[type=text], textarea')).map(e => [e.getAttribute('aria-label'), e.value]),
        radios: Array.from(document.querySelectorAll('[role=radiogroup]')).map(g =>
            [g.getAttribute('aria-label'), Array.from(g.querySelectorAll('input')).findIndex(e => e.checked)]),
        checks: Array.from(document.querySelectorAll('input[type=checkbox]')).map(e => [e.closest('label')?.innerText, e.checked]),
        sliders: Array.from(document.querySelectorAll('[role=slider]')).map(e => [label(e), e.getAttribute('aria-valuenow')]),
    };
}"""
STEP_TYPES = [n for n in registry.scheduler_names() if not registry.info(n).metric_driven]


def random_link(rng: random.Random) -> str:
    """A page state a person can reach (a link the page itself would write), as a path + query."""
    configs = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        name = rng.choice(["linear", "cosine", "constant_with_warmup", "inverse_sqrt", "cosine_with_restarts"])
        configs.append(
            ScheduleConfig(
                lr_scheduler_type=name,
                learning_rate=rng.choice([5e-5, 3e-4, 1e-3]),
                warmup_steps=rng.choice([0, 0.05, 0.1, 10]),
                max_steps=rng.choice([100, 1000, 20_000]),
            )
        )
    # drawn in the order the seeds have always drawn them, so that each seed keeps its link
    layout, smoothing, x_axis = (
        rng.choice(["stacked", "overlay"]),
        rng.choice([0.0, 0.6, 0.9]),
        rng.choice(["step", "epoch"]),
    )
    lang, playhead = rng.choice(["en", "zh"]), rng.random() < 0.5
    diff = rng.choice(["off", "difference", "ratio"]) if len(configs) > 1 else "off"
    example = rng.random() < 0.7
    view = share.View(layout=layout, smoothing=smoothing, x_axis=x_axis, diff=diff)
    own = page_link.Page(lang=lang, playhead=playhead, example=example)
    params = page_link.encode(share.Link(tuple(configs), view), own)
    page = rng.choice(["", "", "gallery", "learn"])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/{page}?{query}"


def snapshot(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    settle(page)  # its run over, its charts drawn
    data = None if "/gallery" in url or "/learn" in url else chart_data(page)
    state = page.evaluate(WIDGETS_JS)
    final = page.url
    context.close()
    return final, state, data


@pytest.fixture(scope="module")
def browser_and_server():
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


@pytest.mark.parametrize("seed", range(6))
def test_a_random_page_state_survives_its_own_link(browser_and_server, seed):
    url, browser = browser_and_server
    link = random_link(random.Random(seed))
    first_url, first, first_data = snapshot(browser, url + link)
    given = dict(parse_qsl(urlsplit(link).query))
    kept = dict(parse_qsl(urlsplit(first_url).query))
    assert {k: kept.get(k) for k in given} == given  # the page kept everything its link said
    again_url, again, again_data = snapshot(browser, first_url)  # the address the page wrote, fresh context
    assert again == first
    assert again_data == first_data
    assert all(i >= 0 for _, i in first["radios"]), first["radios"]  # no option group left empty


def radios_ok(page):
    radios = page.evaluate(WIDGETS_JS)["radios"]
    assert all(i >= 0 for _, i in radios), radios


def test_switches_uploads_compares_and_imports_keep_every_value(browser_and_server, tmp_path):
    url, browser = browser_and_server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + "/?warmup_steps=0.1&max_steps=300&layout=overlay&smoothing=0.3&ignore_outliers=true")
    chart_data(page)
    expected = {
        "warmup_steps": "0.1",
        "max_steps": "300",
        "layout": "overlay",
        "smoothing": "0.3",
        "ignore_outliers": "true",
    }

    def check(step):
        settle(page)
        radios_ok(page)
        kept = dict(parse_qsl(urlsplit(page.url).query))
        assert {k: kept.get(k) for k in expected} == expected, (step, page.url)

    box = page.locator("[data-testid=stSidebar] [role=radiogroup]").first.locator("label").nth(1).bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)  # 中文
    page.wait_for_function("document.body.innerText.includes('语言')")
    check("language")
    page.locator("[data-testid=stSidebarNav] a").nth(1).click()  # the gallery
    page.wait_for_url("**/gallery?**")
    page.locator("[data-testid=stSidebarNav] a").nth(0).click()  # back
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="上传训练日志")
    uploader.wait_for()  # the schedule page's run has begun (the gallery has no uploader)
    check("page switch")
    log = tmp_path / "mine.csv"
    log.write_text("step,learning_rate,loss\n1,0.0,3.0\n2,0.0005,2.5\n3,0.001,2.0\n")
    uploader.locator("input[type=file]").set_input_files(str(log))
    page.wait_for_function(
        "Array.from(document.querySelector('.js-plotly-plot')?.data || []).some(t => t.legendgroup === 'mine')"
    )
    check("upload")
    page.get_by_role("button", name="与另一个调度比较").click()
    page.wait_for_url("**b.lr_scheduler_type=**")
    check("compare")
    page.locator("[data-testid=stExpander] summary").filter(has_text="导出与导入").click()  # drawn when opened
    page.get_by_role("tab", name="导入").click()
    page.get_by_role("textbox", name="要导入的设置").fill("learning_rate: 0.0003")
    page.get_by_role("button", name="导入粘贴的设置").click()
    page.wait_for_url("**learning_rate=0.0003**")
    check("import")
    page.close()
