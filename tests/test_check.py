"""The verdict on real Trainer logs: matching, shifted by one step, warmup off by one, other peak."""

import json
import pathlib

import pytest

from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig
from warmup_viz.logs import read_log
from warmup_viz.run import Planned
from warmup_viz.verdict import compare

from .test_trainer import run_trainer

DATA = pathlib.Path(__file__).parent / "data"
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
    verdict = compare(Planned(ScheduleConfig(**SETTINGS)), list(logged), list(logged.values()))
    assert verdict.matches and verdict.message == "matches at all 40 logged steps"


def causes(verdict):
    return [str(c.note) for c in verdict.causes]


def test_shifted_log_is_recognised(real_run):
    _, logged = real_run
    steps = sorted(logged)[:-1]
    shifted = [logged[s + 1] for s in steps]  # what transformers < 4.51 logged at step s
    verdict = compare(Planned(ScheduleConfig(**SETTINGS)), steps, shifted)
    assert not verdict.matches and verdict.step == 1
    assert [c.code for c in verdict.causes] == ["convention"] and "before 4.51" in verdict.cause


def test_a_real_transformers_4_50_log_is_recognised_as_the_old_convention():
    log = read_log((DATA / "transformers-4.50-linear.json").read_bytes(), "old.json")
    rows = log.table[log.table.metric == "learning_rate"]
    config = ScheduleConfig(lr_scheduler_type="linear", warmup_steps=0.1, max_steps=30, learning_rate=5e-4)
    verdict = compare(Planned(config), rows.step.tolist(), rows.value.tolist(), facts=log.facts)
    assert [c.code for c in verdict.causes] == ["convention"]


def test_warmup_length_names_the_runs_warmup(real_run):
    _, logged = real_run
    # the run warmed up for ceil(40 × 0.07) = 3 steps; a config with 0.05 gives 2
    verdict = compare(
        Planned(ScheduleConfig(**{**SETTINGS, "warmup_steps": 0.05})), list(logged), list(logged.values())
    )
    assert causes(verdict) == ["warmup_steps: the run warmed up for 3 steps (you have 2)"]
    assert f"logged {verdict.logged:.4g}" in verdict.message
    fixed = ScheduleConfig(**{**SETTINGS, **verdict.causes[0].settings})
    assert compare(Planned(fixed), list(logged), list(logged.values())).matches  # what it proposes matches


def test_a_count_where_the_run_used_a_ratio(real_run):
    _, logged = real_run
    verdict = compare(Planned(ScheduleConfig(**{**SETTINGS, "warmup_steps": 7})), list(logged), list(logged.values()))
    (cause,) = verdict.causes
    assert cause.code == "warmup_steps" and cause.note.key == "cause.warmup_ratio"
    assert str(cause.note).startswith("warmup_steps: the run warmed up for 3 steps (you have 7) — warmup_steps=0.06")
    assert compare(
        Planned(ScheduleConfig(**{**SETTINGS, **cause.settings})), list(logged), list(logged.values())
    ).matches


def test_another_scheduler_type_is_named(real_run):
    _, logged = real_run
    verdict = compare(
        Planned(ScheduleConfig(**{**SETTINGS, "lr_scheduler_type": "cosine"})), list(logged), list(logged.values())
    )
    assert causes(verdict) == ["lr_scheduler_type: the run is linear (you have cosine)"]


def test_other_peak_is_recognised(real_run):
    _, logged = real_run
    verdict = compare(
        Planned(ScheduleConfig(**{**SETTINGS, "learning_rate": 5e-4})), list(logged), list(logged.values())
    )
    assert causes(verdict) == ["learning_rate: the run peaked at 0.001 (you have 0.0005)"]
    assert verdict.causes[0].settings == {"learning_rate": 0.001}


