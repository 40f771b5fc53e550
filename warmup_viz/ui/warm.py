"""Once per server process, at the first page run: use the heavy libraries once, then keep
everything loaded so far out of the cyclic garbage collector's way.

Streamlit runs `gc.collect(2)` after every script run (`runner.postScriptGC`). With torch,
transformers and plotly loaded that walks ~300,000 objects, 150–200 ms holding the GIL while the
run's last messages wait to be sent: it added ~200 ms to every settings change (bench/bench_page.py).
`gc.freeze()` moves the objects that exist now (modules, classes, functions, plotly's validators,
the scheduler registry), which live as long as the process anyway, to a generation the collector
skips; reference counting still frees them.

Streamlit runs no project code before a browser opens the first session, so this cannot run at
server start; a threaded import would not help either, as imports hold the GIL. To warm before
the first visitor, probe Streamlit's script health check (`server.scriptHealthCheckEnabled`).
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_done = False


def warm() -> None:
    """Build one schedule and serialise one figure, as a first page run does (plotly loads its
    validators on a figure's first use)."""
    from warmup_viz import figures, lr_schedule
    from warmup_viz.config import ScheduleConfig

    figures.curve_figure(lr_schedule.display_curve(ScheduleConfig(lr_scheduler_type="cosine"))).to_json()


def once() -> None:
    """`warm()`, then `gc.freeze()`, the first time it is called in this process; afterwards
    it returns at once."""
    global _done
    with _lock:
        if _done:
            return
        warm()
        gc.freeze()
        _done = True
