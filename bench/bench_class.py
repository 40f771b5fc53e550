"""A whole class at once, through Streamlit's own protocol (bench/students.py), no browsers:
one student alone against 60 students opening the same link within 10 s on one server (time to
the chart's real data, p50/p95), the teacher's settings change alone and during the class, the
server's memory per open session, and its memory after 50 and after 500 sessions opened and
closed in waves (the leak check). Side by side in one run; times vary with the machine's load.

Run from the repository root:
    .venv/bin/python -m bench.bench_class [--students 60] [--spread 10] [--sessions 500]
"""

import argparse
import asyncio
import os
import pathlib
import statistics
import time

from bench.students import Session, has_steps, student
from tests.browser import rss_mb, streamlit_server

LINK_STEPS = 300  # the shared link: every student opens ?max_steps=300


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, in seconds (Linux)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Hold:
    """Keeps students' sessions open once they are done, counting them, until `release()`."""

    def __init__(self) -> None:
        self.waiting = 0
        self._event = asyncio.Event()

    async def wait(self) -> None:
        self.waiting += 1
        await self._event.wait()

    def release(self) -> None:
        self._event.set()


async def teacher(url: str, until, period: float = 1.0) -> tuple[list[float], list[str]]:
    """One session on the link changing max_steps about every `period` s until `until()`;
    the seconds from each change to the chart with the new steps, and errors."""
    latencies, errors = [], []
    try:
        async with Session(url) as session:
            await session.rerun(f"max_steps={LINK_STEPS}&example=false")
            await session.chart_until(has_steps(LINK_STEPS))
            await session.finish()
            k = 0
            while not until():
                k += 1
                steps = LINK_STEPS + 1 + k % 7
                start = time.perf_counter()
                await session.rerun(widgets=[("max_steps", "string_value", str(steps))])
                await session.chart_until(has_steps(steps))
                latencies.append(time.perf_counter() - start)
                await session.finish()
                await asyncio.sleep(max(0.0, period - (time.perf_counter() - start)))
            errors += session.errors
    except Exception as e:
        errors.append(f"teacher: {type(e).__name__}: {str(e)[:200]}")
    return latencies, errors


async def arrive(url: str, delay: float, index: int, hold: Hold):
    await asyncio.sleep(delay)
    return await student(url, LINK_STEPS, LINK_STEPS + 10 + index, upload=f"s{index}", hold=hold)


async def alone(url: str, repeats: int):
    """One student at a time, `repeats` times; then the teacher alone for about `repeats` s."""
    visits = [await student(url, LINK_STEPS, LINK_STEPS + 10 + i, upload=f"a{i}") for i in range(repeats)]
    end = time.monotonic() + repeats
    changes, errors = await teacher(url, lambda: time.monotonic() > end)
    return visits, changes, errors


async def class_at_once(url: str, students: int, spread: float, pid: int):
    """`students` arriving evenly over `spread` s, each staying until all are done, and the
    teacher changing a setting meanwhile; their visits, the teacher's latencies and errors, the
    RSS with every session open, and the CPU seconds the server and this process used."""
    cpu = cpu_seconds(pid), time.process_time()
    hold = Hold()
    arrivals = [asyncio.create_task(arrive(url, spread * i / students, i, hold)) for i in range(students)]
    changes = asyncio.create_task(teacher(url, lambda: hold.waiting + sum(t.done() for t in arrivals) >= students))
    while hold.waiting + sum(t.done() for t in arrivals) < students:
        await asyncio.sleep(0.2)
    open_rss = rss_mb(pid)  # every student's session still open (the teacher's too)
    hold.release()
    visits = await asyncio.gather(*arrivals)
    latencies, errors = await changes
    used = cpu_seconds(pid) - cpu[0], time.process_time() - cpu[1]
    return visits, latencies, errors, open_rss, used


# Streamlit keeps a closed session (its state, uploads, caches' entries) for
# server.disconnectedSessionTTL seconds, so a reconnecting browser resumes it: the leak check runs on
# a server of its own that keeps them LEAK_TTL s, and reads its memory once that has passed
LEAK_TTL = 1


