"""Each generated snippet, run with the real transformers / TRL (no training), gives our schedule."""

import shlex

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, HfArgumentParser, Trainer, TrainingArguments

from warmup_viz import lr_schedule, snippets
from warmup_viz.config import ScheduleConfig

CONFIGS = [
    ScheduleConfig(lr_scheduler_type="cosine_with_restarts", learning_rate=3e-4, warmup_steps=0.05, max_steps=200, lr_scheduler_kwargs={"num_cycles": 3}),
    ScheduleConfig(lr_scheduler_type="warmup_stable_decay", warmup_steps=7.9, max_steps=120, lr_scheduler_kwargs={"num_decay_steps": 30, "decay_type": "1-sqrt"}),
    ScheduleConfig(lr_scheduler_type="polynomial", learning_rate=1e-3, warmup_steps=10, max_steps=90, lr_scheduler_kwargs={"power": 2.0, "lr_end": 1e-5}),
    ScheduleConfig(lr_scheduler_type="cosine_with_min_lr", warmup_steps=0.1, max_steps=100, lr_scheduler_kwargs={"min_lr_rate": 0.1}),
    ScheduleConfig(
        max_steps=-1, dataset_size=1000, num_train_epochs=2.5, per_device_train_batch_size=8,
        gradient_accumulation_steps=3, dataloader_drop_last=True, warmup_steps=0.07, lr_scheduler_type="cosine",
    ),
]  # fmt: skip
IDS = [c.lr_scheduler_type + ("-epochs" if c.uses_epochs else "") for c in CONFIGS]


def assert_same_schedule(lam, learning_rate, config):
    steps = range(1, config.total_steps + 1)
    assert [learning_rate * lam(s - 1) for s in steps] == lr_schedule.full_table(config)[1]


def trainer_schedule(args, config):
    """The scheduler a real Trainer builds from `args` for this run's length."""
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    trainer = Trainer(model=model, args=args)
    trainer.create_optimizer_and_scheduler(num_training_steps=config.total_steps)
    return trainer.lr_scheduler.lr_lambdas[0], trainer.optimizer.defaults["lr"]


def run(code, tmp_path):
    # the machine's part, not the schedule's: a temporary output_dir, and CPU (SFTConfig defaults to bf16)
    code = code.replace("output_dir='out',", f"output_dir={str(tmp_path)!r}, use_cpu=True, bf16=False,")
    namespace = {}
    exec(compile(code, "<snippet>", "exec"), namespace)  # our own generated code, never user input
    return namespace


def check_args(args, config):
    if config.uses_epochs:
        assert (args.max_steps, args.num_train_epochs, args.gradient_accumulation_steps) == (
            -1,
            config.num_train_epochs,
            config.gradient_accumulation_steps,
        )
        assert args.per_device_train_batch_size == config.per_device_train_batch_size
        assert args.dataloader_drop_last == config.dataloader_drop_last
    else:
        assert args.max_steps == config.max_steps


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_training_arguments_snippet(config, tmp_path):
    args = run(snippets.training_arguments(config), tmp_path)["args"]
    assert isinstance(args, TrainingArguments)
    check_args(args, config)
    assert_same_schedule(*trainer_schedule(args, config), config)


# TRL 1.16's SFTConfig itself touches a deprecated TrainingArguments field
@pytest.mark.filterwarnings("ignore:`gradient_checkpointing` is deprecated:FutureWarning")
@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sft_config_snippet(config, tmp_path):
    args = run(snippets.sft_config(config), tmp_path)["args"]
    assert type(args).__name__ == "SFTConfig"
    check_args(args, config)
    assert_same_schedule(*trainer_schedule(args, config), config)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_get_scheduler_snippet(config, tmp_path):
    namespace = run(snippets.get_scheduler(config), tmp_path)
    assert isinstance(namespace["optimizer"], torch.optim.AdamW)
    assert_same_schedule(namespace["scheduler"].lr_lambdas[0], namespace["optimizer"].defaults["lr"], config)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_flags_parse_with_hf_argument_parser(config, tmp_path):
    line = snippets.flags(config)
    (args,) = HfArgumentParser(TrainingArguments).parse_args_into_dataclasses(
        args=[*shlex.split(line), "--output_dir", str(tmp_path), "--use_cpu", "true"]
    )
    check_args(args, config)
    assert_same_schedule(*trainer_schedule(args, config), config)


def test_unknown_form_is_refused():
    with pytest.raises(ValueError, match="form"):
        snippets.snippet(CONFIGS[0], "yaml")
