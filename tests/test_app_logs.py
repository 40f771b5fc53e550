"""Training logs on the page through AppTest: the example, uploads, options, verdicts, messages."""

import json

import pytest

from warmup_viz.logs import read_log
from warmup_viz.ui.uploads import EXAMPLE

from .plotly_data import values
from .test_app import app, shown

CSV = b"step,learning_rate,loss\n1,0.0,3.0\n2,0.0005,2.5\n3,0.001,2.0\n4,0.0005,1.8\n"


def figure(at):
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def panels(at):
    layout = figure(at)["layout"]
    return [layout[k]["title"]["text"] for k in sorted(layout) if k.startswith("yaxis") and "title" in layout[k]]


def traces(at, group):
    return [t for t in figure(at)["data"] if t.get("legendgroup") == group]


def test_the_example_run_is_on_by_default_and_matches_the_defaults():
    at = app()
    assert not at.exception and not at.error and not at.warning
    assert at.checkbox(key="example").value is True
    assert panels(at) == ["learning_rate", "loss"]
    example = read_log(EXAMPLE.read_bytes(), EXAMPLE.name)
    lr = example.table.query("metric == 'learning_rate'")
    assert shown(at.success) == [f"example logged learning_rate matches at all {len(lr)} logged steps"]
    logged, raw, smooth = traces(at, "example")
    assert values(logged["x"]) == lr["step"].tolist() and values(logged["y"]) == lr["value"].tolist()
    assert values(raw["y"]) == example.table.query("metric == 'loss'")["value"].tolist()
    assert raw["opacity"] < 1 and smooth.get("opacity", 1) == 1


def test_the_example_is_removable():
    at = app()
    at.checkbox(key="example").uncheck().run()
    assert not at.exception and panels(at) == ["learning_rate"]
    assert [t["name"] for t in figure(at)["data"]] == ["learning_rate", "breakpoints"]
    assert not at.success


def test_upload_adds_a_run_with_its_own_colour_and_verdict():
    at = app(max_steps="4", warmup_steps="2", learning_rate="0.001")
    at.checkbox(key="example").uncheck()
    at.file_uploader(key="log_files").upload("mine.csv", CSV, "text/csv").run()
    assert not at.exception and not at.error
    assert shown(at.success) == ["mine logged learning_rate matches at all 4 logged steps"]
    assert panels(at) == ["learning_rate", "loss"]
    at.text_input(key="warmup_steps").set_value("1").run()
    (warning,) = shown(at.warning)
    assert warning.startswith("mine logged learning_rate differs from step 2: logged 0.0005, configured 0.001")


def test_a_bad_file_gets_its_own_message_and_the_rest_keeps_working():
    at = app()
    uploader = at.file_uploader(key="log_files")
    uploader.upload("training_args.bin", b"\x80\x04K\x01.").upload("<b>x</b>.csv", b"a,b\n")
    uploader.upload("mine.csv", CSV).run()
    assert not at.exception
    errors = shown(at.error)
    assert any("training_args.bin" in e and "unpickling runs code" in e for e in errors)
    assert any("<b>x</b>.csv" in e for e in errors)
    assert {t["legendgroup"] for t in figure(at)["data"]} >= {"schedule", "mine"}
    assert at.checkbox(key="example").value is False  # an upload retires the example run


def test_ambiguous_step_column_is_picked_on_the_page():
    at = app()
    at.checkbox(key="example").uncheck()
    data = b"step,global_step,loss\n1,100,3.0\n2,200,2.0\n"
    at.file_uploader(key="log_files").upload("two.csv", data).run()
    (picker,) = [s for s in at.selectbox if s.key and s.key.startswith("step_column.")]
    assert picker.value == "step" and list(picker.options) == ["step", "global_step"]
    assert values(traces(at, "two")[0]["x"]) == [1, 2]
    picker.set_value("global_step").run()
    assert not at.exception and values(traces(at, "two")[0]["x"]) == [100, 200]


