"""Param groups: each trains at its own base LR × the same λ, and Trainer logs the first group's.
Golden values from real runs: Trainer and a plain loop with LoRA+ (PEFT's create_loraplus_optimizer)
and with hand-made groups, every group's LR recorded at every update."""

import json

import pytest
import torch
from peft import LoraConfig, get_peft_model
from peft.optimizers import create_loraplus_optimizer
from transformers import GPT2Config, GPT2LMHeadModel, TrainerCallback, get_scheduler

from warmup_viz import groups
from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig
from warmup_viz.errors import ConfigError
from warmup_viz.run import Planned

from .test_trainer import run_trainer


def tiny_lora():
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    # LoRA on the attention (Conv1D) and on the token embedding, whose LoRA+ group is its own
    config = LoraConfig(r=4, target_modules=["c_attn", "wte"], fan_in_fan_out=True)
    return get_peft_model(model, config)


class Recorder(TrainerCallback):
    """Every group's LR at the start of each update: what that update trains with."""

    def __init__(self):
        self.updates = []

    def on_step_begin(self, args, state, control, optimizer=None, **kwargs):
        self.updates.append([g["lr"] for g in optimizer.param_groups])


SETTINGS = dict(lr_scheduler_type="cosine", learning_rate=1e-3, warmup_steps=3, max_steps=20)


@pytest.mark.filterwarnings("ignore")
def test_a_trainer_run_with_loraplus_is_reproduced_group_by_group(tmp_path, capsys):
    recorder = Recorder()

    def prepare(trainer):
        trainer.model = trainer.model_wrapped = tiny_lora()
        trainer.optimizer = create_loraplus_optimizer(
            trainer.model, torch.optim.AdamW, lr=1e-3, loraplus_lr_ratio=16, loraplus_lr_embedding=1e-5
        )
        trainer.add_callback(recorder)

    _, logged = run_trainer(tmp_path, prepare=prepare, **SETTINGS)
    assert len(recorder.updates) == 20
    found = groups.loraplus(1e-3, 16, 1e-5)
    assert [g.name for g in found] == ["groupA", "embedding", "groupB", "groupB_no_decay"]
    config = ScheduleConfig(**SETTINGS)
    for i, group in enumerate(found):
        assert Planned(config, base_lr=group.lr).used(range(1, 21)) == [u[i] for u in recorder.updates], group.name
    # Trainer logs the first group's (LoRA A's), not the B matrices'
    assert list(logged.values()) == [u[0] for u in recorder.updates]
    # the CLI writes a column per group, by PEFT's names
    flags = ["--lr_scheduler_type", "cosine", "--learning_rate", "0.001", "--warmup_steps", "3", "--max_steps", "20"]
    capsys.readouterr()  # what Trainer printed
    assert (
        main(["schedule", *flags, "--loraplus_lr_ratio", "16", "--loraplus_lr_embedding", "1e-5", "--format", "json"])
        == 0
    )
    table = json.loads(capsys.readouterr().out)
    assert [table[g.name] for g in found] == [[u[i] for u in recorder.updates] for i in range(4)]


