"""Metric-driven schedulers replayed from a log equal what a real Trainer did, step by step."""

import pytest

from warmup_viz.config import ConfigError, ScheduleConfig
from warmup_viz.logs import read_log
from warmup_viz.simulate import simulate

from .plotly_data import values
from .test_trainer import run_trainer

pytestmark = pytest.mark.trainer


def evaluated_run(tmp_path, name, kwargs):
    """A real Trainer run of 30 steps at 1e-3 that evaluates every 2 steps and logs every step."""
    return run_trainer(
        tmp_path,
        dataset_size=64,
        lr_scheduler_type=name,
        lr_scheduler_kwargs=kwargs,
        learning_rate=1e-3,
        max_steps=30,
        eval_strategy="steps",
        eval_steps=2,
        eval_dataset_size=8,
    )


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("reduce_lr_on_plateau", {"patience": 0, "factor": 0.5, "threshold": 0.2}),
        ("reduce_lr_on_plateau", {"patience": 1, "factor": 0.3, "threshold": 0.5, "cooldown": 1}),
        ("greedy", {"patience": 1, "factor": 0.5, "min_lr": 1e-5, "threshold": 0.01}),
    ],
)
def test_replay_equals_a_real_trainer_run(tmp_path, name, kwargs):
    trainer, logged = evaluated_run(tmp_path, name, kwargs)
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    log = read_log((tmp_path / "trainer_state.json").read_bytes(), "trainer_state.json")
    evals = log.table.query("metric == 'eval_loss'")
    config = ScheduleConfig(lr_scheduler_type=name, learning_rate=1e-3, max_steps=30, lr_scheduler_kwargs=kwargs)
    sim = simulate(config, evals["step"].tolist(), evals["value"].tolist())
    assert sim.steps_used == len(evals) == 15
    assert {s: sim.lr(s) for s in logged} == logged  # every logged step, exactly
    assert sim.changes, "the settings were chosen so that the LR changes"
    assert sim.lrs(list(sim.curve.steps)) == list(sim.curve.lrs)


def test_cut_reasons_name_the_patience():
    config = ScheduleConfig(
        lr_scheduler_type="reduce_lr_on_plateau", learning_rate=0.1, max_steps=100, lr_scheduler_kwargs={"patience": 2}
    )
    sim = simulate(config, [10, 20, 30, 40, 50], [1.0, 1.0, 1.0, 1.0, 0.5])
    (cut,) = sim.changes
    assert cut.step == 40 and cut.new == pytest.approx(0.01)
    assert "patience exhausted" in str(cut.reason) and "patience=2" in str(cut.reason)
    assert [b.kind for b in sim.curve.breakpoints] == ["start", "cut", "end"]
    assert sim.lr(40) == 0.1 and sim.lr(41) == pytest.approx(0.01) and sim.curve.lrs[-1] == pytest.approx(0.01)


def test_step_based_types_are_refused():
    with pytest.raises(ConfigError, match="step count"):
        simulate(ScheduleConfig(), [1], [1.0])


def test_the_page_replays_the_example_runs_eval_loss():
    import json

    from warmup_viz.ui.uploads import EXAMPLE

    from .test_app import app

    at = app(
        lr_scheduler_type="reduce_lr_on_plateau", lr_scheduler_kwargs='{"patience":0,"threshold":0.05}', example="true"
    )
    assert not at.exception and not at.error
    assert at.selectbox(key="sim_metric.A").value is not None
    assert "eval_loss" in at.selectbox(key="sim_metric.A").format_func(at.selectbox(key="sim_metric.A").value)
    log = read_log(EXAMPLE.read_bytes(), "example")
    evals = log.table.query("metric == 'eval_loss'")
    config = ScheduleConfig(
        lr_scheduler_type="reduce_lr_on_plateau", lr_scheduler_kwargs={"patience": 0, "threshold": 0.05}
    )
    sim = simulate(config, evals["step"].tolist(), evals["value"].tolist())
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert values(figure["data"][0]["x"]) == list(sim.curve.steps) and values(figure["data"][0]["y"]) == list(
        sim.curve.lrs
    )
    assert sim.changes and any("patience exhausted" in c.value for c in at.caption)
    # the example was trained with linear decay: the verdict compares it with the replay
    assert any("differs from step" in i.value for i in at.info)


def test_cli_schedule_replays_a_log(capfd):
    from warmup_viz.cli import main
    from warmup_viz.ui.uploads import EXAMPLE

    kwargs = '{"patience": 0, "threshold": 0.05}'
    args = ["schedule", "--lr_scheduler_type", "reduce_lr_on_plateau", "--lr_scheduler_kwargs", kwargs]
    assert main([*args, "--log", str(EXAMPLE)]) == 0
    lines = capfd.readouterr().out.splitlines()
    log = read_log(EXAMPLE.read_bytes(), "example")
    evals = log.table.query("metric == 'eval_loss'")
    config = ScheduleConfig(
        lr_scheduler_type="reduce_lr_on_plateau", lr_scheduler_kwargs={"patience": 0, "threshold": 0.05}
    )
    sim = simulate(config, evals["step"].tolist(), evals["value"].tolist())
    assert lines[0] == "step,learning_rate" and len(lines) == 1001
    assert [float(line.split(",")[1]) for line in lines[1:]] == sim.lrs(range(1, 1001))
    assert main([*args, "--log", str(EXAMPLE), "--metric", "loss"]) == 0  # a training metric works too
    capfd.readouterr()
    for bad, fragment in [
        (args, "give --log LOG"),
        ([*args, "--log", str(EXAMPLE), "--metric", "nope"], "has no nope values"),
        (["schedule", "--log", str(EXAMPLE)], "are for metric-driven types"),
    ]:
        assert main(bad) == 2
        err = capfd.readouterr().err
        assert fragment in err and err.count("\n") == 1


def test_cli_check_replays_metric_driven_types(tmp_path, capfd):
    from warmup_viz.cli import main

    kwargs = {"patience": 0, "factor": 0.5, "threshold": 0.2}
    trainer, _ = evaluated_run(tmp_path, "reduce_lr_on_plateau", kwargs)
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    capfd.readouterr()
    args = ["check", str(tmp_path / "trainer_state.json"), "--lr_scheduler_type", "reduce_lr_on_plateau"]
    args += ["--learning_rate", "1e-3", "--max_steps", "30"]
    import json

    assert main([*args, "--lr_scheduler_kwargs", json.dumps(kwargs)]) == 0
    assert "matches at all 30 logged steps" in capfd.readouterr().out
    assert main([*args, "--lr_scheduler_kwargs", json.dumps({**kwargs, "factor": 0.9})]) == 1
    assert "differs from step" in capfd.readouterr().out
