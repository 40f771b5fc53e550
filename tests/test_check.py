"""The verdict on real Trainer logs: matching, shifted by one step, warmup off by one, other peak."""

import json

import pytest

from warmup_viz.check import compare, learning_rate_metric
from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig

from .test_trainer import run_trainer

SETTINGS = dict(lr_scheduler_type="linear", warmup_steps=0.07, max_steps=40, learning_rate=1e-3)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("check")
    trainer, logged = run_trainer(tmp, **SETTINGS)
    path = tmp / "trainer_state.json"
    trainer.state.save_to_json(str(path))
    return path, logged


def test_real_run_matches(real_run):
    _, logged = real_run
    verdict = compare(ScheduleConfig(**SETTINGS), list(logged), list(logged.values()))
    assert verdict.matches and verdict.message == "matches at all 40 logged steps"


def test_shifted_log_is_recognised(real_run):
    _, logged = real_run
    steps = sorted(logged)[:-1]
    shifted = [logged[s + 1] for s in steps]  # what transformers < 4.51 logged at step s
    verdict = compare(ScheduleConfig(**SETTINGS), steps, shifted)
    assert not verdict.matches and verdict.step == 1
    assert "shifted one step" in verdict.cause


def test_warmup_off_by_one_is_recognised(real_run):
    _, logged = real_run
    # the run warmed up for ceil(40 × 0.07) = 3 steps; a config with 0.05 gives 2
    verdict = compare(ScheduleConfig(**{**SETTINGS, "warmup_steps": 0.05}), list(logged), list(logged.values()))
    assert not verdict.matches and "warmup is one step off" in verdict.cause
    assert f"logged {verdict.logged!r}" in verdict.message


def test_other_peak_is_recognised(real_run):
    _, logged = real_run
    verdict = compare(ScheduleConfig(**{**SETTINGS, "learning_rate": 5e-4}), list(logged), list(logged.values()))
    assert "different peak" in verdict.cause and "0.001" in verdict.cause


def test_longer_run_than_max_steps(real_run):
    _, logged = real_run
    steps = sorted(logged)
    verdict = compare(ScheduleConfig(**{**SETTINGS, "max_steps": 30}), steps, [logged[s] for s in steps])
    assert not verdict.matches


def test_cli_check_exit_codes(real_run, capfd):
    path, _ = real_run
    flags = ["--lr_scheduler_type", "linear", "--warmup_steps", "0.07", "--max_steps", "40", "--learning_rate", "1e-3"]
    assert main(["check", str(path), *flags]) == 0
    assert "matches at all 40 logged steps" in capfd.readouterr().out
    assert main(["check", str(path), *flags[:-1], "2e-3"]) == 1
    assert "differs from step 2" in capfd.readouterr().out
    bad = path.parent / "bad.json"
    bad.write_text(json.dumps({"log_history": [{"step": 1, "loss": 1.0}]}))
    assert main(["check", str(bad), *flags]) == 2
    assert "no learning_rate values" in capfd.readouterr().err


def test_learning_rate_metric_names():
    assert learning_rate_metric(["loss", "train/learning_rate"]) == "train/learning_rate"
    assert learning_rate_metric(["lr", "loss"]) == "lr"
    assert learning_rate_metric(["loss"]) is None
