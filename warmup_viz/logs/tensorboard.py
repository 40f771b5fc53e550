"""TensorBoard event files, read with the tensorboard package's own reader (no hand parsing).

The only module that imports tensorboard, and only once an event file is read."""

from __future__ import annotations

import math
import os
import tempfile

import pandas as pd

from ..messages import Note, english
from ._tables import LogError
from .formats import File, Format, register

english(
    {
        "log.events": "{name}: not a readable TensorBoard event file ({problem})",
        "log.events_empty": "{name}: the event file has no scalar values",
    }
)


def is_event_file(file: File) -> bool:
    """Named like one (`events.out.tfevents.*`), or framed like one: TFRecord's 8-byte
    little-endian length, then a CRC; the first record, small, holds a `brain.Event`."""
    data = file.data
    return "tfevents" in file.name or (
        len(data) > 12 and int.from_bytes(data[:8], "little") < 1024 and b"brain.Event" in data[:200]
    )


def read_events(data: bytes, run: str) -> tuple[pd.DataFrame, dict]:
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.util.tensor_util import make_ndarray

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.out.tfevents.upload")
        with open(path, "wb") as f:
            f.write(data)
        try:
            for event in EventFileLoader(path).Load():
                for value in event.summary.value:
                    number = _scalar(value, make_ndarray)
                    if number is not None:
                        rows.append((run, event.step, value.tag, number, math.nan, event.wall_time))
        except Exception as e:  # the reader raises many types on damaged files
            if not rows:
                raise LogError(Note("log.events", {"name": run, "problem": type(e).__name__})) from None
    if not rows:
        raise LogError(Note("log.events_empty", {"name": run}))
    return pd.DataFrame(rows, columns=["run", "step", "metric", "value", "epoch", "wall_time"]), {}


def _scalar(value, make_ndarray) -> float | None:
    if value.HasField("simple_value"):
        return float(value.simple_value)
    if value.HasField("tensor"):
        array = make_ndarray(value.tensor)
        if array.size == 1 and array.dtype.kind in "fiu":
            return float(array.reshape(-1)[0])
    return None


register(
    Format("tensorboard", priority=20, recognises=is_event_file, read=lambda file: read_events(file.data, file.run))
)
