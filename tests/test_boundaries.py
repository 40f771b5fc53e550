"""The layers stay apart, and user input never reaches eval, exec or pickle."""

import ast
import importlib
import pathlib
import subprocess
import sys
import textwrap
import tomllib

import pytest

import warmup_viz
from warmup_viz import cli

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
    # resume reads scheduler.pt (torch.load, weights_only=True); ds_schedule steps DeepSpeed's
    # schedulers, which need a real torch optimizer; tools reads TrainingArguments' (and TRL's) defaults
    # callback is a TrainerCallback (a subclass of transformers'), imported only by who trains with it
    allowed = {"lr_schedule.py", "registry.py", "resume.py", "ds_schedule.py", "tools.py", "callback.py"}
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
        "schedule",
        "compare",
        "read_log",
        "check",
        "infer",
        "Schedule",
        "Comparison",
        "ScheduleCheck",
        "InputError",
        "UsageError",
        "ScheduleConfig",
        "ConfigError",
        "from_mapping",
        "build",
        "full_table",
        "display_curve",
        "summarize",
    }


# -- the README's architecture, as a test -------------------------------------------------------

# the package's own entry points sit above everything: __main__ runs the CLI, __init__ re-exports lazily
_ABOVE_ALL = ("__main__", "__init__")


def architecture() -> dict[str, int]:
    """The README's architecture list: each `warmup_viz/` entry (`cli`, `logs`, `ui`, ...) -> its
    position, 0 at the top."""
    block = (ROOT / "README.md").read_text().split("## Architecture", 1)[1].split("```")[1]
    entries = [line.split()[0] for line in block.splitlines() if line.startswith("warmup_viz/")]
    return {e.removeprefix("warmup_viz/").rstrip("/").removesuffix(".py"): i for i, e in enumerate(entries)}


def _entry(module: str) -> str:
    """The architecture entry of a dotted module name: `warmup_viz.logs.series` -> `logs`."""
    parts = module.split(".")[1:]
    return parts[0] if parts else "__init__"


def _is_module(parts: list[str]) -> bool:
    path = ROOT.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def internal_imports(path: pathlib.Path):
    """Every `warmup_viz` module that `path` imports, anywhere in it (inside functions too),
    relative or absolute, as dotted names."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    package = parts[:-1]  # a module's package; for __init__.py, the package itself
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "warmup_viz")
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = base + (node.module.split(".") if node.module else [])
            if module[:1] != ["warmup_viz"]:
                continue
            for alias in node.names:  # `from . import registry` imports a module; `from .config import X` one name
                yield ".".join(module + [alias.name] if _is_module(module + [alias.name]) else module)


def test_readme_lists_every_module():
    listed = set(architecture())
    modules = {_entry(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in LIBRARY.rglob("*.py")}
    assert modules - listed - set(_ABOVE_ALL) == set(), "add these modules to the README's architecture list"
    assert listed - modules == set(), "the README lists modules that do not exist"


def test_imports_point_down_the_readme_list():
    rank = {**architecture(), **dict.fromkeys(_ABOVE_ALL, -1)}
    upward = []
    for path in LIBRARY.rglob("*.py"):
        here = _entry(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in internal_imports(path):
            there = _entry(module)
            if there != here and rank[there] <= rank[here]:
                upward.append(f"{path.relative_to(ROOT)} imports {module} ({there} is not below {here})")
    assert upward == []


def test_the_import_graph_reader_sees_lazy_and_relative_imports():
    seen = set(internal_imports(LIBRARY / "cli.py"))
    assert {"warmup_viz.export", "warmup_viz.errors", "warmup_viz.logs", "warmup_viz.simulate"} <= seen
    assert "warmup_viz.errors" in set(internal_imports(LIBRARY / "logs" / "series.py"))


# -- pay only for what you use ------------------------------------------------------------------

HEAVY = ("torch", "transformers", "tensorboard", "plotly", "streamlit", "yaml")


def _modules_after(code: str) -> set[str]:
    """The heavy modules loaded after running `code` in a fresh interpreter."""
    probe = (
        textwrap.dedent(code) + f"\nimport sys\nprint('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return set(filter(None, proc.stdout.strip().splitlines()[-1].removeprefix("loaded:").split(",")))


@pytest.mark.parametrize(
    "code",
    [
        "import warmup_viz",
        "from warmup_viz import cli, errors, parse, export",
        """
        from warmup_viz.logs import learning_rate_metric, read_log, series
        log = read_log(open("examples/trainer_state.json", "rb").read(), "trainer_state.json")
        series(log, learning_rate_metric(log.metrics))
        """,
    ],
)
def test_reading_logs_imports_nothing_heavy(code):
    assert _modules_after(code) == set()


def test_exports_resolve_on_first_use():
    assert _modules_after("import warmup_viz; warmup_viz.ScheduleConfig") == set()
    assert {"torch", "transformers"} <= _modules_after("import warmup_viz; warmup_viz.full_table")
    assert warmup_viz.ConfigError is __import__("warmup_viz.errors").errors.ConfigError
    with pytest.raises(AttributeError):
        warmup_viz.nope  # noqa: B018


def test_pyproject_declares_the_pinned_requirements_and_the_command():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(project["dependencies"]) == sorted(p for p in pins if p)
    ((command, target),) = project["scripts"].items()
    module, _, function = target.partition(":")
    assert command == "warmup-viz"  # (tests/test_install.py runs it, installed from the wheel)
    assert getattr(importlib.import_module(module), function) is cli.run  # what `python -m warmup_viz` runs


def test_figures_draw_what_they_are_given_without_the_engine():
    """figures.py imports plain data (curve, logview's lines; legend, the frame) and numbers' writing, never what computes a schedule, and
    drawing a curve loads neither torch nor transformers."""
    engine = {
        "lr_schedule",
        "run",
        "registry",
        "resume",
        "ds_schedule",
        "simulate",
        "verdict",
        "inference",
        "infer_metric",
    }
    imported = {_entry(m) for m in internal_imports(LIBRARY / "figures.py")}
    assert imported & engine == set() and imported <= {"curve", "legend", "logview", "numbers"}
    code = """
    from warmup_viz import curve, figures
    c = curve.DisplayCurve((1, 2, 3), (0.0, 1e-3, 5e-4), (curve.Breakpoint(2, "peak"),))
    figures.curve_figure(c, figures.FigureOptions(title="t")).to_json()
    """
    assert _modules_after(code) == {"plotly"}


def test_the_run_model_reads_its_conventions_without_the_engine():
    """The CLI reads `run.Convention` to build its parser: that imports neither torch nor transformers."""
    assert _modules_after("from warmup_viz.run import Convention; list(Convention)") == set()
