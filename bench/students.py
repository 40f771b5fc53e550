"""Students that speak Streamlit's own protocol: one process plays a whole class, no browsers.

A student opens the shared link, receives the page until the chart's real data has arrived (the
`learning_rate` trace with the link's `max_steps` points), changes `max_steps` as the sidebar's
text input would, uploads a small log, and leaves. Used by bench/bench_class.py and the tests.

The protocol, as the Streamlit 1.67 frontend and server speak it:
- a websocket at `/_stcore/stream` with the subprotocol header `streamlit[, xsrf token[, session
  id]]`; the token is checked only for auth cookies, so "streamlit" alone opens a session;
- every client message is a `BackMsg` protobuf, every server message a `ForwardMsg`; the server runs
  nothing until the client sends `rerun_script` (a `ClientState`: the page's query string and the
  widget states that changed — the server keeps the others' values from the run before);
- a run sends `new_session` (its `initialize.session_id` names the session for uploads), then
  `delta`s (each `new_element` a widget or chart; a widget's id ends in `-{key}`, its key), then
  `page_info_changed` (the query string the page wrote, which the next `rerun_script` carries), then
  `script_finished`; a chart's `spec` is plotly's figure JSON, arrays as `{dtype, bdata}` base64;
- a client that sends no `cached_message_hashes` gets every message in full, never a `ref_hash`;
- before its websocket, the frontend asks `/_stcore/health`, which sets the XSRF cookie (and, behind
  warmup_viz.ui.class_server's nginx, the cookie that picks the process); a student keeps its
  cookies, as a browser does, and sends them with the websocket and every upload;
- an upload asks for URLs (`file_urls_request` -> `file_urls_response`), PUTs the file as a
  multipart form with the XSRF cookie echoed in `X-Xsrftoken`, then sends `rerun_script` with the
  uploader's `file_uploader_state_value`; the PUT must reach the process holding the session.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.plotly_data import values

TIMEOUT = 120.0  # seconds for one wait: sixty sessions loading at once on two cores
LR_TRACE = "learning_rate"


@dataclass
class Chart:
    """The LR chart's learning_rate trace as received: steps and values."""

    x: list[float]
    y: list[float]
    groups: list[str]  # every trace's legendgroup (an uploaded log's traces carry its name)


@dataclass
class Visit:
    """What one student saw: seconds to each chart with real data, and what went wrong."""

    to_chart: float | None = None
    to_change: float | None = None
    to_upload: float | None = None
    chart: Chart | None = None
    changed: Chart | None = None
    errors: list[str] = field(default_factory=list)


