"""Runs whose optimizer skipped updates, made for real: a Trainer with a loss scaler (accelerate's
GradScaler on CPU) and a non-fused optimizer, its loss made to overflow at chosen updates. Trainer
does not step the scheduler after a skipped update, so the LR trails the plan; the run model draws
it (`run.Skipped`), check names it and infer recovers the settings and where the skips were."""

import json

import pytest
import torch
from transformers import Trainer

from warmup_viz.cli import main
from warmup_viz.config import from_mapping
from warmup_viz.inference import infer
from warmup_viz.run import Convention, Planned, Skipped, with_convention
from warmup_viz.steps import step_list, step_list_text
from warmup_viz.verdict import compare
from warmup_viz.written import Written, first_difference

from .test_trainer import run_trainer

pytestmark = pytest.mark.trainer


class Overflowing(Trainer):
    """A Trainer whose loss is inf at the updates in `overflow`: the scaler skips their step."""

    overflow: frozenset[int] = frozenset()

    def compute_loss(self, model, inputs, *args, **kwargs):
        loss = super().compute_loss(model, inputs, *args, **kwargs)
        return loss * float("inf") if self.state.global_step + 1 in self.overflow else loss


def run_skipping(tmp_path, overflow, logging_steps=1, **settings):
    def prepare(trainer):
        trainer.overflow = frozenset(overflow)
        trainer.accelerator.scaler = torch.amp.GradScaler("cpu")

    # the fused default optimizer skips inside itself and steps the scheduler anyway: a non-fused one
    return run_trainer(tmp_path, 64, 0, logging_steps, Overflowing, prepare, optim="adamw_torch", **settings)


CASES = [
    (dict(lr_scheduler_type="linear", warmup_steps=5, max_steps=30, learning_rate=1e-3), (1, 2, 3, 11, 20), 1),
    (dict(lr_scheduler_type="cosine", warmup_steps=6, max_steps=40, learning_rate=3e-4), (2, 3, 9, 10, 27), 1),
    (dict(lr_scheduler_type="cosine", warmup_steps=0.1, max_steps=48, learning_rate=5e-5), (1, 2, 13, 30), 3),
    (
        dict(lr_scheduler_type="polynomial", warmup_steps=0, max_steps=30, lr_scheduler_kwargs={"power": 2.0}),
        (1, 2, 17),
        1,
    ),
]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]['lr_scheduler_type']}-skips{len(c[1])}-every{c[2]}")
def skipping(request, tmp_path_factory):
    settings, overflow, logging_steps = request.param
    trainer, logged = run_skipping(tmp_path_factory.mktemp("skip"), overflow, logging_steps, **settings)
    return settings, overflow, logging_steps, trainer, logged


def test_the_run_model_draws_what_trainer_logged(skipping):
    settings, overflow, _, _, logged = skipping
    run = Skipped(Planned(from_mapping(settings)), tuple(overflow))
    steps = list(logged)
    values = list(logged.values())
    assert first_difference(Written.of(values), values, run.logged(steps), run.config.learning_rate) is None
    # and the plan alone does not: the skips are what the log shows
    plain = Planned(from_mapping(settings)).logged(steps)
    assert first_difference(Written.of(values), values, plain, run.config.learning_rate) is not None


def test_check_names_the_skips_and_its_settings_reproduce_the_log(skipping):
    settings, overflow, logging_steps, _, logged = skipping
    verdict = compare(Planned(from_mapping(settings)), list(logged), list(logged.values()))
    assert not verdict.matches
    assert [c.code for c in verdict.causes] == ["skipped_steps"]
    skips = step_list(verdict.to_dict()["matching_settings"]["skipped_steps"])
    run = Skipped(Planned(from_mapping(settings)), skips)
    assert compare(run, list(logged), list(logged.values())).matches
    if logging_steps == 1:  # every update logged: where each skip was is known
        assert skips == overflow


