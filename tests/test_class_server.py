"""Two dashboard processes behind nginx (warmup_viz.ui.class_server) on loopback: students speaking
Streamlit's protocol (bench/students.py) each get their exact chart, their change and their upload
through nginx; both processes serve sessions; every request of one student (its websocket, its
upload) reaches one process; a real Chromium opens a link through nginx and uploads a log; and the
command prints only the address and stops everything it started on SIGTERM."""

import asyncio
import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from bench.students import student
from tests.browser import ROOT, chart_data, chromium, free_port
from tests.test_students import LINK, stepped
from warmup_viz.ui.class_server import COOKIE, Route, running

pytestmark = pytest.mark.browser
PER_PROCESS = 2  # students given a cookie that nginx routes to each process
FRESH = 2  # students that arrive without one, as a new browser does


@pytest.fixture(scope="module")
def started():
    with running(2, access_log=True) as class_:
        yield class_


def wait_for(condition, what: str):
    """Poll `condition()` until it returns something true (nginx logs a request after its
    response, a websocket once it has closed); return it."""
    deadline = time.monotonic() + 30
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"nginx never logged {what}")
        time.sleep(0.05)
    return result


def logged(started, key: str) -> list[Route]:
    """The requests routed by `key`, once there is one."""
    return wait_for(lambda: [r for r in started.routes() if r.key == key], f"a request routed by {key}")


def fresh_cookie(url: str) -> str:
    """The routing cookie nginx gives a browser that has none."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
        cookies = [c.split(";", 1)[0].split("=", 1) for c in r.headers.get_all("Set-Cookie")]
    return dict(cookies)[COOKIE]


def cookies_per_process(started, each: int) -> dict[str, list[str]]:
    """`each` routing cookies for every process, from fresh browsers' first requests (nginx picks
    a process by a random id per browser, so draw until each process has `each`)."""
    found: dict[str, list[str]] = {s.removeprefix("http://"): [] for s in started.servers}
    for _ in range(200):  # a process missed 200 times in a row is a routing bug, not bad luck
        if all(len(keys) >= each for keys in found.values()):
            break
        key = fresh_cookie(started.url)
        found[logged(started, key)[0].process].append(key)
    return found


def test_students_get_their_exact_charts_and_each_stays_on_one_process(started):
    chosen = cookies_per_process(started, PER_PROCESS)
    jars = [{COOKIE: key} for keys in chosen.values() for key in keys[:PER_PROCESS]] + [None] * FRESH
    steps = [120 + 7 * i for i in range(len(jars))]

    async def class_():
        return await asyncio.gather(
            *(
                student(started.url, n, n + 11, upload=f"s{i}", query=LINK, cookies=jar)
                for i, (n, jar) in enumerate(zip(steps, jars, strict=True))
            )
        )

    visits = asyncio.run(class_())
    assert [v.errors for v in visits] == [[]] * len(jars)
    for n, visit in zip(steps, visits, strict=True):
        assert visit.chart.x == list(range(1, n + 1))
        assert visit.chart.y == stepped(n)
        assert visit.changed.y == stepped(n + 11)  # the link's other settings kept
        assert visit.to_upload is not None  # the upload reached the process holding the session

    # each student's requests: keyed by its cookie (a fresh one's first request by the id that
    # became its cookie), all on one process, its websocket and its upload among them
    def streams():
        found = {r.key for r in started.routes() if r.path == "/_stcore/stream"}
        return found if len(found) >= len(jars) else None

    keys = wait_for(streams, "every student's websocket")
    assert len(keys) == len(jars)
    processes = set()
    for key in keys:
        lines = logged(started, key)
        assert len({r.process for r in lines}) == 1, lines
        assert {("GET", "/_stcore/stream", "101"), ("PUT", "upload", "204")} <= {
            (r.method, "upload" if r.path.startswith("/_stcore/upload_file/") else r.path, r.status) for r in lines
        }, lines
        processes.add(lines[0].process)
    assert processes == {s.removeprefix("http://") for s in started.servers}


def test_a_browser_opens_a_link_and_uploads_a_log_through_nginx(started, tmp_path):
    log = tmp_path / "mine.csv"
    log.write_text("step,learning_rate,loss\n1,0.0,3.0\n2,0.0005,2.5\n3,0.001,2.0\n")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{started.url}/?max_steps=90&example=false&{LINK}")
        lr = next(t for t in chart_data(page) if t["name"] == "learning_rate")
        assert lr["y"] == stepped(90)
        page.locator("input[type=file][multiple]").set_input_files(str(log))
        page.wait_for_function(
            "Array.from(document.querySelector('.js-plotly-plot')?.data || []).some(t => t.legendgroup === 'mine')"
        )
        assert "Traceback" not in page.inner_text("body")
        cookie = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)

    def upload_and_stream():
        lines = logged(started, cookie)
        uris = {r.path for r in lines}
        return lines if "/_stcore/stream" in uris and any(u.startswith("/_stcore/upload_file/") for u in uris) else None

    lines = wait_for(upload_and_stream, "the browser's websocket and upload")  # logged once the page is closed
    assert len({r.process for r in lines}) == 1, lines  # the page, its websocket and its upload: one process
    assert any(re.fullmatch(r"/_stcore/upload_file/.+", r.path) and r.status == "204" for r in lines), lines


def test_the_command_prints_the_address_and_stops_all_it_started_on_sigterm():
    port = free_port()
    command = [sys.executable, "-m", "warmup_viz.ui.class_server", "--processes", "1", "--port", str(port)]
    with subprocess.Popen(
        [*command, "--address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            address = proc.stdout.readline()  # printed once nginx answers for the servers
            assert address == f"http://127.0.0.1:{port}\n"
            with urllib.request.urlopen(f"{address.strip()}/_stcore/health", timeout=30) as r:
                assert r.read() == b"ok"
            children = pathlib.Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            assert len(children) == 2  # one server, nginx
            os.kill(proc.pid, signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
            assert proc.stdout.read() == ""  # the address was all
            assert [c for c in children if pathlib.Path(f"/proc/{c}").exists()] == []
        finally:
            if proc.poll() is None:
                proc.kill()


def test_the_command_stops_what_it_started_on_sigterm_during_startup():
    command = [sys.executable, "-m", "warmup_viz.ui.class_server", "--processes", "1", "--port", str(free_port())]
    command += ["--address", "127.0.0.1"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            children = pathlib.Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            deadline = time.monotonic() + 60
            while not (started := children.read_text().split()) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert started  # the server is starting; nginx is not yet
            os.kill(proc.pid, signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
            assert proc.stdout.read() == ""  # no address: it never served
            assert [c for c in started if pathlib.Path(f"/proc/{c}").exists()] == []
        finally:
            if proc.poll() is None:
                proc.kill()
