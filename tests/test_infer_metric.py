"""Recovering a metric-driven run's settings: reduce_lr_on_plateau and greedy runs of a real
Trainer with evaluation, replayed with their logged eval_loss by transformers' own scheduler."""

import json
from itertools import pairwise
from pathlib import Path

import pytest

from warmup_viz.config import from_mapping
from warmup_viz.infer_metric import infer_metric_driven
from warmup_viz.inference import infer
from warmup_viz.logs import read_log, series
from warmup_viz.simulate import simulate

from .test_trainer import run_trainer

pytestmark = pytest.mark.trainer

STEPS = 30
EXAMPLE = Path(__file__).parent.parent / "examples" / "trainer_state.json"


def evaluated_run(tmp_path_factory, name, kwargs):
    """A real run of 30 steps at 1e-3 that evaluates every 2 steps and logs every step: its
    logged LR, its eval_loss and its trainer_state.json."""
    tmp_path = tmp_path_factory.mktemp(name)
    trainer, logged = run_trainer(
        tmp_path,
        dataset_size=64,
        lr_scheduler_type=name,
        lr_scheduler_kwargs=kwargs,
        learning_rate=1e-3,
        max_steps=STEPS,
        eval_strategy="steps",
        eval_steps=2,
        eval_dataset_size=8,
    )
    evals = [(e["step"], e["eval_loss"]) for e in trainer.state.log_history if "eval_loss" in e]
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    return logged, ([s for s, _ in evals], [v for _, v in evals]), tmp_path / "trainer_state.json"


@pytest.fixture(scope="module")
def plateau(tmp_path_factory):
    return evaluated_run(tmp_path_factory, "reduce_lr_on_plateau", {"factor": 0.5, "patience": 1, "threshold": 0.05})


@pytest.fixture(scope="module")
def greedy(tmp_path_factory):
    return evaluated_run(tmp_path_factory, "greedy", {"factor": 0.5, "patience": 1, "min_lr": 1e-5, "threshold": 0.01})


def replayed(fit, metric, steps):
    """The recovered settings (as `schedule` takes them) replayed with the run's metric."""
    config = from_mapping(fit.settings())
    return simulate(config, *metric).lrs(steps)


def assert_recovered(fit, name, logged, metric):
    assert fit.exact and fit.hint is None, f"{fit.settings()} misses by {fit.max_relative_error:g}"
    assert fit.config.lr_scheduler_type == name and fit.config.learning_rate == 1e-3
    assert replayed(fit, metric, list(logged)) == pytest.approx(list(logged.values()), rel=1e-6, abs=0)


@pytest.mark.parametrize("logging_every", [1, 3])
def test_a_plateau_run_is_recovered_from_its_eval_loss(plateau, logging_every):
    logged, metric, _ = plateau
    assert len(set(logged.values())) >= 4, "the run was set up to cut the LR several times"
    logged = {s: v for s, v in logged.items() if s % logging_every == 0}
    fit = infer(list(logged), list(logged.values()), max_steps=STEPS, metric=metric)
    assert_recovered(fit, "reduce_lr_on_plateau", logged, metric)
    assert fit.config.lr_scheduler_kwargs["factor"] == 0.5  # read off the drops, written round
    assert fit.config.lr_scheduler_kwargs["patience"] == 1


def test_a_greedy_run_that_raises_and_cuts_is_recovered(greedy):
    logged, metric, _ = greedy
    values = list(logged.values())
    assert any(b > a for a, b in pairwise(values)) and any(b < a for a, b in pairwise(values))
    fit = infer_metric_driven(list(logged), values, *metric, max_steps=STEPS)
    assert_recovered(fit, "greedy", logged, metric)
    assert fit.config.lr_scheduler_kwargs["factor"] == 0.5 and fit.config.lr_scheduler_kwargs["patience"] == 1


def test_without_its_metric_a_plateau_run_gets_a_hint_not_a_confident_answer(plateau):
    logged, _, _ = plateau
    fit = infer(list(logged), list(logged.values()), max_steps=STEPS)
    assert not fit.exact and not fit.config.info.metric_driven  # the closest step-based curve
    assert fit.hint is not None and fit.hint.key == "infer.needs_metric"
    assert "factor of 0.5" in str(fit.hint) and "eval_loss" in str(fit.hint)


def test_a_metric_that_did_not_step_the_run_gets_the_closest_fit_and_says_so(plateau):
    logged, (steps, _), _ = plateau
    # a flat metric cuts at a regular pace; the run's eval_loss paced its cuts unevenly
    fit = infer(list(logged), list(logged.values()), max_steps=STEPS, metric=(steps, [1.0] * len(steps)))
    assert not fit.exact and fit.hint is not None and fit.hint.key == "infer.no_replay"
    assert "no replay of this metric" in str(fit.hint)


def test_a_step_based_run_ignores_the_metric(capfd):
    """The example run (a real Trainer run, linear with warmup, evaluated): its LR falls by a
    different ratio every step, so its eval_loss plays no part."""
    from warmup_viz.cli import main

    log = read_log(EXAMPLE.read_bytes(), "example")
    lr, loss = series(log, "learning_rate"), series(log, "eval_loss")
    assert infer_metric_driven(lr.steps, lr.values, loss.steps, loss.values) is None
    fit = infer(lr.steps, lr.values, max_steps=log.facts.get("max_steps"), metric=(loss.steps, loss.values))
    assert fit.exact and fit.hint is None and fit.config.lr_scheduler_type == "linear"
    assert main(["infer", str(EXAMPLE)]) == 0
    assert json.loads(capfd.readouterr().out)["lr_scheduler_type"] == "linear"


def test_cli_infer_recovers_a_plateau_run_from_its_trainer_state(plateau, tmp_path, capfd):
    from warmup_viz.cli import main

    logged, metric, state = plateau
    capfd.readouterr()
    assert main(["infer", str(state)]) == 0  # eval_loss by default, as Trainer steps it
    found = json.loads(capfd.readouterr().out)
    assert found["exact"] is True and found["lr_scheduler_type"] == "reduce_lr_on_plateau"
    settings = {k: v for k, v in found.items() if k not in ("exact", "max_relative_error")}
    assert simulate(from_mapping(settings), *metric).lrs(list(logged)) == pytest.approx(list(logged.values()), rel=1e-6)
    assert main(["infer", str(state), "--metric", "eval_loss"]) == 0
    assert json.loads(capfd.readouterr().out) == found
    assert main(["infer", str(state), "--metric", "nope"]) == 2
    assert "nope" in capfd.readouterr().err
    # a log of the LR alone: a step-based best fit, exit 1, and the hint on stderr
    (tmp_path / "lr.csv").write_text("step,learning_rate\n" + "".join(f"{s},{v!r}\n" for s, v in logged.items()))
    assert main(["infer", str(tmp_path / "lr.csv")]) == 1
    out, err = capfd.readouterr()
    assert json.loads(out)["exact"] is False and "give the log with its evaluated metric" in err
