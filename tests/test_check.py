"""The verdict on real Trainer logs: matching, shifted by one step, warmup off by one, other peak."""

import json

import pytest

from warmup_viz.check import compare
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
    # the run went on past max_steps=40 (resumed with a larger max_steps, say): linear's LambdaLR
    # gives 0 from step 41 on, so every step up to max_steps matches and only the length differs
    steps = [*sorted(logged), 41, 42, 43]
    lrs = [*(logged[s] for s in sorted(logged)), 0.0, 0.0, 0.0]
    verdict = compare(ScheduleConfig(**SETTINGS), steps, lrs)
    assert not verdict.matches and verdict.cause == "max_steps" and verdict.step == 41
    assert "reaches step 43, past max_steps=40" in verdict.message


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
