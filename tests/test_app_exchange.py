"""Export and import on the page, through AppTest."""

import json

import pytest

from warmup_viz import snippets
from warmup_viz.config import ScheduleConfig
from warmup_viz.ds_schedule import MAX_CONFIG_BYTES, read_ds_config
from warmup_viz.errors import InputError

from .test_app import app, open_tab, shown

COSINE = dict(lr_scheduler_type="cosine", learning_rate="0.0003", warmup_steps="0.05", max_steps="20000")


def test_code_tabs_show_each_snippet_of_the_config():
    at = open_tab(app(**COSINE), "code")
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=20000)
    codes = [c.value for c in at.code]
    for form in snippets.FORMS:
        assert snippets.snippet(config, form) in codes


def test_download_button_and_the_export_cap():
    at = app(**COSINE)
    assert not at.get("download_button")  # drawn when the section is opened
    at = open_tab(at, "download")
    assert "20,000 rows" in at.get("download_button")[0].proto.label
    at = open_tab(app(max_steps="100000000"), "download")
    assert not at.get("download_button")
    assert any("too many to export" in i for i in shown(at.info))


def test_import_pasted_settings_into_the_form():
    at = open_tab(app(), "import")
    at.text_area(key="import_text").set_value(
        'TrainingArguments(output_dir="o", learning_rate=2e-4, lr_scheduler_type="cosine_with_restarts", '
        'lr_scheduler_kwargs={"num_cycles": 4}, warmup_ratio=0.1, max_steps=3000, seed=steps)'
    )
    at.button(key="import_apply").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="lr_scheduler_type").value == "cosine_with_restarts"
    assert at.text_input(key="learning_rate").value == "0.0002"
    assert at.text_input(key="warmup_steps").value == "0.1"
    assert at.text_input(key="max_steps").value == "3000"
    assert at.text_input(key="lr_scheduler_kwargs.cosine_with_restarts.num_cycles").value == "4"
    (report,) = shown(at.success)[-1:]
    assert "warmup_ratio (as warmup_steps)" in report and "seed (not a literal value" not in report
    assert "output_dir" in report and at.query_params["max_steps"] == "3000"


def test_import_with_epochs_asks_for_the_dataset_size():
    at = open_tab(app(), "import")
    at.text_area(key="import_text").set_value("num_epochs: 2\nmicro_batch_size: 4\nlr_scheduler: cosine\n")
    at.button(key="import_apply").click().run()
    assert not at.exception
    assert at.radio(key="steps_from@en").value == "epochs"
    assert at.text_input(key="per_device_train_batch_size").value == "4"
    assert any("dataset_size" in i for i in shown(at.info))  # the form asks for it, where it is entered
    assert any("Imported into A" in s for s in shown(at.success))
    # nothing stale meanwhile: not the schedule before the import, nor its verdict on the example run
    assert not at.get("plotly_chart") and not at.error
    assert any("enter dataset_size" in i for i in shown(at.info))
    at.text_input(key="dataset_size").set_value("1001").run()
    assert at.get("plotly_chart") and not at.exception
    # axolotl's own count: ceil(1001 × 2 / 4) = 501 steps (Trainer would count 2 × 251 = 502)
    assert "ceil(1,001 × 2 / 4) = 501: axolotl counts" in " ".join(m.value for m in at.markdown)


def test_bad_import_is_named_and_changes_nothing():
    at = open_tab(app(max_steps="500"), "import")
    at.text_area(key="import_text").set_value("__import__('os').system('echo hi')")
    at.button(key="import_apply").click().run()
    assert not at.exception
    assert any("no schedule settings found" in e for e in shown(at.error))
    assert at.text_input(key="max_steps").value == "500" and at.get("plotly_chart")


def test_import_a_file_into_a_compared_schedule():
    at = open_tab(app(**{"b.lr_scheduler_type": "cosine"}), "import")
    at.selectbox(key="import_into").set_value(1)
    at.file_uploader(key="import_file").upload("training_args.json", b'{"learning_rate": 0.01, "max_steps": 77}').run()
    assert not at.exception
    assert at.text_input(key="s1.learning_rate").value == "0.01" and at.text_input(key="s1.max_steps").value == "77"
    assert at.text_input(key="learning_rate").value == "5e-05"


