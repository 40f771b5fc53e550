"""A real Streamlit server and a real Chromium (Debian's) driven by Playwright, for browser tests."""

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
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
    """The server's base URL (a str), with the process id of `streamlit run`."""

    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: str = "app.py", *options: str):
    """Start `streamlit run script [options]` on a free port (app.py: through
    `python -m warmup_viz.ui.serve`, as `make run` does); yield its base URL (a `Server`, with
    `.pid`); stop it by its PID."""
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    log = tempfile.TemporaryFile()
    # the dashboard starts as `make run` starts it (warmed before the server answers); others bare
    start = ["-m", "warmup_viz.ui.serve"] if script == "app.py" else ["-m", "streamlit", "run", script]
    proc = subprocess.Popen(
        [
            sys.executable,
            *start,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.3)
        server = Server(url)
        server.pid = proc.pid
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


# plotly.js keeps a base64 array ({dtype, bdata}) as sent and decodes it into `_inputArray`
TRACES_JS = """Array.from(document.querySelector('.js-plotly-plot').data, t => {
    const values = a => Array.from(a && a._inputArray ? a._inputArray : a || []);
    return {name: t.name, legendgroup: t.legendgroup, yaxis: t.yaxis || 'y', x: values(t.x), y: values(t.y)};
})"""


def chart_data(page):
    """The first plotly chart's traces (name, legendgroup, yaxis, x, y), read from the page itself."""
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot') && document.querySelector('.js-plotly-plot').data"
    )
    return page.evaluate(TRACES_JS)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
