"""`ScheduleCheck` in real Trainer runs: silent on a run that matches its plan, one warning at the
first step a mistake shows in the log, the plan beside the checkpoints.

Golden values are the real thing: what Trainer logged (`state.log_history`) and transformers'
own schedulers stepped; the first differing step is read off those, never off our plan.
"""

import csv
import json
import logging

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments, get_scheduler

from tests.test_trainer import ByteDataset
from warmup_viz import plan, rundir
from warmup_viz.callback import MAX_FOLLOW_UPS, ScheduleCheck, plan_of
from warmup_viz.errors import ConfigError, InputError

SETTINGS = dict(learning_rate=1e-3, lr_scheduler_type="linear", warmup_steps=0.1, max_steps=30)
WARMUP = 3  # ceil(30 × 0.1), as TrainingArguments.get_warmup_steps gives it


def train(tmp_path, callback=None, prepare=None, resume=None, eval_dataset_size=0, **changes):
    """A real Trainer run of the tiny GPT-2 of tests/test_trainer.py with `SETTINGS` and `changes`;
    `prepare(trainer)` before it trains."""
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    values = dict(
        output_dir=str(tmp_path),
        logging_steps=1,
        report_to="none",
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        dataloader_num_workers=0,
        **SETTINGS,
    )
    args = TrainingArguments(**{**values, **changes})
    evaluated = ByteDataset(eval_dataset_size) if eval_dataset_size else None
    callbacks = [callback] if callback is not None else []
    trainer = Trainer(
        model=model, args=args, train_dataset=ByteDataset(32), eval_dataset=evaluated, callbacks=callbacks
    )
    if prepare is not None:
        prepare(trainer)
    trainer.train(resume_from_checkpoint=resume)
    return trainer


def logged(trainer) -> dict[int, float]:
    return {e["step"]: e["learning_rate"] for e in trainer.state.log_history if "learning_rate" in e}


def stepped(name, num_warmup_steps, num_training_steps, learning_rate=SETTINGS["learning_rate"], steps=30):
    """transformers' own scheduler, stepped as Trainer steps it: the LR each update trained with."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=learning_rate)
    scheduler = get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps)
    out = {}
    for s in range(1, steps + 1):
        out[s] = scheduler.get_last_lr()[0]
        optimizer.step()
        scheduler.step()
    return out


def first_differing(real: dict[int, float], meant: dict[int, float]) -> int:
    return min(s for s in real if real[s] != meant[s])


def said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "warmup_viz.callback"]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A run that goes as planned, the callback watching: (trainer, callback, output_dir)."""
    out = tmp_path_factory.mktemp("clean")
    callback = ScheduleCheck()
    return train(out, callback), callback, out


@pytest.mark.trainer
def test_a_run_as_planned_says_nothing_and_its_plan_is_every_lr_trainer_logged(clean):
    trainer, callback, out = clean
    assert callback.first_difference is None and callback.problem is None
    real = logged(trainer)
    assert sorted(real) == list(range(1, 31))
    assert callback.verdict.matches and callback.verdict.checked == 30  # every logged LR, at the end
    with open(out / plan.SCHEDULE_FILE) as f:
        rows = list(csv.DictReader(f))
    assert {int(r["step"]): float(r["learning_rate"]) for r in rows} == real
    written = json.loads((out / plan.PLAN_FILE).read_text())
    assert written["max_steps"] == trainer.state.max_steps and written["warmup_steps"] == 0.1
    assert written["warmup_viz"]["transformers"]
    assert plan.read(str(out)).config.num_warmup_steps == trainer.args.get_warmup_steps(trainer.state.max_steps)


