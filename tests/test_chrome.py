"""Plotly's and Streamlit's own words in the page's language: one chart config for every chart on
every page, the uploader's words; checked against the plotly.js and Streamlit 1.67 that write them."""

import json
import pathlib
import re

import pytest
import streamlit

from warmup_viz.ui import chrome, strings

from .test_app import app
from .test_app_pages import page

STATIC = pathlib.Path(streamlit.__file__).parent / "static" / "static" / "js"
PAGES = [None, "pages/gallery.py", "pages/learn.py"]  # the schedule page, then the others


def bundle(name: str) -> str:
    (path,) = STATIC.glob(f"{name}.*.js")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def zh(monkeypatch):
    for module in (strings, chrome):
        monkeypatch.setattr(module, "language", lambda: "zh")


@pytest.mark.parametrize("path", PAGES, ids=["schedule", "gallery", "learn"])
def test_every_chart_on_every_page_speaks_the_pages_language(path):
    at = page(path, lang="zh") if path else app(lang="zh")
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert configs and not at.exception
    for config in configs:
        assert config["locale"] == "zh-CN" and config["displaylogo"] is False
        assert config["locales"]["zh-CN"]["dictionary"]["Download plot as a PNG"] == "下载图表（PNG）"
        assert config["locales"]["zh-CN"]["format"]["months"][0] == "1月"
    english = page(path, lang="en") if path else app()
    for chart in english.get("plotly_chart"):
        config = json.loads(chart.proto.config)
        assert config["locale"] == "en-US" and "locales" not in config  # plotly's own English


def test_the_schedule_pages_chart_keeps_its_own_options_beside_the_shared_ones():
    at = app(lang="zh")
    config = json.loads(at.get("plotly_chart")[-1].proto.config)
    assert config["toImageButtonOptions"]["filename"].startswith("learning_rate_") and config["locale"] == "zh-CN"


def test_every_word_we_give_plotly_is_one_it_asks_for():
    """The dictionary's keys are the English plotly.js (as Streamlit ships it) passes to its
    localize function `_(gd, text)`: a key it never asks for would leave its word in English."""
    code = bundle("PlotlyChart")
    asked = set(re.findall(r"\b(?:\w{1,2}|\w\._)\(\w,`([^`]+)`\)", code))
    assert {"Zoom", "Pan", "Autoscale", "Reset axes", "Download plot as a PNG"} <= asked  # the reading works
    assert set(chrome.PLOTLY_WORDS) <= asked
    # a 2D chart's toolbar: every button plotly shows on ours has its word
    toolbar = {"Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale", "Reset axes", "Download plot as a PNG"}
    assert toolbar <= set(chrome.PLOTLY_WORDS)
    # the format's names are plotly's own format keys (its English locale's)
    english = re.search(r"name:`en`,dictionary:\{[^}]*\},format:\{(.*?)\}\}", code).group(1)
    assert set(chrome.plotly_format()) - {"grouping"} <= set(re.findall(r"(\w+):", english))


def test_the_english_we_write_over_is_what_streamlit_writes():
    """Streamlit's chart button titles and its uploader's words, read from its own code: if a new
    Streamlit words them otherwise, our CSS would miss them and this says so."""
    assert "`Close fullscreen`:`Fullscreen`" in bundle("PlotlyChart")
    uploader = bundle("FileUploader")
    assert "`Drag and drop files here`" in uploader and "label:l?`Upload directories`:`Upload`" in uploader
    assert "} per file`" in uploader and "stFileUploaderDropzoneInstructions" in uploader
    assert strings.EN["streamlit.upload"] == "Upload"
    assert strings.EN["streamlit.drop_files"] == "Drag and drop files here"
    assert strings.EN["streamlit.upload_limit"] == "{size} per file"
    assert {strings.EN[k] for k in chrome.STREAMLIT_CHART_BUTTONS.values()} == set(chrome.STREAMLIT_CHART_BUTTONS)


def test_chart_config_options_go_on_top_and_english_adds_no_locale(monkeypatch):
    monkeypatch.setattr(chrome, "language", lambda: "en")
    assert chrome.chart_config(displayModeBar=False) == {
        "displaylogo": False,
        "locale": "en-US",
        "displayModeBar": False,
    }
    assert chrome.uploader_rules("log_files") == []


def test_the_uploaders_words_in_chinese_name_its_limit_and_types(zh):
    css = "\n".join(chrome.uploader_rules("import_file", ["json", "yaml"]))
    assert ".st-key-import_file [data-testid=stFileUploaderDropzone]" in css
    assert 'content: "上传"' in css and 'content: "将文件拖放到此处"' in css
    assert f'content: "每个文件不超过 {streamlit.get_option("server.maxUploadSize")}MB • JSON, YAML"' in css


def test_words_in_css_are_quoted_as_css_strings():
    assert chrome._quoted('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


def test_every_uploader_is_registered_for_its_words():
    """Each `st.file_uploader` is keyed by a name its module registers with `chrome.uploader`, so
    the page's stylesheet writes its words (a fragment's uploader included)."""
    found = 0
    for path in (pathlib.Path(chrome.__file__).parent).glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for key in re.findall(r"file_uploader\((?:[^()]|\([^()]*\))*?key=(\w+)", source):
            found += 1
            assert re.search(rf"^{key} = chrome\.uploader\(", source, flags=re.M), f"{path.name}: {key}"
    assert found == len(chrome._UPLOADERS) == 2


def test_one_stylesheet_writes_the_toolbar_and_every_uploader(zh):
    from warmup_viz.ui import exchange, uploads  # registering their uploaders

    rules = "\n".join(chrome._toolbar_rules() + chrome.uploader_rules(uploads.LOG_FILES))
    assert 'content: "全屏"' in rules and ".st-key-log_files " in rules
    assert chrome._UPLOADERS[exchange.IMPORT_FILE] == exchange.IMPORT_TYPES
