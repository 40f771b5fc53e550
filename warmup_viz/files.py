"""A file named to us, read with a size cap: the one place the library opens a path; and which
file of a training output directory holds its log."""

from __future__ import annotations

import os

from . import steps
from .errors import InputError
from .messages import Note, english

TRAINER_STATE = "trainer_state.json"
MAX_LOG_BYTES = 512 * 2**20  # a training log
MAX_CONFIG_BYTES = 2**20  # a training config

english(
    {
        "file.unreadable": "cannot read {path}: {problem}",
        "file.too_large": "{path} is larger than {limit} MB; not read",
        "file.no_log_in_directory": (
            "{path} is a directory without a trainer_state.json or a checkpoint-N directory holding one"
        ),
    }
)


def read_capped(path: str, limit: int) -> bytes:
    """The bytes of the file at `path`; `InputError` naming it when it cannot be read or holds
    more than `limit` bytes (only `limit + 1` are ever read)."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise InputError(Note("file.unreadable", {"path": path, "problem": e.strerror or str(e)}), path) from None
    if len(data) > limit:
        raise InputError(Note("file.too_large", {"path": path, "limit": limit // 2**20}), path)
    return data


def log_file(path: str) -> str:
    """The log `path` names: the file itself; in a directory, its `trainer_state.json` (a
    checkpoint), else the one in its latest `checkpoint-N` (a run's output directory, as Trainer
    saves it). `InputError` for a directory with neither."""
    if not os.path.isdir(path):
        return path
    own = os.path.join(path, TRAINER_STATE)
    if os.path.isfile(own):
        return own
    found = []
    for entry in os.listdir(path):
        try:
            step = steps.checkpoint_step(entry) if entry.startswith(steps.CHECKPOINT_PREFIX) else 0
        except ValueError:
            continue
        state = os.path.join(path, entry, TRAINER_STATE)
        if step and os.path.isfile(state):
            found.append((step, state))
    if not found:
        raise InputError(Note("file.no_log_in_directory", {"path": path}), path)
    return max(found)[1]


def checkpoint_directory(path: str) -> str:
    """The checkpoint directory `path` names: itself, or the directory of a file in it
    (`checkpoint-500/trainer_state.json` names `checkpoint-500`)."""
    return path if os.path.isdir(path) or not os.path.exists(path) else os.path.dirname(path) or "."