async def waves(url: str, total: int, wave: int, pid: int) -> list[tuple[int, float]]:
    """Open and close `total` sessions, `wave` at a time (each with an upload); RSS after each
    wave once the server has let its closed sessions go."""
    rows = []
    for done in range(0, total, wave):
        visits = await asyncio.gather(
            *(student(url, 100 + (done + i) % 200, upload=f"w{done + i}") for i in range(wave))
        )
        failed = sum(bool(v.errors) or v.to_chart is None for v in visits)
        await asyncio.sleep(LEAK_TTL + 2)  # past the TTL and the server's next sweep
        rows.append((done + wave, rss_mb(pid), failed))
    return rows


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def report(title: str, run, n: int, one_chart: float, solo_changes: list[float], before: float) -> None:
    """Print one class's lines: charts served, time to chart vs alone, the teacher, memory."""
    visits, changes, errors, open_rss, (server_cpu, own_cpu) = run
    to_chart = [v.to_chart for v in visits if v.to_chart is not None]
    to_change = [v.to_change for v in visits if v.to_change is not None]
    uploads = [v.to_upload for v in visits if v.to_upload is not None]
    errors = [e for v in visits for e in v.errors] + errors
    print(f"  {title}")
    print(f"    all charts served: {len(to_chart)}/{n}; errors: {len(errors)}")
    if to_chart:
        p50, p95 = statistics.median(to_chart), percentile(to_chart, 0.95)
        print(
            f"    time to chart: p50 {ms(p50)} ({p50 / one_chart:.1f}x alone), p95 {ms(p95)} ({p95 / one_chart:.1f}x)"
        )
    if to_change:
        print(f"    students' change: p50 {ms(statistics.median(to_change))}, p95 {ms(percentile(to_change, 0.95))}")
    if uploads:
        print(
            f"    students' upload to its trace drawn: p50 {ms(statistics.median(uploads))}, {len(uploads)}/{n} drawn"
        )
    if solo_changes and changes:
        during = statistics.median(changes)
        print(
            f"    teacher's change during it: p50 {ms(during)} ({during / statistics.median(solo_changes):.1f}x alone), "
            f"p95 {ms(percentile(changes, 0.95))}, {len(changes)} changes"
        )
    per_session = (open_rss - before) / (n + 1)
    print(f"    server RSS with {n + 1} sessions open: {open_rss:.0f} MB ({per_session:+.1f} MB per session)")
    print(f"    CPU used: server {server_cpu:.1f} s, the students (this process) {own_cpu:.1f} s")
    for error in errors[:5]:
        print(f"    error: {error}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--repeats", type=int, default=5, help="one student alone, this many times")
    parser.add_argument("--sessions", type=int, default=500, help="opened and closed for the leak check (0: none)")
    args = parser.parse_args()
    n = args.students
    with streamlit_server() as server:
        asyncio.run(student(server, LINK_STEPS))  # warm up: the first run's imports and caches
        solo, solo_changes, solo_errors = asyncio.run(alone(server, args.repeats))
        before = rss_mb(server.pid)
        spread = asyncio.run(class_at_once(server, n, args.spread, server.pid))
        burst = asyncio.run(class_at_once(server, n, 0.0, server.pid))  # the same class, at one instant
    leak = []
    if args.sessions:
        with streamlit_server("app.py", "--server.disconnectedSessionTTL", str(LEAK_TTL)) as server:
            asyncio.run(student(server, LINK_STEPS))
            leak = asyncio.run(waves(server, args.sessions, 50, server.pid))

    one_chart = statistics.median(v.to_chart for v in solo if v.to_chart is not None)
    one_change = statistics.median(v.to_change for v in solo if v.to_change is not None)
    print(f"A class through Streamlit's protocol (no browsers): {n} students open ?max_steps={LINK_STEPS}")
    print(
        f"  one student alone, p50 of {args.repeats}: chart {ms(one_chart)}, change {ms(one_change)}, upload drawn",
        end="",
    )
    print(f" {ms(statistics.median(v.to_upload for v in solo if v.to_upload is not None))}")
    print(f"  teacher's change alone: p50 {ms(statistics.median(solo_changes))}; errors alone: {len(solo_errors)}")
    print(f"  server RSS before the class: {before:.0f} MB")
    report(f"{n} arriving within {args.spread:g} s", spread, n, one_chart, solo_changes, before)
    report(f"{n} arriving at one instant", burst, n, one_chart, solo_changes, before)
    if leak:
        (first, rss_first, _), (last, rss_last, _) = leak[0], leak[-1]
        failed = sum(row[2] for row in leak)
        print(
            f"  leak check (a server keeping closed sessions {LEAK_TTL} s), sessions opened, given an upload and "
            f"closed in waves of 50: RSS after {first} {rss_first:.0f} MB, after {last} {rss_last:.0f} MB "
            f"({100 * (rss_last / rss_first - 1):+.1f} %; goal within 10 %), failed {failed}"
        )
        print("    RSS after each wave: " + ", ".join(f"{rss:.0f}" for _, rss, _ in leak) + " MB")


if __name__ == "__main__":
    main()
