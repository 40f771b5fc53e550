"""The figure: schedule on top, logs in linked panels or on a second axis, the options applied."""

import json

import numpy as np
import pytest

from warmup_viz import figures, logview, schedule
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import read_log

from .plotly_data import values

CONFIG = ScheduleConfig(max_steps=100, warmup_steps=10, learning_rate=1e-3)


@pytest.fixture(scope="module")
def log():
    rows = [f"{s},{1e-3 * min(1, (s - 1) / 10)},{3 - s / 50},{1 + (s % 7)}" for s in range(1, 101)]
    return read_log(("step,learning_rate,loss,grad_norm\n" + "\n".join(rows)).encode(), "run.csv")


def figure(log, **options):
    curve = figures.Curve(figures.LR_PANEL, schedule.display_curve(CONFIG))
    lr = logview.lines([log], ["learning_rate"], smoothing=0)
    metrics = logview.lines([log], options.pop("metrics", ["loss", "grad_norm"]))
    fig = figures.schedule_figure([curve], lr_lines=lr, metric_lines=metrics, options=figures.FigureOptions(**options))
    return json.loads(fig.to_json())


def by_name(fig, name):
    return [t for t in fig["data"] if t.get("name") == name]


def test_without_logs_only_the_schedule():
    fig = json.loads(figures.curve_figure(schedule.display_curve(CONFIG)).to_json())
    assert [t["name"] for t in fig["data"]] == ["learning_rate", "breakpoints"]
    assert fig["data"][0]["y"] == schedule.full_table(CONFIG)[1]
    assert "yaxis2" not in fig["layout"]


def test_stacked_panels_share_the_step_axis(log):
    fig = figure(log, layout="stacked")
    layout = fig["layout"]
    assert [layout[f"yaxis{i}"]["title"]["text"] for i in ("", "2", "3")] == ["learning_rate", "loss", "grad_norm"]
    # shared x: zooming one panel zooms all
    assert layout["xaxis"]["matches"] == "x3" and layout["xaxis2"]["matches"] == "x3"
    logged = [t for t in fig["data"] if t["name"].endswith("logged LR")]
    assert len(logged) == 1 and logged[0]["mode"] == "markers" and logged[0].get("yaxis", "y") == "y"
    raw, smooth = [t for t in fig["data"] if t.get("legendgroup") == "run" and t.get("yaxis") == "y2"]
    assert raw["opacity"] < smooth["opacity"] == 1 and raw["showlegend"] is False
    assert values(raw["y"]) == [3 - s / 50 for s in range(1, 101)]


def test_every_run_and_metric_has_one_legend_entry_and_panels_keep_the_chosen_order(log):
    other = read_log(b"step,loss\n1,2.0\n2,1.5\n", "other.csv")
    curve = figures.Curve(figures.LR_PANEL, schedule.display_curve(CONFIG))
    lr = logview.lines([other, log], ["learning_rate"], smoothing=0)
    metrics = logview.lines([other, log], ["grad_norm", "loss"], smoothing=0.6)
    fig = json.loads(figures.schedule_figure([curve], lr_lines=lr, metric_lines=metrics).to_json())
    layout = fig["layout"]
    assert [layout[f"yaxis{i}"]["title"]["text"] for i in ("", "2", "3")] == ["learning_rate", "grad_norm", "loss"]
    entries = [t["name"] for t in fig["data"] if t.get("showlegend", True) and t.get("legendgroup") in ("run", "other")]
    assert sorted(entries) == ["other · loss", "run · grad_norm", "run · logged LR", "run · loss"]
    drawn = [t for t in fig["data"] if t.get("legendgroup") in ("run", "other") and t["mode"] == "lines"]
    assert len(drawn) == 2 * 3 and {t["name"] for t in drawn} == {"other · loss", "run · grad_norm", "run · loss"}


def test_overlay_puts_metrics_on_a_second_axis(log):
    fig = figure(log, layout="overlay", metrics=["loss"])
    assert fig["layout"]["yaxis2"]["overlaying"] == "y" and fig["layout"]["yaxis2"]["side"] == "right"
    assert {t.get("yaxis", "y") for t in fig["data"] if "loss" in t["hovertemplate"]} == {"y2"}


def test_log_y_per_panel_and_outlier_range(log):
    fig = figure(log, log_y={"grad_norm"}, ignore_outliers=True)
    layout = fig["layout"]
    assert (layout["yaxis"]["type"], layout["yaxis2"]["type"], layout["yaxis3"]["type"]) == ("linear", "linear", "log")
    low, high = layout["yaxis3"]["range"]
    assert low < np.log10(1.0) and high > np.log10(7.0)
    with pytest.raises(ValueError, match="layout"):
        figure(log, layout="grid")


def test_epoch_axis_moves_the_schedule_too(log):
    curve = schedule.display_curve(CONFIG)
    epochs = [s / 50 for s in curve.steps]
    fig = json.loads(figures.schedule_figure([figures.Curve("learning_rate", curve, epochs)]).to_json())
    assert fig["data"][0]["x"] == epochs and fig["layout"]["xaxis"]["title"]["text"] == "epoch"


def test_a_million_point_log_makes_a_small_figure():
    n = 1_000_000
    rng = np.random.default_rng(0)
    body = "\n".join(f"{s},{v:.6f}" for s, v in zip(range(1, n + 1), 2 + rng.standard_normal(n), strict=True))
    log = read_log(("step,loss\n" + body).encode(), "big.csv")
    curve = schedule.display_curve(ScheduleConfig(max_steps=n))
    fig = figures.schedule_figure([figures.Curve("A", curve)], metric_lines=logview.lines([log], ["loss"]))
    assert len(fig.to_json()) < 1_000_000
