"""The training runs under `warmup-viz serve --logdir DIR`, followed as they grow."""

from warmup_viz.ui import setup
from warmup_viz.ui.runs import render_runs_page

setup("runs")
render_runs_page()
