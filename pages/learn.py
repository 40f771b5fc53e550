"""A guided lesson on warmup, with live plots."""

from warmup_viz.ui.learn import render_learn_page

render_learn_page()
