"""A view as a file: `warmup-viz plot` writes a self-contained HTML page that opens from disk in a
real Chromium with no server and no network and holds the exact values, and PNG, SVG and PDF
drawn by kaleido (plotly's own static-image engine, driving the Chromium on PATH)."""

import json
import pathlib
import subprocess
import sys

import pytest

from warmup_viz import static
from warmup_viz.cli import main
from warmup_viz.config import from_mapping

from .test_schedule import stepped

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "trainer_state.json"
FLAGS = {"lr_scheduler_type": "cosine", "warmup_steps": "0.1", "max_steps": "300", "learning_rate": "2e-4"}
ARGV = [x for k, v in FLAGS.items() for x in (f"--{k}", v)]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("static") / "view.html"
    log = ["--log", str(EXAMPLE), "--show", "loss"]
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "plot", *ARGV, *log, "--output", str(path)],
        capture_output=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0 and proc.stdout == b"", proc.stderr
    return path


def test_the_page_carries_plotly_and_asks_for_nothing_from_outside(page):
    text = page.read_text()
    assert "<title>warmup-viz: cosine</title>" in text
    assert 'src="http' not in text and "cdn." not in text.split("<body>")[1][-5000:]
    assert len(text) > 3_000_000  # plotly.js itself is inside


@pytest.mark.browser
def test_the_page_opens_from_disk_offline_with_the_exact_values(page, browser):
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    asked = []
    context.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.as_uri())
    tab.wait_for_function("document.querySelector('.js-plotly-plot') && document.querySelector('.main-svg')")
    drawn = tab.evaluate(
        """() => document.querySelector('.js-plotly-plot')._fullData.map(
            t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))"""
    )
    context.close()
    assert errors == [] and all(url.startswith("file://") for url in asked), (errors, asked)
    line = next(t for t in drawn if t["name"] == "learning_rate")
    assert line["x"] == list(range(1, 301)) and line["y"] == stepped(from_mapping(FLAGS))
    logged = [e for e in json.loads(EXAMPLE.read_text())["log_history"] if "learning_rate" in e]
    points = next(t for t in drawn if "logged" in t["name"])
    assert points["y"] == [e["learning_rate"] for e in logged]
    assert any(t["name"].endswith("loss") for t in drawn)


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_images_are_drawn_by_kaleido(tmp_path, fmt, magic):
    path = tmp_path / f"view.{fmt}"
    assert main(["plot", *ARGV, "--output", str(path), "--width", "800", "--height", "500"]) == 0
    data = path.read_bytes()
    assert data.startswith(magic) or magic in data[:200]
    if fmt == "png":
        assert int.from_bytes(data[16:20], "big") == 800 * static.SCALE  # width × the pixel density


def test_bad_output_and_sizes_get_one_line(tmp_path, capsys):
    assert main(["plot", *ARGV, "--output", "-"]) == 2
    assert main(["plot", *ARGV, "--output", str(tmp_path / "view.gif")]) == 2
    assert main(["plot", *ARGV, "--output", str(tmp_path / "v.png"), "--width", "0"]) == 2
    assert main(["plot", *ARGV, "--output", str(tmp_path / "v.html"), "--show", "loss"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 4 and all(e.startswith("error: ") for e in errors)
    assert "--format" in errors[0] and "view.gif" in errors[1] and "width=0" in errors[2] and "--log" in errors[3]


def test_html_to_standard_output_is_the_page_alone(capsysbinary):
    assert main(["plot", *ARGV, "--output", "-", "--format", "html"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"<!doctype html>") and out.rstrip().endswith(b"</html>")


@pytest.mark.browser
def test_the_share_box_gives_the_view_as_a_page_that_opens_offline(server, browser, tmp_path):
    """中文: the page as the person sees it (two schedules), downloaded from the share box, opened
    from disk with the network off: the same traces and values, plotly's words in Chinese."""
    from .browser import TRACES_JS, chart_data

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.goto(
        f"{server}/?lang=zh&lr_scheduler_type=cosine&warmup_steps=0.1&max_steps=300&b.lr_scheduler_type=cosine&b.max_steps=300&b.warmup_steps=0"
    )
    shown = chart_data(tab)
    tab.locator("[data-testid=stExpander] summary").filter(has_text="分享此视图").click()
    button = tab.get_by_role("button", name="将此视图下载为网页文件")
    with tab.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    context.close()
    assert path.name == "warmup-viz-view.html"
    offline = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    asked = []
    offline.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    opened = offline.new_page()
    opened.goto(path.as_uri())
    opened.wait_for_function(
        "document.querySelector('.js-plotly-plot')?._fullData && document.querySelector('.main-svg')"
    )
    traces = opened.evaluate(TRACES_JS)
    zoom = opened.evaluate("document.querySelector('[data-title]')?.getAttribute('data-title')")
    offline.close()
    assert all(url.startswith("file://") for url in asked), asked
    assert [(t["name"], t["x"], t["y"]) for t in traces] == [(t["name"], t["x"], t["y"]) for t in shown]
    assert len([t for t in traces if len(t["x"]) == 300]) == 2  # both schedules, every step
    assert zoom and not zoom.isascii(), zoom  # plotly's toolbar in Chinese


def test_an_image_with_a_log_from_the_command_line(tmp_path):
    # kaleido's logger reads the process's own command line on import: `--log` must not reach it
    path = tmp_path / "view.png"
    argv = [*ARGV, "--log", str(EXAMPLE), "--show", "loss", "--output", str(path)]
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "plot", *argv], capture_output=True, timeout=300, cwd=ROOT
    )
    assert proc.returncode == 0 and path.read_bytes().startswith(b"\x89PNG"), proc.stderr


def test_a_metric_driven_type_replays_the_metric_and_an_unknown_one_is_named(tmp_path, capsys):
    plateau = ["--lr_scheduler_type", "reduce_lr_on_plateau", "--max_steps", "1000", "--log", str(EXAMPLE)]
    assert main(["plot", *plateau, "--metric", "eval_loss", "--output", str(tmp_path / "p.html")]) == 0
    assert main(["plot", *ARGV, "--log", str(EXAMPLE), "--show", "nope", "--output", str(tmp_path / "n.html")]) == 2
    assert "nope" in capsys.readouterr().err


def test_a_format_that_contradicts_the_files_extension_is_refused():
    from warmup_viz.errors import UsageError

    assert static.format_of("view.html") == "html" and static.format_of("view.svg", "svg") == "svg"
    assert static.format_of("-", "png") == "png" and static.format_of("figure", "pdf") == "pdf"
    with pytest.raises(UsageError, match="would write png into 'view.html'"):
        static.format_of("view.html", "png")
