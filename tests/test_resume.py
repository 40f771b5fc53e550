"""Runs resumed from a checkpoint with changed settings: every LR a real resumed Trainer run logs
equals `resume`'s, and the CLI prints it bit for bit.

First runs save checkpoints; each resumed run is a second `Trainer(...).train(resume_from_checkpoint=DIR)`
with other settings (longer, new learning_rate, more epochs, another type, the same).
"""

import json
import math
import pathlib

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments

from warmup_viz import lr_schedule
from warmup_viz.cli import main
from warmup_viz.config import FIELD_NAMES, ScheduleConfig, from_mapping
from warmup_viz.errors import ConfigError, InputError
from warmup_viz.resume import checkpoint_from, detect_resume, read_checkpoint, resume
from warmup_viz.run import table

from .plotly_data import values
from .test_trainer import ByteDataset

pytestmark = pytest.mark.trainer


def train(output_dir, dataset_size=32, resume_from=None, save_steps=None, **args):
    """A real Trainer run (tiny GPT-2, CPU); returns its logged `{step: learning_rate}`."""
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    training_args = TrainingArguments(
        output_dir=str(output_dir),
        logging_steps=1,
        report_to="none",
        save_strategy="steps" if save_steps else "no",
        save_steps=save_steps or 500,
        use_cpu=True,
        disable_tqdm=True,
        dataloader_num_workers=0,
        **args,
    )
    trainer = Trainer(model=model, args=training_args, train_dataset=ByteDataset(dataset_size))
    trainer.train(resume_from_checkpoint=None if resume_from is None else str(resume_from))
    return {e["step"]: e["learning_rate"] for e in trainer.state.log_history if "learning_rate" in e}


# the first runs: name -> (settings, dataset_size, checkpoint step)
FIRST = {
    "cosine": (dict(lr_scheduler_type="cosine", warmup_steps=4, max_steps=20, learning_rate=1e-3), 32, 8),
    "epochs": (
        dict(
            lr_scheduler_type="linear",
            warmup_steps=0.1,
            num_train_epochs=2,
            per_device_train_batch_size=4,
            gradient_accumulation_steps=2,
            learning_rate=1e-3,
        ),
        40,
        5,
    ),
}
# the resumed runs: name -> (first run, the resumed run's settings)
RESUMED = {
    "same settings": ("cosine", FIRST["cosine"][0]),
    "longer": ("cosine", {**FIRST["cosine"][0], "max_steps": 30}),
    "new learning_rate": ("cosine", {**FIRST["cosine"][0], "learning_rate": 3e-4}),
    "another type": ("cosine", dict(lr_scheduler_type="linear", warmup_steps=2, max_steps=30, learning_rate=3e-4)),
    # polynomial's lambda reads optimizer.defaults["lr"]: the resumed run's (new) learning_rate
    "polynomial, new learning_rate": (
        "cosine",
        dict(
            lr_scheduler_type="polynomial",
            max_steps=26,
            learning_rate=5e-4,
            lr_scheduler_kwargs={"power": 2.0, "lr_end": 1e-5},
        ),
    ),
    "more epochs": ("epochs", {**FIRST["epochs"][0], "num_train_epochs": 4.5}),
    "restarted, same settings": ("cosine", FIRST["cosine"][0]),
    "restarted, longer": ("cosine", {**FIRST["cosine"][0], "max_steps": 30}),
}
# resumed from a checkpoint without optimizer.pt and scheduler.pt: a new scheduler from step k
RESTARTED = ("restarted, same settings", "restarted, longer")


def config_of(settings, dataset_size):
    values = {k: v for k, v in settings.items() if k in FIELD_NAMES}
    if "max_steps" not in settings:
        values.update(max_steps=-1, dataset_size=dataset_size)
    return from_mapping(values)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """name -> (checkpoint dir, first run's log, resumed run's log); every run made once."""
    tmp = tmp_path_factory.mktemp("resume")
    firsts = {}
    for name, (settings, size, k) in FIRST.items():
        logged = train(tmp / name, size, save_steps=k, **settings)
        firsts[name] = (tmp / name / f"checkpoint-{k}", logged)
    out = {}
    for i, (name, (first, settings)) in enumerate(RESUMED.items()):
        checkpoint, first_logged = firsts[first]
        if name in RESTARTED:
            # the checkpoint as people often keep it: weights and trainer_state.json, without the
            # optimizer's and scheduler's state (Trainer then restores neither)
            bare = tmp / f"bare-{i}" / checkpoint.name
            bare.mkdir(parents=True)
            for path in checkpoint.iterdir():
                if path.name not in ("optimizer.pt", "scheduler.pt"):
                    (bare / path.name).write_bytes(path.read_bytes())
            checkpoint = bare
        logged = train(tmp / f"resumed-{i}", FIRST[first][1], resume_from=checkpoint, **settings)
        out[name] = (checkpoint, first_logged, logged)
    return out


