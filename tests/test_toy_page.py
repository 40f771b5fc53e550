"""A newcomer adds a page by its script, its ui module and its words only.

The fixture drops a `toy.py` script beside the real pages (in a copy of pages/), provides its ui
module and its words in both languages, and touches nothing else: the app finds the page, gives it
a title and icon from its words, keeps its settings in a link under its name, and opens it in
English and Chinese.
"""

import shutil
import sys
import types

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from warmup_viz.ui import page_link, pages
from warmup_viz.ui.strings import EN, ZH, t

from .test_app import APP

SCRIPT = '''"""A toy page."""

from warmup_viz.ui import setup
from warmup_viz.ui.toy import render_toy_page

setup("toy")
render_toy_page()
'''
WORDS = {
    "nav.toy": ("Toy", "玩具"),
    "nav.toy_icon": ("🧸", "🧸"),
    "toy.title": ("A toy page", "一个玩具页面"),
    "toy.speed": ("speed from the link: {speed}", "链接里的速度：{speed}"),
}


def render_toy_page() -> None:
    st.title(t("toy.title"))
    st.caption(t("toy.speed", speed=pages.linked_value("toy.speed", "—", str)))  # as the lesson reads its own


@pytest.fixture
def toy(tmp_path, monkeypatch):
    folder = tmp_path / "pages"
    shutil.copytree(pages.PAGES, folder)
    (folder / "toy.py").write_text(SCRIPT)
    module = types.ModuleType("warmup_viz.ui.toy")
    module.render_toy_page = render_toy_page
    monkeypatch.setitem(sys.modules, "warmup_viz.ui.toy", module)
    monkeypatch.setattr(pages, "PAGES", folder)
    for key, (en, zh) in WORDS.items():
        monkeypatch.setitem(EN, key, en)
        monkeypatch.setitem(ZH, key, zh)
    return folder / "toy.py"


def test_the_app_finds_the_page_and_its_link_prefix(toy):
    assert toy in pages.page_scripts() and "toy." in pages.link_prefixes()
    link, page, warnings = page_link.decode({"max_steps": "200", "toy.speed": "3"}, pages.link_prefixes())
    assert warnings == [] and page.others == {"toy.speed": "3"}
    assert page_link.encode(link, page)["toy.speed"] == "3"  # the link keeps it for the page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_opens_in_both_languages(toy, lang):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["toy.speed"] = "3"
    at.run()
    at.switch_page(str(toy))
    at.run()
    assert not at.exception and not at.error
    words = {key: value[0 if lang == "en" else 1] for key, value in WORDS.items()}
    assert [e.value for e in at.title] == [words["toy.title"]]
    assert words["toy.speed"].format(speed="3") in [c.value for c in at.caption]
