"""Start-up cost of the CLI, whole process, side by side in one run (a ratio, not an absolute):
`python -m warmup_viz log SMALL_LOG` against `python -c "import pandas"`, the floor for any
command that reads a log into a table. Goal: within 1.5× (it needs neither torch nor
transformers). Runs are interleaved so drift in machine load hits both alike.

Run: .venv/bin/python bench/bench_cli.py [--repeats N]
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

SMALL_LOG = pathlib.Path(__file__).resolve().parents[1] / "examples" / "trainer_state.json"
GOAL = 1.5


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=9)
    repeats = parser.parse_args().repeats
    ours_cmd = [sys.executable, "-m", "warmup_viz", "log", str(SMALL_LOG)]
    base_cmd = [sys.executable, "-c", "import pandas"]
    timed(ours_cmd), timed(base_cmd)  # warm the file cache for both
    ours, base = [], []
    for _ in range(repeats):
        ours.append(timed(ours_cmd))
        base.append(timed(base_cmd))
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"CLI start-up, whole process, median of {repeats} interleaved runs:")
    label = f"warmup_viz log {SMALL_LOG.name} ({SMALL_LOG.stat().st_size // 1024} KB)"
    print(f"    {label:<42} {statistics.median(ours):6.3f} s")
    baseline = "python -c 'import pandas'"
    print(f"    {baseline:<42} {statistics.median(base):6.3f} s")
    print(f"    {'ratio':<42} {ratio:6.2f}×   (goal ≤ {GOAL}×: {'met' if ratio <= GOAL else 'NOT met'})")


if __name__ == "__main__":
    main()
