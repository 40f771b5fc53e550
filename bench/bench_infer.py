"""Recovering settings from logged LR: time per scheduler type, for a log of 2,000 points and one
of 20,000 points of the same run, side by side (the search works on a sample, so the ratio should
stay near 1; only the final check reads every point).

Run: .venv/bin/python bench/bench_infer.py
"""

import time

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig
from warmup_viz.inference import infer

RUNS = [
    dict(lr_scheduler_type="linear", warmup_steps=0.03),
    dict(lr_scheduler_type="cosine", warmup_steps=0.05, lr_scheduler_kwargs={"num_cycles": 0.37}),
    dict(lr_scheduler_type="cosine_with_min_lr", warmup_steps=0.03, lr_scheduler_kwargs={"min_lr_rate": 0.1}),
    dict(lr_scheduler_type="warmup_stable_decay", warmup_steps=500, lr_scheduler_kwargs={"num_decay_steps": 4000}),
]


def timed(config, every):
    steps = list(range(1, config.total_steps + 1, every))
    lrs = lr_schedule.build(config).lrs(steps)
    start = time.perf_counter()
    fit = infer(steps, lrs, max_steps=config.total_steps)
    return time.perf_counter() - start, fit.exact


def wild():
    """infer on every real log of tests/data/wild: time per log (median, max) and how many are exact."""
    import pathlib
    import statistics

    from warmup_viz.logs import learning_rate_metric, read_log, runs, series

    root = pathlib.Path(__file__).parent.parent / "tests" / "data" / "wild"
    times, exact = [], 0
    names = [p for p in sorted(root.iterdir()) if p.name not in ("sources.json", "SOURCES.md")]
    for path in names:
        log = read_log(path.read_bytes(), path.name)
        metric = learning_rate_metric(log.metrics)
        values = series(log, metric, runs(log, metric)[0])
        start = time.perf_counter()
        fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
        times.append(time.perf_counter() - start)
        exact += fit.exact
    print(
        f"real logs (tests/data/wild): {len(names)} logs, exact {exact}, "
        f"infer median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


def axolotl():
    """infer on the logs axolotl's own schedulers give (tests/data/axolotl/golden.json, made by its
    own code): time per log (median, max) and how many are read exactly."""
    import json
    import pathlib
    import statistics

    golden = pathlib.Path(__file__).parent.parent / "tests" / "data" / "axolotl" / "golden.json"
    times, exact = [], 0
    runs = json.loads(golden.read_text())["trainer_runs"]
    for run in runs:
        steps = list(range(1, run["max_steps"] + 1))
        start = time.perf_counter()
        fit = infer(steps, run["lrs"], max_steps=run["max_steps"])
        times.append(time.perf_counter() - start)
        exact += fit.exact
    print(
        f"axolotl's own schedulers (tests/data/axolotl): {len(runs)} logs, exact {exact}, "
        f"infer median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


def main():
    wild()
    axolotl()
    print("recover the settings of a 200,000-step run, logged every 100 steps vs every 10 steps")
    for run in RUNS:
        config = ScheduleConfig(learning_rate=3e-4, max_steps=200_000, **run)
        coarse, exact_coarse = timed(config, 100)
        fine, exact_fine = timed(config, 10)
        print(
            f"  {config.lr_scheduler_type:22s} 2k points {coarse:6.2f} s  20k points {fine:6.2f} s  "
            f"ratio {fine / coarse:4.1f}x  exact: {exact_coarse and exact_fine}"
        )


if __name__ == "__main__":
    main()