def test_pasted_settings_survive_a_bad_entry_elsewhere():
    at = open_tab(app(), "import")
    at.text_area(key="import_text").set_value("learning_rate: 0.001").run()
    at.text_input(key="max_steps").set_value("abc").run()
    at.text_input(key="max_steps").set_value("500").run()
    assert not at.exception and at.text_area(key="import_text").value == "learning_rate: 0.001"


def test_the_section_and_its_open_tab_stay_open_across_a_language_switch():
    at = open_tab(app(**COSINE), "code")
    at.radio(key="language_picker").set_value("zh").run()
    assert not at.exception
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=20000)
    assert snippets.snippet(config, "get_scheduler") in [c.value for c in at.code]  # still the code tab
    at.session_state["exchange_open"] = False  # closed, as a click does
    assert not at.run().code


DS_CONFIG = {"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": "auto", "warmup_max_lr": "auto"}}}


def test_an_imported_deepspeed_config_is_kept_for_schedule_a():
    at = open_tab(app(), "import")
    at.file_uploader(key="import_file").upload("ds_config.json", json.dumps(DS_CONFIG).encode()).run()
    assert not at.exception and not at.error
    assert any("DeepSpeed config read from ds_config.json" in s for s in shown(at.success))
    assert at.session_state["deepspeed"] == DS_CONFIG


def test_a_deepspeed_config_past_the_readers_size_cap_is_refused_with_its_error():
    data = json.dumps({**DS_CONFIG, "comment": "x" * MAX_CONFIG_BYTES}).encode()
    with pytest.raises(InputError) as refused:
        read_ds_config(data, "ds_config.json")
    at = open_tab(app(max_steps="500"), "import")
    at.file_uploader(key="import_file").upload("ds_config.json", data).run()
    assert not at.exception
    assert str(refused.value) in shown(at.error)
    assert "deepspeed" not in at.session_state and at.text_input(key="max_steps").value == "500"


def test_an_imported_tool_config_sets_the_tool_and_its_rules_on_the_page():
    at = open_tab(app(), "import")
    yaml = "stage: sft\nfinetuning_type: lora\nlr_scheduler_type: warmup_stable_decay\nwarmup_ratio: 0.1\nmax_steps: 1000\n"
    at.text_area(key="import_text").set_value(yaml)
    at.button(key="import_apply").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="tool").value == "llamafactory" and at.query_params["tool"] == "llamafactory"
    # LLaMA-Factory fills warmup_stable_decay's num_decay_steps itself: nothing asked, nothing suggested
    assert at.text_input(key="lr_scheduler_kwargs.warmup_stable_decay.num_decay_steps").value == ""
    (report,) = shown(at.success)[-1:]
    assert "llamafactory" in report and "learning_rate=5e-05" in report  # its default, said
    # the same settings under TrainingArguments: transformers needs num_decay_steps, and says so
    at.selectbox(key="tool").set_value("TrainingArguments").run()
    assert any("num\\_decay\\_steps" in e.value for e in at.error)


def test_an_axolotl_config_with_its_own_scheduler_is_drawn_with_its_arguments_on_the_page():
    at = open_tab(app(), "import")
    yaml = (
        "base_model: x\nlearning_rate: 0.0002\nlr_scheduler: rex\ncosine_min_lr_ratio: 0.1\n"
        "warmup_steps: 10\nmax_steps: 120\nmicro_batch_size: 2\n"
    )
    at.text_area(key="import_text").set_value(yaml)
    at.button(key="import_apply").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="tool").value == "axolotl"
    assert at.selectbox(key="lr_scheduler_type").value == "cosine"  # what axolotl hands Trainer for rex
    assert at.selectbox(key="tool_args.axolotl.alternate_lr_scheduler_type").value == "rex"
    assert at.text_input(key="tool_args.axolotl.cosine_min_lr_ratio").value == "0.1"
    assert json.loads(at.query_params["tool_args"]) == {
        "alternate_lr_scheduler_type": "rex",
        "cosine_min_lr_ratio": 0.1,
    }
    (report,) = shown(at.success)[-1:]
    assert "lr_scheduler (as tool_args)" in report and "cosine_min_lr_ratio (as tool_args)" in report
    assert any("RexLR" in c for c in shown(at.caption) + shown(at.info) + [m.value for m in at.markdown])
    # one_cycle reads OneCycleLR's arguments: the kwargs field takes them as JSON
    at.selectbox(key="tool_args.axolotl.alternate_lr_scheduler_type").set_value("one_cycle").run()
    at.text_input(key="tool_args.axolotl.lr_scheduler_kwargs").set_value('{"div_factor": 10}').run()
    assert not at.exception and not at.error
    assert json.loads(at.query_params["lr_scheduler_kwargs"]) == {"div_factor": 10}
    # a bad value is named in the page's words, and the rest stays
    at.text_input(key="tool_args.axolotl.cosine_min_lr_ratio").set_value("2").run()
    assert any("must be a number from 0 to 1" in e.value for e in at.error)
    assert at.selectbox(key="tool_args.axolotl.alternate_lr_scheduler_type").value == "one_cycle"


