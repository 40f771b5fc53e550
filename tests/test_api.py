"""The Python API: the same runs, verdicts and recoveries as the CLI, from the objects a notebook
holds. Golden values are a stepped LambdaLR from transformers' own get_scheduler and real logs."""

import json
import pathlib

import pytest
import torch
from transformers import TrainingArguments, get_scheduler
from trl import SFTConfig

import warmup_viz
from warmup_viz import cli, plan
from warmup_viz.config import from_mapping
from warmup_viz.errors import ConfigError, InputError, UsageError

from .plotly_data import values

DATA = pathlib.Path(__file__).parent / "data"
EXAMPLE = pathlib.Path(__file__).parents[1] / "examples" / "trainer_state.json"


def stepped(args, max_steps: int) -> list[float]:
    """The oracle: what Trainer builds from `args` (get_warmup_steps, get_scheduler), stepped."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=args.learning_rate)
    scheduler = get_scheduler(
        args.lr_scheduler_type,
        optimizer,
        num_warmup_steps=args.get_warmup_steps(max_steps),
        num_training_steps=max_steps,
        scheduler_specific_kwargs=args.lr_scheduler_kwargs or {},
    )
    out = []
    for _ in range(max_steps):
        out.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return out


def args(tmp_path, cls=TrainingArguments, **settings):
    return cls(output_dir=str(tmp_path), report_to="none", use_cpu=True, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        dict(lr_scheduler_type="cosine", warmup_steps=0.1, max_steps=97, learning_rate=2e-4),
        dict(lr_scheduler_type="linear", warmup_steps=7.9, max_steps=50),
        dict(
            lr_scheduler_type="cosine_with_restarts",
            warmup_steps=3,
            max_steps=60,
            lr_scheduler_kwargs={"num_cycles": 3},
        ),
    ],
    ids=lambda s: s["lr_scheduler_type"],
)
def test_schedule_of_training_arguments_is_a_stepped_lambdalr(tmp_path, settings):
    given = args(tmp_path, **settings)
    s = warmup_viz.schedule(given)
    assert s.learning_rates.tolist() == stepped(given, settings["max_steps"])
    assert s.steps.tolist() == list(range(1, settings["max_steps"] + 1))
    assert s.lr(5) == s.learning_rates[4] and s.lr([1, 2]) == s.learning_rates[:2].tolist()
    frame = s.to_pandas()
    assert (
        list(frame.columns) == ["step", "learning_rate"]
        and frame["learning_rate"].tolist() == s.learning_rates.tolist()
    )


@pytest.mark.filterwarnings("ignore:`gradient_checkpointing` is deprecated:FutureWarning")  # trl 1.16
def test_a_trl_config_is_read_as_its_tool(tmp_path):
    given = args(tmp_path, SFTConfig, lr_scheduler_type="cosine", warmup_steps=0.05, max_steps=40)
    s = warmup_viz.schedule(given)
    assert s.config.tool == "SFTConfig" and s.config.learning_rate == given.learning_rate
    assert s.learning_rates.tolist() == stepped(given, 40)


def test_epochs_need_the_dataset_size_and_then_derive_max_steps(tmp_path):
    given = args(tmp_path, num_train_epochs=2, per_device_train_batch_size=4, gradient_accumulation_steps=3)
    with pytest.raises(ConfigError, match="dataset_size"):
        warmup_viz.schedule(given)
    # B = ceil(100/4) = 25 batches, U = ceil(25/3) = 9 updates an epoch, 2 epochs
    assert warmup_viz.schedule(given, dataset_size=100).max_steps == 18


def test_every_kind_of_settings_gives_the_same_schedule(tmp_path):
    settings = dict(lr_scheduler_type="cosine", warmup_steps=10, max_steps=100, learning_rate=3e-4)
    config = from_mapping(settings)
    path = tmp_path / "training_args.json"
    path.write_text(json.dumps(settings))
    plan.write(str(tmp_path / "run"), plan.Plan(config))
    given = [settings, config, str(path), path, str(tmp_path / "run"), args(tmp_path, **settings)]
    built = [warmup_viz.schedule(g) for g in given]
    assert all(b.learning_rates.tolist() == built[0].learning_rates.tolist() for b in built)
    assert warmup_viz.schedule(**settings).config == config
    assert warmup_viz.schedule(settings, warmup_steps=0).config.warmup_steps == 0


def test_a_config_file_of_another_tool_takes_its_defaults():
    path = DATA / "configs" / "llamafactory__hiyouga__LLaMA-Factory__llama3_lora_sft.yaml"
    s = warmup_viz.schedule(path, dataset_size=1000)
    assert s.config.tool == "llamafactory" and s.max_steps > 0


def test_bad_settings_name_the_setting_or_file(tmp_path):
    with pytest.raises(UsageError, match="'warmup'"):
        warmup_viz.schedule(warmup=3)
    with pytest.raises(ConfigError) as e:
        warmup_viz.schedule(lr_scheduler_type="cosine", warmup_steps=-2)
    assert e.value.field == "warmup_steps"
    with pytest.raises(InputError, match="nowhere.yaml"):
        warmup_viz.schedule(str(tmp_path / "nowhere.yaml"))
    with pytest.raises(InputError, match="warmup_viz_plan.json"):
        warmup_viz.schedule(str(tmp_path))  # a directory without a plan
    with pytest.raises(UsageError, match="follows a metric"):
        warmup_viz.schedule(lr_scheduler_type="reduce_lr_on_plateau")
    with pytest.raises(UsageError, match="TrainingArguments"):
        warmup_viz.schedule(42)
    broken = tmp_path / "broken.yaml"
    broken.write_text("learning_rate: [1, 2\n")
    with pytest.raises(InputError, match="broken.yaml: not a TrainingArguments call"):
        warmup_viz.schedule(broken)
    assert cli.main(["schedule", "--config", str(broken)]) == 2


def test_a_resume_recovered_from_a_log_is_drawn_from_the_fit_and_its_checkpoint_name_is_not_a_path():
    log = warmup_viz.read_log(
        pathlib.Path(__file__).parent / "data" / "wild" / "WELCOME-project__disfluency-tool__model.json"
    )
    fit = warmup_viz.infer(log)
    assert fit.settings()["resume_from_checkpoint"] == "checkpoint-10000"
    assert warmup_viz.check(log, warmup_viz.schedule(fit)).matches
    with pytest.raises(InputError, match="'checkpoint-10000' is not a checkpoint directory here"):
        warmup_viz.schedule(fit.settings())


def test_arguments_of_the_wrong_kind_are_named_by_the_function_given_them():
    s = warmup_viz.schedule(max_steps=10)
    with pytest.raises(UsageError, match="check takes a log .* not Schedule"):
        warmup_viz.check(s, s)
    with pytest.raises(UsageError, match="infer takes a log .* not dict"):
        warmup_viz.infer({"a": 1})
    with pytest.raises(UsageError, match="read_log takes the path of a log, not int"):
        warmup_viz.read_log(5)
    with pytest.raises(UsageError, match="give log= too"):
        s.figure(metrics=["loss"])
    with pytest.raises(UsageError, match="difference='nope' must be one of"):
        warmup_viz.compare(s, {"max_steps": 10, "lr_scheduler_type": "cosine"}).figure(difference="nope")


def test_compare_names_what_differs_and_tables_each_schedule():
    a = warmup_viz.schedule(lr_scheduler_type="cosine", warmup_steps=0.1, max_steps=100)
    both = warmup_viz.compare(a, a.with_settings(max_steps=120))
    frame = both.to_pandas()
    assert list(frame.columns) == ["step", *(s.name for s in both.schedules)]
    assert [n[:2] for n in frame.columns[1:]] == ["A:", "B:"]
    assert len(frame) == 120 and frame.iloc[:, 1].isna().sum() == 20
    assert frame.iloc[:, 2].tolist() == both.schedules[1].learning_rates.tolist()
    figure = both.figure(difference="ratio")
    names = [t.name for t in figure.data]
    assert both.schedules[0].name in names and both.schedules[1].name in names
    with pytest.raises(UsageError, match="names"):
        warmup_viz.compare(a, a, names=["x", "x"])
    with pytest.raises(UsageError, match="1 to 6"):
        warmup_viz.compare(*[a] * 7)


def test_a_real_log_is_recovered_checked_and_drawn_with_its_exact_values():
    log = warmup_viz.read_log(EXAMPLE)
    fit = warmup_viz.infer(log)
    assert fit.exact and fit.settings()["warmup_steps"] == 100
    assert warmup_viz.check(log, fit).matches
    assert warmup_viz.check(str(EXAMPLE), warmup_viz.schedule(fit)).matches
    wrong = warmup_viz.check(log, {**fit.settings(), "warmup_steps": 50})
    logged = json.loads(EXAMPLE.read_text())["log_history"]
    first = next(e["step"] for e in logged if "learning_rate" in e)
    assert not wrong.matches and wrong.step == first and [c.code for c in wrong.causes] == ["warmup_steps"]
    figure = warmup_viz.schedule(fit).figure(log, metrics=["loss"])
    points = next(t for t in figure.data if "logged" in (t.name or ""))
    lrs = [(e["step"], e["learning_rate"]) for e in logged if "learning_rate" in e]
    assert list(zip(values(points.x), values(points.y), strict=True)) == lrs
    assert "matches" in figure.layout.title.text
    assert any(t.yaxis != "y" for t in figure.data if "loss" in (t.name or ""))


def test_the_title_shows_markup_as_text():
    s = warmup_viz.schedule(max_steps=10)
    assert s.figure(title="<b>x</b>").layout.title.text.startswith("&lt;b&gt;x&lt;/b&gt;")


def test_a_metric_driven_type_replays_the_logs_metric():
    path = DATA / "wild"
    found = [p for p in sorted(path.glob("*.json")) if "eval_loss" in p.read_text()]
    log = warmup_viz.read_log(found[0])
    s = warmup_viz.schedule(lr_scheduler_type="reduce_lr_on_plateau", max_steps=log.facts["max_steps"], log=log)
    assert s.max_steps == log.facts["max_steps"] and s.learning_rates[0] == s.config.learning_rate


def test_with_settings_keeps_what_the_run_is():
    # a real log whose optimizer skipped updates: its recovered run, a setting changed, is still one
    log = warmup_viz.read_log(DATA / "wild" / "Dheena731__tinyLlama-finetune__root.json")
    fit = warmup_viz.infer(log)
    assert "skipped_steps" in fit.settings()
    again = warmup_viz.schedule(fit).with_settings(learning_rate=fit.config.learning_rate)
    assert warmup_viz.check(log, again).matches
    assert not warmup_viz.check(log, warmup_viz.schedule(fit).with_settings(warmup_steps=0)).matches


def test_overrides_on_a_config_file_work_out_its_tools_defaults_again(tmp_path):
    # ms-swift's accumulation follows the batch and the world size (16 / (1 × 4)), as the CLI's flags do
    path = tmp_path / "train.sh"
    path.write_text("swift sft --model m --num_train_epochs 1 --per_device_train_batch_size 1 --learning_rate 1e-4\n")
    s = warmup_viz.schedule(path, dataset_size=1600, world_size=4)
    assert s.config.gradient_accumulation_steps == 4 and s.max_steps == 100
    assert s.with_settings(world_size=2).config.gradient_accumulation_steps == 8


def test_epoch_settings_checked_against_a_log_take_its_max_steps(tmp_path):
    given = args(tmp_path, num_train_epochs=1, lr_scheduler_type="linear", warmup_steps=100, learning_rate=5e-5)
    assert warmup_viz.check(EXAMPLE, given).matches  # the log states max_steps=1000


def test_steps_outside_the_run_and_settings_that_do_not_go_together_are_refused():
    s = warmup_viz.schedule(max_steps=10)
    for bad in (0, -1, 11, 2.5, "12", True):
        with pytest.raises(UsageError, match="step"):
            s.lr(bad)
    log = warmup_viz.read_log(EXAMPLE)
    with pytest.raises(UsageError, match="skipped_steps"):
        warmup_viz.schedule(lr_scheduler_type="reduce_lr_on_plateau", log=log, metric="loss", skipped_steps="1-3")
    with pytest.raises(UsageError, match="logging_convention"):
        warmup_viz.schedule(
            lr_scheduler_type="reduce_lr_on_plateau", log=log, metric="loss", logging_convention="before_4.51"
        )
