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


def test_wide_export_has_a_column_per_schedule():
    import io

    import pandas as pd
    import pyarrow.parquet as pq

    from warmup_viz import export, schedule
    from warmup_viz.config import ScheduleConfig

    a = ScheduleConfig(max_steps=30, warmup_steps=3)
    b = ScheduleConfig(lr_scheduler_type="cosine", max_steps=20, warmup_steps=0.1)
    tables = [("A: linear", *schedule.full_table(a)), ("B: cosine", *schedule.full_table(b))]
    csv = export.wide_bytes(tables, "csv").decode().splitlines()
    assert csv[0] == "step,A: linear,B: cosine" and len(csv) == 31
    assert csv[1] == f"1,{tables[0][2][0]!r},{tables[1][2][0]!r}"
    assert csv[25].endswith(",")  # B ended at step 20: an empty cell, not a made-up value
    frame = pd.read_csv(io.StringIO("\n".join(csv)))
    assert frame["A: linear"].tolist() == list(tables[0][2])
    table = pq.read_table(io.BytesIO(export.wide_bytes(tables, "parquet"))).to_pydict()
    assert table["B: cosine"][:20] == list(tables[1][2]) and table["B: cosine"][20:] == [None] * 10
