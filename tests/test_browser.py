"""What a person sees, in a real Chromium: a link opens its settings and draws the right chart."""

import pytest
from playwright.sync_api import expect

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig

from .browser import chart_data, overlap, settle, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_link_shows_its_settings_and_the_exact_chart(server, page):
    page.goto(f"{server}/?lr_scheduler_type=cosine&learning_rate=0.0003&warmup_steps=0.05&max_steps=20000")
    data = chart_data(page)
    curve = lr_schedule.display_curve(
        ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=20000)
    )
    assert data[0]["x"] == list(curve.steps)
    assert data[0]["y"] == list(curve.lrs)
    assert page.get_by_role("textbox", name="learning_rate", exact=True).input_value() == "0.0003"
    assert page.get_by_role("textbox", name="warmup_steps", exact=True).input_value() == "0.05"
    assert page.get_by_role("textbox", name="max_steps", exact=True).input_value() == "20000"
    assert page.get_by_role("combobox", name="lr_scheduler_type").input_value() == "cosine"
    assert "Traceback" not in page.content()


def test_editing_an_input_redraws_the_chart_and_updates_the_address(server, page):
    page.goto(f"{server}/?max_steps=100")
    assert chart_data(page)[0]["x"] == list(range(1, 101))
    field = page.get_by_role("textbox", name="max_steps", exact=True)
    field.fill("40")
    field.press("Enter")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.[0]?.x?.length === 40")
    page.wait_for_url("**max_steps=40**")
    assert chart_data(page)[0]["y"] == lr_schedule.full_table(ScheduleConfig(max_steps=40))[1]


def test_bad_input_shows_a_message_and_no_traceback(server, page):
    page.goto(f"{server}/?learning_rate=abc&max_steps=60")
    page.wait_for_selector('[data-testid="stAlert"]')
    text = page.inner_text("body")
    assert "learning_rate" in text and "is not a number" in text
    assert chart_data(page)[0]["x"] == list(range(1, 61))
    assert "Traceback" not in text


def test_upload_a_log_and_see_it_beside_the_schedule(server, page, tmp_path):
    page.goto(f"{server}/?max_steps=4&warmup_steps=2&learning_rate=0.001&example=true")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.layout?.yaxis2?.title?.text === 'loss'")
    page.get_by_text("Example run", exact=False).click()  # remove the example
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data?.length === 2")
    log = tmp_path / "mine.csv"
    log.write_text("step,learning_rate,loss\n1,0.0,3.0\n2,0.0005,2.5\n3,0.001,2.0\n4,0.0005,1.8\n")
    page.locator("input[type=file][multiple]").set_input_files(str(log))
    page.wait_for_function(
        "Array.from(document.querySelector('.js-plotly-plot')?.data || []).some(t => t.legendgroup === 'mine')"
    )
    traces = chart_data(page)
    mine = [t for t in traces if t["name"].startswith("mine")]
    assert {t["yaxis"] for t in mine} == {"y", "y2"}  # logged LR on the LR panel, loss below
    assert [t["y"] for t in mine if t["yaxis"] == "y"] == [[0.0, 0.0005, 0.001, 0.0005]]
    assert [3.0, 2.5, 2.0, 1.8] in [t["y"] for t in mine if t["yaxis"] == "y2"]
    assert page.evaluate("document.querySelector('.js-plotly-plot').layout.yaxis2.title.text") == "loss"
    page.get_by_text("mine logged learning_rate matches at all 4 logged steps").wait_for()
    assert "Traceback" not in page.inner_text("body")


def test_compare_link_draws_both_and_editing_b_updates_the_address(server, page):
    page.goto(f"{server}/?max_steps=100&b.lr_scheduler_type=cosine&b.max_steps=100&example=false")
    page.wait_for_function(
        "Array.from(document.querySelector('.js-plotly-plot')?.data || []).some(t => t.name === 'B: cosine')"
    )
    traces = {t["name"]: t for t in chart_data(page)}
    cosine = ScheduleConfig(lr_scheduler_type="cosine", max_steps=100)
    assert traces["B: cosine"]["y"] == lr_schedule.full_table(cosine)[1]
    assert traces["A: linear"]["y"] == lr_schedule.full_table(ScheduleConfig(max_steps=100))[1]
    page.get_by_role("tab", name="B").click()
    field = page.get_by_role("textbox", name="learning_rate", exact=True)  # only the open tab's is visible
    field.fill("0.001")
    field.press("Enter")
    page.wait_for_url("**b.learning_rate=0.001**")
    assert "Traceback" not in page.inner_text("body")


