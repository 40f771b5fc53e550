"""Write examples/warmup_viz.ipynb, the notebook the README shows and tests/test_notebook.py runs
(unexecuted: outputs come from running it). `python scripts/make_notebook.py`"""

import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# warmup-viz in a notebook\n\nThe exact learning rate of a Trainer run, by TrainingArguments' names. "
        "Step `s` shows the LR update `s` used, which is what Trainer logs at step `s`."
    ),
    new_code_cell(
        "import warmup_viz\n"
        "from transformers import TrainingArguments\n\n"
        'args = TrainingArguments(output_dir="out", learning_rate=2e-4, warmup_steps=0.1, max_steps=300,\n'
        '                         lr_scheduler_type="cosine", report_to="none")\n'
        "s = warmup_viz.schedule(args)\n"
        "s"
    ),
    new_code_cell("s.to_pandas().head()"),
    new_code_cell("s.figure()"),
    new_markdown_cell("## Three schedules side by side"),
    new_code_cell(
        'compared = warmup_viz.compare(s, s.with_settings(warmup_steps=0), s.with_settings(lr_scheduler_type="linear"))\n'
        'compared.figure(difference="difference")'
    ),
    new_markdown_cell("## A training log: the settings it was run with, and whether it is what we planned"),
    new_code_cell('log = warmup_viz.read_log("trainer_state.json")\nfit = warmup_viz.infer(log)\nfit.settings()'),
    new_code_cell(
        "planned = warmup_viz.schedule(learning_rate=5e-5, warmup_steps=0.05, max_steps=1000)\n"
        "verdict = warmup_viz.check(log, planned)\n"
        "print(verdict.message)"
    ),
    new_code_cell('planned.figure(log, metrics=["loss"])'),
]


def main() -> None:
    notebook = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    path = pathlib.Path(__file__).resolve().parents[1] / "examples" / "warmup_viz.ipynb"
    nbformat.write(notebook, path)


if __name__ == "__main__":
    main()
