"""The only Streamlit code of warmup_viz: the pages, the settings forms, the views."""

from .pages import run, setup

__all__ = ["run", "setup"]