@pytest.mark.parametrize("name", RESUMED)
def test_every_logged_lr_equals_ours(runs, name):
    first, settings = RESUMED[name]
    checkpoint_dir, _, logged = runs[name]
    config = config_of(settings, FIRST[first][1])
    steps, ours = table(resume(config, read_checkpoint(str(checkpoint_dir))))
    assert list(steps) == sorted(logged) == list(range(1, config.total_steps + 1))
    for step, lr in zip(steps, ours, strict=True):
        assert logged[step] == lr, f"{name} step {step}: Trainer logged {logged[step]!r}, we computed {lr!r}"


@pytest.mark.parametrize("name", RESTARTED)
def test_without_scheduler_state_the_schedule_starts_again_at_the_checkpoint(runs, name):
    """Measured: from a checkpoint without optimizer.pt and scheduler.pt, update k + j trains with
    learning_rate * lambda(j - 1) of a new scheduler for the resumed settings' max_steps."""
    first, settings = RESUMED[name]
    checkpoint_dir, first_logged, logged = runs[name]
    k = FIRST[first][2]
    config = config_of(settings, FIRST[first][1])
    checkpoint = read_checkpoint(str(checkpoint_dir))
    assert not checkpoint.restored and checkpoint.global_step == k
    assert all(logged[s] == first_logged[s] for s in range(1, k + 1))
    lam = lr_schedule.build(config).lr_lambda
    assert all(logged[s] == config.learning_rate * lam(s - k - 1) for s in range(k + 1, config.total_steps + 1))
    assert [n.key for n in resume(config, checkpoint).notes] == ["resume.restarted"]


@pytest.mark.parametrize("name", [n for n in RESUMED if n not in RESTARTED])
def test_the_measured_facts(runs, name):
    """k + 1 trains with the first run's LR; from k + 2 on, the first run's learning_rate times
    the new settings' lambda(s - 1): the new learning_rate is ignored."""
    first, settings = RESUMED[name]
    checkpoint_dir, first_logged, logged = runs[name]
    k, first_lr = FIRST[first][2], FIRST[first][0]["learning_rate"]
    config = config_of(settings, FIRST[first][1])
    checkpoint = read_checkpoint(str(checkpoint_dir))
    assert (checkpoint.global_step, checkpoint.learning_rate) == (k, first_lr)
    assert all(logged[s] == first_logged[s] for s in range(1, k + 2))  # k + 1 included
    assert logged[k + 1] == checkpoint.next_lr
    lam = lr_schedule.build(config).lr_lambda
    assert all(logged[s] == first_lr * lam(s - 1) for s in range(k + 2, config.total_steps + 1))
    if config.learning_rate != first_lr:
        assert any(n.key == "resume.lr_ignored" for n in resume(config, checkpoint).notes)
        assert any(logged[s] != lr_schedule.build(config).lr(s) for s in range(k + 2, config.total_steps + 1))


@pytest.mark.parametrize("name", RESUMED)
def test_cli_prints_the_resumed_run(runs, name, capfd):
    first, settings = RESUMED[name]
    checkpoint_dir, _, logged = runs[name]
    flags = [x for key, value in settings.items() for x in (f"--{key}", _flag(value))]
    if "max_steps" not in settings:
        flags += ["--dataset_size", str(FIRST[first][1])]
    assert main(["schedule", *flags, "--resume_from_checkpoint", str(checkpoint_dir)]) == 0
    rows = capfd.readouterr().out.splitlines()
    assert rows[0] == "step,learning_rate"
    assert rows[1:] == [f"{s},{logged[s]!r}" for s in sorted(logged)]
    # the checkpoint named by a file in it, as people paste it
    assert main(["schedule", *flags, "--resume_from_checkpoint", str(checkpoint_dir / "trainer_state.json")]) == 0
    assert capfd.readouterr().out.splitlines() == rows


def _flag(value):
    import json

    return json.dumps(value) if isinstance(value, dict) else str(value)


# a log that keeps one lambda throughout cannot show where it was resumed: with the same settings
# it is a plain run's; with only a new learning_rate, check calls it "a different peak" (the old one)
LOOKS_PLAIN = ("same settings", "new learning_rate")


