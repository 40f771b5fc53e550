"""Export: one schedule's table as people load it, and several in one table, read back exactly."""

import io
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def row_by_row(steps, lrs):
    """The CSV written the plain way, one `repr` per cell."""
    return ("step,learning_rate\n" + "".join(f"{s!r},{v!r}\n" for s, v in zip(steps, lrs, strict=True))).encode()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True)), st.integers(1, 10**9))
def test_csv_is_the_repr_of_each_value(lrs, first):
    steps = range(first, first + len(lrs))
    assert export.table_bytes(steps, lrs, "csv") == row_by_row(steps, lrs)


@pytest.mark.parametrize("n", [0, 1, export.CSV_CHUNK_ROWS, export.CSV_CHUNK_ROWS + 1, 3 * export.CSV_CHUNK_ROWS - 7])
def test_csv_chunks_join_to_the_whole_table(n):
    steps, lrs = schedule.full_table(ScheduleConfig(lr_scheduler_type="cosine", max_steps=max(n, 1), warmup_steps=0.1))
    steps, lrs = steps[:n], lrs[:n]
    chunks = list(export.table_chunks(steps, lrs, "csv"))
    assert len(chunks) == 1 + -(-n // export.CSV_CHUNK_ROWS)  # the header, then a chunk per CSV_CHUNK_ROWS rows
    assert b"".join(chunks) == export.table_bytes(steps, lrs, "csv") == row_by_row(steps, lrs)
    frame = pd.read_csv(io.BytesIO(b"".join(chunks)))
    assert frame["step"].tolist() == list(steps) and frame["learning_rate"].tolist() == lrs


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_columns_of_different_lengths_are_refused_before_any_piece(fmt):
    with pytest.raises(ValueError, match="3 steps but 2 learning rates"):
        export.table_chunks(range(1, 4), [0.1, 0.2], fmt)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format='xml' is not one of: csv, json, parquet"):
        export.table_bytes(range(1, 3), [0.1, 0.2], "xml")