class Session:
    """One websocket session with a Streamlit server, as the frontend holds it."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})  # name -> value, kept across requests as a browser keeps them
        self.ws = None
        self.session_id = ""
        self.page_hash = ""
        self.query_string = ""
        self.widget_ids: dict[str, str] = {}  # key -> widget id
        self.errors: list[str] = []
        self._file_urls: dict[str, object] = {}

    async def __aenter__(self) -> Session:
        self.cookies.update(await asyncio.to_thread(_health_cookies, self.base_url, self.cookies))
        url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(
            url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=TIMEOUT,
            additional_headers={"Cookie": _cookie_header(self.cookies)},
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def rerun(self, query_string: str | None = None, widgets=()) -> None:
        """Send `rerun_script` with `query_string` (else the page's own) and `widgets`, each a
        `(key, field, value)` such as `("max_steps", "string_value", "150")`."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string if query_string is None else query_string
        state.page_script_hash = self.page_hash
        for key, kind, value in widgets:
            widget = state.widget_states.widgets.add()
            widget.id = self.widget_ids[key]
            if kind == "file_uploader_state_value":
                widget.file_uploader_state_value.CopyFrom(value)
            else:
                setattr(widget, kind, value)
        await self.ws.send(msg.SerializeToString())

    async def chart_until(self, done) -> Chart:
        """Receive messages until the LR chart arrives with `done(chart)` true; return it."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            msg = await self._receive(deadline)
            chart = self._chart(msg)
            if chart is not None and done(chart):
                return chart

    async def finish(self) -> None:
        """Receive messages until the current run's `script_finished`."""
        deadline = time.monotonic() + TIMEOUT
        while (await self._receive(deadline)).WhichOneof("type") != "script_finished":
            pass

    async def upload(self, name: str, data: bytes) -> None:
        """Upload `data` as file `name` to the log uploader, as the frontend does, and rerun."""
        from streamlit.proto.Common_pb2 import FileUploaderState

        msg = BackMsg()
        request_id = uuid.uuid4().hex
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + TIMEOUT
        while request_id not in self._file_urls:
            await self._receive(deadline)
        urls = self._file_urls.pop(request_id)
        await asyncio.to_thread(_put, self.base_url, urls.upload_url, name, data, self.cookies)
        state = FileUploaderState()
        info = state.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        await self.rerun(widgets=[("log_files", "file_uploader_state_value", state)])

    async def _receive(self, deadline: float) -> ForwardMsg:
        data = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self.errors.append(f"exception on the page: {element.exception.message[:200]}")
            widget_id = getattr(getattr(element, which), "id", "")
            if widget_id.startswith("$$ID-"):
                self.widget_ids[widget_id.split("-", 2)[2]] = widget_id
        elif kind == "file_urls_response":
            response = msg.file_urls_response
            if response.error_msg:
                self.errors.append(f"file_urls_response: {response.error_msg}")
            self._file_urls[response.response_id] = response.file_urls[0]
        elif kind == "ref_hash":  # only for hashes we said we had; we said none
            self.errors.append(f"ref_hash {msg.ref_hash} for a message never received")
        elif kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.errors.append("script finished with a compile error")
        return msg

    @staticmethod
    def _chart(msg: ForwardMsg) -> Chart | None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return None
        element = msg.delta.new_element
        if element.WhichOneof("type") != "plotly_chart" or not element.plotly_chart.spec:
            return None
        traces = json.loads(element.plotly_chart.spec).get("data", [])
        for trace in traces:
            if trace.get("name") == LR_TRACE and "x" in trace:
                groups = [t.get("legendgroup") for t in traces if t.get("legendgroup")]
                return Chart(values(trace["x"]), values(trace["y"]), groups)
        return None


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _health_cookies(base_url: str, cookies: dict[str, str]) -> dict[str, str]:
    """The cookies `/_stcore/health` sets for a client that sends `cookies`."""
    request = urllib.request.Request(f"{base_url}/_stcore/health")
    if cookies:
        request.add_header("Cookie", _cookie_header(cookies))
    with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
        pairs = [c.split(";", 1)[0].split("=", 1) for c in r.headers.get_all("Set-Cookie") or []]
    return {name.strip(): value for name, value in pairs}


def _put(base_url: str, upload_url: str, name: str, data: bytes, cookies: dict[str, str]) -> None:
    """PUT one file as the frontend does: a multipart form with the session's cookies, the XSRF
    cookie echoed as a header."""
    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
    body = f"{head}Content-Type: text/csv\r\n\r\n".encode() + data + f"\r\n--{boundary}--\r\n".encode()
    url = upload_url if upload_url.startswith("http") else base_url + "/" + upload_url.lstrip("/")
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Cookie", _cookie_header(cookies))
    request.add_header("X-Xsrftoken", cookies.get("_streamlit_xsrf", ""))
    with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
        r.read()


def has_steps(steps: int):
    """A chart test: the learning_rate trace holds steps 1..`steps`, every one."""
    return lambda chart: len(chart.x) == steps and chart.x[-1] == steps


def small_log(name: str, steps: int = 50) -> bytes:
    """A small Trainer-like CSV log (step, learning_rate, loss)."""
    return ("step,learning_rate,loss\n" + "".join(f"{s},0.0,{3 - s / 100}\n" for s in range(1, steps + 1))).encode()


async def student(
    base_url: str,
    steps: int,
    new_steps: int | None = None,
    upload: str | None = None,
    hold=None,
    query: str = "",
    cookies: dict[str, str] | None = None,
) -> Visit:
    """One student: open the link `?max_steps={steps}&{query}` until its chart has every step,
    then (if given) change max_steps to `new_steps` until the chart follows, upload a small log
    named `upload` until its trace is drawn, wait for `hold` (anything with an async `wait()`, to
    keep the session open), and leave. `cookies`: the browser's cookies before it opens the link
    (none: a fresh browser). Failures are recorded in the visit, never raised."""
    visit = Visit()
    try:
        async with Session(base_url, cookies) as session:
            start = time.perf_counter()
            await session.rerun(f"max_steps={steps}&example=false" + (f"&{query}" if query else ""))
            visit.chart = await session.chart_until(has_steps(steps))
            visit.to_chart = time.perf_counter() - start
            await session.finish()
            if new_steps is not None:
                start = time.perf_counter()
                await session.rerun(widgets=[("max_steps", "string_value", str(new_steps))])
                visit.changed = await session.chart_until(has_steps(new_steps))
                visit.to_change = time.perf_counter() - start
                await session.finish()
            if upload is not None:
                start = time.perf_counter()
                await session.upload(f"{upload}.csv", small_log(upload))
                await session.chart_until(lambda chart: upload in chart.groups)
                visit.to_upload = time.perf_counter() - start
                await session.finish()
            if hold is not None:
                await hold.wait()
            visit.errors += session.errors
    except Exception as e:  # a timeout or a refused socket is a failed visit, reported
        visit.errors.append(f"{type(e).__name__}: {str(e)[:200]}")
    return visit
