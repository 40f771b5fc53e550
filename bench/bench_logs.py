"""Log readers and log drawing, side by side with plain baselines in one run (ratios, not absolutes).

(a) a 1M-row CSV (step + 3 metrics): `read_log` against `pandas.read_csv(engine="pyarrow")`,
    which only parses (no tidy table, no dedup, no validation);
(b) a 200k-entry trainer_state.json: `read_log` against `json.load`, which only parses;
(c) a 1M-point log drawn: lines (smoothing + min/max downsampling) and the figure, and the
    size of the figure's JSON as the browser receives it (aim: under 1 MB).

Run: .venv/bin/python bench/bench_logs.py [--repeats N]
"""

import argparse
import io
import json
import statistics
import time

import numpy as np
import pandas as pd

from warmup_viz import figures, logview, lr_schedule
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import read_log


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def side_by_side(label, ours, base, repeats):
    # interleave so both sides see the same machine load
    o, b = [], []
    for _ in range(repeats):
        o.append(best(ours, 1)[0])
        b.append(best(base, 1)[0])
    ratio = min(o) / min(b)
    print(f"{label}: ours {min(o):.3f} s vs baseline {min(b):.3f} s (best of {repeats}) = {ratio:.2f}× the baseline")


def csv_bytes(n):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "step": np.arange(1, n + 1),
            "loss": 2 + rng.standard_normal(n),
            "grad_norm": rng.random(n),
            "learning_rate": np.linspace(1e-3, 0, n),
        }
    )
    return frame.to_csv(index=False).encode()


def trainer_state_bytes(n):
    history = [
        {"epoch": s / 1000, "grad_norm": 1.0 / s, "learning_rate": 1e-3 * (1 - s / n), "loss": 3.0 - s / n, "step": s}
        for s in range(1, n + 1)
    ]
    return json.dumps({"log_history": history, "max_steps": n, "logging_steps": 1, "global_step": n}).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats

    data = csv_bytes(1_000_000)
    print(f"(a) 1M-row CSV, {len(data) / 2**20:.0f} MB")
    side_by_side(
        "    read_log vs pandas.read_csv(engine='pyarrow')",
        lambda: read_log(data, "big.csv"),
        lambda: pd.read_csv(io.BytesIO(data), engine="pyarrow"),
        repeats,
    )

    state = trainer_state_bytes(200_000)
    print(f"(b) 200k-entry trainer_state.json, {len(state) / 2**20:.0f} MB")
    side_by_side(
        "    read_log vs json.load",
        lambda: read_log(state, "trainer_state.json"),
        lambda: json.load(io.BytesIO(state)),
        repeats,
    )

    log = read_log(data, "big.csv")
    curve = lr_schedule.display_curve(ScheduleConfig(max_steps=1_000_000))
    lr = logview.lines([log], ["learning_rate"], smoothing=0)

    def draw():
        metrics = logview.lines([log], ["loss", "grad_norm"], smoothing=0.6)
        return figures.schedule_figure([figures.Curve("A", curve)], lr_lines=lr, metric_lines=metrics).to_json()

    fastest, median = best(draw, repeats)
    size = len(draw().encode())
    print(f"(c) 1M-point log (loss + grad_norm + logged LR) drawn: {fastest:.3f} s best, {median:.3f} s median")
    print(f"    figure JSON {size / 1024:.0f} KB for 3M logged points ({'under' if size < 2**20 else 'OVER'} 1 MB)")


if __name__ == "__main__":
    main()
