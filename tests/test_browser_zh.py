"""A teacher's pages in 中文, as a browser shows them: no English prose left (names may stay),
in what the pages write, what plotly and Streamlit write themselves (the chart toolbar's
tooltips, the hover, the uploaders), and in what appears on hovering or dragging."""

import pathlib
import re

import pytest

from warmup_viz import registry, run_kind, tools
from warmup_viz.config import FIELD_NAMES

from .browser import TIMEOUT_MS, chart_data, settle

pytestmark = pytest.mark.browser
ROOT = pathlib.Path(__file__).resolve().parents[1]
# two real Trainer logs: the example run (trained with the first visit's settings: it matches A)
# and a real transformers 4.50 run (other settings, the old logging convention: it does not)
LOGS = [ROOT / "examples" / "trainer_state.json", ROOT / "tests" / "data" / "transformers-4.50-linear.json"]
LINK = "/?lang=zh&warmup_steps=0.1&b.lr_scheduler_type=cosine&b.warmup_steps=0.1&playhead=1"

# words that are names, the same in every language: settings, scheduler types and kwargs, metric
# and file-format names, products, math, run names
NAMES = {
    *FIELD_NAMES,
    *tools.NAMES,  # the tools people train with (llamafactory, ms-swift, TRL's configs)
    *run_kind.KEYS,  # a loop's and param groups' settings (accelerate's, PEFT's names)
    *registry.scheduler_names(),
    *(k.name for n in registry.scheduler_names() for k in registry.info(n).kwargs),
    *"loss grad_norm eval_loss eval_runtime eval_samples_per_second eval_steps_per_second epoch".split(),
    *"trainer_state json jsonl csv tsv tensorboard parquet yaml yml png svg txt gz".split(),
    *"Trainer TrainingArguments SFTConfig transformers DeepSpeed TensorBoard TRL PyTorch torch Adam Python".split(),
    *"AdamW get_scheduler LambdaLR lr_lambdas Hugging Face W&B GPT axolotl LLaMA Factory LLaMA-Factory".split(),
    *"ceil int lambda cos max min log sqrt example linear".split(),
    *"English JSON Lines gzip warmup-viz".split(),  # a language's own name, formats, this tool
    *"pandas pgfplots".split(),  # the tools a table is read with
    "WSD",  # warmup_stable_decay's own short name
    *(p.stem for p in LOGS),
    *(p.name for p in LOGS),
}

# What a person reads: every text node that is drawn (not hidden, not zero-sized type, not a
# Material icon's ligature, which draws a glyph, nor screen-reader-only text; code is code in
# every language), every word CSS
# writes (::before/::after, as plotly's tooltips and our uploader words are written), and every
# title attribute (a browser's own tooltip).
READ_JS = """() => {
    const drawn = el => {
        if (!el || el.getClientRects().length === 0) return false;
        if (el.closest('[data-testid=stIconMaterial], style, script, noscript, template, pre, code')) return false;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || parseFloat(style.fontSize) === 0) return false;
        const box = el.getBoundingClientRect();
        return box.width > 1 || box.height > 1;
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent.trim() && drawn(node.parentElement)) out.push(node.textContent);
    }
    for (const el of document.body.querySelectorAll('*')) {
        if (el.getClientRects().length === 0) continue;
        for (const pseudo of ['::before', '::after']) {
            const content = getComputedStyle(el, pseudo).content;
            if (content && content.startsWith('"') && content.length > 2) out.push(JSON.parse(content));
        }
        if (el.getAttribute('title')) out.push(el.getAttribute('title'));
    }
    return out.join('\\n');
}"""
# a file dragged over every uploader: Streamlit shows its drop notice while it is
DRAG_JS = """(type) => {
    for (const zone of document.querySelectorAll('[data-testid=stFileUploaderDropzone]')) {
        const files = new DataTransfer();
        files.items.add(new File(['{}'], 'a.json', {type: 'application/json'}));
        zone.dispatchEvent(new DragEvent(type, {dataTransfer: files, bubbles: true}));
    }
}"""
HOVER_JS = """() => {  // where step 500 of the first chart's first line is drawn, in the page's pixels
    const plot = document.querySelector('.js-plotly-plot'), layout = plot._fullLayout;
    const trace = plot._fullData[0], i = Array.from(trace.x).indexOf(500);
    const box = plot.getBoundingClientRect();
    return {x: box.left + layout.xaxis._offset + layout.xaxis.l2p(trace.x[i]),
            y: box.top + layout.yaxis._offset + layout.yaxis.l2p(trace.y[i])};
}"""


