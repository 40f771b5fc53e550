"""A teacher's page in 中文, as a browser shows it: no English prose left (names may stay)."""

import pathlib
import re

import pytest

from warmup_viz import registry
from warmup_viz.config import FIELD_NAMES

from .browser import chart_data, chromium, settle, streamlit_server

pytestmark = pytest.mark.browser
ROOT = pathlib.Path(__file__).resolve().parents[1]
# two real Trainer logs: the example run (trained with the first visit's settings: it matches A)
# and a real transformers 4.50 run (other settings, the old logging convention: it does not)
LOGS = [ROOT / "examples" / "trainer_state.json", ROOT / "tests" / "data" / "transformers-4.50-linear.json"]
LINK = "/?lang=zh&warmup_steps=0.1&b.lr_scheduler_type=cosine&b.warmup_steps=0.1&playhead=1"

# words that are names, the same in every language: settings, scheduler types and kwargs, metric
# and file-format names, products, math, run names, and Streamlit's own uploader chrome
NAMES = {
    *FIELD_NAMES,
    *registry.scheduler_names(),
    *(k.name for n in registry.scheduler_names() for k in registry.info(n).kwargs),
    *"loss grad_norm eval_loss eval_runtime eval_samples_per_second eval_steps_per_second epoch".split(),
    *"trainer_state json jsonl csv tsv tensorboard parquet yaml yml png svg txt gz".split(),
    *"Trainer TrainingArguments SFTConfig transformers DeepSpeed TensorBoard TRL PyTorch torch Adam".split(),
    *"AdamW get_scheduler LambdaLR lr_lambdas Hugging Face W&B GPT axolotl LLaMA Factory LLaMA-Factory".split(),
    *"ceil int lambda cos max min log sqrt example linear".split(),
    *"Drag and drop files here Limit 200MB per file Browse".split(),  # st.file_uploader's chrome
    *"Skip to main content add icon".split(),  # Streamlit's skip link and Material icon ligatures
    *"English JSON Lines gzip warmup-viz".split(),  # a language's own name, formats, this tool
    *(p.stem for p in LOGS),
    *(p.name for p in LOGS),
}
CHART_TEXT_JS = """Array.from(document.querySelectorAll('[data-testid=stPlotlyChart] svg text'))
    .map(e => e.textContent).join('\\n')"""


def english_words(text):
    names = {n.lower() for n in NAMES}
    text = re.sub(r"[\w./-]+\.(py|json)\b", " ", text)  # file paths are names
    uploaded = [p.name for p in LOGS]
    # the uploader's file chips cut long names short ("transf…"): a cut-off uploaded name is a name
    text = " ".join(
        w for w in text.split() if not (len(w) >= 5 and any(u.startswith(w.rstrip(".…")) for u in uploaded))
    )
    words = re.findall(r"[A-Za-z][A-Za-z_\\-]*[A-Za-z]", text)
    return sorted({w for w in words if w.lower() not in names and len(w) > 2 and "_" not in w})


def test_a_chinese_page_with_two_schedules_the_playhead_and_two_logs_has_no_english_prose():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + LINK)
        chart_data(page)
        uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="上传训练日志")
        uploader.locator("input[type=file]").set_input_files([str(p) for p in LOGS])
        page.wait_for_function(
            "Array.from(document.querySelector('.js-plotly-plot')?.data || [])"
            ".some(t => (t.legendgroup || '').startsWith('transformers-4.50'))",
            timeout=60_000,
        )
        settle(page)  # every verdict and chart of that run drawn
        body = page.inner_text("body")
        charts = page.evaluate(CHART_TEXT_JS)
        page.close()
    assert "全部" in body and "从第" in body  # one verdict matches, the other does not, in 中文
    assert "上传训练日志" in body  # still 中文 after the upload
    assert english_words(body) == [], " ".join(english_words(body))
    assert english_words(charts) == [], " ".join(english_words(charts))
