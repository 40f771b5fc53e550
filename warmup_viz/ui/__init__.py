"""The only Streamlit code of warmup_viz: the settings form and the page views."""

from .view import render_schedule_page

__all__ = ["render_schedule_page"]