@pytest.mark.trainer
def test_a_run_as_planned_warns_nothing(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        callback = ScheduleCheck()
        train(tmp_path, callback, lr_scheduler_type="cosine", warmup_steps=4)
    assert said(caplog) == [] and callback.first_difference is None


def _scheduler(name, warmup, training_steps):
    """A scheduler made by hand and handed to Trainer (as `optimizers=(optimizer, scheduler)`)."""

    def prepare(trainer):
        trainer.create_optimizer()
        trainer.lr_scheduler = get_scheduler(
            name, trainer.optimizer, num_warmup_steps=warmup, num_training_steps=training_steps
        )

    return prepare


def _peak(lr):
    def prepare(trainer):  # an optimizer made with its own lr; Trainer makes the scheduler on it
        trainer.optimizer = torch.optim.AdamW(trainer.model.parameters(), lr=lr)

    return prepare


def _stepped_once_more(trainer):
    """The scheduler stepped once before training (an extra `scheduler.step()` in one's own code)."""
    _scheduler("linear", WARMUP, 30)(trainer)
    trainer.lr_scheduler.step()


def _counted_in_batches(trainer):
    """The script's own scheduler for `num_train_epochs` × its batches: it forgot that
    gradient_accumulation_steps batches make one update."""
    batches = len(trainer.get_train_dataloader()) * int(trainer.args.num_train_epochs)
    _scheduler("linear", WARMUP, batches)(trainer)


ACCUMULATING = dict(max_steps=-1, num_train_epochs=15, per_device_train_batch_size=8, gradient_accumulation_steps=2)

MISTAKES = {
    # name: (prepare, the cause check names, a word of it the warning says)
    "warmup": (_scheduler("linear", 5, 30), "warmup_steps", "warmup_steps"),
    "type": (_scheduler("cosine", WARMUP, 30), "lr_scheduler_type", "cosine"),
    "peak": (_peak(5e-4), "learning_rate", "learning_rate"),
    "one_step_ahead": (_stepped_once_more, "convention", "shifted one step"),
    "counted_in_batches": (_counted_in_batches, "max_steps", "made for 60 steps"),
}


@pytest.mark.trainer
@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`")
@pytest.mark.parametrize("mistake", MISTAKES, ids=str)
def test_a_mistake_is_warned_once_at_its_first_differing_step_with_its_cause(clean, tmp_path, caplog, mistake):
    prepare, code, word = MISTAKES[mistake]
    callback = ScheduleCheck()
    changes = ACCUMULATING if mistake == "counted_in_batches" else {}
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback, prepare, **changes)
    assert trainer.state.max_steps == 30  # ACCUMULATING's too: 32 examples, batches of 8, 2 an update, 15 epochs
    step = first_differing(logged(trainer), logged(clean[0]))
    lines = said(caplog)
    first = [line for line in lines if "the learning rate logged at step" in line]
    assert len(first) == 1, lines
    real, planned = logged(trainer)[step], logged(clean[0])[step]
    assert f"logged at step {step} is {real!r}, the plan has {planned!r}" in first[0]
    assert callback.first_difference == step
    assert code in [c.code for c in callback.verdict.causes]
    assert any(word in line for line in lines), lines
    assert "at the end of training" in lines[-1] and word in lines[-1]
    assert len(lines) <= 2 + MAX_FOLLOW_UPS


@pytest.mark.trainer
def test_a_trainer_run_is_never_said_to_be_stepped_by_a_loop_of_ones_own(tmp_path, caplog):
    """A peak three times the configured one fits, in the warmup's first steps, a scheduler stepped
    once per process by accelerate (num_processes=3) too; Trainer steps its own, so the first line
    names the peak."""
    callback = ScheduleCheck()
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        train(tmp_path, callback, _peak(3 * SETTINGS["learning_rate"]))
    lines = said(caplog)
    assert "learning_rate" in lines[0] and "num_processes" not in " ".join(lines), lines


@pytest.mark.trainer
def test_settings_expected_from_a_llamafactory_config_are_checked_instead(tmp_path, caplog):
    meant = tmp_path / "llama3_lora_sft.yaml"
    meant.write_text(
        "model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct\nstage: sft\nfinetuning_type: lora\n"
        "learning_rate: 1.0e-3\nlr_scheduler_type: cosine\nwarmup_ratio: 0.1\nnum_train_epochs: 3.0\n"
    )
    callback = ScheduleCheck(expected=meant)
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path / "out", callback)  # ran linear: the script did not pass the YAML's type
    step = first_differing(logged(trainer), stepped("cosine", WARMUP, 30))
    lines = said(caplog)
    assert len([line for line in lines if "logged at step" in line]) == 1
    assert callback.first_difference == step
    assert [c.code for c in callback.verdict.causes] == ["lr_scheduler_type"]
    assert "the run is linear (you have cosine)" in lines[-1]
    written = json.loads((tmp_path / "out" / plan.PLAN_FILE).read_text())
    assert written["lr_scheduler_type"] == "cosine" and written["tool"] == "llamafactory"


@pytest.mark.trainer
def test_expected_settings_as_a_dict_change_only_what_they_name(tmp_path, caplog):
    callback = ScheduleCheck(expected={"warmup_steps": 6})
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback)
    assert callback.first_difference == first_differing(logged(trainer), stepped("linear", 6, 30))
    assert [c.code for c in callback.verdict.causes] == ["warmup_steps"]
    assert "warmed up for 3 steps (you have 6)" in said(caplog)[-1]


def test_expected_settings_are_refused_where_they_are_given(tmp_path):
    with pytest.raises(ConfigError, match="warmup_ratios"):
        ScheduleCheck(expected={"warmup_ratios": 0.1})
    with pytest.raises(ConfigError, match="tool"):
        ScheduleCheck(tool="lightning")
    with pytest.raises(InputError, match="missing.yaml"):
        ScheduleCheck(expected=str(tmp_path / "missing.yaml"))


@pytest.mark.trainer
def test_a_resumed_run_is_planned_from_its_checkpoint_and_matches(tmp_path, caplog):
    saving = dict(save_strategy="steps", save_steps=10)
    first = ScheduleCheck()
    train(tmp_path, first, **saving)
    checkpoint = tmp_path / "checkpoint-10"
    assert (checkpoint / plan.PLAN_FILE).read_bytes() == (tmp_path / plan.PLAN_FILE).read_bytes()
    assert (checkpoint / plan.SCHEDULE_FILE).is_file()
    callback = ScheduleCheck()
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback, resume=str(checkpoint), **saving)
    assert said(caplog) == [] and callback.first_difference is None
    written = json.loads((tmp_path / plan.PLAN_FILE).read_text())
    assert written["resumed"]["global_step"] == 10
    with open(tmp_path / plan.SCHEDULE_FILE) as f:
        planned = {int(r["step"]): float(r["learning_rate"]) for r in csv.DictReader(f)}
    assert planned == logged(trainer) and min(s for s in logged(trainer) if s > 10) == 11


@pytest.mark.trainer
@pytest.mark.parametrize("scheduler_state", [True, False], ids=["restored", "without_scheduler_pt"])
def test_a_run_resumed_into_another_output_dir_is_planned_as_trainer_restored_it(tmp_path, caplog, scheduler_state):
    train(tmp_path / "first", save_strategy="steps", save_steps=10)
    checkpoint = tmp_path / "first" / "checkpoint-10"
    if not scheduler_state:  # Trainer makes a new scheduler at step 10
        (checkpoint / "scheduler.pt").unlink()
    callback = ScheduleCheck()
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path / "second", callback, resume=str(checkpoint))
    assert said(caplog) == [] and callback.first_difference is None
    resumed = json.loads((tmp_path / "second" / plan.PLAN_FILE).read_text())["resumed"]
    assert resumed["global_step"] == 10 and (resumed["learning_rate"] is not None) == scheduler_state
    real = logged(trainer)
    assert callback.run.logged(sorted(real)) == [real[s] for s in sorted(real)]
    if not scheduler_state:
        assert real[11] == 0.0  # the new scheduler's warmup starts again


@pytest.mark.trainer
def test_a_run_it_cannot_plan_gets_one_warning_and_trains_on(tmp_path, caplog):
    callback = ScheduleCheck(expected={"warmup_steps": -1})  # a setting no schedule can have
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback)
    assert trainer.state.global_step == 30
    (line,) = said(caplog)
    assert "not checked" in line and "warmup_steps" in line
    assert callback.problem and callback.plan is None and callback.verdict is None
    assert not (tmp_path / plan.PLAN_FILE).exists()


PLATEAU = dict(
    lr_scheduler_type="reduce_lr_on_plateau",
    warmup_steps=0,
    eval_strategy="steps",
    eval_steps=5,
    eval_dataset_size=4,
)
# "max" on a loss that falls: every evaluation is a bad one, so each cuts the LR (patience 0)
CUTTING = {"mode": "max", "patience": 0, "factor": 0.5}


@pytest.mark.trainer
def test_a_plateau_run_is_replayed_from_its_metric_and_matches(tmp_path, caplog):
    callback = ScheduleCheck()
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback, lr_scheduler_kwargs=CUTTING, **PLATEAU)
    real = logged(trainer)
    assert len(set(real.values())) > 3  # Trainer did cut the LR after evaluations
    assert said(caplog) == [] and callback.first_difference is None and callback.problem is None
    assert callback.run.logged(sorted(real)) == [real[s] for s in sorted(real)]
    with open(tmp_path / plan.SCHEDULE_FILE) as f:  # the schedule the metric made, written at the end
        rows = {int(r["step"]): float(r["learning_rate"]) for r in csv.DictReader(f)}
    assert {s: rows[s] for s in real} == real
    assert json.loads((tmp_path / plan.PLAN_FILE).read_text())["lr_scheduler_type"] == "reduce_lr_on_plateau"
    # `serve --logdir` checks the run against that plan, replayed with the eval_loss it logged
    trainer.state.save_to_json(str(tmp_path / "trainer_state.json"))  # as Trainer saves it
    watcher = rundir.Watcher(str(tmp_path))
    (found,), _ = watcher.find()
    live = watcher.live(found)
    assert live.problems == () and live.verdict is not None and live.verdict.matches
    assert live.run.logged(sorted(real)) == [real[s] for s in sorted(real)]


@pytest.mark.trainer
def test_a_plateau_run_with_another_factor_is_said_at_its_first_cut(tmp_path, caplog):
    callback = ScheduleCheck(expected={"lr_scheduler_kwargs": {**CUTTING, "factor": 0.1}})
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback, lr_scheduler_kwargs=CUTTING, **PLATEAU)
    real = logged(trainer)
    first_cut = min(s for s in real if real[s] != SETTINGS["learning_rate"])
    assert callback.first_difference == first_cut
    lines = said(caplog)
    assert f"logged at step {first_cut} is {real[first_cut]!r}" in lines[0]
    assert repr(SETTINGS["learning_rate"] * 0.1) in lines[0]  # the plan's value, cut by the meant factor


@pytest.mark.trainer
@pytest.mark.parametrize("name", ["hf-cosine-no-scheduler-block", "WarmupDecayLR-epochs-accumulation"])
def test_a_deepspeed_run_is_planned_from_its_ds_config_and_matches(tmp_path, name):
    """tests/test_deepspeed.py's real runs (a child process on CPU), ScheduleCheck watching: the
    engine steps transformers' scheduler (step s logs update s + 1's LR) or DeepSpeed's own."""
    from tests import test_deepspeed

    ds_config = test_deepspeed.RUNS[name][1]
    out = test_deepspeed._run(name, tmp_path, callback=True)
    found = json.loads((out / "callback.json").read_text())
    assert found == {"first_difference": None, "problem": None, "said": []}
    state = json.loads((out / "trainer_state.json").read_text())
    real = {e["step"]: e["learning_rate"] for e in state["log_history"] if "learning_rate" in e}
    with open(out / plan.SCHEDULE_FILE) as f:
        assert {int(r["step"]): float(r["learning_rate"]) for r in csv.DictReader(f)} == real
    assert json.loads((out / plan.PLAN_FILE).read_text())["deepspeed"] == ds_config


# TRL 1.16's SFTConfig itself touches a deprecated TrainingArguments field
@pytest.mark.filterwarnings("ignore:`gradient_checkpointing` is deprecated:FutureWarning")
def test_a_trl_config_and_a_tools_own_scheduler_arguments_are_planned(tmp_path):
    from transformers import TrainerState
    from trl import SFTConfig

    state = TrainerState(max_steps=30)
    sft = SFTConfig(
        output_dir=str(tmp_path), lr_scheduler_type="cosine", warmup_steps=0.1, report_to="none", use_cpu=True
    )
    planned = plan_of(sft, state)
    assert planned.config.tool == "SFTConfig" and planned.config.learning_rate == sft.learning_rate
    assert planned.config.num_warmup_steps == sft.get_warmup_steps(30)
    args = TrainingArguments(output_dir=str(tmp_path), lr_scheduler_type="cosine", warmup_steps=3, report_to="none")
    args.alternate_lr_scheduler_type = "rex"  # as axolotl's TrainingArguments subclass carries it
    planned = plan_of(args, state, tool="axolotl")
    assert planned.config.tool_args == {"alternate_lr_scheduler_type": "rex"}
    assert plan_of(args, state, tool="axolotl", tool_args={}).config.tool_args == {}
    assert json.loads(json.dumps(planned.to_dict()))["tool_args"] == {"alternate_lr_scheduler_type": "rex"}


@pytest.mark.trainer
def test_a_check_that_fails_stops_checking_and_training_goes_on(tmp_path, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr("warmup_viz.callback.compare", broken)
    callback = ScheduleCheck()
    with caplog.at_level(logging.WARNING, logger="warmup_viz.callback"):
        trainer = train(tmp_path, callback, _peak(5e-4))
    assert trainer.state.global_step == 30
    assert said(caplog) == ["warmup-viz: stopped checking the learning rate: RuntimeError: a bug of ours"]
    assert callback.first_difference == 2 and callback.problem == "RuntimeError: a bug of ours"
