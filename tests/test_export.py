"""Export: several schedules in one long table that reads back exactly in every format."""

import io
import json

import pandas as pd

from warmup_viz import export, schedule
from warmup_viz.config import ScheduleConfig


def test_export_of_several_schedules_reads_back_exactly(tmp_path):
    configs = {
        "A: linear": ScheduleConfig(max_steps=50),
        'B: "cosine", 3': ScheduleConfig(lr_scheduler_type="cosine", max_steps=30),
    }
    tables = [(name, *schedule.full_table(c)) for name, c in configs.items()]
    for fmt, read in (("csv", pd.read_csv), ("parquet", pd.read_parquet)):
        frame = read(io.BytesIO(export.schedules_bytes(tables, fmt)))
        for name, steps, lrs in tables:
            rows = frame[frame["schedule"] == name]
            assert rows["step"].tolist() == list(steps) and rows["learning_rate"].tolist() == lrs
    parsed = json.loads(export.schedules_bytes(tables, "json"))
    assert [(t["schedule"], t["learning_rate"]) for t in parsed] == [(n, lrs) for n, _, lrs in tables]