@pytest.mark.parametrize("name", [n for n in RESUMED if n not in RESTARTED])
def test_detect_resume_on_real_logs(runs, name):
    first, settings = RESUMED[name]
    _, first_logged, logged = runs[name]
    config = config_of(settings, FIRST[first][1])
    found = detect_resume(config, list(logged), list(logged.values()))
    if name in LOOKS_PLAIN:
        assert found is None
        return
    assert found is not None and found.exact, name
    assert found.global_step == FIRST[first][2]
    assert math.isclose(found.learning_rate, FIRST[first][0]["learning_rate"], rel_tol=1e-12)
    # the first run's own log is not a resumed one
    plain = config_of(FIRST[first][0], FIRST[first][1])
    assert detect_resume(plain, list(first_logged), list(first_logged.values())) is None


def test_detect_resume_with_every_other_step_logged(runs):
    _, _, logged = runs["another type"]
    config = config_of(RESUMED["another type"][1], 32)
    odd = [s for s in logged if s % 2]
    found = detect_resume(config, odd, [logged[s] for s in odd])
    assert found is not None and not found.exact
    assert found.earliest <= 8 <= found.global_step


def test_detect_resume_says_no_to_other_schedules(runs):
    _, first_logged, _ = runs["longer"]
    other = from_mapping(dict(lr_scheduler_type="linear", warmup_steps=4, max_steps=20, learning_rate=1e-3))
    assert detect_resume(other, list(first_logged), list(first_logged.values())) is None


# -- what is refused, and how ----------------------------------------------------------------------


class NotAScheduler:
    pass


def test_scheduler_pt_needing_more_than_weights_is_refused(runs, tmp_path):
    checkpoint_dir = runs["longer"][0]
    state = (checkpoint_dir / "trainer_state.json").read_bytes()
    torch.save({"base_lrs": [1e-3], "thing": NotAScheduler()}, tmp_path / "scheduler.pt")
    with pytest.raises(InputError, match=r"needs more than torch.load\(weights_only=True\)") as e:
        checkpoint_from(state, (tmp_path / "scheduler.pt").read_bytes(), "trainer_state.json", "evil/scheduler.pt")
    assert e.value.name == "evil/scheduler.pt"
    with pytest.raises(InputError, match="not a scheduler state saved by torch"):
        checkpoint_from(state, b"PK\x03\x04 not really", "trainer_state.json", "scheduler.pt")
    torch.save({"base_lrs": [1e-3], "last_epoch": 3, "_last_lr": [1e-3]}, tmp_path / "other.pt")
    with pytest.raises(InputError, match="not the same checkpoint"):
        checkpoint_from(state, (tmp_path / "other.pt").read_bytes())
    torch.save({"best": 1.0, "num_bad_epochs": 0}, tmp_path / "plateau.pt")
    with pytest.raises(InputError, match="step-driven"):
        checkpoint_from(state, (tmp_path / "plateau.pt").read_bytes())


def test_missing_files_and_settings_that_end_before_the_checkpoint(runs, tmp_path, capfd):
    with pytest.raises(InputError) as e:
        read_checkpoint(str(tmp_path))
    assert e.value.name == str(tmp_path / "trainer_state.json")
    checkpoint = read_checkpoint(str(runs["longer"][0]))
    with pytest.raises(ConfigError, match="not past the checkpoint's global_step=8"):
        resume(from_mapping(dict(max_steps=8)), checkpoint)
    flags = ["--max_steps", "30", "--resume_from_checkpoint", str(tmp_path / "nope")]
    assert main(["schedule", *flags]) == 2
    assert "nope" in capfd.readouterr().err
    flags += ["--deepspeed", str(tmp_path / "ds.json")]
    assert main(["schedule", *flags]) == 2
    assert "give one of them" in capfd.readouterr().err