@pytest.mark.filterwarnings("ignore")
def test_a_trainer_run_with_hand_made_groups_logs_its_first_group(tmp_path, capsys):
    recorder = Recorder()
    settings = dict(lr_scheduler_type="polynomial", learning_rate=1e-3, warmup_steps=2, max_steps=15,
                    lr_scheduler_kwargs={"lr_end": 1e-5, "power": 2.0})  # fmt: skip

    def prepare(trainer):
        embeddings = [p for n, p in trainer.model.named_parameters() if "wte" in n or "wpe" in n]
        rest = [p for n, p in trainer.model.named_parameters() if not ("wte" in n or "wpe" in n)]
        # a smaller LR for the embeddings, first: the group Trainer logs
        trainer.optimizer = torch.optim.AdamW([{"params": embeddings, "lr": 1e-4}, {"params": rest}], lr=1e-3)
        trainer.add_callback(recorder)

    _, logged = run_trainer(tmp_path, prepare=prepare, **settings)
    found = groups.parse('[{"name": "embeddings", "lr": 1e-4}, {"name": "rest", "lr": 1e-3}]')
    config = ScheduleConfig(**settings)
    for i, group in enumerate(found):
        assert Planned(config, base_lr=group.lr).used(range(1, 16)) == [u[i] for u in recorder.updates]
    assert list(logged.values()) == [u[0] for u in recorder.updates]
    # checked against the group Trainer logs: the log matches the first group, not learning_rate's
    capsys.readouterr()  # what Trainer printed
    log = tmp_path / "lr.csv"
    log.write_text("step,learning_rate\n" + "".join(f"{s},{v!r}\n" for s, v in logged.items()))
    flags = ["--lr_scheduler_type", "polynomial", "--learning_rate", "0.001", "--warmup_steps", "2", "--max_steps",
             "15", "--lr_scheduler_kwargs", '{"lr_end": 1e-5, "power": 2.0}']  # fmt: skip
    assert (
        main(
            [
                "check",
                str(log),
                *flags,
                "--param_groups",
                '[{"name": "embeddings", "lr": 1e-4}, {"name": "rest", "lr": 1e-3}]',
            ]
        )
        == 0
    )
    said = capsys.readouterr()
    assert said.out.endswith("matches at all 15 logged steps\n") and "embeddings: 0.0001" in said.err


@pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")  # in peft 0.21.2
def test_a_plain_loop_with_loraplus_is_reproduced_group_by_group():
    model = tiny_lora()
    optimizer = create_loraplus_optimizer(model, torch.optim.AdamW, lr=2e-4, loraplus_lr_ratio=8)
    scheduler = get_scheduler("linear", optimizer, num_warmup_steps=5, num_training_steps=30)
    updates = []
    for _ in range(30):
        updates.append([g["lr"] for g in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    config = ScheduleConfig(learning_rate=2e-4, warmup_steps=5, max_steps=30)
    for i, group in enumerate(groups.loraplus(2e-4, 8)):
        assert Planned(config, base_lr=group.lr).used(range(1, 31)) == [u[i] for u in updates]


def test_bad_groups_are_named():
    with pytest.raises(ConfigError, match="param_groups\\[1\\]'s lr=0 must be a number greater than 0"):
        groups.parse('[{"name": "a", "lr": 1e-3}, {"name": "b", "lr": 0}]')
    with pytest.raises(ConfigError, match="name must be a text, unique"):
        groups.parse('[{"name": "a", "lr": 1e-3}, {"name": "a", "lr": 2e-3}]')
    with pytest.raises(ConfigError, match="not a JSON list"):
        groups.parse("{]")


def test_a_plain_loop_with_hand_made_groups_is_reproduced_group_by_group():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(16, 4), torch.nn.Linear(4, 1))
    optimizer = torch.optim.AdamW(
        [{"params": model[0].parameters(), "lr": 3e-5}, {"params": model[1].parameters()}], lr=3e-4
    )
    scheduler = get_scheduler(
        "warmup_stable_decay", optimizer, num_warmup_steps=4, num_training_steps=40,
        scheduler_specific_kwargs={"num_decay_steps": 10, "min_lr_ratio": 0.1},
    )  # fmt: skip
    updates = []
    for _ in range(40):
        updates.append([g["lr"] for g in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    config = ScheduleConfig(lr_scheduler_type="warmup_stable_decay", learning_rate=3e-4, warmup_steps=4, max_steps=40,
                            lr_scheduler_kwargs={"num_decay_steps": 10, "min_lr_ratio": 0.1})  # fmt: skip
    found = groups.parse('[{"name": "embedding", "lr": 3e-5}, {"name": "head", "lr": 3e-4}]')
    for i, group in enumerate(found):
        assert Planned(config, base_lr=group.lr).used(range(1, 41)) == [u[i] for u in updates]