@pytest.mark.parametrize("scheduler", ["linear", "cosine"])
def test_a_scheduler_made_for_a_longer_run_is_named(tmp_path, scheduler):
    """A scheduler made by hand, its num_training_steps counted in batches (3 per update)."""
    from transformers import get_scheduler

    def prepare(trainer):
        trainer.create_optimizer()
        trainer.lr_scheduler = get_scheduler(scheduler, trainer.optimizer, num_warmup_steps=3, num_training_steps=90)

    _, logged = run_trainer(tmp_path, prepare=prepare, **{**SETTINGS, "lr_scheduler_type": scheduler, "max_steps": 30})
    config = ScheduleConfig(**{**SETTINGS, "lr_scheduler_type": scheduler, "max_steps": 30})
    verdict = compare(Planned(config), list(logged), list(logged.values()), facts={"max_steps": 30})
    assert [c.code for c in verdict.causes] == ["max_steps"]
    assert verdict.causes[0].settings == {"max_steps": 90, "warmup_steps": 3.0}
    assert "made for 90 steps, 3 × the run's max_steps=30" in verdict.message


def test_a_kwarg_is_named(tmp_path):
    run = dict(lr_scheduler_type="cosine_with_restarts", warmup_steps=3, max_steps=36, learning_rate=1e-3)
    _, logged = run_trainer(tmp_path, **run, lr_scheduler_kwargs={"num_cycles": 3})
    config = ScheduleConfig(**run, lr_scheduler_kwargs={"num_cycles": 2})
    verdict = compare(Planned(config), list(logged), list(logged.values()))
    assert causes(verdict) == ["num_cycles: the run has 3 (you have 2)"]


@pytest.mark.parametrize(
    "run_changes, yours, expected",
    [
        ({"dataloader_drop_last": True}, {}, "dataloader_drop_last=True gives 22"),
        ({"gradient_accumulation_steps": 2}, {}, "gradient_accumulation_steps=2 / world_size=2 gives 12"),
        ({}, {"dataloader_drop_last": True}, "dataloader_drop_last=False gives 24"),
    ],
)
def test_epochs_arithmetic_names_the_setting(tmp_path, run_changes, yours, expected):
    """The log's own max_steps (trainer_state.json) first: drop_last or accumulation forgotten."""
    epochs = dict(num_train_epochs=2, per_device_train_batch_size=4, learning_rate=1e-3, warmup_steps=0.1)
    trainer, logged = run_trainer(tmp_path, dataset_size=45, **epochs, **run_changes)
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    log = read_log((tmp_path / "trainer_state.json").read_bytes(), "trainer_state.json")
    config = ScheduleConfig(max_steps=-1, dataset_size=45, **epochs, **yours)
    verdict = compare(Planned(config), list(logged), list(logged.values()), facts=log.facts)
    assert verdict.causes[0].code == "max_steps" and expected in str(verdict.causes[0].note)
    fixed = config.replace(**verdict.causes[0].settings)
    assert compare(Planned(fixed), list(logged), list(logged.values())).matches


def test_longer_run_than_max_steps(real_run):
    _, logged = real_run
    # the run went on past max_steps=40 (resumed with a larger max_steps, say): linear's LambdaLR
    # gives 0 from step 41 on, so every step up to max_steps matches and only the length differs
    steps = [*sorted(logged), 41, 42, 43]
    lrs = [*(logged[s] for s in sorted(logged)), 0.0, 0.0, 0.0]
    verdict = compare(Planned(ScheduleConfig(**SETTINGS)), steps, lrs)
    assert not verdict.matches and verdict.step == 41
    assert "reaches step 43, past max_steps=40" in verdict.message
    # no setting reproduces it (max_steps=43 would stretch the decay), so no cause is offered
    assert verdict.causes == ()
    # a run planned for 43 steps and logged to its end is named, with the setting that reproduces it
    longer = Planned(ScheduleConfig(**{**SETTINGS, "max_steps": 43}))
    steps = list(range(1, 44))
    verdict = compare(Planned(ScheduleConfig(**SETTINGS)), steps, longer.logged(steps))
    assert [c.code for c in verdict.causes] == ["max_steps"]
    assert verdict.to_dict()["matching_settings"] == {"max_steps": 43}


def test_the_logs_own_max_steps_comes_first(real_run):
    path, logged = real_run
    log = read_log(path.read_bytes(), path.name)
    verdict = compare(
        Planned(ScheduleConfig(**{**SETTINGS, "max_steps": 30})), list(logged), list(logged.values()), facts=log.facts
    )
    assert causes(verdict) == ["max_steps: the run had 40 (you have 30)"]


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


