"""A real `transformers.Trainer` run is the golden source: every LR it logs must equal ours.

Tiny GPT-2 built from a config (nothing downloaded), byte-level ids from local text, CPU.
"""

import math

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig, from_mapping

pytestmark = pytest.mark.trainer

TEXT = (
    b"Warmup ramps the learning rate from zero to its peak while Adam's moment estimates settle. "
    b"A schedule then decays it: linearly, along a cosine, or in stable and decay phases. "
) * 8


class ByteDataset(torch.utils.data.Dataset):
    def __init__(self, size: int, length: int = 16):
        self.size, self.length = size, length

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        start = (i * 7) % (len(TEXT) - self.length)
        ids = torch.tensor(list(TEXT[start : start + self.length]), dtype=torch.long)
        return {"input_ids": ids, "labels": ids}


def run_trainer(
    tmp_path,
    dataset_size=32,
    eval_dataset_size=0,
    logging_steps=1,
    trainer_class=Trainer,
    prepare=None,
    save_strategy="no",
    **args,
):
    """A real run of `trainer_class` on a tiny GPT-2; `prepare(trainer)` before it trains."""
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    training_args = TrainingArguments(
        output_dir=str(tmp_path),
        logging_steps=logging_steps,
        report_to="none",
        save_strategy=save_strategy,
        use_cpu=True,
        disable_tqdm=True,
        dataloader_num_workers=0,
        **args,
    )
    eval_dataset = ByteDataset(eval_dataset_size) if eval_dataset_size else None
    trainer = trainer_class(
        model=model, args=training_args, train_dataset=ByteDataset(dataset_size), eval_dataset=eval_dataset
    )
    if prepare is not None:
        prepare(trainer)
    trainer.train()
    logged = {e["step"]: e["learning_rate"] for e in trainer.state.log_history if "learning_rate" in e}
    return trainer, logged


RUNS = [
    dict(lr_scheduler_type="linear", warmup_steps=0.07, max_steps=40, learning_rate=1e-3),
    dict(lr_scheduler_type="linear", warmup_steps=5.9, max_steps=30, learning_rate=5e-4),
    dict(lr_scheduler_type="cosine", warmup_steps=4, max_steps=30, learning_rate=3e-4),
    dict(
        lr_scheduler_type="cosine_with_restarts",
        warmup_steps=3,
        max_steps=36,
        lr_scheduler_kwargs={"num_cycles": 3},
    ),
    dict(lr_scheduler_type="polynomial", warmup_steps=0.1, max_steps=30, lr_scheduler_kwargs={"power": 2.0}),
    dict(lr_scheduler_type="constant_with_warmup", warmup_steps=6, max_steps=20),
    dict(lr_scheduler_type="inverse_sqrt", warmup_steps=5, max_steps=25, lr_scheduler_kwargs={"timescale": 8}),
    dict(lr_scheduler_type="cosine_with_min_lr", warmup_steps=0.15, max_steps=30, lr_scheduler_kwargs={"min_lr": 1e-5}),
    dict(
        lr_scheduler_type="cosine_warmup_with_min_lr",
        warmup_steps=5,
        max_steps=30,
        lr_scheduler_kwargs={"min_lr_rate": 0.1},
    ),
    dict(
        lr_scheduler_type="warmup_stable_decay",
        warmup_steps=4,
        max_steps=30,
        lr_scheduler_kwargs={"num_decay_steps": 10, "decay_type": "linear"},
    ),
]


@pytest.mark.parametrize("settings", RUNS, ids=lambda s: f"{s['lr_scheduler_type']}-w{s['warmup_steps']}")
def test_every_logged_lr_equals_ours(tmp_path, settings):
    trainer, logged = run_trainer(tmp_path, **settings)
    config = from_mapping(settings)
    assert trainer.state.max_steps == config.total_steps
    assert trainer.args.get_warmup_steps(trainer.state.max_steps) == config.num_warmup_steps
    assert sorted(logged) == list(range(1, config.total_steps + 1))
    steps, ours = lr_schedule.full_table(config)
    for step, lr in logged.items():
        assert lr == ours[step - 1], f"step {step}: Trainer logged {lr!r}, we computed {ours[step - 1]!r}"
    curve = lr_schedule.display_curve(config)
    assert all(logged[s] == v for s, v in zip(curve.steps, curve.lrs, strict=True))


EPOCH_RUNS = [
    dict(
        dataset_size=50,
        per_device_train_batch_size=4,
        gradient_accumulation_steps=3,
        num_train_epochs=2.5,
        dataloader_drop_last=True,
    ),
    dict(dataset_size=50, per_device_train_batch_size=4, gradient_accumulation_steps=3, num_train_epochs=2.5),
    dict(dataset_size=37, per_device_train_batch_size=5, gradient_accumulation_steps=2, num_train_epochs=1.3),
    dict(dataset_size=9, per_device_train_batch_size=4, gradient_accumulation_steps=8, num_train_epochs=3),
]


@pytest.mark.parametrize("epochs", EPOCH_RUNS, ids=lambda e: "-".join(f"{v}" for v in e.values()))
def test_max_steps_from_epochs_equals_trainers(tmp_path, epochs):
    epochs = dict(epochs)
    dataset_size = epochs.pop("dataset_size")
    trainer, logged = run_trainer(
        tmp_path, dataset_size=dataset_size, lr_scheduler_type="cosine", warmup_steps=0.2, **epochs
    )
    config = ScheduleConfig(
        lr_scheduler_type="cosine", warmup_steps=0.2, max_steps=-1, dataset_size=dataset_size, **epochs
    )
    assert trainer.state.max_steps == config.total_steps
    assert trainer.args.get_warmup_steps(trainer.state.max_steps) == config.num_warmup_steps
    assert config.global_batch_size == trainer._train_batch_size * epochs["gradient_accumulation_steps"]
    ours = lr_schedule.full_table(config)[1]
    assert logged and all(lr == ours[s - 1] for s, lr in logged.items())
    # the naive sample-based formula is not what Trainer does
    naive = math.ceil(epochs["num_train_epochs"] * dataset_size / config.global_batch_size)
    assert config.update_steps_per_epoch is not None
    if naive != trainer.state.max_steps:
        assert config.total_steps != naive
