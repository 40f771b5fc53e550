"""The only Streamlit code of warmup_viz: the pages, the settings forms, the views.

`run` and `setup` are imported on first use: importing one module of the package
(`warmup_viz.ui.strings`) imports that module and what it needs, not every page.
"""

from __future__ import annotations

import importlib

__all__ = ["run", "setup"]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".pages", __name__), name)
    globals()[name] = value
    return value
