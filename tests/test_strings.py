"""The string catalogue: both languages complete, and no page text that bypasses it."""

import ast
import pathlib
import string

import pytest

from warmup_viz.ui.strings import CATALOGUE, EN, ZH

ROOT = pathlib.Path(__file__).resolve().parents[1]
UI_FILES = sorted([*(ROOT / "warmup_viz" / "ui").glob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")])
# Streamlit calls whose first argument (or help=, placeholder=) is text a person reads (st.latex is
# math, the same in every language; a snake_case setting name is the same in every language too)
SHOWN = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
    "success", "button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider",
    "text_input", "text_area", "number_input", "file_uploader", "download_button", "metric", "expander",
    "pills", "segmented_control", "link_button", "page_link", "spinner", "tabs", "popover",
}  # fmt: skip
TEXT_KEYWORDS = ("help", "placeholder", "label")


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_placeholders():
    assert set(EN) == set(ZH), f"missing in zh: {set(EN) - set(ZH)}; missing in en: {set(ZH) - set(EN)}"
    for key in EN:
        assert fields(EN[key]) == fields(ZH[key]), key
        assert ZH[key].strip(), key


def test_chinese_is_chinese_where_english_is_prose():
    for key, text in EN.items():
        prose = [w for w in text.split() if w.isalpha() and len(w) > 2]  # not setting names, not symbols
        if len(prose) > 2:
            assert any("\u4e00" <= c <= "\u9fff" for c in ZH[key]), key


def literal_text(node):
    """True when `node` is text written in the code: a string literal or an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if node.value.isidentifier() and "_" in node.value:
            return False  # a setting name (max_steps): the same in every language
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(c.isalpha() for c in v.value) for v in node.values)
    if isinstance(node, ast.BinOp):
        return literal_text(node.left) or literal_text(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(literal_text(e) for e in node.elts)
    return False


def bypasses(path):
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in SHOWN:
            continue
        texts = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        found += [f"{path.name}:{node.lineno} {node.func.attr}" for arg in texts if literal_text(arg)]
    return found


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_no_page_text_bypasses_the_catalogue(path):
    assert bypasses(path) == []


def test_the_bypass_check_catches_literals():
    sample = ROOT / "tests" / "_bypass_sample.py"
    sample.write_text(
        'st.button("Save")\nst.caption(f"{n} rows")\nst.info(t("ok"), help="Why")\nst.title(t("x"))\n'
        'st.text_input("max_steps")\n'
    )
    try:
        assert [b.split()[1] for b in bypasses(sample)] == ["button", "caption", "info"]
    finally:
        sample.unlink()


def test_every_language_a_link_or_the_sidebar_offers_has_a_catalogue():
    from warmup_viz.ui import page_link
    from warmup_viz.ui.strings import DEFAULT_LANGUAGE, LANGUAGES

    assert set(CATALOGUE) == set(LANGUAGES) and DEFAULT_LANGUAGE in CATALOGUE
    for lang in CATALOGUE:  # a link opens on each language with a catalogue
        _, page, warnings = page_link.decode({"lang": lang})
        assert page.lang == lang and warnings == []
    _, page, warnings = page_link.decode({"lang": "fr"})  # and on none without one
    assert page.lang == DEFAULT_LANGUAGE and [w.key for w in warnings] == ["link.bad"] and "fr" in str(warnings[0])


def test_every_library_message_has_a_translation():
    """Everything the library says by key (notes, verdicts, setting errors, ...) is in both languages."""
    from warmup_viz.messages import ENGLISH

    for key, text in ENGLISH.items():
        assert EN[key] == text, key
        assert fields(ZH[key]) == fields(text), key


def test_the_catalogue_has_every_library_message_whatever_was_imported_first():
    """In a fresh interpreter that imports the catalogue and nothing else first, every key any
    library module registers (all of them imported afterwards) is in both languages."""
    from .test_words import registered

    found = registered("from warmup_viz.ui import strings\nreport = {'en': strings.EN, 'zh': strings.ZH}")
    english, en, zh = found["all"], found["report"]["en"], found["report"]["zh"]
    assert english and set(english) - set(en) == set() and set(english) - set(zh) == set()
    for key, text in english.items():
        assert en[key] == text and fields(zh[key]) == fields(text), key


def test_every_scheduler_type_and_kwarg_has_both_languages():
    """Our own words for every type and kwarg of the installed transformers (its record's keys);
    the failure names what is missing."""
    from warmup_viz import registry, scheduler_types

    missing = []
    for name in registry.scheduler_names():
        record = scheduler_types.of(name)
        keys = [record.text_key] + [record.kwarg_text_key(spec.name) for spec in registry.info(name).kwargs]
        missing += [key for key in keys if key not in EN or key not in ZH]
    assert missing == []


def test_library_text_reaches_the_page_only_through_the_catalogue():
    """Page code says a library message with say() (its key in the page's language), never by
    showing an error's or a verdict's English text itself."""
    offenders = []
    for path in UI_FILES:
        if path.name == "strings.py":
            continue  # say() itself, and its fallback for a message without a key
        tree = ast.parse(path.read_text())
        said = {
            id(a)
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "say"
            for a in n.args
        }
        for node in ast.walk(tree):
            if id(node) in said:
                continue
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str" and node.args:
                if isinstance(node.args[0], ast.Name) and node.args[0].id in ("e", "error", "exc", "note", "verdict"):
                    offenders.append(f"{path.name}:{node.lineno} str({node.args[0].id})")
            if isinstance(node, ast.Attribute) and node.attr in ("message", "cause", "reason"):
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []
