"""Time from an input change to the chart updating, in a real Chromium, side by side:
one session alone against ten sessions at once on the same server (p50 and p95).

Run from the repository root (it uses the tests' browser helpers):
    .venv/bin/python -m bench.bench_load [--seconds 30]
"""

import argparse
import statistics

from tests.browser import rss_mb, streamlit_server
from tests.load import drive


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    seconds = parser.parse_args().seconds
    with streamlit_server() as server:
        drive(server, 1, 5, upload=False)  # warm up: imports, caches
        rows = []
        for sessions in (1, 10):
            report = drive(server, sessions, seconds)
            lat = report.latencies
            rows.append((sessions, len(lat), statistics.median(lat), percentile(lat, 0.95), len(report.errors)))
        memory = rss_mb(server.pid)
    print("input change -> chart updated, real Chromium, one server on this machine")
    for sessions, count, p50, p95, errors in rows:
        print(
            f"  {sessions:2d} session(s): {count:4d} changes, p50 {p50 * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, errors {errors}"
        )
    print(f"  p50 ratio 10 sessions / 1 session: {rows[1][2] / rows[0][2]:.1f}x; server RSS after: {memory:.0f} MB")


if __name__ == "__main__":
    main()
