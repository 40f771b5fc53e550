"""The schedule page through Streamlit's AppTest: URL in, widgets, chart, summary, messages."""

import html.parser
import json
import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig

from .plotly_data import values

APP = str(pathlib.Path(__file__).resolve().parents[1] / "app.py")


def app(**params):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def open_tab(at, tab: str):
    """Open a tab of the export section ("download", "code", "import"), as a click does: only
    the open tab is drawn."""
    at.session_state["exchange_open"] = True
    at.session_state["exchange_tab"] = tab
    return at.run()


def chart_data(at):
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return values(figure["data"][0]["x"]), values(figure["data"][0]["y"])


def shown(elements):
    """The texts of message elements as a person reads them (markdown escapes and bold removed)."""
    return [e.value.replace("\\", "").replace("**", "") for e in elements]


def metrics(at):
    """The summary's figures as a person reads them: {label: value}, from its one HTML block."""
    blocks = [e.proto.body for e in at.get("html") if 'class="wv-summary"' in e.proto.body]
    assert len(blocks) <= 1, blocks
    found = {}

    class Reader(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.tag = tag

        def handle_data(self, data):
            if getattr(self, "tag", None) == "dt":
                self.label = data
            elif getattr(self, "tag", None) == "dd":
                found[self.label] = data
            self.tag = None

    for block in blocks:
        Reader().feed(block)
    return found


def test_a_bare_address_opens_on_a_warmup_written_into_the_address():
    at = app()
    assert not at.exception and not at.error
    assert at.query_params == {"warmup_steps": "0.1"}
    x, y = chart_data(at)
    assert x == list(range(1, 1001))
    assert y == lr_schedule.full_table(ScheduleConfig(warmup_steps=0.1))[1]
    assert metrics(at)["max_steps"] == "1,000" and metrics(at)["num_warmup_steps"] == "100"


def test_a_link_that_leaves_warmup_out_means_transformers_default():
    at = app(max_steps="1000")
    assert not at.exception and not at.error
    _, y = chart_data(at)
    assert y == lr_schedule.full_table(ScheduleConfig())[1]
    assert at.query_params == {}  # max_steps=1000 is the default: nothing to write


def test_link_restores_settings_and_chart():
    at = app(
        lr_scheduler_type="cosine_with_restarts",
        learning_rate="0.0003",
        warmup_steps="0.05",
        max_steps="20000",
        lr_scheduler_kwargs='{"num_cycles":3}',
    )
    assert not at.exception and not at.warning and not at.error
    assert at.selectbox(key="lr_scheduler_type").value == "cosine_with_restarts"
    assert at.text_input(key="learning_rate").value == "0.0003"
    assert at.text_input(key="warmup_steps").value == "0.05"
    assert at.text_input(key="max_steps").value == "20000"
    assert at.text_input(key="lr_scheduler_kwargs.cosine_with_restarts.num_cycles").value == "3"
    config = ScheduleConfig(
        lr_scheduler_type="cosine_with_restarts",
        learning_rate=3e-4,
        warmup_steps=0.05,
        max_steps=20000,
        lr_scheduler_kwargs={"num_cycles": 3},
    )
    curve = lr_schedule.display_curve(config)
    assert chart_data(at) == (list(curve.steps), list(curve.lrs))
    assert metrics(at)["num_warmup_steps"] == "1,000"
    assert at.query_params == {
        "learning_rate": "0.0003",
        "lr_scheduler_type": "cosine_with_restarts",
        "warmup_steps": "0.05",
        "max_steps": "20000",
        "lr_scheduler_kwargs": '{"num_cycles":3}',
    }


def test_changing_an_input_updates_chart_and_url():
    at = app()
    at.text_input(key="max_steps").set_value("50").run()
    at.text_input(key="warmup_steps").set_value("0.1").run()
    assert chart_data(at)[0] == list(range(1, 51))
    assert chart_data(at)[1][0] == 0.0
    assert at.query_params == {"max_steps": "50", "warmup_steps": "0.1"}  # example retired: own settings alone
    assert at.checkbox(key="example").value is False
    assert any("Step 1 trains at LR 0" in m.value for m in at.markdown)


def test_epochs_calculator():
    at = app(
        max_steps="-1",
        dataset_size="1000",
        per_device_train_batch_size="8",
        gradient_accumulation_steps="4",
        world_size="3",
        num_train_epochs="2.5",
    )
    assert not at.exception and not at.error
    assert at.radio(key="steps_from@en").value == "epochs"
    m = metrics(at)
    assert m["max_steps"] == "28" and m["steps per epoch"] == "11" and m["global batch size"] == "96"


def test_bad_input_shows_a_message_keeps_the_entry_and_no_traceback():
    at = app()
    at.text_input(key="learning_rate").set_value("abc").run()
    assert not at.exception
    assert at.text_input(key="learning_rate").value == "abc"
    assert any("learning_rate='abc' is not a number" in t for t in shown(at.error))
    assert any("last valid" in c.value for c in at.caption)  # the chart stays, marked as the last valid one
    at.text_input(key="learning_rate").set_value("1e-3").run()
    assert not at.error and at.get("plotly_chart")


@pytest.mark.parametrize(
    "params,fragment",
    [
        ({"max_steps": "-3"}, "max_steps=-3 must be at least 1"),
        ({"learning_rate": "abc"}, "learning_rate='abc' is not a number"),
        ({"lr_scheduler_type": "nope"}, "lr_scheduler_type='nope' is not one of"),
        ({"lr_scheduler_kwargs": "{oops"}, "JSON"),
        ({"max_steps": str(10**15)}, "max_steps=1,000,000,000,000,000 must be"),
        ({"learning_rate": "nan"}, "finite"),
        ({"lr_scheduler_type": "<script>alert(1)</script>"}, "<script>alert(1)</script>"),
    ],
)
def test_broken_link_warns_and_the_page_still_works(params, fragment):
    at = app(**params)
    assert not at.exception
    assert any(fragment in t for t in shown(at.warning))
    assert chart_data(at)[0] == list(range(1, 1001))


def test_wsd_prefills_its_required_kwarg_and_draws():
    at = app()
    at.selectbox(key="lr_scheduler_type").set_value("warmup_stable_decay").run()
    assert not at.exception and not at.error
    assert at.text_input(key="lr_scheduler_kwargs.warmup_stable_decay.num_decay_steps").value == "100"
    at.selectbox(key="lr_scheduler_kwargs.warmup_stable_decay.decay_type").set_value("linear").run()
    assert json.loads(at.query_params["lr_scheduler_kwargs"]) == {"num_decay_steps": 100, "decay_type": "linear"}


def test_bad_kwarg_is_named_beside_the_inputs():
    at = app(lr_scheduler_type="cosine")
    at.text_input(key="lr_scheduler_kwargs.cosine.num_cycles").set_value("two").run()
    assert not at.exception
    assert any("num_cycles" in t for t in shown(at.error))


@pytest.mark.parametrize("name", ["reduce_lr_on_plateau", "greedy"])
def test_metric_driven_types_explain_themselves_without_a_log(name):
    at = app(lr_scheduler_type=name, example="false")
    assert not at.exception and not at.error
    assert any("metric" in i.value for i in at.info)


def test_log_scale_switch():
    at = app(warmup_steps="10")
    # without a log and with every option at its default the options' box is closed, its
    # widgets not drawn (a change of a setting does not re-send them)
    assert not at.exception
    assert "Chart options" in [e.label for e in at.expander]
    assert not [w for w in at.button_group if w.key == "log_y"]
    at.session_state["options_open"] = True  # a person opens it
    at.run()
    at.button_group(key="log_y").set_value(["learning_rate"]).run()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert at.query_params["log_y"] == "learning_rate"
    at.session_state["options_open"] = False  # and closes it: the choice stays, in the chart and the link
    at.text_input(key="max_steps").set_value("500").run()
    assert not [w for w in at.button_group if w.key == "log_y"]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis"]["type"] == "log" and at.query_params["log_y"] == "learning_rate"
    # that link opened anew: the box opens by itself, since an option in it is set
    opened = app(**{k: at.query_params[k] for k in at.query_params})
    assert [w.value for w in opened.button_group if w.key == "log_y"] == [["learning_rate"]]


def test_a_link_with_eleven_bad_parameters_shows_one_box_and_the_chart():
    bad = {
        "learning_rate": "abc",
        "warmup_steps": "-1",
        "max_steps": "0",
        "lr_scheduler_type": "nope",
        "lr_scheduler_kwargs": "{x",
        "layout": "grid",
        "x_axis": "time",
        "smoothing": "5",
        "example": "maybe",
        "present": "perhaps",
        "zzz": "1",
    }
    at = app(**bad)
    assert not at.exception and not at.error
    (box,) = at.warning
    for name in bad:
        assert name in box.value.replace("\\", "")
    assert box.value.count("using the default") == 10
    x, _ = chart_data(at)
    assert x == list(range(1, 1001))  # the defaults, drawn


def test_link_warnings_in_chinese():
    at = app(lang="zh", max_steps="abc")
    (box,) = at.warning
    assert "这个链接有无法使用的参数" in box.value and "改用默认值" in box.value and "不是整数" in box.value


def test_an_epochs_link_without_max_steps_equals_the_cli_step_for_step(capfd):
    """One rule for what settings mean: a dataset_size and no max_steps derive it from epochs."""
    from warmup_viz.cli import main

    params = dict(num_train_epochs="3", dataset_size="13000", per_device_train_batch_size="8", warmup_steps="0.1")
    at = app(**params)
    assert not at.exception and not at.error and not at.warning
    assert main(["schedule", *(x for k, v in params.items() for x in (f"--{k}", v))]) == 0
    rows = capfd.readouterr().out.splitlines()[1:]
    cli = {int(s): float(v) for s, v in (r.split(",") for r in rows)}
    assert len(cli) == 4_875  # ceil(13000 / 8) = 1625 updates per epoch, × 3
    x, y = chart_data(at)
    assert x[-1] == 4_875 and all(cli[s] == v for s, v in zip(x, y, strict=True))
    assert at.query_params["dataset_size"] == "13000" and "max_steps" not in at.query_params  # as given


def test_an_invalid_setting_keeps_the_last_valid_chart_and_the_rest():
    at = app(max_steps="200", warmup_steps="0.1")
    at.text_input(key="learning_rate").set_value("abc").run()
    assert not at.exception
    assert any("learning_rate" in e for e in shown(at.error))  # marked where it is entered
    x, y = chart_data(at)
    assert x[-1] == 200 and y == lr_schedule.full_table(ScheduleConfig(max_steps=200, warmup_steps=0.1))[1]
    assert any("last valid" in c.value for c in at.caption)
    assert open_tab(at, "download").get("download_button")  # export and import stay
    assert open_tab(at, "import").text_area(key="import_text") is not None
    assert at.text_input(key="learning_rate").value == "abc"  # nothing typed is lost


def test_choosing_epochs_asks_for_the_dataset_size_without_an_error():
    at = app(max_steps="200")
    at.radio(key="steps_from@en").set_value("epochs").run()
    assert not at.exception and not at.error
    assert any("dataset_size" in i.value for i in at.info)
    at.text_input(key="dataset_size").set_value("1,000").run()  # as people write it
    assert not at.error and chart_data(at)[0][-1] == 375  # ceil(1000 / 8) × 3


def test_the_summary_is_one_element_with_each_figure_named_and_exact_values_on_hover():
    at = app(lr_scheduler_type="cosine", learning_rate="0.0003", warmup_steps="0.05", max_steps="2000")
    assert not at.exception and not at.metric  # one HTML block, not eight metrics in columns
    [block] = [e.proto.body for e in at.get("html") if 'class="wv-summary"' in e.proto.body]
    names = [part.split('"')[0] for part in block.split('data-name="')[1:]]
    assert names == [
        "max_steps",
        "num_warmup_steps",
        "peak_lr",
        "final_lr",
        "first_lr",
        "peak_step",
        "update_steps_per_epoch",
        "global_batch_size",
    ]
    m = metrics(at)
    assert m["max_steps"] == "2,000" and m["num_warmup_steps"] == "100" and m["peak LR"] == "0.0003"
    assert m["peak at step"] == "101" and m["LR at step 1"] == "0"
    # the exact value a rounded figure stands for, on hover; quotes in it escaped
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=2000)
    final = lr_schedule.summarize(config, lr_schedule.display_curve(config)).final_lr
    assert f'<div data-name="final_lr" title="{final!r}">' in block
    at.radio(key="language_picker").set_value("zh").run()
    assert not at.exception and "max_steps" in metrics(at) and "峰值学习率" in metrics(at)


def test_an_options_box_that_opened_by_itself_stays_open_while_its_options_are_cleared_or_crossed():
    at = app(max_steps="2000", lr_y_max="0.001")  # the link set an option: the box opened by itself
    at.text_input(key="lr_y_min@text").set_value("0.01").run()  # crossing bounds: said, not hidden
    assert not at.exception and at.text_input(key="lr_y_min@text").value == "0.01"
    assert any("lr_y_max" in e.value for e in at.error)
    at = app(max_steps="2000", log_y="learning_rate")
    at.button_group(key="log_y").set_value([]).run()  # its last option cleared: the box stays open
    assert [w for w in at.button_group if w.key == "log_y"] and "log_y" not in at.query_params
