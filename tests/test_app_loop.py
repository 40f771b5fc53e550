"""The training loop and param groups on the page, through AppTest: a link opens them, the chart
draws the LR each update really gets beside what the loop meant and each group's, and the link
keeps them."""

import json

from warmup_viz import share
from warmup_viz.config import ScheduleConfig
from warmup_viz.loop import Loop, accelerated

from .test_app import app, shown


def chart(at) -> dict:
    """The chart's figure, each name as it reads (the legend breaks a long one onto lines)."""
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    for trace in fig["data"]:
        if "name" in trace:
            trace["name"] = trace["name"].replace("<br>", " ")
    return fig


def line(fig: dict, name: str) -> list[float]:
    (trace,) = [d for d in fig["data"] if d.get("name") == name and d.get("mode") == "lines"]
    return trace["y"] if isinstance(trace["y"], list) else trace["y"]


def test_an_accelerate_loop_link_draws_the_lr_each_update_gets_and_what_was_meant():
    at = app(learning_rate="0.001", warmup_steps="100", max_steps="1000", loop="accelerate", num_processes="2")
    assert not at.exception and not at.error
    assert at.selectbox(key="loop").value == "accelerate" and at.text_input(key="num_processes").value == "2"
    warned = " ".join(w.value for w in at.warning)
    assert "over at update 50, not 100" in warned
    names = [d.get("name") for d in chart(at)["data"] if d.get("mode") == "lines"]
    assert names[1] == "as meant (one scheduler step per update)"
    assert at.query_params["loop"] == "accelerate" and at.query_params["num_processes"] == "2"
    # the link round-trips
    link, warnings = share.decode_link(dict(at.query_params))
    run = accelerated(ScheduleConfig(learning_rate=1e-3, warmup_steps=100, max_steps=1000), Loop(2), 1000)
    assert not warnings and link.kinds[0].logged_run(link.configs[0]).used(range(1, 1001)) == run.used(range(1, 1001))


def test_loraplus_groups_are_each_drawn_and_the_logged_one_said():
    at = app(learning_rate="0.0002", warmup_steps="10", max_steps="100", loraplus_lr_ratio="16")
    assert not at.exception and not at.error
    names = [d.get("name") for d in chart(at)["data"] if d.get("mode") == "lines"]
    assert names[1:] == ["embedding", "groupB", "groupB_no_decay"]
    assert any("Trainer logs the first param group's LR (groupA" in c for c in shown(at.caption))
    # a bad group list is named in the page's words, and the schedule stays drawn
    at.text_input(key="param_groups").set_value('[{"name": "a", "lr": -1}]').run()
    assert any("must be a number greater than 0" in e.value for e in at.error)
    assert at.get("plotly_chart")


def test_the_loop_in_chinese():
    at = app(lang="zh", loop="accelerate", num_processes="4", max_steps="400", warmup_steps="40")
    assert not at.exception
    assert any("accelerate 每次优化器更新会让调度器前进 4 步" in w.value for w in at.warning)


def test_a_script_that_scales_its_counts_runs_as_meant_and_nothing_is_said():
    # a correct no_trainer script: warmup and run × num_processes
    at = app(warmup_steps="200", max_steps="2000", loop="accelerate", num_processes="2", max_train_steps="1000",
             scaled_by_num_processes="true")  # fmt: skip
    assert not at.exception and not at.error and not at.warning
    names = [d.get("name") for d in chart(at)["data"] if d.get("mode") == "lines"]
    assert len(names) == 1  # no "as meant" line: it is what was meant
    assert at.query_params["scaled_by_num_processes"] == "true"
    plain = app(warmup_steps="100", max_steps="1000")
    assert line(chart(at), names[0]) == line(chart(plain), "learning_rate")


