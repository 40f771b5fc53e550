"""Every scheduler type side by side."""

from warmup_viz.ui import setup
from warmup_viz.ui.gallery import render_gallery_page

setup("gallery")
render_gallery_page()