def test_gallery_choose_adds_it_on_the_main_page_and_back_returns(server, page):
    page.goto(f"{server}/gallery?max_steps=500")
    settle(page)
    page.get_by_role("button", name="Compare cosine_with_restarts").click()
    page.wait_for_url("**b.lr_scheduler_type=cosine_with_restarts**")
    settle(page)
    # A is kept; the sidebar opens on the new schedule B, the gallery's type
    assert page.get_by_role("tab", name="B", exact=True).get_attribute("aria-selected") == "true"
    # the open tab's widgets are drawn just after the tab itself: wait for them, don't sample once
    expect(page.get_by_role("combobox", name="lr_scheduler_type")).to_have_value("cosine_with_restarts")
    data = chart_data(page)
    assert [trace["name"][:2] for trace in data[:2]] == ["A:", "B:"] and len(data[0]["x"]) == 500
    page.go_back()  # the gallery again
    page.wait_for_url("**/gallery**")
    settle(page)
    expect(page.get_by_role("textbox", name="max_steps", exact=True)).to_have_value("500")
    assert "Traceback" not in page.inner_text("body")


def test_back_and_forward_bring_earlier_settings_back(server, page):
    page.goto(f"{server}/?max_steps=100")
    assert len(chart_data(page)[0]["x"]) == 100
    field = page.get_by_role("textbox", name="max_steps", exact=True)
    field.fill("40")
    field.press("Enter")
    page.wait_for_url("**max_steps=40**")
    settle(page)
    page.go_back()
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.[0]?.x?.length === 100")
    settle(page)
    assert page.get_by_role("textbox", name="max_steps", exact=True).input_value() == "100"
    page.go_forward()
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.[0]?.x?.length === 40")
    settle(page)
    assert page.get_by_role("textbox", name="max_steps", exact=True).input_value() == "40"


def test_chinese_link(server, page):
    page.goto(f"{server}/?lang=zh&max_steps=50")
    page.get_by_text("由 transformers 本身计算").wait_for()
    assert chart_data(page)[0]["x"] == list(range(1, 51))
    assert page.get_by_role("link", name="一览").count() == 1  # the navigation is translated too


def test_a_fresh_server_opened_at_a_page_link(browser):
    # the first request of a new server, straight to /learn, runs pages/learn.py on its own
    with streamlit_server() as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/learn?lang=zh")
        page.get_by_text("学习：预热（warmup）").first.wait_for()
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3")
        assert page.get_by_role("radiogroup", name="语言").count() == 1
        assert page.get_by_role("link", name="一览").count() == 1  # app.py's navigation, translated
        assert "lang=zh" in page.url and "/learn" in page.url
        assert "error" not in page.inner_text("body").lower()
        context.close()


def test_playhead_plays_in_the_browser(server, page):
    page.goto(f"{server}/?max_steps=200&warmup_steps=20&example=false")
    chart_data(page)
    page.get_by_text("Playhead", exact=True).click()
    readout = "(() => { const a = document.querySelector('.js-plotly-plot')?.layout?.annotations; return a && a.length ? a[a.length - 1].text : ''; })()"
    page.wait_for_function(f"{readout}.startsWith('step 1 · warmup')")
    page.locator(".js-plotly-plot .updatemenu-button").first.click()  # Play
    page.wait_for_function(f"{readout}.startsWith('step 200 · decay')", timeout=30000)
    last = lr_schedule.build(ScheduleConfig(max_steps=200, warmup_steps=20)).lr(200)
    assert page.evaluate(readout).startswith(f"step 200 · decay · LR {last:.4g} · ")


