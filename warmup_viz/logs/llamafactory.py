"""LLaMA-Factory's `trainer_log.jsonl`: one JSON object a line, written by its `LogCallback.on_log`
from Trainer's newest log entry (`state.log_history[-1]`).

A line holds `current_steps` (`state.global_step`) and `total_steps` (`state.max_steps`), the
entry's `loss`, `eval_loss`, `predict_loss`, `reward`, `accuracy`, the learning rate (`lr` in
older versions, `learning_rate` in newer ones) and `epoch`, and progress fields (`percentage`,
`elapsed_time`, `remaining_time`, `throughput`, `total_tokens`) that are not metrics of the run.
Missing values are `null` or left out. The learning rate is Trainer's own logged value, so every
logging convention of the transformers underneath applies to it.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from ..messages import Note, english
from ._tables import LogError
from .formats import File, Format, register
from .jsonish import is_number, json_lines, long_frame

english({"log.llamafactory_empty": "{name}: no line has a logged value (only LLaMA-Factory's progress)"})

STEP, TOTAL = "current_steps", "total_steps"
RENAMED = {"lr": "learning_rate"}  # LLaMA-Factory's older name for Trainer's logged learning_rate
NOT_METRICS = frozenset(
    {STEP, TOTAL, "epoch", "percentage", "elapsed_time", "remaining_time", "throughput", "total_tokens"}
)


def recognises(file: File) -> bool:
    """A JSON object on the first line with LLaMA-Factory's `current_steps` and `total_steps`."""
    if file.head != "{" or file.text is None:
        return False
    if file.json_error is None:  # one JSON value (the parse trainer_state's check makes anyway)
        entry = file.json_value
    else:  # JSON Lines: the whole text failed at the second line; the first line alone
        try:
            entry = json.loads(file.stripped.split("\n", 1)[0])
        except (ValueError, RecursionError):
            return False
    return isinstance(entry, dict) and STEP in entry and TOTAL in entry


def read(text: str, run: str, name: str) -> tuple[pd.DataFrame, dict]:
    """The long table of every logged value by `current_steps`; the facts: `max_steps` (the last
    line's `total_steps`, Trainer's `state.max_steps`)."""
    steps, metrics, values, epochs = [], [], [], []
    total = None
    for entry in json_lines(text, name):
        step = entry.get(STEP)
        if not is_number(step):
            continue
        total = entry.get(TOTAL) if is_number(entry.get(TOTAL)) else total
        epoch = entry["epoch"] if is_number(entry.get("epoch")) else math.nan
        for key, value in entry.items():
            if key not in NOT_METRICS and is_number(value):
                steps.append(step)
                metrics.append(RENAMED.get(key, key))
                values.append(value)
                epochs.append(epoch)
    if not steps:
        raise LogError(Note("log.llamafactory_empty", {"name": name}))
    facts = {"max_steps": int(total)} if total is not None and total == int(total) and total > 0 else {}
    return long_frame(run, steps, metrics, values, epochs), facts


# before trainer_state (50): a log of one line is also one JSON object
register(
    Format("llamafactory", priority=45, recognises=recognises, read=lambda file: read(file.text, file.run, file.name))
)
