"""A guided lesson on warmup, with live plots."""

from warmup_viz.ui import setup
from warmup_viz.ui.learn import render_learn_page

setup("learn")
render_learn_page()
