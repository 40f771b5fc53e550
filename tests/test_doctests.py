"""Every example in a library docstring runs and shows what it says: a doctest that never runs is
a comment that can lie."""

import doctest
import importlib
import pathlib

import pytest

LIBRARY = pathlib.Path(__file__).resolve().parents[1] / "warmup_viz"


def with_examples() -> list[str]:
    """The library modules whose source holds an example (`>>>`), as dotted names; found by
    reading the files, so only these are imported."""
    modules = []
    for path in sorted(LIBRARY.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_modules_with_examples_are_found():
    assert "warmup_viz.logs.names" in with_examples()  # metric_name's examples, in a subpackage


@pytest.mark.parametrize("name", with_examples())
def test_docstring_examples(name):
    results = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted > 0, f"{name} holds '>>>' that doctest does not run (not in a docstring?)"
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} fail (shown above)"
