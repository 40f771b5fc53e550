"""Server-side time per page section, for finding where a rerun's time goes (bench/, never shown).

Off unless the server was started with `WARMUP_VIZ_TIMINGS` set: `1` prints one line per script
run to stderr (`timings run=schedule total=84.1ms | form=9.8 | figure=21.3 | ...`); any other
value is a file path that gets one JSON object per run appended. When off, `section` and `run`
cost one check.

    with timing.run("schedule"):          # around the whole page: resets, then reports
        with timing.section("form"):
            results = form.render_all()
        timing.value("figure_points", n)  # a number to report with the run (sizes, counts)
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator

_TARGET = os.environ.get("WARMUP_VIZ_TIMINGS", "")
ENABLED = bool(_TARGET) and _TARGET != "0"
_local = threading.local()  # Streamlit runs each session's script in its own thread
_write_lock = threading.Lock()


@contextlib.contextmanager
def run(name: str) -> Iterator[None]:
    """Time one script run of page `name`; report its sections when it ends (even by st.rerun)."""
    if not ENABLED:
        yield
        return
    _local.sections, _local.values = {}, {}
    start = time.perf_counter()
    try:
        yield
    finally:
        total = (time.perf_counter() - start) * 1000
        _report(name, total, _local.sections, _local.values)
        del _local.sections, _local.values


@contextlib.contextmanager
def section(name: str) -> Iterator[None]:
    """Time the block as section `name` of the current run (times of a repeated name add up)."""
    sections = getattr(_local, "sections", None) if ENABLED else None
    if sections is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        sections[name] = sections.get(name, 0.0) + (time.perf_counter() - start) * 1000


def value(name: str, number: float) -> None:
    """A number to report with the current run (a size in bytes, a count of points)."""
    values = getattr(_local, "values", None) if ENABLED else None
    if values is not None:
        values[name] = number


def _report(name: str, total_ms: float, sections: dict[str, float], values: dict[str, float]) -> None:
    record = {"run": name, "total_ms": round(total_ms, 2), "sections_ms": {k: round(v, 2) for k, v in sections.items()}}
    record["values"] = values
    with _write_lock:
        if _TARGET == "1":
            parts = [f"{k}={v:.1f}" for k, v in sections.items()] + [f"{k}={v:g}" for k, v in values.items()]
            print(f"timings run={name} total={total_ms:.1f}ms | " + " | ".join(parts), file=sys.stderr, flush=True)
        else:
            with open(_TARGET, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
