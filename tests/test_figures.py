"""The figure: schedule on top, logs in linked panels or on a second axis, the options applied."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.utils import PlotlyJSONEncoder

from warmup_viz import figures, legend, logview, lr_schedule, playhead
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import read_log
from warmup_viz.numbers import apart

from .plotly_data import values

CONFIG = ScheduleConfig(max_steps=100, warmup_steps=10, learning_rate=1e-3)


@pytest.fixture(scope="module")
def log():
    rows = [f"{s},{1e-3 * min(1, (s - 1) / 10)},{3 - s / 50},{1 + (s % 7)}" for s in range(1, 101)]
    return read_log(("step,learning_rate,loss,grad_norm\n" + "\n".join(rows)).encode(), "run.csv")


def figure(log, **options):
    curve = figures.Curve(figures.LR_PANEL, lr_schedule.display_curve(CONFIG))
    lr = logview.lines([log], ["learning_rate"], smoothing=0)
    metrics = logview.lines([log], options.pop("metrics", ["loss", "grad_norm"]))
    fig = figures.schedule_figure([curve], lr_lines=lr, metric_lines=metrics, options=figures.FigureOptions(**options))
    return json.loads(fig.to_json())


def by_name(fig, name):
    return [t for t in fig["data"] if t.get("name") == name]


def test_without_logs_only_the_schedule():
    fig = json.loads(figures.curve_figure(lr_schedule.display_curve(CONFIG)).to_json())
    assert [t["name"] for t in fig["data"]] == ["learning_rate", "breakpoints"]
    assert values(fig["data"][0]["y"]) == lr_schedule.full_table(CONFIG)[1]
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
    curve = figures.Curve(figures.LR_PANEL, lr_schedule.display_curve(CONFIG))
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
    curve = lr_schedule.display_curve(CONFIG)
    epochs = [s / 50 for s in curve.steps]
    fig = json.loads(figures.schedule_figure([figures.Curve("learning_rate", curve, epochs)]).to_json())
    assert values(fig["data"][0]["x"]) == epochs and fig["layout"]["xaxis"]["title"]["text"] == "epoch"


def test_a_million_point_log_makes_a_small_figure():
    n = 1_000_000
    rng = np.random.default_rng(0)
    body = "\n".join(f"{s},{v:.6f}" for s, v in zip(range(1, n + 1), 2 + rng.standard_normal(n), strict=True))
    log = read_log(("step,loss\n" + body).encode(), "big.csv")
    curve = lr_schedule.display_curve(ScheduleConfig(max_steps=n))
    fig = figures.schedule_figure([figures.Curve("A", curve)], metric_lines=logview.lines([log], ["loss"]))
    assert len(fig.to_json()) < 1_000_000


def _variants(log):
    """Figures of every shape the page draws: one schedule, compared ones with a difference panel,
    logs stacked and overlaid, log axes, epochs, a projector, a playhead."""
    a = lr_schedule.display_curve(CONFIG)
    b = lr_schedule.display_curve(
        ScheduleConfig(
            max_steps=100,
            warmup_steps=5,
            lr_scheduler_type="cosine_with_restarts",
            lr_scheduler_kwargs={"num_cycles": 3},
        )
    )
    lr = logview.lines([log], ["learning_rate"], smoothing=0)
    metrics = logview.lines([log], ["loss", "grad_norm"], smoothing=0.6)
    two = [figures.Curve("A", a, None, "A"), figures.Curve("B", b, None, "B")]
    ratio = figures.Difference("B / A", [1.0, 2.0, 3.0], [None, 1.5, 2.0])
    yield figures.curve_figure(a)
    yield figures.curve_figure(b, figures.FigureOptions(final=False, log_y={"learning_rate"}, title="t"))
    yield figures.schedule_figure(two, differences=[ratio], lr_lines=lr, metric_lines=metrics)
    yield figures.schedule_figure(
        two, metric_lines=metrics, options=figures.FigureOptions(layout="overlay", present=True)
    )
    options = figures.FigureOptions(log_y={"grad_norm"}, ignore_outliers=True, present=True, title="slide")
    yield figures.schedule_figure(
        [figures.Curve("learning_rate", a)], lr_lines=lr, metric_lines=metrics, options=options
    )
    yield figures.schedule_figure([figures.Curve("learning_rate", a, [s / 50 for s in a.steps])], lr_lines=lr)
    fig = figures.schedule_figure([figures.Curve("learning_rate", a)], metric_lines=metrics)
    positions = [
        playhead.Position(
            float(s), s, (f"step {s}", "loss"), ((float(s), 1e-3 * s / 100), None if s < 50 else (s, 2.0))
        )
        for s in (1, 50, 100)
    ]
    playhead.add_playhead(fig, positions, ["learning_rate", "run · loss"], ("Play", "Pause"), start_step=50)
    yield fig


def test_plotly_validation_changes_nothing_in_any_figure(log):
    """Figures skip plotly's per-property validation (most of a page run's time): validating
    each again must give the same figure, so nothing the browser gets is invalid or dropped."""
    for fig in _variants(log):
        validated = go.Figure(fig.to_dict())
        assert json.loads(validated.to_json()) == json.loads(fig.to_json())


def test_phase_lines_run_through_every_panel(log):
    fig = figure(log, layout="stacked")  # one phase line (the warmup's end) in each of the three panels
    lines = [(s["xref"], s["yref"]) for s in fig["layout"]["shapes"]]
    assert lines == [("x", "y domain"), ("x2", "y2 domain"), ("x3", "y3 domain")]
    (end,) = [b.step for b in lr_schedule.display_curve(CONFIG).breakpoints if b.kind == "warmup_end"]
    assert {s["x0"] for s in fig["layout"]["shapes"]} == {end}


def test_a_figure_changed_afterwards_leaves_the_next_figures_as_they_were(log):
    """Figures share their template and grid (built once): changing one figure changes no other."""
    before = [json.loads(fig.to_json()) for fig in _variants(log)]
    for fig in _variants(log):
        fig.update_layout(template={"layout": {"font": {"size": 99}}}, yaxis={"range": [0, 1]}, xaxis={"title": "x"})
        fig.layout.template.layout.colorway = ["#000000"]
        fig.data[0].line.color = "#000000"
    assert [json.loads(fig.to_json()) for fig in _variants(log)] == before
    white = json.loads(figures.curve_figure(lr_schedule.display_curve(CONFIG)).to_json())["layout"]["template"]
    assert white == json.loads(json.dumps(pio.templates["plotly_white"].to_plotly_json(), cls=PlotlyJSONEncoder))


def test_wrap_breaks_at_spaces_counting_wide_characters_twice():
    assert figures.wrap("A: linear · warmup 10% vs B: cosine", 20) == "A: linear · warmup<br>10% vs B: cosine"
    assert figures.wrap("预热 预热 预热", 9) == "预热 预热<br>预热"  # 4 + 1 + 4 columns fit 9, not 14
    assert figures.wrap("min_lr_rate=0.1_is_a_long_word", 5) == "min_lr_rate=0.1_is_a_long_word"  # kept whole


def test_a_narrow_figure_keeps_its_plot_wide_and_its_words_inside():
    curve = lr_schedule.display_curve(CONFIG)
    title = "A: linear · warmup 10% vs B: cosine · no warmup vs C: cosine_with_min_lr · min_lr_rate=0.1"
    options = figures.FigureOptions(title=title, narrow=True, present=True)
    fig = figures.schedule_figure([figures.Curve("learning_rate", curve)], options=options).to_plotly_json()
    margin = fig["layout"]["margin"]
    assert margin["l"] + margin["r"] <= 70  # of a 360 px chart, most is plot
    size = fig["layout"]["title"]["font"]["size"]
    assert all(legend.text_width(line, size) <= 330 for line in fig["layout"]["title"]["text"].split("<br>"))
    final = next(a for a in fig["layout"]["annotations"] if a.get("name") == "final")
    assert (final["x"], final["xanchor"]) == (1, "right")  # inside the plot, not in a margin it lacks


def test_the_hover_speaks_the_labels_words_and_writes_each_lr_apart_from_its_neighbours(log):
    """Every hover's words come from Labels (a page gives them in its language); each LR is
    written with the digits that tell it from its neighbours, the step with thousands separators."""
    labels = figures.Labels(hover_step="第 {step} 步", hover_epoch="轮次 {epoch}", configured="配置值", raw="原始")
    config = ScheduleConfig(lr_scheduler_type="cosine", max_steps=20_000, warmup_steps=100, learning_rate=3e-4)
    curve = lr_schedule.display_curve(config)
    lr = logview.lines([log], ["learning_rate"], smoothing=0)
    metrics = logview.lines([log], ["loss"], smoothing=0.6)
    fig = figures.schedule_figure(
        [figures.Curve(figures.LR_PANEL, curve)],
        lr_lines=lr,
        metric_lines=metrics,
        options=figures.FigureOptions(labels=labels),
    )
    first = fig.data[0]
    # one written LR per point; the step is x, written by plotly with the page's thousands separator
    assert first.hovertemplate == "第 %{x:,} 步<br>learning_rate %{customdata}<extra>配置值</extra>"
    assert list(first.customdata) == apart(curve.lrs)
    assert {t.hovertemplate.split("<br>")[0] for t in fig.data[2:]} == {"第 %{x:,} 步"}  # the logs
    assert "(原始) %{y:.6~g}" in fig.data[3].hovertemplate  # no trailing zeros: 2.5, not 2.500000000
    marks = fig.data[1]
    assert [text for _, text in marks.customdata] == [apart(curve.lrs)[curve.steps.index(s)] for s in marks.x]
    templates = " ".join(t.hovertemplate for t in fig.data)
    assert "step" not in templates.replace("learning_rate", "") and "epoch" not in templates
    by_epoch = figures.schedule_figure(
        [figures.Curve(figures.LR_PANEL, curve, [s / 1000 for s in curve.steps])],
        options=figures.FigureOptions(labels=labels),
    )
    assert by_epoch.data[0].hovertemplate.startswith(
        "轮次 %{x:.4f} · 第 %{customdata[1]} 步<br>learning_rate %{customdata[0]}"
    )
    assert list(by_epoch.data[0].customdata[:, 0]) == apart(curve.lrs) and "20,000" in list(
        by_epoch.data[0].customdata[:, 1]
    )


LONG = "{} · cosine_with_min_lr, warmup_steps=0.1, min_lr_rate=0.1 · lr 0.0003 · 20,000 steps · num_cycles=0.5"


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("count", [1, 3, 6])
def test_every_legend_name_and_the_title_fit_the_narrowest_width_and_the_top_margin_holds_them(present, count):
    curve = lr_schedule.display_curve(CONFIG)
    curves = [figures.Curve(LONG.format(letter), curve, None, letter) for letter in "ABCDEF"[:count]]
    title = " vs ".join(c.name for c in curves)
    fig = figures.schedule_figure(curves, options=figures.FigureOptions(title=title, present=present))
    layout = fig.layout
    size, title_size = layout.legend.font.size, layout.title.font.size
    assert size >= 12 and title_size > size
    shown = [t.name for t in fig.data if t.showlegend is not False]
    for name in shown:  # every line of every name fits the width a phone (or a projector's page) holds
        assert all(legend.text_width(line, size) <= legend.TEXT_WIDTH[present] for line in name.split("<br>"))
    assert [n.replace("<br>", " ") for n in shown[:count]] == [c.name for c in curves]  # only broken, not changed
    title_lines = layout.title.text.split("<br>")
    assert all(
        legend.text_width(line, title_size) <= legend.TEXT_WIDTH[present] + legend.TITLE_MORE for line in title_lines
    )
    entries = [(t.name, t.legendgroup) for t in fig.data if t.showlegend is not False]
    held = legend.legend_height(entries, size) + legend.lines_height(layout.title.text, title_size)
    assert layout.margin.t >= held  # the title and the legend above the plot, one under the other
    assert layout.legend.orientation == "v" and layout.legend.yanchor == "bottom" and layout.legend.y == 1
    plot = layout.height - layout.margin.t - layout.margin.b
    # on a page the plot keeps its height; on a projector the figure keeps one screen's, while it can
    assert plot == 300 if not present else (plot >= 160 and (layout.height == 470 or plot == 160))
    assert figures.min_height(fig) == layout.margin.t + layout.margin.b + 120


def test_a_name_is_broken_after_its_parts_and_a_word_too_long_inside_itself():
    assert legend.wrap("short", 250, 12) == "short"
    wrapped = legend.wrap(LONG.format("A"), 250, 12)
    assert wrapped.split("<br>")[0].endswith(" ·") and wrapped.replace("<br>", " ") == LONG.format("A")
    word = "x" * 100
    assert legend.wrap(word, 250, 12).replace("<br>", "") == word
    assert all(legend.text_width(line, 12) <= 250 for line in legend.wrap(word, 250, 12).split("<br>"))
    # CJK is as wide as its type: fewer characters a line
    assert len(legend.wrap("学" * 60, 250, 12).split("<br>")[0]) < len(legend.wrap("a" * 60, 250, 12).split("<br>")[0])


def _lr_axis(curves, lr_lines=(), **options):
    fig = figures.schedule_figure(curves, lr_lines=lr_lines, options=figures.FigureOptions(**options))
    return fig.layout.yaxis


def test_a_log_lr_axis_is_framed_from_a_thousandth_of_the_peak_or_the_smallest_lr():
    decay = lr_schedule.display_curve(  # cosine to ~0
        ScheduleConfig(lr_scheduler_type="cosine", max_steps=1000, warmup_steps=0, learning_rate=1e-3)
    )
    axis = _lr_axis([figures.Curve("A", decay)], log_y={"learning_rate"})
    low, high = axis.range
    assert axis.type == "log" and min(v for v in decay.lrs if v > 0) < 1e-8  # the tail reaches far below
    assert low == pytest.approx(-6 - 0.15) and high == pytest.approx(-3 + 0.15)  # 1e-6 .. 1e-3, padded 5%
    floor = lr_schedule.display_curve(
        ScheduleConfig(max_steps=100, lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr_rate": 0.1})
    )
    low, high = _lr_axis([figures.Curve("A", floor)], log_y={"learning_rate"}).range
    span = np.log10(max(floor.lrs)) - np.log10(min(v for v in floor.lrs if v > 0))
    assert low == pytest.approx(np.log10(min(v for v in floor.lrs if v > 0)) - 0.05 * span)
    # set by the person: that end exactly, the other framed
    low, high = _lr_axis([figures.Curve("A", decay)], log_y={"learning_rate"}, lr_y_min=1e-8).range
    assert low == pytest.approx(-8) and high == pytest.approx(-3 + 0.25)
    assert _lr_axis([figures.Curve("A", decay)], log_y={"learning_rate"}, lr_y_min=0.0).range[0] == pytest.approx(-6.15)
    assert _lr_axis([figures.Curve("A", decay)]).range is None  # linear and nothing set: plotly's own


def test_ignoring_outliers_keeps_one_bad_logged_lr_from_squashing_the_curve():
    rows = [f"{s},{1e-3 * (1 - s / 200)}" for s in range(1, 201)]
    rows[100] = "101,5.0"  # one logged LR 5000 times the peak
    bad = read_log(("step,learning_rate\n" + "\n".join(rows)).encode(), "bad.csv")
    lr = logview.lines([bad], ["learning_rate"], smoothing=0)
    curve = [
        figures.Curve("A", lr_schedule.display_curve(ScheduleConfig(max_steps=200, warmup_steps=0, learning_rate=1e-3)))
    ]
    assert _lr_axis(curve, lr).range is None  # as before: plotly ranges every point, the bad one too
    low, high = _lr_axis(curve, lr, ignore_outliers=True).range
    assert low < 0 < 1e-3 < high < 1.2e-3  # the schedule whole, the logged LRs to their 95th percentile
    low, high = _lr_axis(curve, lr, ignore_outliers=True, log_y={"learning_rate"}).range
    assert high < np.log10(2e-3) and _lr_axis(curve, lr, log_y={"learning_rate"}).range[1] > np.log10(5.0)
    assert _lr_axis(curve, lr, lr_y_min=0.0, lr_y_max=2e-3).range == (0.0, 2e-3)


def test_a_log_lr_axis_frames_every_compared_schedule_from_the_lowest():
    """Compared schedules: the frame starts at the lowest of their smallest LRs (floored at a
    thousandth of the peak), so none is cut off, and a constant beside a decay changes nothing."""
    decay = lr_schedule.display_curve(ScheduleConfig(lr_scheduler_type="cosine", max_steps=1000, warmup_steps=0))
    floor = lr_schedule.display_curve(
        ScheduleConfig(max_steps=1000, lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr_rate": 0.1})
    )
    flat = lr_schedule.display_curve(ScheduleConfig(max_steps=1000, lr_scheduler_type="constant"))
    alone = _lr_axis([figures.Curve("A", decay)], log_y={"learning_rate"}).range
    for other in (floor, flat):
        both = _lr_axis([figures.Curve("A", decay), figures.Curve("B", other)], log_y={"learning_rate"}).range
        assert both == pytest.approx(alone)  # 5e-8 .. 5e-5: A's decay is not cut at B's floor