def test_a_checkpoint_is_its_two_files(runs, tmp_path):
    """trainer_state.json and scheduler.pt are all that is read: the pickles beside them
    (training_args.bin, rng_state.pth) are never opened."""
    source = pathlib.Path(runs["longer"][0])
    assert {"training_args.bin", "optimizer.pt"} <= {p.name for p in source.iterdir()}
    for name in ("trainer_state.json", "scheduler.pt"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    # Trainer restores the scheduler only when the optimizer's state is there too: only whether it is
    (tmp_path / "optimizer.pt").write_bytes(b"never read")
    assert read_checkpoint(str(tmp_path)) == read_checkpoint(str(source))
    assert read_checkpoint(str(tmp_path)).restored
    (tmp_path / "optimizer.pt").unlink()
    assert not read_checkpoint(str(tmp_path)).restored


@pytest.mark.parametrize("name", [n for n in RESUMED if n not in LOOKS_PLAIN + RESTARTED])
def test_check_says_the_log_was_resumed(runs, name):
    """check, given the resumed run's settings, recognises a resumed log and says where and at which
    learning_rate (in English here, as the CLI prints it; keyed, so the page says it in 中文 too)."""
    from warmup_viz.run import Planned
    from warmup_viz.verdict import compare

    first, settings = RESUMED[name]
    _, _, logged = runs[name]
    config = config_of(settings, FIRST[first][1])
    verdict = compare(Planned(config), list(logged), list(logged.values()))
    assert not verdict.matches and [c.code for c in verdict.causes] == ["resume"]
    assert f"at about step {FIRST[first][2]}" in verdict.message


@pytest.mark.parametrize("name", [n for n in RESUMED if n not in RESTARTED])
def test_the_pages_resumed_curve_equals_the_real_resumed_run(runs, name):
    """ "B resumes A from step k" (no checkpoint file: A's settings make it) draws what Trainer logged."""
    from warmup_viz.resume import resumed_from
    from warmup_viz.run import curve as run_curve

    first, settings = RESUMED[name]
    _, _, logged = runs[name]
    a = config_of(FIRST[first][0], FIRST[first][1])
    b = config_of(settings, FIRST[first][1])
    curve = run_curve(resumed_from(a, b, FIRST[first][2]))
    assert curve.steps[-1] == b.total_steps
    assert all(logged[s] == v for s, v in zip(curve.steps, curve.lrs, strict=True)), name
    assert any(m.kind == "resume" and m.step == FIRST[first][2] + 2 for m in curve.breakpoints)


def test_a_link_draws_b_resuming_a_and_explains_the_ignored_learning_rate():
    from warmup_viz.resume import resumed_from
    from warmup_viz.run import curve as run_curve

    from .test_app import app

    params = {"lr_scheduler_type": "cosine", "warmup_steps": "4", "max_steps": "20", "learning_rate": "0.001"}
    resumed = {"b.lr_scheduler_type": "cosine", "b.warmup_steps": "4", "b.max_steps": "30", "b.learning_rate": "0.0003"}
    at = app(**params, **resumed, **{"b.resume_from_checkpoint": "checkpoint-8"})
    assert not at.exception and not at.error and not at.warning
    assert at.text_input(key="s1.resume_from_checkpoint").value == "checkpoint-8"
    traces = [t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if t["name"].startswith("B")]
    a = ScheduleConfig(lr_scheduler_type="cosine", warmup_steps=4, max_steps=20, learning_rate=1e-3)
    b = a.replace(max_steps=30, learning_rate=3e-4)
    assert values(traces[0]["y"]) == list(run_curve(resumed_from(a, b, 8)).lrs)
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("learning_rate=0.0003 is ignored on resume: the checkpoint keeps 0.001" in c for c in captions)
    assert at.query_params["b.resume_from_checkpoint"] == "checkpoint-8"


# each part of a resumed log is read off as a type at transformers' defaults (kwargs are not
# searched for a part): a resumed polynomial with its own power and lr_end is not recognised
NOT_READ_OFF = ("polynomial, new learning_rate",)


@pytest.mark.parametrize("name", [n for n in RESUMED if n not in LOOKS_PLAIN])
def test_infer_recognises_a_real_resumed_log_and_both_runs(runs, name):
    """From the log alone: where it was resumed, whether the scheduler was restored, the resumed
    run's settings (a restored one keeps the first learning_rate) and the first run's; the run
    that describes reproduces every logged value."""
    from warmup_viz.inference import infer
    from warmup_viz.verdict import compare

    first, settings = RESUMED[name]
    _, _, logged = runs[name]
    steps = sorted(logged)
    config = config_of(settings, FIRST[first][1])
    fit = infer(steps, [logged[s] for s in steps], max_steps=config.total_steps)
    if name in NOT_READ_OFF:
        assert not fit.exact  # the closest single schedule, never claimed
        return
    assert fit.exact and fit.resumed is not None, (name, fit.settings())
    assert compare(fit.run(), steps, [logged[s] for s in steps]).matches
    k, first_config = FIRST[first][2], config_of(*FIRST[first][:2])
    assert fit.resumed.global_step == k
    assert fit.resumed.restored == (name not in RESTARTED)
    assert fit.hint.key == ("infer.resumed" if fit.resumed.restored else "infer.restarted")
    assert fit.config.total_steps == config.total_steps
    assert fit.resumed.first.config.learning_rate == first_config.learning_rate
    # what the log shows of each run is what they ran: checked on every step, not their spelling
    shown = [s for s in steps if s <= k]
    assert fit.resumed.first.run().logged(shown) == [logged[s] for s in shown]
