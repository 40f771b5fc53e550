"""Side-by-side timings (ratios, measured in one run on the same machine).

(a) 1M-step CSV export, whole process: `python -m warmup_viz schedule` against a script that
    steps a real LambdaLR and writes the same CSV (goal: at most 0.2x its time). Both outputs
    are compared byte for byte. The ratio of CPU time (user + system) is printed beside the
    wall-clock one: on a loaded machine it moves far less.
(b) The display path (`display_curve`, scheduler build included) at max_steps 10M against 1k.

Run: .venv/bin/python bench/bench_schedule.py [--repeats N]
"""

import argparse
import filecmp
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXPORT_GOAL = 0.2  # whole process, ours / the naive script


def timed(cmd):
    """(wall-clock seconds, CPU seconds: user + system) of running `cmd` to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def export_bench(repeats):
    n, warmup = 1_000_000, 10_000
    with tempfile.TemporaryDirectory() as tmp:
        ours_csv, base_csv = f"{tmp}/ours.csv", f"{tmp}/baseline.csv"
        ours_cmd = [
            sys.executable,
            "-m",
            "warmup_viz",
            "schedule",
            "--lr_scheduler_type",
            "cosine",
            "--learning_rate",
            "3e-4",
            "--warmup_steps",
            str(warmup),
            "--max_steps",
            str(n),
            "--output",
            ours_csv,
        ]
        base_cmd = [sys.executable, str(ROOT / "bench" / "baseline_lambdalr_csv.py"), str(n), str(warmup), base_csv]
        ours, base = [], []
        for _ in range(repeats):  # interleaved, so drift in machine load hits both alike
            ours.append(timed(ours_cmd))
            base.append(timed(base_cmd))
        identical = filecmp.cmp(ours_csv, base_csv, shallow=False)
    a, b = (statistics.median(wall for wall, _ in runs) for runs in (ours, base))
    a_cpu, b_cpu = (statistics.median(cpu for _, cpu in runs) for runs in (ours, base))
    print(f"(a) 1M-step CSV export, whole process, median of {repeats} interleaved runs:   wall      CPU")
    print(f"    warmup_viz schedule      {a:7.2f} s {a_cpu:7.2f} s")
    print(f"    stepping LambdaLR + CSV  {b:7.2f} s {b_cpu:7.2f} s")
    verdict = "met" if a / b <= EXPORT_GOAL else "NOT met"
    print(
        f"    ratio                    {a / b:7.3f}x  {a_cpu / b_cpu:7.3f}x   "
        f"(goal <= {EXPORT_GOAL}x, wall: {verdict}; outputs identical: {identical})"
    )


def in_process_bench(repeats):
    """The same export without interpreter start-up and the import of torch + transformers."""
    from baseline_lambdalr_csv import stepped_csv

    from warmup_viz import export, lr_schedule
    from warmup_viz.config import ScheduleConfig

    n, warmup = 1_000_000, 10_000
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=warmup, max_steps=n)

    def ours():
        steps, lrs = lr_schedule.full_table(config.replace(learning_rate=3e-4 * 1.0))
        return export.table_bytes(steps, lrs, "csv")

    def baseline():
        return stepped_csv(n, warmup)

    a, b = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        mine = ours()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = baseline()
        b.append(time.perf_counter() - start)
    print(f"(a') the same 1M-step CSV in one process (imports excluded), best of {repeats}:")
    print(f"    full_table + CSV         {min(a):7.2f} s")
    print(f"    stepping LambdaLR + CSV  {min(b):7.2f} s")
    print(f"    speed-up                 {min(b) / min(a):7.1f}x   (bytes identical: {mine == theirs})")


def display_bench(repeats):
    from warmup_viz import lr_schedule
    from warmup_viz.config import ScheduleConfig

    def once(n, i):
        # a new learning_rate each call: no cache hit, the scheduler is built every time
        config = ScheduleConfig(
            lr_scheduler_type="cosine", warmup_steps=0.05, max_steps=n, learning_rate=1e-4 * (1 + i * 1e-6)
        )
        start = time.perf_counter()
        lr_schedule.display_curve(config)
        return time.perf_counter() - start

    small, large = [], []
    for i in range(repeats * 100):
        small.append(once(1_000, i))
        large.append(once(10_000_000, i))
    s, big = statistics.median(small), statistics.median(large)
    print(f"(b) display path (build + {lr_schedule.DISPLAY_POINTS}-point curve), median of {len(small)}:")
    print(f"    max_steps 1k             {s * 1e3:7.2f} ms")
    print(f"    max_steps 10M            {big * 1e3:7.2f} ms")
    print(f"    ratio 10M / 1k           {big / s:7.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    display_bench(args.repeats)
    export_bench(args.repeats)
    in_process_bench(args.repeats)
