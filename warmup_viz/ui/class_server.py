"""A whole class on one machine's cores: N dashboard processes behind Debian's nginx.

    python -m warmup_viz.ui.class_server [--processes 2] [--port 8501] [--address 0.0.0.0] [streamlit options]

starts N servers as `make run` does (`python -m warmup_viz.ui.serve`, each on a free loopback
port), then nginx in front of them on `--address:--port` with a config written from `CONFIG` into
a temporary directory (`daemon off`, its pid, logs and temp files there: no root-owned paths, no
system service), prints the address students open (the only line on stdout; logs go to stderr),
and stops nginx and every server by PID on Ctrl-C or SIGTERM, or when nginx or every server has
ended (a server that ends is reported; nginx sends its students to the others).

Every setting lives in the link, so any process draws any student's chart; only a session's
websocket and its uploads must meet in one process (Streamlit refuses an upload for a session it
does not hold). nginx keys its choice on a cookie of its own, `warmup_viz_backend`, set on the
first response to a browser that has none (a random `$request_id`, the same value that request
was routed by): the page, its websocket and its uploads then reach the same process, and
students behind one NAT still spread. Streamlit's `_streamlit_xsrf` cookie cannot serve: it is
re-masked on every response. `ip_hash` cannot either: a classroom behind NAT is one address.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from typing import NamedTuple

from .serve import DASHBOARD

COOKIE = "warmup_viz_backend"
NGINX_ENV = "WARMUP_VIZ_NGINX"  # another nginx binary than the one on PATH (or /usr/sbin/nginx)
STARTUP_SECONDS = 120.0  # N processes importing torch and transformers at once on two cores

# $request_id routes a request without the cookie and becomes its cookie, so the first response
# already comes from the process that all later requests of that browser reach
CONFIG = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 1024;  # two per student (browser side, server side): 500 students
}}

http {{
    {access_log}
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    map $cookie_{cookie} $backend_key {{
        "" $request_id;
        default $cookie_{cookie};
    }}
    map $cookie_{cookie} $backend_cookie {{
        "" "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    upstream dashboard {{
        hash $backend_key consistent;
{servers}
    }}

    server {{
        listen {listen};
        client_max_body_size {max_body}m;  # Streamlit's maxUploadSize, and the form around the file

        location / {{
            proxy_pass http://dashboard;
            proxy_http_version 1.1;
            # the websocket's origin check compares Origin with Host: pass the one the browser sent
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1d;  # a student's websocket stays open through a whole lesson
            proxy_send_timeout 1d;
            proxy_request_buffering off;  # an upload streams to Streamlit, which caps its size
            add_header Set-Cookie $backend_cookie always;  # an empty value adds no header
        }}
    }}
}}
"""
# what the test reads: which process served each request, and for which browser
# ($upstream_addr last: after a refused connection it lists every process tried, "a, b")
ACCESS_LOG_FORMAT = "log_format routes '$backend_key $request_method $uri $status $upstream_addr';"


class Route(NamedTuple):
    """One request in the access log: the browser's key (its cookie, or on its first request the
    id that became it), what it asked, and the process that answered (processes tried, if refused)."""

    key: str
    method: str
    path: str
    status: str
    process: str


@dataclass
class Class:
    """A running class: the address students open, nginx's PID, and each server's address and PID."""

    url: str
    nginx_pid: int
    servers: list[str]
    server_pids: list[int]
    prefix: pathlib.Path  # nginx's directory: its config, error.log and access log
    procs: list[subprocess.Popen] = field(repr=False, default_factory=list)

    def ended(self) -> list[int]:
        """The PIDs of this class's processes that have ended."""
        return [proc.pid for proc in self.procs if proc.poll() is not None]

    def routes(self) -> list[Route]:
        """The requests nginx has logged (started with `access_log`; a request is logged after its
        response, a websocket once closed)."""
        path = self.prefix / "access.log"
        return [Route(*line.split(" ", 4)) for line in path.read_text().splitlines()] if path.exists() else []


