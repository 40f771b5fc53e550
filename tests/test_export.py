"""Export: one schedule's table as people load it, and several in one table, read back exactly."""

import io
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmup_viz import export, lr_schedule
from warmup_viz.config import ScheduleConfig


def test_export_of_several_schedules_reads_back_exactly(tmp_path):
    configs = {
        "A": ScheduleConfig(max_steps=50),
        "B": ScheduleConfig(lr_scheduler_type="cosine", max_steps=30),
    }
    tables = [(name, *lr_schedule.full_table(c)) for name, c in configs.items()]
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

    from warmup_viz import export, lr_schedule
    from warmup_viz.config import ScheduleConfig

    a = ScheduleConfig(max_steps=30, warmup_steps=3)
    b = ScheduleConfig(lr_scheduler_type="cosine", max_steps=20, warmup_steps=0.1)
    tables = [(export.column("A"), *lr_schedule.full_table(a)), (export.column("B"), *lr_schedule.full_table(b))]
    csv = export.wide_bytes(tables, "csv").decode().splitlines()
    assert csv[0] == "step,learning_rate_A,learning_rate_B" and len(csv) == 31
    assert len(csv) - 1 == export.rows("wide", [30, 20])  # the rows the button announces
    assert csv[1] == f"1,{tables[0][2][0]!r},{tables[1][2][0]!r}"
    assert csv[25].endswith(",")  # B ended at step 20: an empty cell, not a made-up value
    frame = pd.read_csv(io.StringIO("\n".join(csv)))
    assert frame["learning_rate_A"].tolist() == list(tables[0][2])
    table = pq.read_table(io.BytesIO(export.wide_bytes(tables, "parquet"))).to_pydict()
    assert table["learning_rate_B"][:20] == list(tables[1][2]) and table["learning_rate_B"][20:] == [None] * 10


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
    steps, lrs = lr_schedule.full_table(
        ScheduleConfig(lr_scheduler_type="cosine", max_steps=max(n, 1), warmup_steps=0.1)
    )
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


def test_the_announced_rows_are_the_files_rows():
    configs = [ScheduleConfig(max_steps=n) for n in (40, 25, 10)]
    tables = [(key, *lr_schedule.full_table(c)) for key, c in zip("ABC", configs, strict=True)]
    steps = [c.total_steps for c in configs]
    one, long, wide = (pd.read_csv(io.BytesIO(export.layout_bytes(tables, "csv", x))) for x in export.LAYOUTS)
    assert (len(one), len(long), len(wide)) == (40, 75, 40)
    assert [export.rows(layout, steps) for layout in ("one", "long", "wide")] == [40, 75, 40]
    assert long["schedule"].unique().tolist() == ["A", "B", "C"]
    for key, steps_, lrs in tables:  # still exactly the schedule, whatever the layout
        assert long[long["schedule"] == key]["learning_rate"].tolist() == lrs
        assert wide[export.column(key)].dropna().tolist() == lrs and len(steps_) == len(lrs)


def test_headers_are_identifiers_pandas_and_pgfplots_read():
    tables = [(key, *lr_schedule.full_table(ScheduleConfig(max_steps=5))) for key in "ABCDEF"]
    for raw in (export.layout_bytes(tables, "csv", layout) for layout in export.LAYOUTS):
        header = raw.decode().splitlines()[0].split(",")
        # pgfplots' table[x=step,y=learning_rate_A] takes a column name of letters, digits and _
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) for name in header), header
        assert raw.isascii()
    wide = json.loads(export.layout_bytes(tables, "json", "wide"))
    assert wide.keys() == {"step", *(f"learning_rate_{k}" for k in "ABCDEF")}
    parquet = pd.read_parquet(io.BytesIO(export.layout_bytes(tables, "parquet", "wide")))
    assert parquet.columns.tolist() == ["step", *(f"learning_rate_{k}" for k in "ABCDEF")]
    for bad in ("A: linear", "A,B", "A · cosine", ""):
        for layout in ("long", "wide"):
            with pytest.raises(ValueError, match="must be a letter"):
                export.layout_bytes([(bad, [1], [0.1])], "csv", layout)


def test_file_names_say_what_they_hold_in_ascii_without_spaces():
    assert export.file_stem("one", [("", "cosine", 20000)]) == "learning_rate_cosine_20000steps"
    assert export.file_stem("one", [("A", "cosine", 20000)]) == "learning_rate_A_cosine_20000steps"
    several = [("A", "cosine_with_min_lr", 20000), ("B", "linear", 10000), ("C", "cosine_with_min_lr", 20000)]
    assert export.file_stem("wide", several) == "learning_rate_ABC_wide_cosine_with_min_lr+linear_upto20000steps"
    assert export.file_stem("long", several[:1] * 2) == "learning_rate_AA_long_cosine_with_min_lr_20000steps"
    assert all(re.fullmatch(r"[A-Za-z0-9_.+-]+", export.file_stem("wide", [("A", "odd name/é", 3)])) for _ in [0])


def test_the_names_sidecar_says_which_column_holds_which_schedule():
    schedules = [
        ("A", "A: cosine · lr 0.0003 · min_lr_rate=0.1", {"lr_scheduler_type": "cosine"}),
        ("B", "B: 线性", {}),
    ]
    wide = json.loads(export.names_bytes("wide", "t.csv", schedules))
    assert [(e["column"], e["name"], e["settings"]) for e in wide["schedules"]] == [
        ("learning_rate_A", "A: cosine · lr 0.0003 · min_lr_rate=0.1", {"lr_scheduler_type": "cosine"}),
        ("learning_rate_B", "B: 线性", {}),
    ]
    assert wide["file"] == "t.csv" and wide["layout"] == "wide"
    long = json.loads(export.names_bytes("long", "t.csv", schedules))
    assert [(e["schedule"], e["column"]) for e in long["schedules"]] == [("A", "learning_rate"), ("B", "learning_rate")]