def english_words(text):
    names = {n.lower() for n in NAMES}
    text = text.replace("\u200b", "")  # a name may wrap at its underscores (warmup_\u200bstable_\u200bdecay)
    text = re.sub(r"[\w./-]+\.(py|json)\b", " ", text)  # file paths are names
    uploaded = [p.name for p in LOGS]
    # the uploader's file chips cut long names short ("transf…"): a cut-off uploaded name is a name
    text = " ".join(
        w for w in text.split() if not (len(w) >= 5 and any(u.startswith(w.rstrip(".…")) for u in uploaded))
    )
    words = re.findall(r"[A-Za-z][A-Za-z_\\-]*[A-Za-z]", text)
    return sorted({w for w in words if w.lower() not in names and len(w) > 2 and "_" not in w})


def read(page) -> str:
    return page.evaluate(READ_JS)


def dragged(page) -> str:
    """What the page reads while a file is dragged over its uploaders."""
    page.evaluate(DRAG_JS, "dragenter")
    page.wait_for_function("document.querySelector('[data-testid=stFileUploaderDropzone] > div > span')")
    text = read(page)
    page.evaluate(DRAG_JS, "dragleave")
    return text


def hovered(page) -> str:
    """The first chart's hover box at step 500 of its first line."""
    point = page.evaluate(HOVER_JS)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", timeout=TIMEOUT_MS)
    return page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot .hoverlayer text'), e => e.textContent).join('\\n')"
    )


def open_expander(page, label: str, inside: str) -> None:
    page.get_by_text(label, exact=True).click()
    page.locator(f"[data-testid=stExpander]:has-text('{label}') {inside}").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def test_the_schedule_page_in_chinese_with_two_schedules_two_logs_the_share_box_and_export_has_no_english(server, page):
    page.goto(server + LINK)
    chart_data(page)
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="上传训练日志")
    before = read(page)
    assert "上传" in before and "每个文件不超过 200MB" in before  # the uploader's own words, before a file
    assert "将文件拖放到此处" in dragged(page)
    uploader.locator("input[type=file]").set_input_files([str(p) for p in LOGS])
    page.wait_for_function(
        "Array.from(document.querySelector('.js-plotly-plot')?.data || [])"
        ".some(t => (t.legendgroup || '').startsWith('transformers-4.50'))",
        timeout=TIMEOUT_MS,
    )
    settle(page)  # every verdict and chart of that run drawn
    texts = {"page": read(page), "hover": hovered(page)}
    open_expander(page, "分享此视图", "[data-testid=stCode]")
    texts["share"] = read(page)
    open_expander(page, "导出与导入", "[data-testid=stTabs]")
    # each tab is drawn when opened (a fragment run): wait for what it draws
    drawn = {"下载": "stDownloadButton", "代码": "stCode", "导入": "stFileUploader"}
    for tab, testid in drawn.items():
        page.get_by_role("tab", name=tab).click()
        page.locator(f"[data-testid=stExpander] [role=tabpanel]:visible [data-testid={testid}]").first.wait_for(
            timeout=TIMEOUT_MS
        )
        settle(page)
        texts[tab] = read(page)
    texts["dragged"] = dragged(page)  # both uploaders, the settings import's too
    body = "\n".join(texts.values())
    assert "全部" in body and "从第" in body  # one verdict matches, the other does not, in 中文
    assert "第 500 步" in texts["hover"] and "learning_rate" in texts["hover"]
    assert "下载图表（PNG）" in body and "全屏" in body and "平移" in body  # the toolbar's tooltips
    assert "每个文件不超过 200MB • JSON, YAML, YML, TXT, PY, SH" in texts["导入"]
    for where, text in texts.items():
        assert english_words(text) == [], f"{where}: {' '.join(english_words(text))}"


@pytest.mark.parametrize("path", ["/gallery?lang=zh", "/learn?lang=zh"])
def test_the_gallery_and_the_lesson_in_chinese_have_no_english(server, page, path):
    page.goto(server + path)
    settle(page)
    text = read(page)
    assert "学习预热" in text  # the navigation, in 中文
    assert english_words(text) == [], " ".join(english_words(text))
    if "learn" in path:
        assert "下载图表（PNG）" in text and "3e-05" in text and "2.9999999999999997e-05" not in text


def test_the_uploaders_words_follow_a_language_switch(server, page):
    page.goto(server + "/")
    chart_data(page)
    assert "Upload" in read(page) and "上传" not in read(page)
    page.get_by_text("中文", exact=True).click()
    page.get_by_text("上传训练日志").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    text = read(page)
    assert "每个文件不超过 200MB" in text and "200MB per file" not in text
    page.get_by_text("English", exact=True).click()
    page.get_by_text("Upload training logs").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    text = read(page)
    assert "200MB per file" in text and "每个文件不超过" not in text


def test_the_reading_sees_english_where_a_person_does():
    """The check can fail: English prose is found, names are not."""
    assert english_words("Download plot as a PNG · learning_rate 第 5 步") == ["Download", "plot"]
