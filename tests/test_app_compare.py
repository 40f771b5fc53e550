"""Comparing schedules and sharing the whole view, through AppTest."""

import json

from warmup_viz import comparison, lr_schedule
from warmup_viz.config import ScheduleConfig
from warmup_viz.run import Planned

from .plotly_data import values
from .test_app import app, shown


def figure(at):
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def schedule_traces(at):
    return [
        t for t in figure(at)["data"] if str(t.get("legendgroup", "")).startswith("schedule") and t["mode"] == "lines"
    ]


def test_add_a_schedule_then_change_it():
    at = app(max_steps="200")
    at.button(key="add_schedule").click().run()
    assert not at.exception and len(at.sidebar.tabs) == 2
    assert at.text_input(key="s1.max_steps").value == "200"  # a copy of A
    at.selectbox(key="s1.lr_scheduler_type").set_value("cosine").run()
    assert not at.exception and not at.warning
    a, b = schedule_traces(at)
    assert (a["name"], b["name"]) == ("A: linear", "B: cosine")
    cosine = ScheduleConfig(lr_scheduler_type="cosine", max_steps=200)
    assert values(b["y"]) == lr_schedule.full_table(cosine)[1]
    assert b["line"]["dash"] != a["line"]["dash"] and b["line"]["color"] != a["line"]["color"]
    assert at.query_params["b.lr_scheduler_type"] == "cosine" and at.query_params["b.max_steps"] == "200"
    assert figure(at)["layout"]["title"]["text"] == "A: linear vs B: cosine"


def test_a_link_restores_every_schedule_and_the_view():
    at = app(
        max_steps="300",
        **{"b.lr_scheduler_type": "cosine", "b.max_steps": "300", "c.lr_scheduler_type": "constant"},
        diff="ratio",
        metrics="loss,grad_norm",
        log_y="loss",
        layout="stacked",
        smoothing="0.8",
        example="true",  # the example run brings the metrics
    )
    assert not at.exception and not at.warning and not at.error
    assert len(at.sidebar.tabs) == 3 and at.selectbox(key="s2.lr_scheduler_type").value == "constant"
    assert at.multiselect(key="metrics").value == ["loss", "grad_norm"]
    assert at.slider(key="smoothing").value == 0.8 and at.radio(key="diff@en").value == "ratio"
    layout = figure(at)["layout"]
    assert [layout[k]["title"]["text"] for k in ("yaxis", "yaxis2", "yaxis3", "yaxis4")] == [
        "learning_rate",
        "ratio to A",
        "loss",
        "grad_norm",
    ]
    assert layout["yaxis3"]["type"] == "log"
    configs = [ScheduleConfig(max_steps=300), ScheduleConfig(lr_scheduler_type="cosine", max_steps=300)]
    curves = [lr_schedule.display_curve(c) for c in configs]
    ratio = comparison.difference(curves[0], Planned(configs[0]), curves[1], Planned(configs[1]), "ratio")
    b_over_a, c_over_a = [t for t in figure(at)["data"] if t.get("yaxis") == "y2"]
    assert values(b_over_a["x"]) == list(ratio.steps) and values(b_over_a["y"]) == list(ratio.values)
    # each difference is named by its own pair: C's trace is C / A, not B / A
    assert (b_over_a["name"], c_over_a["name"]) == ("B / A", "C / A")


def test_duplicate_and_remove():
    at = app(**{"b.lr_scheduler_type": "cosine"})
    at.button(key="duplicate.s1.").click().run()
    assert len(at.sidebar.tabs) == 3 and at.selectbox(key="s2.lr_scheduler_type").value == "cosine"
    at.button(key="remove.s1.").click().run()
    assert not at.exception and len(at.sidebar.tabs) == 2
    assert at.query_params["b.lr_scheduler_type"] == "cosine" and "c.lr_scheduler_type" not in at.query_params
    at.button(key="remove.s2.").click().run()
    assert not at.sidebar.tabs and not [k for k in at.query_params if k.startswith("b.")]


def test_at_most_six_schedules():
    at = app(**{f"{p}.lr_scheduler_type": "cosine" for p in "bcdef"})
    assert len(at.sidebar.tabs) == 6 and at.button(key="add_schedule").disabled


def test_an_invalid_compared_schedule_shows_its_last_valid_settings():
    at = app(**{"b.lr_scheduler_type": "cosine"})
    at.text_input(key="s1.learning_rate").set_value("abc").run()
    assert not at.exception and any("Schedule B shows its last valid settings" in c.value for c in at.caption)
    assert len(schedule_traces(at)) == 2
    assert at.query_params["b.lr_scheduler_type"] == "cosine"  # the link keeps B


def test_view_options_travel_in_the_link():
    at = app()
    at.radio(key="layout@en").set_value("overlay").run()
    at.checkbox(key="ignore_outliers").check().run()
    at.checkbox(key="example").uncheck().run()
    view = {"layout": "overlay", "ignore_outliers": "true", "example": "false"}
    assert at.query_params == {"warmup_steps": "0.1", **view}  # the first visit's warmup, then the view


def test_bad_view_values_in_a_link_warn_by_name():
    at = app(smoothing="7", layout="<b>grid</b>", x_axis="time", zzz="1")
    assert not at.exception and not at.error
    text = " ".join(shown(at.warning))
    for name in ("smoothing", "layout", "x_axis", "zzz"):
        assert name in text
    assert at.slider(key="smoothing").value == 0.6 and at.get("plotly_chart")


def test_share_box_has_the_link_and_a_title():
    at = app(lr_scheduler_type="cosine", max_steps="20000", warmup_steps="0.05", learning_rate="0.0003")
    assert not at.code  # drawn when opened
    at.session_state["share_open"] = True  # opened, as a click does
    link, title = [c.value for c in at.run().code][:2]  # the share box comes first, under the chart
    assert link.endswith("?learning_rate=0.0003&lr_scheduler_type=cosine&warmup_steps=0.05&max_steps=20000")
    assert title == "cosine · lr 0.0003 · warmup 5% · 20,000 steps"


def test_compare_shows_every_schedule():
    """Each compared schedule gets its breakpoints and a summary row, not only A."""
    at = app(
        max_steps="300",
        warmup_steps="0.1",
        **{
            "b.lr_scheduler_type": "cosine",
            "b.warmup_steps": "30",
            "c.lr_scheduler_type": "constant_with_warmup",
            "c.warmup_steps": "60",
        },
    )
    assert not at.exception
    marks = [t for t in figure(at)["data"] if t["name"].endswith("breakpoints") and t["name"] != "breakpoints"]
    assert [t["name"].split(":")[0] for t in marks] == ["B", "C"]
    table = at.table[0].value
    assert list(table.iloc[:, 2]) == ["30", "30", "60"] and len(table) == 3


def test_on_an_epoch_axis_the_difference_panel_is_by_epoch_too():
    at = app(warmup_steps="0.1", **{"b.lr_scheduler_type": "cosine"}, diff="difference", x_axis="epoch", example="true")
    assert not at.exception
    traces = {t["name"]: t for t in figure(at)["data"]}
    a, difference = values(traces["A: linear · warmup 10%"]["x"]), values(traces["B − A"]["x"])
    assert difference == a and max(a) < 2  # epochs, as on the panels it shares its x axis with
