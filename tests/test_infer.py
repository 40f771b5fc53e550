"""Recovering a run's settings from its logged LR: exact on real Trainer runs of every type."""

import json

import pytest

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig, from_mapping
from warmup_viz.inference import NoFit, infer

from .test_trainer import RUNS, run_trainer

pytestmark = pytest.mark.trainer


@pytest.mark.parametrize("logging_steps", [1, 3])
@pytest.mark.parametrize("settings", RUNS, ids=lambda s: f"{s['lr_scheduler_type']}-w{s['warmup_steps']}")
def test_recovers_a_real_trainer_run_exactly(tmp_path, settings, logging_steps):
    trainer, logged = run_trainer(tmp_path, **{**settings, "logging_steps": logging_steps})
    fit = infer(list(logged), list(logged.values()), max_steps=trainer.state.max_steps)
    recovered = lr_schedule.build(fit.config).lrs(list(logged))
    assert fit.exact, f"{fit.settings()} misses by {fit.max_relative_error:g}"
    for (step, lr), ours in zip(logged.items(), recovered, strict=True):
        assert ours == pytest.approx(lr, rel=1e-6, abs=1e-15), step
    assert fit.config.num_warmup_steps == from_mapping(settings).num_warmup_steps or logging_steps > 1


def test_learning_rate_comes_out_round():
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=10, max_steps=200)
    steps, lrs = lr_schedule.full_table(config)
    fit = infer(list(steps), lrs, max_steps=200)
    assert (
        fit.exact
        and fit.config.learning_rate == 3e-4
        and fit.config.lr_scheduler_type in ("cosine", "cosine_with_restarts")
    )
    assert json.loads(json.dumps(fit.settings()))["max_steps"] == 200


def test_a_non_hf_schedule_gets_a_best_fit_with_its_error():
    # a step decay no transformers type produces
    steps = list(range(1, 101))
    lrs = [1e-3 if s <= 50 else 1e-4 for s in steps]
    fit = infer(steps, lrs)
    assert not fit.exact and fit.max_relative_error > 1e-3


@pytest.mark.parametrize("steps, lrs", [([1], [1e-3]), ([1, 2], [0.0, 0.0]), ([], [])])
def test_too_little_to_go_on(steps, lrs):
    with pytest.raises(NoFit):
        infer(steps, lrs)


def test_cli_infer_prints_settings_that_schedule_takes(tmp_path, capfd):
    from warmup_viz.cli import main

    trainer, logged = run_trainer(tmp_path, **RUNS[2], logging_steps=2)
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    capfd.readouterr()  # the Trainer's own prints
    assert main(["infer", str(tmp_path / "trainer_state.json")]) == 0
    found = json.loads(capfd.readouterr().out)
    assert found["exact"] is True and found["max_relative_error"] <= 1e-6
    settings = {k: v for k, v in found.items() if k not in ("exact", "max_relative_error")}
    config = from_mapping(settings)  # the keys `schedule` takes
    assert lr_schedule.build(config).lrs(list(logged)) == pytest.approx(list(logged.values()), rel=1e-6)
    # a log without learning rates, and a step decay no type reproduces
    (tmp_path / "loss.csv").write_text("step,loss\n1,2\n2,1\n")
    assert main(["infer", str(tmp_path / "loss.csv")]) == 2
    assert "no learning_rate" in capfd.readouterr().err
    (tmp_path / "steps.csv").write_text(
        "step,learning_rate\n" + "".join(f"{s},{1e-3 if s <= 50 else 1e-4}\n" for s in range(1, 101))
    )
    assert main(["infer", str(tmp_path / "steps.csv")]) == 1
    assert json.loads(capfd.readouterr().out)["exact"] is False


def test_page_proposes_the_recovered_schedule_beside_a():
    """Recover proposes, it does not overwrite: the recovered settings arrive as schedule B."""
    from .test_app import app, shown

    at = app(lr_scheduler_type="cosine", max_steps="300", warmup_steps="0.1", example="true")
    at.button(key="recover.example").click().run()
    assert not at.exception
    assert at.selectbox(key="lr_scheduler_type").value == "cosine"  # A is as it was
    assert at.text_input(key="max_steps").value == "300" and at.text_input(key="warmup_steps").value == "0.1"
    assert at.selectbox(key="s1.lr_scheduler_type").value == "linear"
    assert at.text_input(key="s1.max_steps").value == "1000" and at.text_input(key="s1.learning_rate").value == "5e-05"
    assert at.text_input(key="s1.warmup_steps").value == "100"  # the example warmed up for 10 % of 1000 steps
    assert any(
        s.startswith("Recovered exactly (every one of 100 logged values) as schedule B") for s in shown(at.success)
    )
    assert at.query_params["b.lr_scheduler_type"] == "linear" and at.query_params["lr_scheduler_type"] == "cosine"
