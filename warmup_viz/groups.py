"""Optimizer param groups: each trains at its own base LR × the same schedule.

A `LambdaLR` (every transformers type) multiplies each param group's initial LR by the one λ, so
group `g` trains at `lr_g × λ(e)` while Trainer logs one `learning_rate`: `get_last_lr()[0]`, the
first group's. LoRA+ (PEFT's `create_loraplus_optimizer`, which axolotl and LLaMA-Factory call or
copy) puts the LoRA B matrices in groups at `learning_rate × loraplus_lr_ratio` after the LoRA A
group at `learning_rate`, so the log shows the A matrices' LR. Groups are named as the optimizer
holds them, in its order; measured on real Trainer and plain-loop runs (tests/test_groups.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import ConfigError
from .messages import Note, english
from .run import Run

english(
    {
        "groups.json": "param_groups is not a JSON list of groups ({problem})",
        "groups.item": 'param_groups[{index}] must be an object like {{"name": "lora_B", "lr": 0.0002}}',
        "groups.name": "param_groups[{index}]'s name must be a text, unique and not empty: {value}",
        "groups.lr": "param_groups[{index}]'s lr={value} must be a number greater than 0 and at most 100",
        "groups.empty": "param_groups must hold at least one group",
        "groups.ratio": "{name}={value} must be a number greater than 0",
        "groups.reserved": "param_groups[{index}]'s name {value} is the table's step column: give it another",
        "groups.too_large": "learning_rate × loraplus_lr_ratio = {value} is above 100",
        "groups.logged": "Trainer logs the first param group's LR ({name}: {lr}); the others train at their own",
    }
)
MAX_GROUPS = 64
MAX_TEXT = 10_000
# PEFT 0.21.2 optimizers/loraplus.py: create_loraplus_optimizer's groups, in its order
LORAPLUS_EMBEDDING_DEFAULT = 1e-6


@dataclass(frozen=True)
class ParamGroup:
    """One optimizer param group: its `name` and its initial `lr`."""

    name: str
    lr: float


def loraplus(
    learning_rate: float, loraplus_lr_ratio: float, loraplus_lr_embedding: float | None = None
) -> tuple[ParamGroup, ...]:
    """PEFT 0.21.2 `create_loraplus_optimizer`'s groups (optimizers/loraplus.py L84-109), in its
    order: groupA at learning_rate, embedding at loraplus_lr_embedding (1e-06 unless given),
    groupB and groupB_no_decay at `learning_rate * loraplus_lr_ratio`."""
    embedding = LORAPLUS_EMBEDDING_DEFAULT if loraplus_lr_embedding is None else loraplus_lr_embedding
    for name, value in (("loraplus_lr_ratio", loraplus_lr_ratio), ("loraplus_lr_embedding", embedding)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise ConfigError(name, Note("groups.ratio", {"name": name, "value": repr(value)}))
    b = learning_rate * loraplus_lr_ratio
    if not b <= 100 or embedding > 100:
        raise ConfigError("loraplus_lr_ratio", Note("groups.too_large", {"value": repr(max(b, embedding))}))
    return (
        ParamGroup("groupA", learning_rate),
        ParamGroup("embedding", embedding),
        ParamGroup("groupB", b),
        ParamGroup("groupB_no_decay", b),
    )


def parse(text: str) -> tuple[ParamGroup, ...]:
    """Groups from JSON text: `[{"name": "lora_A", "lr": 2e-4}, ...]`, the optimizer's order."""
    name = "param_groups"
    try:
        value = json.loads(text[: MAX_TEXT + 1]) if len(text) <= MAX_TEXT else None
    except (ValueError, RecursionError) as e:
        raise ConfigError(name, Note("groups.json", {"problem": str(e)[:80]})) from None
    if not isinstance(value, list) or len(value) > MAX_GROUPS:
        raise ConfigError(name, Note("groups.json", {"problem": f"a list of at most {MAX_GROUPS} objects"}))
    if not value:
        raise ConfigError(name, Note("groups.empty"))
    out: list[ParamGroup] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"name", "lr"} or "lr" not in item:
            raise ConfigError(name, Note("groups.item", {"index": i}))
        label = item.get("name", f"group{i}")
        label = label.strip() if isinstance(label, str) else label
        if not isinstance(label, str) or not label or label in {g.name for g in out}:
            raise ConfigError(name, Note("groups.name", {"index": i, "value": repr(label)[:60]}))
        if label == "step":
            raise ConfigError(name, Note("groups.reserved", {"index": i, "value": repr(label)}))
        lr = item["lr"]
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr <= 100:
            raise ConfigError(name, Note("groups.lr", {"index": i, "value": repr(lr)[:60]}))
        out.append(ParamGroup(label, float(lr)))
    return tuple(out)


def runs(groups: Sequence[ParamGroup], make: Callable[[float], Run]) -> dict[str, Run]:
    """Each group's run: `make(lr)` is the run at that base LR (a `Planned` with `base_lr`, or a
    loop around one), so every group follows the same λ from its own LR."""
    return {g.name: make(g.lr) for g in groups}


def logged_note(groups: Sequence[ParamGroup]) -> Note:
    """Which group a Trainer log shows: the first."""
    return Note("groups.logged", {"name": groups[0].name, "lr": groups[0].lr})