def test_groups_under_a_tools_own_one_cycle_are_refused_by_name():
    # torch's OneCycleLR gives every group one max_lr: not the LambdaLR rule, so not drawn as one
    at = app(tool="axolotl", lr_scheduler_type="cosine", tool_args='{"alternate_lr_scheduler_type":"one_cycle"}',
             loraplus_lr_ratio="16")  # fmt: skip
    assert not at.exception
    assert any("param groups are drawn for a LambdaLR" in e.value and "OneCycleLR" in e.value for e in at.error)


def test_what_a_review_found_in_loops_and_groups():
    from warmup_viz import groups, run_kind
    from warmup_viz.errors import ConfigError
    from warmup_viz.importer import read_settings

    # a link's loop settings without loop=accelerate are named, not silently dropped
    link, warnings = share.decode_link({"max_steps": "100", "num_processes": "2"})
    assert not link.kinds and any("needs loop=accelerate" in str(w) for w in warnings)
    # group names are compared as they are kept (trimmed); "step" is the table's own column
    for text in ('[{"name": "a", "lr": 1e-4}, {"name": "a ", "lr": 2e-3}]', '[{"name": "step", "lr": 1e-4}]'):
        try:
            groups.parse(text)
        except ConfigError:
            continue
        raise AssertionError(text)
    # LoRA+'s B groups stay within the LR bound
    at = app(learning_rate="2", max_steps="10", loraplus_lr_ratio="1e308")
    assert not at.exception and any("is above 100" in e.value for e in at.error) and at.get("plotly_chart")
    # a scaled script runs its counts / num_processes updates when max_train_steps is not given
    kind = run_kind.from_params({"loop": "accelerate", "num_processes": "2", "scaled_by_num_processes": "true"})
    config = ScheduleConfig(warmup_steps=200, max_steps=2000)
    assert kind.run(config).max_steps == 1000
    # "as meant" follows the first group's LR
    kind = run_kind.from_params(
        {"loop": "accelerate", "num_processes": "2", "param_groups": '[{"name": "a", "lr": 1e-3}]'}
    )
    assert kind.intended(ScheduleConfig(lr_scheduler_type="constant")).used([5]) == [1e-3]
    # axolotl's own keys: a YAML 1.1 number written 1e-2 is one; a bad value is said, the rest reads
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nmax_steps: 9\ncosine_min_lr_ratio: 1e-2\n"
                             "jagged_restart_steps: -5\n", "a.yml")  # fmt: skip
    assert imported.settings["tool_args"] == {"cosine_min_lr_ratio": 0.01}
    assert "jagged_restart_steps=-5" in str(imported.ignored["jagged_restart_steps"])


def test_the_loop_box_is_drawn_only_when_open_and_keeps_what_it_holds_when_closed():
    at = app(learning_rate="0.0002", warmup_steps="10", max_steps="100")
    assert not at.exception and not [w for w in at.text_input if w.key == "param_groups"]  # closed: not sent
    at.session_state["run_kind_open"] = True  # a person opens it
    at.run()
    at.text_input(key="loraplus_lr_ratio").set_value("16").run()
    groups = [d.get("name") for d in chart(at)["data"] if d.get("mode") == "lines"]
    assert groups[1:] == ["embedding", "groupB", "groupB_no_decay"]
    at.session_state["run_kind_open"] = False  # and closes it: the groups stay, in the chart and the link
    at.text_input(key="max_steps").set_value("200").run()
    assert not at.exception and not [w for w in at.text_input if w.key == "loraplus_lr_ratio"]
    assert [d.get("name") for d in chart(at)["data"] if d.get("mode") == "lines"][1:] == groups[1:]
    assert float(at.query_params["loraplus_lr_ratio"]) == 16 and at.query_params["max_steps"] == "200"
    # an accelerate loop given by the link, then the box closed: the loop still counts
    loop = app(learning_rate="0.001", warmup_steps="100", max_steps="1000", loop="accelerate", num_processes="2")
    loop.session_state["run_kind_open"] = False
    loop.run()
    assert not [w for w in loop.selectbox if w.key == "loop"]
    assert "over at update 50, not 100" in " ".join(w.value for w in loop.warning)
