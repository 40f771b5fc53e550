"""Log lines for display: the right points per run and metric, smoothing, downsampling, epoch axis."""

import json

import numpy as np
import pytest

from warmup_viz import logview
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import read_log
from warmup_viz.smoothing import tensorboard_ema


def jsonl(rows):
    return "\n".join(json.dumps(r) for r in rows).encode()


def test_lines_per_run_and_metric_with_unique_labels():
    a = read_log(b"step,loss,grad_norm\n1,3.0,1.0\n2,2.0,0.5\n3,1.5,0.25\n", "run.csv")
    b = read_log(b"step,loss\n1,4.0\n2,3.5\n", "run.csv")
    out = logview.lines([a, b], ["loss", "grad_norm"], smoothing=0)
    assert [(line.run, line.metric, line.x.tolist(), line.y.tolist()) for line in out] == [
        ("run", "loss", [1, 2, 3], [3.0, 2.0, 1.5]),
        ("run (2)", "loss", [1, 2], [4.0, 3.5]),
        ("run", "grad_norm", [1, 2, 3], [1.0, 0.5, 0.25]),
    ]
    assert all(line.smooth_y is None for line in out)


def test_lines_keep_the_chosen_order_of_metrics_whichever_log_has_them():
    # the first log lacks the first choice: its panel must still come first
    a = read_log(b"step,loss\n1,3.0\n2,2.0\n", "a.csv")
    b = read_log(b"step,loss,grad_norm\n1,4.0,1.0\n2,3.5,0.5\n", "b.csv")
    for chosen in (["grad_norm", "loss"], ["loss", "grad_norm"]):
        out = logview.lines([a, b], chosen, smoothing=0)
        assert list(dict.fromkeys(line.metric for line in out)) == chosen
        assert [line.run for line in out if line.metric == "loss"] == ["a", "b"]


def test_smoothed_line_is_tensorboards_ema_of_the_whole_series():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    log = read_log(jsonl({"step": i + 1, "loss": v} for i, v in enumerate(values)), "x.jsonl")
    (line,) = logview.lines([log], ["loss"], smoothing=0.6)
    assert line.smooth_y.tolist() == tensorboard_ema(values, 0.6).tolist()
    assert line.y.tolist() == values
    assert (line.low, line.high) == tuple(np.percentile(values, [5, 95]))


def test_a_million_points_draw_a_few_thousand_keeping_the_spike():
    n = 1_000_000
    loss = np.full(n, 2.0)
    loss[654_321] = 90.0
    text = "step,loss\n" + "\n".join(f"{s},{v}" for s, v in zip(range(1, n + 1), loss, strict=True))
    log = read_log(text.encode(), "big.csv")
    (line,) = logview.lines([log], ["loss"])
    assert line.points == n and len(line.x) <= 2 * logview.BUCKETS + 2
    assert 90.0 in line.y.tolist() and 654_322 in line.x.tolist()
    assert line.x[0] == 1 and line.x[-1] == n and len(line.smooth_y) == len(line.x)


def test_epoch_axis_uses_logged_epochs_and_skips_points_without():
    log = read_log(jsonl([{"step": 10, "loss": 2.0, "epoch": 0.5}, {"step": 20, "loss": 1.0, "epoch": 1.0}]), "a.jsonl")
    (line,) = logview.lines([log], ["loss"], smoothing=0, x_axis="epoch")
    assert line.x.tolist() == [0.5, 1.0]
    assert logview.lines([read_log(b"step,loss\n1,2\n2,1\n", "b.csv")], ["loss"], x_axis="epoch") == []
    with pytest.raises(ValueError, match="x_axis"):
        logview.lines([log], ["loss"], x_axis="time")


def test_steps_to_epochs_from_the_config_or_the_log():
    config = ScheduleConfig(max_steps=-1, dataset_size=100, per_device_train_batch_size=10, num_train_epochs=2)
    assert logview.steps_to_epochs([5, 10, 20], config, []).tolist() == [0.5, 1.0, 2.0]
    log = read_log(
        jsonl([{"step": 10, "loss": 2.0, "epoch": 0.25}, {"step": 40, "loss": 1.0, "epoch": 1.0}]), "a.jsonl"
    )
    epochs = logview.steps_to_epochs([0, 5, 10, 40, 80], ScheduleConfig(max_steps=80), [log])
    assert epochs.tolist() == [0.0, 0.125, 0.25, 1.0, 2.0]
    assert logview.steps_to_epochs([1], ScheduleConfig(), []) is None


def test_outlier_range_ignores_spikes():
    values = [1.0] * 50 + [2.0] * 49 + [1000.0]
    log = read_log(jsonl({"step": i + 1, "loss": v} for i, v in enumerate(values)), "x.jsonl")
    lines = logview.lines([log], ["loss"])
    low, high = logview.outlier_range(lines)
    assert low < 1.0 and 2.0 < high < 3.0
    log_low, log_high = logview.outlier_range(lines, log_y=True)
    assert log_low < 0 < np.log10(2.0) < log_high < 1
    assert logview.outlier_range([]) is None