def test_the_download_button_announces_the_files_own_rows():
    two = {"max_steps": "30", "b.lr_scheduler_type": "linear", "b.max_steps": "20"}
    at = open_tab(app(**two), "download")
    assert "(30 rows" in at.get("download_button")[0].proto.label  # A alone
    for which, rows in (("all", 50), ("wide", 30)):  # long: every schedule's steps; wide: the longest's
        at.radio(key="export_which").set_value(which).run()
        assert f"({rows} rows" in at.get("download_button")[0].proto.label
    assert [b.proto.id.endswith("download_names") for b in at.get("download_button")] == [False, True]


def test_a_bad_image_size_is_said_in_the_pages_language_and_the_default_used():
    at = open_tab(app(max_steps="30"), "download")
    at.text_input(key="image_width").set_value("12").run()
    at.text_input(key="image_scale").set_value("x").run()
    said = shown(at.warning)
    assert any("Image width (px): 12 must be a whole number from 400 to 5000; using 1400" in w for w in said)
    assert any("Scale: x must be a number from 1 to 4; using 2" in w for w in said)
    at = open_tab(app(max_steps="30", lang="zh"), "download")
    at.text_input(key="image_height").set_value("50").run()
    assert any("图片高度（像素）：50 必须是" in w and "图表自身高度" in w for w in shown(at.warning))


def _figure(at):
    chart = at.get("plotly_chart")[0].proto
    return json.loads(chart.spec), json.loads(chart.config)


def test_the_lr_y_range_is_set_on_the_page_kept_in_the_link_and_a_bad_one_said():
    at = app(lr_scheduler_type="cosine", max_steps="1000", log_y="learning_rate", lr_y_min="1e-07")
    assert at.text_input(key="lr_y_min@text").value == "1e-07"  # the link's value, shown
    figure, _ = _figure(at)
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["layout"]["yaxis"]["range"][0] == -7
    at.text_input(key="lr_y_max@text").set_value("0.001").run()
    assert at.query_params["lr_y_max"] == "0.001" and _figure(at)[0]["layout"]["yaxis"]["range"][1] == -3
    at.text_input(key="lr_y_max@text").set_value("lots").run()
    assert any("lr_y_max: lots is not a number" in e for e in shown(at.error))
    assert at.query_params["lr_y_max"] == "0.001"  # the value before it stays
    at.text_input(key="lr_y_max@text").set_value("1e-9").run()  # below the min: said, both left out
    assert any("must be below" in e for e in shown(at.error))
    zh = app(lang="zh", lr_y_min="-1")
    assert any("lr_y_min=-1.0 必须是学习率" in w for w in shown(zh.warning))


def test_the_camera_button_takes_the_chosen_size_and_the_labels_switch():
    at = open_tab(app(max_steps="30"), "download")
    figure, config = _figure(at)
    image = config["toImageButtonOptions"]
    assert (image["width"], image["height"], image["scale"]) == (1400, figure["layout"]["height"], 2.0)
    assert image["filename"] == "learning_rate_linear_30steps" and "edits" not in config
    at.text_input(key="image_width").set_value("900").run()
    at.text_input(key="image_height").set_value("700").run()
    at.text_input(key="image_scale").set_value("3").run()
    at.toggle(key="edit_labels").set_value(True).run()
    _, config = _figure(at)
    assert {k: config["toImageButtonOptions"][k] for k in ("width", "height", "scale")} == {
        "width": 900,
        "height": 700,
        "scale": 3.0,
    }
    assert config["edits"] == {"titleText": True, "axisTitleText": True, "legendText": True}