def test_check_json_gives_the_same_as_data(real_run, capfd):
    path, _ = real_run
    flags = ["--lr_scheduler_type", "linear", "--warmup_steps", "0.05", "--max_steps", "40", "--learning_rate", "1e-3"]
    assert main(["check", str(path), *flags, "--json"]) == 1
    (line,) = capfd.readouterr().out.splitlines()
    out = json.loads(line)
    assert out["matches"] is False and out["first_differing_step"] == 2 and out["causes"] == ["warmup_steps"]
    assert out["matching_settings"] == {"warmup_steps": 0.06} and out["logged"] == pytest.approx(1e-3 / 3)


@pytest.mark.parametrize("run", [dict(lr_scheduler_type="linear", warmup_steps=25, max_steps=20, learning_rate=1e-3)])
def test_a_real_run_with_warmup_longer_than_max_steps(tmp_path, run, capfd):
    """transformers accepts warmup > max_steps: schedule equals what the run logged at every step,
    check says it matches, and the summary says the peak is never reached."""
    from warmup_viz import lr_schedule

    trainer, logged = run_trainer(tmp_path, **run)
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))
    config = ScheduleConfig(**run)
    assert lr_schedule.full_table(config)[1] == [logged[s] for s in sorted(logged)]
    flags = [x for k, v in run.items() for x in (f"--{k}", str(v))]
    assert main(["check", str(tmp_path / "trainer_state.json"), *flags]) == 0
    assert "matches at all 20 logged steps" in capfd.readouterr().out
    assert any(n.key == "note.peak_never_reached" for n in lr_schedule.summarize(config).notes)


def test_the_page_names_the_cause_in_chinese():
    from .test_app import app, shown

    at = app(lang="zh", warmup_steps="0.05", example="true")  # the example run warmed up for 100 steps, not 50
    texts = shown(at.info)
    assert any("可能的原因" in t and "warmup_steps：这次训练预热了 100 步（你的是 50）" in t for t in texts), texts


@pytest.mark.parametrize("max_steps", [100, 1000])
def test_a_real_log_far_longer_than_max_steps_gets_a_verdict(max_steps, capsys):
    """A real T5 log (transformers before 4.51, 215,000 steps) checked against a short run: the
    skipped-updates search finds nothing skipped there, which is no cause (it raised IndexError)."""
    path = DATA / "wild" / "10844110__t5-summarization-demo__root.json"
    log = read_log(path.read_bytes(), str(path))
    lr = next(m for m in log.metrics if "learning_rate" in m)
    logged = log.table[log.table["metric"] == lr]
    verdict = compare(Planned(ScheduleConfig(max_steps=max_steps)), list(logged["step"]), list(logged["value"]))
    assert not verdict.matches and verdict.cause is not None and "max_steps" in verdict.cause
    assert main(["check", str(path), "--max_steps", str(max_steps)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def _stepped_linear(warmup: int, total: int, lr: float = 1e-3) -> list[float]:
    """transformers' linear schedule, stepped as Trainer steps it: the LR of updates 1..total."""
    import torch
    from transformers import get_scheduler

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = get_scheduler("linear", optimizer, num_warmup_steps=warmup, num_training_steps=total)
    out = []
    for _ in range(total):
        out.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return out


@pytest.mark.parametrize(
    ("yours", "ran", "total", "setting"),
    [
        (5, 10, 20, 10),  # half the run: a count, not "warmup_steps=0.46 is a ratio"
        (100, 30, 1000, 0.03),  # a count where the run used a ratio people use (warmup_ratio)
        (10, 3, 30, 0.1),  # the roundest ratio that gives it
    ],
)
def test_another_warmup_is_said_as_a_count_or_as_the_ratio_people_write(yours, ran, total, setting):
    lrs = _stepped_linear(ran, total)
    config = ScheduleConfig(max_steps=total, warmup_steps=yours, learning_rate=1e-3)
    verdict = compare(Planned(config), list(range(1, total + 1)), lrs)
    (cause,) = [c for c in verdict.causes if c.code == "warmup_steps"]
    assert cause.settings == {"warmup_steps": setting}
