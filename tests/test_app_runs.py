"""The runs page (`warmup-viz serve --logdir DIR`) through AppTest: shown only with a log directory,
its runs listed with their verdicts in the page's language, the chosen ones drawn, a run that
goes said by name."""

import json
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from warmup_viz.ui import pages, serve

from .test_app import APP, shown
from .test_rundir import LLAMAFACTORY, LLAMAFACTORY_ARGS


@pytest.fixture
def logdir(tmp_path, monkeypatch):
    root = tmp_path / "logs"
    (root / "qwen").mkdir(parents=True)
    shutil.copy(LLAMAFACTORY, root / "qwen" / "trainer_log.jsonl")
    (root / "qwen" / "training_args.yaml").write_text(LLAMAFACTORY_ARGS)
    (root / "bare").mkdir()
    shutil.copy(LLAMAFACTORY, root / "bare" / "trainer_log.jsonl")
    monkeypatch.setenv(serve.LOGDIR_ENV, str(root))
    return root


def runs_page(lang="en"):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/runs.py")
    return at.run()


def table(at):
    """The runs table as it reads: each cell is markdown with its special characters escaped."""
    return at.table[0].value.map(lambda cell: re.sub(r"\\(.)", r"\1", cell) if isinstance(cell, str) else cell)


def _runs_page_alone():
    from warmup_viz.ui.runs import render_runs_page

    render_runs_page()


def test_the_page_is_there_only_with_a_log_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(serve.LOGDIR_ENV, raising=False)
    assert "runs" not in [p.stem for p in pages.page_scripts()]
    with pytest.raises(ValueError, match="Known pages"):  # not in the navigation at all
        runs_page()
    at = AppTest.from_function(_runs_page_alone, default_timeout=60).run()  # the page says how to start it
    assert not at.exception and "--logdir DIR" in at.info[0].value
    monkeypatch.setenv(serve.LOGDIR_ENV, str(tmp_path))
    assert "runs" in [p.stem for p in pages.page_scripts()]
    assert "runs." in pages.link_prefixes()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_run_is_listed_with_its_verdict_and_drawn(logdir, lang):
    at = runs_page(lang)
    assert not at.exception and not at.error and not at.warning
    rows = table(at)
    assert list(rows.iloc[:, 0]) == ["bare", "qwen"]
    assert list(rows.iloc[:, 1]) == ["30", "30"]
    assert list(rows.iloc[:, 3]) == ["4.998e-05", "4.998e-05"] or rows.iloc[0, 3] == rows.iloc[1, 3]
    verdict = rows.iloc[1, 5]
    assert verdict == ("matches at all 30 logged steps" if lang == "en" else "全部 30 个记录步都一致")
    assert rows.iloc[0, 5] == "—"  # recovered, nothing to check against
    assert rows.iloc[0, 4] == ("recovered from the logged LR (exact)" if lang == "en" else "由记录的学习率推出（精确）")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in spec["data"]]
    planned, logged = ("planned", "logged LR") if lang == "en" else ("计划", "记录的学习率")
    assert f"qwen · {planned}" in names and any(n and n.startswith("qwen · ") and logged in n for n in names)
    if lang == "zh":
        assert not any(c.isascii() and c.isalpha() for c in at.title[0].value)


def test_choosing_runs_and_a_run_that_goes(logdir):
    at = runs_page()
    at.multiselect(key="runs.chosen").set_value(["qwen"]).run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not any((trace.get("name") or "").startswith("bare") for trace in spec["data"])
    shutil.rmtree(logdir / "bare")
    at.run()
    assert not at.exception and list(table(at).iloc[:, 0]) == ["qwen"]
    assert shown(at.info) == ["bare: the run's files are gone"]
    assert at.multiselect(key="runs.chosen").value == ["qwen"] and not at.warning
    (logdir / "new").mkdir()  # a run that starts: drawn beside those chosen
    shutil.copy(LLAMAFACTORY, logdir / "new" / "trainer_log.jsonl")
    at.run()
    assert not at.exception and not at.warning and at.multiselect(key="runs.chosen").value == ["qwen", "new"]


def test_a_log_that_cannot_be_read_is_named_and_the_rest_shown(logdir):
    (logdir / "broken").mkdir()
    (logdir / "broken" / "trainer_log.jsonl").write_text('{"current_steps": 1, "total_steps": 4}\nnot json\n')
    at = runs_page()
    assert not at.exception
    assert list(table(at).iloc[:, 0]) == ["bare", "broken", "qwen"]
    unreadable, nothing = shown(at.warning)
    assert unreadable.startswith("broken: broken/trainer_log.jsonl could not be read just now (")
    assert nothing == "broken: no learning_rate logged yet"


def test_serve_takes_logdir_out_as_a_real_path_and_refuses_a_missing_one(tmp_path, monkeypatch, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    options = ["--server.port", "8502", "--logdir", str(tmp_path / "link"), "--server.headless", "true"]
    real = str((tmp_path / "real").resolve())
    assert serve.split_logdir(options) == (real, ["--server.port", "8502", "--server.headless", "true"])
    assert serve.split_logdir([f"--logdir={tmp_path / 'real'}"]) == (real, [])
    assert serve.split_logdir(["--server.port", "1"]) == (None, ["--server.port", "1"])
    monkeypatch.setenv(serve.LOGDIR_ENV, "/set/before")
    for given, problem in ((tmp_path / "nope", "does not exist"), (LLAMAFACTORY, "is not a directory")):
        assert serve.main(["--logdir", str(given)]) == 2
        assert capsys.readouterr().err == f"error: --logdir {given}: {problem}\n"
    assert serve.main(["--logdir"]) == 2 and capsys.readouterr().err == "error: --logdir needs a directory\n"


def test_the_command_line_refuses_a_missing_logdir_in_one_line(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "serve", "--logdir", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and proc.stderr == f"error: --logdir {tmp_path / 'nope'}: does not exist\n"


def test_on_a_projector_the_chart_comes_first_and_the_runs_are_chosen_in_the_sidebar(logdir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    at.switch_page("pages/runs.py")
    at.run()
    assert not at.exception and not at.title  # no page title above the chart, as on the schedule page
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["legend"]["font"]["size"] > 12  # a projector's type
    assert at.sidebar.multiselect(key="runs.chosen").value == ["bare", "qwen"]
    assert list(table(at).iloc[:, 0]) == ["bare", "qwen"]  # the table is still there, below


def test_each_runs_logged_points_have_the_colour_of_its_line(logdir):
    at = runs_page()
    data = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    points = {t["legendgroup"]: t["marker"]["color"] for t in data if t.get("legendgroup") in ("bare", "qwen")}
    lines = {t.get("meta", {}).get("name", t.get("name")): t["line"]["color"] for t in data if t.get("mode") == "lines"}
    assert points["bare"] != points["qwen"]
    assert lines["bare · recovered"] == points["bare"] and lines["qwen · planned"] == points["qwen"]
