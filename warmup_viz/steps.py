"""Trainer's step arithmetic, exactly as transformers 5.x and accelerate do it. Pure functions.

Step convention used everywhere in warmup_viz: optimizer updates are numbered `1..max_steps`;
step `s` trains with `learning_rate * lambda(s - 1)`, which is the value Trainer logs at step `s`.
"""

from __future__ import annotations

import math

from . import parse

CHECKPOINT_PREFIX = "checkpoint-"  # Trainer saves the checkpoint of global step k as checkpoint-k


def batches_per_process(
    dataset_size: int, per_device_train_batch_size: int, world_size: int = 1, dataloader_drop_last: bool = False
) -> int:
    """Batches one process draws per epoch.

    `B = ceil(N / b)` batches in all (floor with drop_last), sharded by accelerate into
    `ceil(B / W)` per process (floor with drop_last; without it the short shards are padded).
    """
    if dataloader_drop_last:
        return dataset_size // per_device_train_batch_size // world_size
    return _ceil_div(_ceil_div(dataset_size, per_device_train_batch_size), world_size)


def _ceil_div(a: int, b: int) -> int:
    # integer ceil: exact for any size, where math.ceil(a / b) rounds through a float
    return -(-a // b)


def update_steps_per_epoch(
    dataset_size: int,
    per_device_train_batch_size: int,
    gradient_accumulation_steps: int = 1,
    world_size: int = 1,
    dataloader_drop_last: bool = False,
) -> int:
    """Optimizer updates per epoch: `U = max(ceil(L / GA), 1)`, `L` the batches per process.

    This is `num_update_steps_per_epoch` of `Trainer.set_initial_training_values`.
    """
    batches = batches_per_process(dataset_size, per_device_train_batch_size, world_size, dataloader_drop_last)
    return max(_ceil_div(batches, gradient_accumulation_steps), 1)


def max_steps_from_epochs(num_train_epochs: float, update_steps_per_epoch: int) -> int:
    """Trainer's `max_steps` when it is derived from epochs: `ceil(num_train_epochs * U)`."""
    return math.ceil(num_train_epochs * update_steps_per_epoch)


def global_batch_size(
    per_device_train_batch_size: int, gradient_accumulation_steps: int = 1, world_size: int = 1
) -> int:
    """Examples per optimizer update: `b * GA * W` (Trainer's `total_train_batch_size`)."""
    return per_device_train_batch_size * gradient_accumulation_steps * world_size


def num_warmup_steps(warmup_steps: float, max_steps: int) -> int:
    """Warmup steps as `TrainingArguments.get_warmup_steps` resolves them.

    `warmup_steps >= 1` is a count, truncated by `int()` (10.9 gives 10); `warmup_steps < 1` is a
    ratio of `max_steps`, rounded up by `ceil` in floating point (0.07 * 100 gives 8, not 7).
    """
    return int(warmup_steps) if warmup_steps >= 1 else math.ceil(max_steps * warmup_steps)


def checkpoint_step(text: str) -> int:
    """The global step a checkpoint's name gives: `checkpoint-500` (Trainer's name) or `500` -> 500;
    `ValueError` for anything else (a step below 1 included)."""
    step = parse.count(text.strip().removeprefix(CHECKPOINT_PREFIX))
    if step < 1:
        raise ValueError(f"{text!r} names no checkpoint")
    return step


def checkpoint_name(step: int) -> str:
    """Trainer's name for the checkpoint of global step `step`: `checkpoint-500`."""
    return f"{CHECKPOINT_PREFIX}{step}"


MAX_LISTED_STEPS = 100_000  # a list of updates (skipped_steps) holds at most this many


def step_list(text: str) -> tuple[int, ...]:
    """Update numbers written as a person writes them: `3,4,11,20` or with ranges, `1-5,11` ->
    (1, 2, 3, 4, 5, 11); sorted, each once. `ValueError` for anything else."""
    found: set[int] = set()
    for item in text.replace(" ", "").split(","):
        if not item:
            continue
        low, dash, high = item.partition("-")
        try:
            first = parse.count(low)
            last = parse.count(high) if dash else first
        except ValueError:
            first = last = 0
        if first < 1 or last < first or len(found) + last - first >= MAX_LISTED_STEPS:
            raise ValueError(f"{item!r} is not an update number (1, 2, ...) or a range of them (1-5)")
        found.update(range(first, last + 1))
    return tuple(sorted(found))


def step_list_text(steps: tuple[int, ...]) -> str:
    """`steps` as `step_list` reads them, runs written as ranges: (1, 2, 3, 11) -> `1-3,11`."""
    out: list[str] = []
    i = 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[j] + 1:
            j += 1
        out.append(str(steps[i]) if j == i else f"{steps[i]}-{steps[j]}")
        i = j + 1
    return ",".join(out)
