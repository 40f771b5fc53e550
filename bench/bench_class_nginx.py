"""The same class on two processes behind nginx vs one (warmup_viz.ui.class_server): 60 students
opening the link within 10 s through Streamlit's protocol (bench/students.py), each changing
max_steps and uploading a log. Side by side in one run: one process alone, one behind nginx (what
the proxy costs), two behind nginx; charts served, time to chart p50/p95, the change and the
upload, the CPU seconds each server, nginx and the students used, and how nginx spread the
students; then the same class arriving at one instant.

Run from the repository root:
    .venv/bin/python -m bench.bench_class_nginx [--students 60] [--spread 10] [--rounds 1]
"""

import argparse
import asyncio
import collections
import contextlib
import pathlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.bench_class import LINK_STEPS, cpu_seconds, ms, percentile
from bench.students import student
from tests.browser import streamlit_server
from warmup_viz.ui.class_server import Route, running


@dataclass
class Setup:
    url: str  # where students go
    servers: list[str]
    pids: list[int]
    nginx: list[int]  # nginx's master and worker (none without nginx)
    routes: Callable[[], list[Route]]  # nginx's access log (nothing without nginx)


@contextlib.contextmanager
def setup(kind: str):
    """One server alone, or `class_server` with one or two behind nginx (its access log on)."""
    if kind == "one":
        with streamlit_server() as server:
            yield Setup(server, [server], [server.pid], [], list)
    else:
        with running(1 if kind == "one behind nginx" else 2, access_log=True) as started:
            pid = started.nginx_pid
            workers = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            nginx = [pid, *map(int, workers)]
            yield Setup(started.url, started.servers, started.server_pids, nginx, started.routes)


async def class_(url: str, students: int, spread: float):
    """`students` arriving evenly over `spread` s: open the link, change max_steps, upload a log."""

    async def arrive(i: int):
        await asyncio.sleep(spread * i / students)
        return await student(url, LINK_STEPS, LINK_STEPS + 10 + i, upload=f"s{i}")

    return await asyncio.gather(*(arrive(i) for i in range(students)))


def websockets(started: Setup, logged: int, students: int) -> list[Route]:
    """The class's websockets in nginx's log (after its first `logged` lines): nginx logs each
    once closed, so wait a little for the last ones."""
    deadline = time.monotonic() + 10
    while True:
        found = [r for r in started.routes()[logged:] if r.path == "/_stcore/stream"]
        if len(found) >= students or not started.nginx or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def measure(kind: str, students: int, spreads: list[float]) -> list[dict]:
    """The class on `kind`, once for each spread (0: at one instant), in one setup."""
    rows = []
    with setup(kind) as started:
        for server in started.servers:  # each process's first session, outside the class
            asyncio.run(student(server, LINK_STEPS))
        for spread in spreads:
            logged = len(started.routes())
            cpu = [cpu_seconds(pid) for pid in started.pids + started.nginx]
            own, start = time.process_time(), time.perf_counter()
            visits = asyncio.run(class_(started.url, students, spread))
            wall = time.perf_counter() - start
            used = [cpu_seconds(pid) - before for pid, before in zip(started.pids + started.nginx, cpu, strict=True)]
            own = time.process_time() - own
            sessions = collections.Counter(r.process for r in websockets(started, logged, students))
            servers = used[: len(started.pids)]
            rows.append(
                dict(
                    kind=kind,
                    spread=spread,
                    visits=visits,
                    wall=wall,
                    cpu=servers,
                    nginx=sum(used[len(started.pids) :]),
                    own=own,
                    sessions=list(sessions.values()),
                )
            )
    return rows


def report(row: dict, n: int) -> None:
    visits, kind = row["visits"], row["kind"]
    to_chart = [v.to_chart for v in visits if v.to_chart is not None]
    changes = [v.to_change for v in visits if v.to_change is not None]
    uploads = [v.to_upload for v in visits if v.to_upload is not None]
    errors = [e for v in visits for e in v.errors]
    when = "at one instant" if row["spread"] == 0 else f"within {row['spread']:g} s"
    print(f"  {kind}, {n} arriving {when}")
    print(f"    all charts served: {len(to_chart)}/{n}; errors: {len(errors)}; class over in {row['wall']:.1f} s")
    if to_chart:
        print(f"    time to chart: p50 {ms(statistics.median(to_chart))}, p95 {ms(percentile(to_chart, 0.95))}")
    if changes and uploads:
        print(
            f"    change: p50 {ms(statistics.median(changes))}, p95 {ms(percentile(changes, 0.95))}; "
            f"upload drawn: p50 {ms(statistics.median(uploads))}, {len(uploads)}/{n}"
        )
    cpu = " + ".join(f"{c:.1f}" for c in row["cpu"])
    proxy = f", nginx {row['nginx']:.2f} s" if kind != "one" else ""
    print(
        f"    CPU used: server{'s' if len(row['cpu']) > 1 else ''} {cpu} s{proxy}, "
        f"the students (this process) {row['own']:.1f} s"
    )
    if len(row["sessions"]) > 1:
        print(
            f"    websockets per process (nginx's log, the warm-up's excluded): {' / '.join(map(str, row['sessions']))}"
        )
    for error in errors[:5]:
        print(f"    error: {error}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--rounds", type=int, default=1, help="each setup this many times, interleaved")
    args = parser.parse_args()
    kinds = ["one", "one behind nginx", "two behind nginx"]
    rows = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            rows[kind] += measure(kind, args.students, [args.spread, 0.0])
    print(
        f"The same class, two processes behind nginx vs one: {args.students} students open ?max_steps={LINK_STEPS}, "
        "change it, upload a log (2 cores; the students share them)"
    )
    for spread in (args.spread, 0.0):
        for kind in kinds:
            for row in rows[kind]:
                if row["spread"] == spread:
                    report(row, args.students)


if __name__ == "__main__":
    main()
