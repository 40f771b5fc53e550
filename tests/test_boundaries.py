"""The layers stay apart, and user input never reaches eval, exec or pickle."""

import ast
import pathlib

import warmup_viz

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "warmup_viz"
SOURCES = [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts and "tests" not in p.parts]


def imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_only_ui_imports_streamlit():
    offenders = [p for p in LIBRARY.rglob("*.py") if "streamlit" in set(imports(p)) and "ui" not in p.parts]
    assert offenders == []


def test_only_schedule_and_registry_import_torch_or_transformers():
    allowed = {"schedule.py", "registry.py"}
    offenders = [
        p.name for p in LIBRARY.rglob("*.py") if {"torch", "transformers"} & set(imports(p)) and p.name not in allowed
    ]
    assert offenders == []


def test_library_does_not_import_ui_or_cli():
    for p in LIBRARY.glob("*.py"):
        if p.name in ("cli.py", "__main__.py"):
            continue
        text = p.read_text()
        assert "from .ui" not in text and "warmup_viz.ui" not in text and "from .cli" not in text, p


def test_no_eval_exec_or_pickle_anywhere():
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile"), f"{path}: {node.func.id}"
            if isinstance(node, ast.Attribute):
                assert not (node.attr in ("load", "loads") and getattr(node.value, "id", "") in ("pickle", "yaml")), (
                    path
                )
        assert "unsafe_allow_html=True" not in path.read_text(), path


def test_exported_names():
    assert set(warmup_viz.__all__) == {
        "ScheduleConfig",
        "ConfigError",
        "from_mapping",
        "build",
        "full_table",
        "display_curve",
        "summarize",
    }
