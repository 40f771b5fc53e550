"""Every scheduler type side by side."""

from warmup_viz.ui.gallery import render_gallery_page

render_gallery_page()
