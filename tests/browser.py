"""A real Streamlit server and a real Chromium (Debian's) driven by Playwright, for browser tests."""

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import typing
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("WARMUP_VIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server(str):
    """The server's base URL (a str), with the process id of `streamlit run` and its output so far
    (`output()`)."""

    pid: int
    log: typing.BinaryIO

    def output(self) -> str:
        fd = self.log.fileno()  # pread: the server writes at the file's offset, which seek would move
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: str = "app.py", *options: str):
    """Start `streamlit run script [options]` on a free port (app.py: through
    `python -m warmup_viz.ui.serve`, as `make run` does); yield its base URL (a `Server`, with
    `.pid`); stop it by its PID."""
    # the dashboard starts as `make run` starts it (warmed before the server answers); others bare
    start = ["-m", "warmup_viz.ui.serve"] if script == "app.py" else ["-m", "streamlit", "run", script]
    flags = ("--server.headless", "true", "--browser.gatherUsageStats", "false")
    with serve([sys.executable, *start], (*flags, *options)) as server:
        yield server


@contextlib.contextmanager
def serve(command: list[str], options=(), cwd=ROOT, env=None):
    """Run `command` (a Streamlit server) with Streamlit's options for a free local port, then
    `options`; yield its base URL (a `Server`, with `.pid`) once its health check answers; stop it
    by its PID. `env` replaces the environment (HF_HUB_OFFLINE=1 is set either way)."""
    port = free_port()
    env = dict(os.environ if env is None else env, HF_HUB_OFFLINE="1")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            *command,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            *options,
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}")
    server.pid, server.log = proc.pid, log
    try:
        deadline = time.monotonic() + 90
        while True:  # polls a condition: the health check answers, or the process has ended
            try:
                with urllib.request.urlopen(f"{server}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{server.output()}")
            time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium under Playwright. Fails (never skips) when it is missing."""
    from playwright.sync_api import sync_playwright

    if not pathlib.Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# A page is settled when the script run is over and what it drew is on screen: the app's script
# state has left initial (no run yet) and running (or a rerun or stop requested), no skeleton
# is left, and every plotly chart holds its SVG and its decoded traces (`_fullData`); `charts`:
# at least that many charts.
SETTLED_JS = """(charts) => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    if (!state || ['initial', 'running', 'rerunRequested', 'stopRequested'].includes(state)) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const drawn = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    return drawn.length >= charts && drawn.every(c => c.querySelector('.main-svg')
        && c.querySelector('.js-plotly-plot')?._fullData);
}"""
TIMEOUT_MS = 60_000  # a loaded two-core machine, other tests' servers and browsers running beside


def settle(page, charts: int = 1) -> None:
    """Wait until `page` is settled (SETTLED_JS). After an action, wait first for a sign that the
    run it causes has begun (its new address, text or trace): until then the page of the run
    before is settled too."""
    page.wait_for_function(SETTLED_JS, arg=charts, timeout=TIMEOUT_MS)


# plotly.js decodes a base64 array ({dtype, bdata}) into the typed arrays of `_fullData`
TRACES_JS = """Array.from(document.querySelector('.js-plotly-plot')._fullData, t => ({
    name: t.name, legendgroup: t.legendgroup, yaxis: t.yaxis || 'y', x: Array.from(t.x || []), y: Array.from(t.y || [])
}))"""


def chart_data(page):
    """The first plotly chart's traces (name, legendgroup, yaxis, x, y), read from the page itself
    once it is settled."""
    settle(page)
    return page.evaluate(TRACES_JS)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def overlap(a: dict, b: dict, slack: float = 0) -> bool:
    """Whether two boxes ({l, r, t, b}, in pixels) overlap by more than `slack` px each way."""
    return a["l"] + slack < b["r"] and b["l"] + slack < a["r"] and a["t"] + slack < b["b"] and b["t"] + slack < a["b"]