def nginx_binary() -> str:
    """The nginx to run: $WARMUP_VIZ_NGINX, else nginx on PATH or in /usr/sbin (not on a user's PATH)."""
    found = os.environ.get(NGINX_ENV) or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        raise RuntimeError("nginx is not installed: apt-get install nginx (make class does)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def max_upload_mb() -> int:
    """Streamlit's `server.maxUploadSize` in the dashboard's config.toml (its default, 200, if unset)."""
    config = DASHBOARD / ".streamlit" / "config.toml"
    settings = tomllib.loads(config.read_text()) if config.is_file() else {}
    return int(settings.get("server", {}).get("maxUploadSize", 200))


def nginx_config(prefix: pathlib.Path, listen: str, backends: list[str], access_log: bool = False) -> str:
    """nginx's configuration: listen on `listen` (`address:port`), spread browsers over
    `backends` (`host:port` each) by their `warmup_viz_backend` cookie, everything under `prefix`.
    `access_log`: log each request's process and cookie to `prefix/access.log` (format `routes`)."""
    log = f"{ACCESS_LOG_FORMAT}\n    access_log {prefix}/access.log routes;" if access_log else "access_log off;"
    return CONFIG.format(
        prefix=prefix,
        access_log=log,
        cookie=COOKIE,
        servers="\n".join(f"        server {backend};" for backend in backends),
        listen=listen,
        max_body=max_upload_mb() + 1,
    )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _wait_healthy(urls: list[str], procs: list[subprocess.Popen], what: str) -> None:
    """Poll each url's health check until all answer; RuntimeError if a process ends first or time runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = list(urls)
    while waiting:
        waiting = [url for url in waiting if not _healthy(url)]
        ended = [p.args for p in procs if p.poll() is not None]
        if ended or (waiting and time.monotonic() > deadline):
            raise RuntimeError(f"{what} did not start: {ended or waiting}")
        if waiting:
            time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running(processes: int = 2, port: int = 0, address: str = "127.0.0.1", options=(), access_log: bool = False):
    """Start `processes` dashboard servers and nginx in front on `address:port` (0: a free port);
    yield a `Class` once nginx answers for them; stop nginx, then the servers, by PID. Children
    write their output to this process's stderr. `options` go to every Streamlit server."""
    if processes < 1:
        raise ValueError(f"processes={processes}: at least 1")
    nginx = nginx_binary()
    ports = [free_port() for _ in range(processes)]
    flags = ["--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"]
    env = dict(os.environ, HF_HUB_OFFLINE=os.environ.get("HF_HUB_OFFLINE", "1"))
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="warmup-viz-nginx-") as tmp:
        prefix = pathlib.Path(tmp)
        prefix.chmod(0o755)  # started as root, nginx's workers run as nobody and use the temp paths
        try:
            for p in ports:
                command = [sys.executable, "-m", "warmup_viz.ui.serve", *flags, "--server.port", str(p), *options]
                procs.append(subprocess.Popen(command, cwd=DASHBOARD, env=env, stdout=sys.stderr))
            servers = [f"http://127.0.0.1:{p}" for p in ports]
            _wait_healthy(servers, procs, "a dashboard server")
            port = port or free_port()
            listen = f"{address}:{port}"
            config = prefix / "nginx.conf"
            config.write_text(nginx_config(prefix, listen, [s.removeprefix("http://") for s in servers], access_log))
            command = [nginx, "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(config)]
            procs.append(subprocess.Popen(command, stdout=sys.stderr))
            local = "127.0.0.1" if address in ("0.0.0.0", "") else address
            url = f"http://{local}:{port}"
            try:
                _wait_healthy([url], procs, "nginx")
            except RuntimeError as e:
                errors = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                raise RuntimeError(f"{e}\n{errors}") from None
            yield Class(url, procs[-1].pid, servers, [p.pid for p in procs[:-1]], prefix, procs)
        finally:
            # a second Ctrl-C or SIGTERM waits until every process is stopped, then arrives
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                for proc in reversed(procs):  # nginx first: no request reaches a server that is stopping
                    _stop(proc)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class Stopped(Exception):
    """SIGTERM or SIGINT arrived (its name): from startup on, so what was started is stopped."""


def _stopped(signum, _frame):
    raise Stopped(signal.Signals(signum).name)


def watch(started: Class) -> str:
    """Block until nginx or every server has ended (a signal raises `Stopped`); say which. A
    server that ends is reported on stderr: nginx sends its students to the others, whose
    links rebuild their charts."""
    reported: set[int] = set()
    while True:
        ended = started.ended()
        for pid in set(ended) - reported - {started.nginx_pid}:
            print(f"server {pid} ended; nginx sends its students to the others", file=sys.stderr)
            reported.add(pid)
        if started.nginx_pid in ended:
            return "nginx ended"
        if reported >= set(started.server_pids):
            return "every server ended"
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warmup_viz.ui.class_server",
        description="N dashboard processes behind nginx, for a whole class; prints the address.",
    )
    parser.add_argument("--processes", type=int, default=2, help="dashboard processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="nginx's port (default 8501)")
    parser.add_argument("--address", default="0.0.0.0", help="nginx's address (default 0.0.0.0: every interface)")
    args, options = parser.parse_known_args(argv)
    # before anything starts: a signal during startup stops what has started (running's finally);
    # Ctrl-C reaches the children too (one process group), and they stop as we stop them
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stopped)
    try:
        with running(args.processes, args.port, args.address, options) as started:
            shown = socket.gethostname() if args.address in ("0.0.0.0", "") else args.address
            print(f"http://{shown}:{args.port}", flush=True)
            print(f"{args.processes} processes behind nginx; Ctrl-C stops them", file=sys.stderr)
            print(f"stopping: {watch(started)}", file=sys.stderr)
            return 1
    except Stopped as e:
        print(f"stopped by {e}", file=sys.stderr)
        return 0
    except (RuntimeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