def test_files_at_and_above_the_upload_limit(browser, tmp_path):
    # the limit is server.maxUploadSize (200 MB in .streamlit/config.toml); 1 MB here to keep it quick
    with streamlit_server("app.py", "--server.maxUploadSize", "1") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/?example=false")
        chart_data(page)
        at_limit = tmp_path / "at_limit.csv"
        rows = "".join(f"{s},{2 + (s % 7) / 10}\n" for s in range(1, 200_000))
        at_limit.write_text(("step,loss\n" + rows)[:999_000])  # just under 1 MB (10^6 bytes)
        at_limit.write_text(at_limit.read_text().rsplit("\n", 1)[0] + "\n")
        above = tmp_path / "above.csv"
        above.write_text("step,loss\n" + rows)
        assert at_limit.stat().st_size < 10**6 < 2**20 < above.stat().st_size
        uploader = page.locator("input[type=file][multiple]")
        uploader.set_input_files(str(above))
        page.get_by_text("must be 1.0MB or smaller", exact=False).first.wait_for()  # refused, with the reason
        uploader.set_input_files(str(at_limit))
        page.wait_for_function(
            "Array.from(document.querySelector('.js-plotly-plot')?.data || []).some(t => t.legendgroup === 'at_limit')"
        )
        assert "Traceback" not in page.inner_text("body")
        context.close()


def test_presentation_link_collapses_the_sidebar(server, page, browser):
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    other.goto(f"{server}/?max_steps=50")
    chart_data(other)
    assert other.evaluate("document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().width") > 200
    other.close()
    page.goto(f"{server}/?present=1&max_steps=50")
    assert chart_data(page)[0]["x"] == list(range(1, 51))
    page.wait_for_function(  # collapsed: the sidebar takes no width
        "document.querySelector('[data-testid=stSidebar]')?.getBoundingClientRect().width === 0"
    )
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"


# every text box plotly draws in the first chart: tick labels, controls and annotations
SLIDE_JS = """() => {
    const chart = document.querySelector('[data-testid=stPlotlyChart]');
    const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
    const ticks = Array.from(chart.querySelectorAll('.xtick text, .ytick text')).filter(e => e.textContent.trim());
    const others = Array.from(chart.querySelectorAll(
        '.annotation-text, .updatemenu-button, .slider-label, .slider-rail-rect, .g-xtitle text, .g-ytitle text'));
    return {
        chart: box(chart),
        ticks: ticks.map(e => ({...box(e), size: parseFloat(getComputedStyle(e).fontSize), fill: getComputedStyle(e).fill})),
        others: others.map(e => ({...box(e), text: e.textContent}))
    };
}"""


