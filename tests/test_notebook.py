"""The notebook the README shows, executed in a real Jupyter kernel (nbclient): it draws a
schedule, a comparison and a log with a verdict through the API, and the figures it shows hold the
exact values of a stepped LambdaLR and of the real log."""

import importlib.util
import json
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from transformers import TrainingArguments

from .plotly_data import values
from .test_api import stepped

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(EXAMPLES / "warmup_viz.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    return [c for c in notebook.cells if c.cell_type == "code"]


def shown(cell, kind):
    return [o["data"][kind] for o in cell.outputs if kind in o.get("data", {})]


def test_the_notebook_is_its_scripts_output():
    spec = importlib.util.spec_from_file_location("make_notebook", EXAMPLES.parent / "scripts" / "make_notebook.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = nbformat.read(EXAMPLES / "warmup_viz.ipynb", as_version=4)
    assert [c.source for c in written.cells] == [c.source for c in script.CELLS]


def test_the_schedule_drawn_is_a_stepped_lambdalr(executed, tmp_path):
    assert shown(executed[0], "text/plain") == [
        "Schedule(lr_scheduler_type='cosine', learning_rate=0.0002, warmup_steps=0.1, max_steps=300)"
    ]
    (figure,) = shown(executed[2], PLOTLY)
    line = next(t for t in figure["data"] if t.get("name") == "learning_rate")
    args = TrainingArguments(
        output_dir=str(tmp_path), learning_rate=2e-4, warmup_steps=0.1, max_steps=300, lr_scheduler_type="cosine"
    )
    assert values(line["x"]) == list(range(1, 301)) and values(line["y"]) == stepped(args, 300)


def test_the_comparison_draws_three_schedules_and_their_differences(executed):
    (figure,) = shown(executed[3], PLOTLY)
    names = [t.get("name", "") for t in figure["data"]]
    assert [n[:2] for n in names if n[1:2] == ":" and "breakpoints" not in n] == ["A:", "B:", "C:"]
    assert {"B − A", "C − A"} <= set(names) and "yaxis2" in figure["layout"]  # the difference panel


def test_the_log_is_recovered_checked_and_drawn_with_the_verdict(executed):
    (settings,) = shown(executed[4], "text/plain")
    assert "'warmup_steps': 100" in settings and "'lr_scheduler_type': 'linear'" in settings
    printed = "".join(o.get("text", "") for o in executed[5].outputs if o["output_type"] == "stream")
    assert printed.startswith("differs from step 10") and "warmup_steps" in printed
    (figure,) = shown(executed[6], PLOTLY)
    logged = [
        e for e in json.loads((EXAMPLES / "trainer_state.json").read_text())["log_history"] if "learning_rate" in e
    ]
    points = next(t for t in figure["data"] if "logged" in t.get("name", ""))
    assert values(points["x"]) == [e["step"] for e in logged] and values(points["y"]) == [
        e["learning_rate"] for e in logged
    ]
    assert "differs from step 10" in figure["layout"]["title"]["text"]