def test_infer_recovers_the_settings_and_the_skips(skipping):
    settings, overflow, logging_steps, trainer, logged = skipping
    fit = infer(list(logged), list(logged.values()), max_steps=trainer.state.max_steps)
    assert fit.exact, fit.settings()
    config = from_mapping(settings)
    assert fit.config.lr_scheduler_type in (config.lr_scheduler_type, "cosine_with_restarts")
    assert fit.config.learning_rate == config.learning_rate
    assert fit.config.num_warmup_steps == config.num_warmup_steps
    assert len(fit.skipped_steps) == len(overflow)
    assert fit.hint is not None and fit.hint.key == "run.skipped"
    run = with_convention(Skipped(Planned(fit.config), fit.skipped_steps), fit.logging_convention)
    assert compare(run, list(logged), list(logged.values())).matches


def test_the_cli_draws_checks_and_infers_a_skipping_run(skipping, tmp_path, capfd):
    settings, overflow, logging_steps, trainer, logged = skipping
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    flags = [f"--{k}={json.dumps(v) if isinstance(v, dict) else v}" for k, v in settings.items()]
    capfd.readouterr()
    assert main(["infer", str(tmp_path / "trainer_state.json")]) == 0
    found = json.loads(capfd.readouterr().out)
    assert found["exact"] and len(step_list(found["skipped_steps"])) == len(overflow)
    skips = ["--skipped_steps", found["skipped_steps"]]
    assert main(["check", str(tmp_path / "trainer_state.json"), *flags, *skips]) == 0
    assert main(["schedule", *flags, *skips, "--output", str(tmp_path / "lr.csv")]) == 0
    table = (tmp_path / "lr.csv").read_text().splitlines()[1:]
    written = {int(s): float(v) for s, v in (line.split(",") for line in table)}
    assert all(written[s] == pytest.approx(v, rel=1e-12, abs=1e-18) for s, v in logged.items())
    capfd.readouterr()


DENSE = [case for case in CASES if case[2] == 1]  # every step logged: the next update's LR is in the log


@pytest.mark.parametrize("case", DENSE, ids=lambda c: f"{c[0]['lr_scheduler_type']}-skips{len(c[1])}")
def test_a_log_written_the_older_way_is_read_with_its_skips(case, tmp_path):
    """Before 4.51 Trainer logged after stepping the scheduler: step s shows update s + 1's LR.
    Made from the real log: the value each step logs under the older convention is the next
    logged step's, which is what that Trainer wrote."""
    settings, overflow, logging_steps = case
    trainer, logged = run_skipping(tmp_path, overflow, logging_steps, **settings)
    steps = list(logged)[:-1]
    older = [logged[s + 1] for s in steps]
    fit = infer(steps, older, max_steps=trainer.state.max_steps)
    assert fit.exact
    if overflow[0] == 1:
        # a skip at update 1 looks like the older convention's shift: one skip fewer, read today's way
        assert len(fit.skipped_steps) in (len(overflow), len(overflow) - 1)
    else:
        assert fit.logging_convention is Convention.BEFORE_4_51 and len(fit.skipped_steps) == len(overflow)
    run = with_convention(Skipped(Planned(fit.config), fit.skipped_steps), fit.logging_convention)
    assert compare(run, steps, older).matches


@pytest.mark.parametrize(
    "text, steps",
    [("3,4,11,20", (3, 4, 11, 20)), ("1-3,11", (1, 2, 3, 11)), (" 5, 1-2 ,2", (1, 2, 5)), ("", ())],
)
def test_skipped_steps_read_and_written(text, steps):
    assert step_list(text) == steps
    assert step_list(step_list_text(steps)) == steps


@pytest.mark.parametrize("text", ["0", "3-1", "x", "1.5", "-2", "1-1e9"])
def test_skipped_steps_refused_with_the_item(text):
    with pytest.raises(ValueError, match="update number"):
        step_list(text)


def test_skipped_steps_past_max_steps_named_in_the_cli(capfd):
    assert main(["schedule", "--lr_scheduler_type", "linear", "--max_steps", "30", "--skipped_steps", "1-3,31"]) == 2
    err = capfd.readouterr().err
    assert "skipped_steps" in err and "1-3,31" in err and "max_steps=30" in err