def _luminance(color):
    r, g, b = (int(v) / 255 for v in color[color.index("(") + 1 : color.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("link", ["", "&example=false", "&lr_scheduler_type=cosine_with_restarts&max_steps=20000"])
def test_presentation_fits_a_projector_in_chinese(server, browser, link):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server}/?lang=zh&present=1&playhead=1&warmup_steps=0.1{link}")
    chart_data(page)
    page.wait_for_function("document.querySelectorAll('[data-testid=stPlotlyChart] .slider-rail-rect').length > 0")
    slide = page.evaluate(SLIDE_JS)
    page.close()
    assert slide["chart"]["t"] >= 0 and slide["chart"]["b"] <= 720, slide["chart"]  # the whole chart on one screen
    assert slide["ticks"] and all(t["size"] >= 16 for t in slide["ticks"])
    assert all(_luminance(t["fill"]) < 0.2 for t in slide["ticks"])  # dark, not grey
    clashes = [(o["text"], t) for o in slide["others"] for t in slide["ticks"] if overlap(o, t)]
    assert clashes == []


def test_every_format_of_one_run_shows_the_same_metrics_and_the_loss_panel(server, browser, tmp_path, monkeypatch):
    import re

    from playwright.sync_api import expect

    from warmup_viz.logs import read_log

    from .test_metric_names import write_run

    files = write_run(tmp_path, monkeypatch)  # one real Trainer run, in every format
    state = files["trainer_state"][0]
    loss = read_log(state.read_bytes(), state.name).table.query("metric == 'loss'")["value"].tolist()
    seen = {}
    for fmt, paths in files.items():
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/?example=false&max_steps=6&warmup_steps=2&learning_rate=0.001")
        chart_data(page)
        uploader = page.locator("[data-testid=stFileUploader]", has_text="Upload training logs")
        uploader.locator("input[type=file]").set_input_files([str(p) for p in paths])
        expect(page.get_by_text(re.compile(r"\d values? of \d+ metrics?"))).to_have_count(len(paths), timeout=60000)
        tags = page.locator("[data-testid=stMultiSelect] [data-tag]")  # the metrics chosen: one, by default
        expect(tags).to_have_count(1)
        settle(page)  # the page is complete
        layout = page.evaluate("document.querySelector('.js-plotly-plot').layout")
        panels = [layout[k]["title"]["text"] for k in sorted(layout) if k.startswith("yaxis") and "title" in layout[k]]
        # the metric picker: every metric but the LR, chosen (tags) or offered (options)
        chosen = [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]
        picker = page.get_by_role("combobox", name="Metrics")
        picker.click()
        picker.press("ArrowDown")
        page.get_by_role("option").first.wait_for()
        offered = [o for o in page.get_by_role("option").all_inner_texts() if o != "Select all"]
        seen[fmt] = (panels, chosen, sorted(chosen + offered))
        picker.press("Escape")
        drawn = [t["y"] for t in chart_data(page) if t["name"].endswith(" · loss")]
        assert any(y == pytest.approx(loss, rel=1e-7) for y in drawn), fmt  # TensorBoard keeps float32
        assert "Traceback" not in page.inner_text("body")
        page.close()
    first = seen["trainer_state"]
    assert first[:2] == (["learning_rate", "loss"], ["loss"])  # the loss panel, by default
    assert {"loss", "grad_norm", "eval_loss"} <= set(first[2]) and not {"train_loss", "epoch"} & set(first[2])
    assert {fmt: shown for fmt, shown in seen.items() if shown != first} == {}


RADIOS_JS = """Array.from(document.querySelectorAll('[role=radiogroup]'))
    .map(g => [g.getAttribute('aria-label'), Array.from(g.querySelectorAll('input')).findIndex(e => e.checked)])"""


def test_a_language_switch_keeps_every_choice_shown(server, browser):
    """Switching the language by clicking it keeps every radio's choice on screen, and the link."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    link = "/?layout=overlay&x_axis=epoch&smoothing=0.3&b.lr_scheduler_type=cosine&diff=ratio&logging_convention=before_4.51"
    page.goto(server + link)
    chart_data(page)
    before = page.evaluate(RADIOS_JS)
    label = page.locator("[data-testid=stSidebar] [role=radiogroup]").first.locator("label").nth(1)
    box = label.bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)  # 中文, as a person clicks it
    page.wait_for_function("document.body.innerText.includes('语言')")  # the run in 中文 has begun
    settle(page)
    after = page.evaluate(RADIOS_JS)
    page.close()
    assert [i for _, i in after[1:]] == [i for _, i in before[1:]] and all(i >= 0 for _, i in after), (before, after)
    assert after[0][1] == 1  # 中文 chosen


def test_navigation_keeps_the_language_and_the_settings(server, page):
    page.goto(f"{server}/?lang=zh&warmup_steps=0.1&max_steps=300")
    chart_data(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="一览").click()
    page.wait_for_url("**/gallery?**lang=zh**")
    assert "max_steps=300" in page.url and "gallery.max_steps" in page.url
    assert "调度器一览" in page.inner_text("body")


def test_an_imported_axolotl_config_shows_its_tool_and_epochs_then_its_exact_chart(server, page):
    page.goto(f"{server}/?example=false")
    settle(page)
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Export and import").click()
    page.get_by_role("tab", name="Import").click()
    page.get_by_label("Settings to import").fill(
        "base_model: x\nlearning_rate: 2.0e-4\nnum_epochs: 2\nmicro_batch_size: 4\nwarmup_ratio: 0.05\n"
    )
    page.get_by_role("button", name="Import the pasted settings").click()
    page.wait_for_selector("text=enter dataset_size (the number of training examples)")
    settle(page, charts=0)
    # what the sidebar shows is what the page uses: axolotl, and steps from epochs (the radio moved too)
    assert page.get_by_role("radio", name="epochs × dataset").is_checked()
    assert page.get_by_role("combobox", name="tool", exact=True).input_value() == "axolotl"
    assert not page.locator('[data-testid="stPlotlyChart"]').count()  # nothing stale meanwhile
    field = page.get_by_role("textbox", name="dataset_size", exact=True)
    field.fill("1001")
    field.press("Enter")
    # axolotl's count: ceil(1001 × 2 / 4) = 501 steps, its warmup int(0.05 × 501) = 25
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.[0]?.x?.at(-1) === 501")
    config = ScheduleConfig(
        tool="axolotl", learning_rate=2e-4, lr_scheduler_type="cosine", warmup_steps=0.05, max_steps=-1,
        dataset_size=1001, num_train_epochs=2, per_device_train_batch_size=4,
    )  # fmt: skip
    assert config.num_warmup_steps == 25
    curve = lr_schedule.display_curve(config)
    assert chart_data(page)[0]["y"] == list(curve.lrs)
    page.wait_for_url("**tool=axolotl**")  # and the link carries the tool


def test_a_link_with_axolotls_jagged_restarts_draws_every_dip_exactly(server, page):
    # 20,000 steps, a restart every 1,000: each dip is one update deep, drawn at its lowest
    args = '{"jagged_restart_steps":1000,"cosine_min_lr_ratio":0.1}'
    page.goto(
        f"{server}/?tool=axolotl&lr_scheduler_type=cosine&learning_rate=0.0002&warmup_steps=100"
        f"&max_steps=20000&tool_args={args}&example=false"
    )
    config = ScheduleConfig(
        tool="axolotl", lr_scheduler_type="cosine", learning_rate=2e-4, warmup_steps=100, max_steps=20000,
        tool_args={"jagged_restart_steps": 1000, "cosine_min_lr_ratio": 0.1},
    )  # fmt: skip
    curve = lr_schedule.display_curve(config)
    data = chart_data(page)
    assert data[0]["x"] == list(curve.steps) and data[0]["y"] == list(curve.lrs)
    drawn = dict(zip(data[0]["x"], data[0]["y"], strict=True))
    built = lr_schedule.build(config)
    assert all(drawn[1000 * j] == built.lr(1000 * j) for j in range(1, 20))
    # the sidebar shows axolotl's own arguments by its names, and says it builds its own scheduler
    assert page.get_by_role("textbox", name="jagged_restart_steps", exact=True).input_value() == "1000"
    assert "axolotl builds its own scheduler from these arguments" in page.inner_text("body")


def test_an_accelerate_loop_link_draws_each_update_and_each_lora_plus_group(server, page):
    page.goto(
        f"{server}/?learning_rate=0.0002&warmup_steps=100&max_steps=1000&lr_scheduler_type=cosine"
        "&loop=accelerate&num_processes=2&loraplus_lr_ratio=16&example=false"
    )
    from warmup_viz import run_kind
    from warmup_viz.run import curve

    config = ScheduleConfig(learning_rate=2e-4, warmup_steps=100, max_steps=1000, lr_scheduler_type="cosine")
    kind = run_kind.from_params({"loop": "accelerate", "num_processes": "2", "loraplus_lr_ratio": "16"})
    drawn = curve(kind.logged_run(config))
    data = chart_data(page)
    assert data[0]["x"] == list(drawn.steps) and data[0]["y"] == list(drawn.lrs)
    by_name = {d["name"]: d for d in data}
    group_b = curve(kind.group_runs(config)["groupB"])
    assert by_name["groupB"]["y"] == list(group_b.lrs)
    body = page.inner_text("body")
    assert "is over at update 50, not 100" in body and "Trainer logs the first param group's LR (groupA" in body
