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
import statistics
import time

from bench.students import Session, has_steps, student
from tests.browser import rss_mb, streamlit_server

LINK_STEPS = 300  # the shared link: every student opens ?max_steps=300


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
    hold = Hold()
    arrivals = [asyncio.create_task(arrive(url, spread * i / students, i, hold)) for i in range(students)]
    changes = asyncio.create_task(teacher(url, lambda: hold.waiting + sum(t.done() for t in arrivals) >= students))
    while hold.waiting + sum(t.done() for t in arrivals) < students:
        await asyncio.sleep(0.2)
    open_rss = rss_mb(pid)  # every student's session still open (the teacher's too)
    hold.release()
    visits = await asyncio.gather(*arrivals)
    latencies, errors = await changes
    return visits, latencies, errors, open_rss


async def waves(url: str, total: int, wave: int, pid: int) -> list[tuple[int, float]]:
    """Open and close `total` sessions, `wave` at a time; RSS after each wave."""
    rows = []
    for done in range(0, total, wave):
        visits = await asyncio.gather(*(student(url, 100 + (done + i) % 200) for i in range(wave)))
        failed = sum(bool(v.errors) or v.to_chart is None for v in visits)
        rows.append((done + wave, rss_mb(pid), failed))
    return rows


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--repeats", type=int, default=5, help="one student alone, this many times")
    parser.add_argument("--sessions", type=int, default=500, help="opened and closed for the leak check (0: none)")
    args = parser.parse_args()
    with streamlit_server() as server:
        asyncio.run(student(server, LINK_STEPS))  # warm up: the first run's imports and caches
        solo, solo_changes, solo_errors = asyncio.run(alone(server, args.repeats))
        before = rss_mb(server.pid)
        visits, changes, teacher_errors, open_rss = asyncio.run(
            class_at_once(server, args.students, args.spread, server.pid)
        )
        after = rss_mb(server.pid)
        leak = asyncio.run(waves(server, args.sessions, 50, server.pid)) if args.sessions else []

    one_chart = statistics.median(v.to_chart for v in solo if v.to_chart is not None)
    one_change = statistics.median(v.to_change for v in solo if v.to_change is not None)
    served = [v for v in visits if v.to_chart is not None]
    to_chart = [v.to_chart for v in served]
    to_change = [v.to_change for v in visits if v.to_change is not None]
    uploads = [v.to_upload for v in visits if v.to_upload is not None]
    errors = [e for v in visits for e in v.errors] + teacher_errors + solo_errors
    n = args.students
    print(f"A class through Streamlit's protocol: {n} students open ?max_steps={LINK_STEPS} within {args.spread:g} s")
    print(f"  one student alone (p50 of {args.repeats}): chart {ms(one_chart)}, change {ms(one_change)}")
    print(f"  all charts served: {len(served)}/{n}; errors: {len(errors)}")
    if to_chart:
        p50, p95 = statistics.median(to_chart), percentile(to_chart, 0.95)
        print(
            f"  time to chart: p50 {ms(p50)} ({p50 / one_chart:.1f}x alone), p95 {ms(p95)} ({p95 / one_chart:.1f}x alone)"
        )
    if to_change:
        print(f"  students' change: p50 {ms(statistics.median(to_change))}, p95 {ms(percentile(to_change, 0.95))}")
    if uploads:
        print(f"  students' upload to trace drawn: p50 {ms(statistics.median(uploads))}, {len(uploads)}/{n} drawn")
    if solo_changes and changes:
        alone_p50, during_p50 = statistics.median(solo_changes), statistics.median(changes)
        print(
            f"  teacher's change: alone p50 {ms(alone_p50)}; during the class p50 {ms(during_p50)}, "
            f"p95 {ms(percentile(changes, 0.95))} over {len(changes)} changes ({during_p50 / alone_p50:.1f}x alone)"
        )
    print(
        f"  server RSS: before {before:.0f} MB, with {n + 1} sessions open {open_rss:.0f} MB, after they left {after:.0f} MB; "
        f"{(open_rss - before) / (n + 1):.1f} MB per open session"
    )
    if leak:
        first, last = leak[0], leak[-1]
        failed = sum(row[2] for row in leak)
        print(
            f"  leak check, sessions opened and closed in waves of 50: RSS after {first[0]} {first[1]:.0f} MB, "
            f"after {last[0]} {last[1]:.0f} MB ({100 * (last[1] / first[1] - 1):+.1f} %), failed {failed}"
        )
    for error in errors[:5]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
