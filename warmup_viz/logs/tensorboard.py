"""TensorBoard event files, read with the tensorboard package's own reader (no hand parsing)."""

from __future__ import annotations

import math
import os
import tempfile

import pandas as pd
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.util import tensor_util

from ..messages import Note
from ._tables import LogError


def read_events(data: bytes, run: str) -> tuple[pd.DataFrame, dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.out.tfevents.upload")
        with open(path, "wb") as f:
            f.write(data)
        try:
            for event in EventFileLoader(path).Load():
                for value in event.summary.value:
                    number = _scalar(value)
                    if number is not None:
                        rows.append((run, event.step, value.tag, number, math.nan, event.wall_time))
        except Exception as e:  # the reader raises many types on damaged files
            if not rows:
                raise LogError(Note("log.events", {"name": run, "problem": type(e).__name__})) from None
    if not rows:
        raise LogError(Note("log.events_empty", {"name": run}))
    return pd.DataFrame(rows, columns=["run", "step", "metric", "value", "epoch", "wall_time"]), {}


def _scalar(value) -> float | None:
    if value.HasField("simple_value"):
        return float(value.simple_value)
    if value.HasField("tensor"):
        array = tensor_util.make_ndarray(value.tensor)
        if array.size == 1 and array.dtype.kind in "fiu":
            return float(array.reshape(-1)[0])
    return None
