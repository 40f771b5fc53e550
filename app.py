"""warmup-viz: the exact learning-rate schedule of a Hugging Face Trainer run."""

import streamlit as st

from warmup_viz.ui import run, warm

warm.once()  # first run in this process: heavy first uses, then out of every later gc.collect's way
st.set_page_config(page_title="warmup-viz", page_icon="📈", layout="wide")
run()
