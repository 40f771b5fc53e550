"""The wheel serves the dashboard: built from the sources an sdist carries, installed where the
checkout is not, and started with `warmup-viz serve` (or `python -m warmup_viz serve`) in an
unrelated directory, it draws the schedule, the example run and the other pages, with the
settings of the packaged .streamlit/config.toml."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from warmup_viz import lr_schedule, registry
from warmup_viz.logs import read_log
from warmup_viz.ui import page_link

from .browser import ROOT, chart_data, chromium, serve, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# what the wheel is built from: pyproject.toml's package plus the dashboard's files (MANIFEST.in)
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "app.py", ".streamlit", "pages", "examples")
SOURCES += ("warmup_viz",)


def run(*command, **kwargs):
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, command))}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the install directory, an environment in which Python finds the package there and not in
    the checkout, a directory that is neither): the wheel, as `python -m pip wheel --no-deps .`
    builds it, installed with `pip install --no-deps --target` (its dependencies are this
    interpreter's)."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(tmp / "dist"))
    (wheel,) = (tmp / "dist").glob("warmup_viz-*.whl")
    target = tmp / "target"
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel))
    elsewhere, home = tmp / "elsewhere", tmp / "home"  # home: no ~/.streamlit config or credentials
    elsewhere.mkdir()
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(target), HOME=str(home))
    where = run(
        sys.executable,
        "-c",
        "import sys, warmup_viz, warmup_viz.ui.serve as s; print(warmup_viz.__file__, s.APP, *sys.path, sep='\\n')",
        cwd=elsewhere,
        env=env,
    ).splitlines()
    assert where[0] == str(target / "warmup_viz" / "__init__.py")  # the installed package, not the checkout
    assert where[1] == str(target / "warmup_viz" / "ui" / "dashboard" / "app.py")  # its own app.py
    # nothing of the checkout on the path ('' is elsewhere); the interpreter's own packages may live in
    # the checkout's .venv, as `make test` makes it
    venv = pathlib.Path(sys.prefix).resolve()
    on_path = [pathlib.Path(p).resolve() for p in where[2:] if p]
    assert not [p for p in on_path if p.is_relative_to(ROOT) and not p.is_relative_to(venv)]
    return target, env, elsewhere


@pytest.mark.parametrize("command", ["warmup-viz serve", "python -m warmup_viz serve"])
def test_the_installed_command_serves_the_dashboard(installed, command):
    target, env, elsewhere = installed
    start = [str(target / "bin" / "warmup-viz"), "serve"]
    if command.startswith("python"):
        start = [sys.executable, "-m", "warmup_viz", "serve"]
    with serve(start, ["--server.headless", "true"], cwd=elsewhere, env=env) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)  # a first visit: the first schedule and the example run (examples/ in the wheel)
        traces = chart_data(page)
        first = page_link.decode(page_link.FIRST_VISIT)[0].configs[0]
        assert traces[0]["y"] == list(lr_schedule.display_curve(first).lrs)
        example = read_log((ROOT / "examples" / "trainer_state.json").read_bytes(), "trainer_state.json")
        logged = example.table.query("metric == 'learning_rate'")["value"].tolist()
        assert logged in [t["y"] for t in traces if t["legendgroup"] == "example"]
        page.get_by_text(f"example logged learning_rate matches at all {len(logged)} logged steps").wait_for()
        page.goto(f"{url}/gallery")  # pages/ in the wheel
        drawn = [n for n in registry.scheduler_names() if not registry.info(n).metric_driven]
        settle(page, charts=len(drawn))
        assert page.locator("[data-testid=stPlotlyChart]").count() == len(drawn)
        assert "Traceback" not in page.inner_text("body")
        page.close()
        # the packaged .streamlit/config.toml is read (gatherUsageStats = false): without it,
        # Streamlit says it collects usage statistics
        assert "gatherUsageStats" not in url.output()