def test_use_the_runs_settings_takes_max_steps_from_trainer_state():
    at = app(max_steps="300", warmup_steps="0.1", example="true")
    assert shown(at.info)[-1].startswith("example logged learning_rate differs")
    (button,) = [b for b in at.button if b.key == "use_settings.example"]
    assert "max_steps=1000" in button.label
    button.click().run()
    assert not at.exception
    assert at.text_input(key="max_steps").value == "1000"
    assert at.radio(key="steps_from@en").value == "max_steps"
    assert shown(at.success)[0].endswith("matches at all 100 logged steps")


@pytest.mark.parametrize(
    "option, value, check",
    [
        (
            "metrics",
            ["loss", "eval_loss", "grad_norm"],
            lambda at: panels(at)[1:] == ["loss", "eval_loss", "grad_norm"],
        ),
        ("layout", "overlay", lambda at: figure(at)["layout"]["yaxis2"]["overlaying"] == "y"),
        ("x_axis", "epoch", lambda at: figure(at)["layout"]["xaxis2"]["title"]["text"] == "epoch"),
        ("ignore_outliers", True, lambda at: "range" in figure(at)["layout"]["yaxis2"]),
        ("smoothing", 0.0, lambda at: len(traces(at, "example")) == 2),
    ],
)
def test_view_options(option, value, check):
    at = app()
    widget = {"metrics": at.multiselect, "layout": at.radio, "x_axis": at.radio, "smoothing": at.slider}.get(
        option, at.checkbox
    )(key=f"{option}@en" if option in ("layout", "x_axis") else option)  # radios keyed per language
    widget.set_value(value).run()
    assert not at.exception and check(at)


def test_log_y_per_panel():
    at = app()
    at.button_group(key="log_y").set_value(["loss"]).run()
    layout = figure(at)["layout"]
    assert (layout["yaxis"]["type"], layout["yaxis2"]["type"]) == ("linear", "log")


def test_a_bad_setting_keeps_the_uploads_and_view_options():
    at = app()
    at.file_uploader(key="log_files").upload("mine.csv", CSV).run()
    at.checkbox(key="example").check().run()  # the upload retired the example run; bring it back
    at.multiselect(key="metrics").set_value(["loss", "grad_norm"]).run()
    at.text_input(key="max_steps").set_value("-3").run()
    assert not at.exception and at.error and at.get("plotly_chart")  # the last valid schedule, marked
    assert at.multiselect(key="metrics").value == ["loss", "grad_norm"]
    at.text_input(key="max_steps").set_value("1000").run()
    assert not at.exception and panels(at) == ["learning_rate", "loss", "grad_norm"]
    assert "mine" in {t.get("legendgroup") for t in figure(at)["data"]}


def test_the_example_gets_out_of_the_way_once_the_settings_change():
    at = app()
    assert at.checkbox(key="example").value is True
    at.text_input(key="max_steps").set_value("300").run()
    assert not at.exception and at.checkbox(key="example").value is False
    assert "example" not in {t.get("legendgroup") for t in figure(at)["data"]}
    assert not at.info and not at.warning  # no verdict about a run that isn't theirs
    assert any("tick it to bring it back" in c.value for c in at.caption)
    at.checkbox(key="example").check().run()  # one click brings it back, and it stays
    at.text_input(key="max_steps").set_value("400").run()
    assert at.checkbox(key="example").value is True


def test_the_example_gets_out_of_the_way_once_a_log_is_uploaded():
    at = app()
    at.file_uploader(key="log_files").upload("mine.csv", CSV).run()
    assert not at.exception and at.checkbox(key="example").value is False


def test_an_example_run_the_person_or_the_link_chose_stays_when_the_settings_change():
    at = app(learning_rate="0.001")  # a link of one's own settings: no example run
    assert at.checkbox(key="example").value is False
    at.checkbox(key="example").check().run()
    assert at.query_params["example"] == "true"
    at.text_input(key="max_steps").set_value("800").run()
    assert not at.exception and at.checkbox(key="example").value is True
    assert "example" in {t.get("legendgroup") for t in figure(at)["data"]}
    at = app(max_steps="300", example="true")
    at.text_input(key="max_steps").set_value("400").run()
    assert at.checkbox(key="example").value is True and at.query_params["example"] == "true"
