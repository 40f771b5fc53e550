"""Per-step tables -> bytes in the formats people load: CSV, JSON, Parquet.

Floats are written so they read back exactly: CSV and JSON use Python's `repr` (the shortest
text that round-trips), Parquet stores float64. Several schedules are keyed by their letters, so
every column name is a plain identifier that pandas and pgfplots read as it is (`step`,
`learning_rate_A`, ...); the schedules' long names and settings go in a JSON sidecar
(`names_bytes`). File names say what a file holds, in ASCII without spaces (`file_stem`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence

FORMATS = ("csv", "json", "parquet")
# how several schedules are laid out: one (a single schedule), long (a row per schedule and step:
# schedule,step,learning_rate) or wide (a row per step, a column per schedule)
LAYOUTS = ("one", "long", "wide")
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.+-]+")
# CSV rows formatted at a time: enough that the per-chunk overhead vanishes, few enough that a
# chunk's text stays in cache and a million-step table is never held as text all at once
CSV_CHUNK_ROWS = 16384


def table_bytes(steps: Sequence[int], learning_rates: Sequence[float], fmt: str) -> bytes:
    """The `step,learning_rate` table as `fmt` ("csv", "json" or "parquet")."""
    return b"".join(table_chunks(steps, learning_rates, fmt))


def table_chunks(steps: Sequence[int], learning_rates: Sequence[float], fmt: str) -> Iterator[bytes]:
    """`table_bytes` in consecutive pieces, to write as they are made: CSV `CSV_CHUNK_ROWS` rows at
    a time after the header, the other formats whole. `ValueError` for an unknown `fmt` or columns
    of different lengths, before the first piece."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} is not one of: {', '.join(FORMATS)}")
    if len(steps) != len(learning_rates):
        raise ValueError(f"{len(steps)} steps but {len(learning_rates)} learning rates")
    if fmt == "csv":
        return _csv_chunks(steps, learning_rates)
    return iter((_json(steps, learning_rates) if fmt == "json" else _parquet(steps, learning_rates),))


def _csv_chunks(steps: Sequence[int], learning_rates: Sequence[float]) -> Iterator[bytes]:
    yield b"step,learning_rate\n"
    for start in range(0, len(steps), CSV_CHUNK_ROWS):
        lrs = learning_rates[start : start + CSV_CHUNK_ROWS]
        # one `%` of a "%r,%r\n" template per chunk writes each cell as `repr` of its value, the text
        # of f"{step!r},{lr!r}\n", without a string object per row
        cells: list[object] = [None] * (2 * len(lrs))
        cells[0::2], cells[1::2] = steps[start : start + CSV_CHUNK_ROWS], lrs
        yield (("%r,%r\n" * len(lrs)) % tuple(cells)).encode()


def _json(steps: Sequence[int], learning_rates: Sequence[float]) -> bytes:
    return json.dumps({"step": list(steps), "learning_rate": list(learning_rates)}).encode()


def _parquet(steps: Sequence[int], learning_rates: Sequence[float]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"step": pa.array(steps, pa.int64()), "learning_rate": pa.array(learning_rates, pa.float64())})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def layout_bytes(tables: Sequence[tuple[str, Sequence[int], Sequence[float]]], fmt: str, layout: str) -> bytes:
    """Schedules, each (letter, steps, learning rates), as one table in `layout`: "one", the first
    alone (`step,learning_rate`); "long" (`schedule,step,learning_rate`, `schedule` its letter);
    "wide" (`step,learning_rate_A,learning_rate_B,...`). `rows(layout, ...)` rows under the header."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r} is not one of: {', '.join(LAYOUTS)}")
    if layout == "one":
        return table_bytes(*tables[0][1:], fmt)
    if layout == "wide":
        return wide_bytes([(column(key), steps, lrs) for key, steps, lrs in tables], fmt)
    return schedules_bytes([(_checked(key), steps, lrs) for key, steps, lrs in tables], fmt)


def column(key: str) -> str:
    """The column of schedule `key` (its letter) in a wide table: `learning_rate_A`."""
    return f"learning_rate_{_checked(key)}"


def rows(layout: str, steps: Sequence[int]) -> int:
    """The rows (under the header) of a table of schedules of `steps` steps each: a single one's
    steps, the sum of them all in the long layout, the longest one's in the wide."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r} is not one of: {', '.join(LAYOUTS)}")
    if layout == "one":
        return steps[0] if steps else 0
    return sum(steps) if layout == "long" else max(steps, default=0)


def file_stem(layout: str, schedules: Sequence[tuple[str, str, int]]) -> str:
    """A file name (without its extension) that says what a table or chart holds, ASCII without
    spaces, from each schedule's (letter, lr_scheduler_type, steps): `learning_rate_cosine_20000steps`
    for one schedule, `learning_rate_ABC_wide_cosine+linear_upto20000steps` for a table of several
    (a chart of several: layout "one", no layout word)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r} is not one of: {', '.join(LAYOUTS)}")
    letters = "".join(letter for letter, _, _ in schedules)
    types = "+".join(dict.fromkeys(kind for _, kind, _ in schedules))
    counts = {n for _, _, n in schedules}
    steps = f"{max(counts, default=0)}steps" if len(counts) <= 1 else f"upto{max(counts)}steps"
    parts = ["learning_rate", letters, "" if layout == "one" else layout, types, steps]
    return _UNSAFE.sub("_", "_".join(p for p in parts if p))


def names_bytes(layout: str, file_name: str, schedules: Sequence[tuple[str, str, Mapping[str, str]]]) -> bytes:
    """The JSON sidecar of a table: for each schedule (letter, long name, its settings as link
    parameters), the column or `schedule` value that holds it, its name and settings."""
    entries = []
    for key, name, settings in schedules:
        where = {"column": column(key)} if layout == "wide" else {"column": "learning_rate"}
        if layout == "long":
            where["schedule"] = _checked(key)
        entries.append({"letter": key, **where, "name": name, "settings": dict(settings)})
    doc = {
        "file": file_name,
        "layout": layout,
        "step": "step s runs from 1 to max_steps; its learning_rate is the one that update used, as Trainer logs it",
        "schedules": entries,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def _checked(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"schedule key {key!r} must be a letter, then letters, digits or _")
    return key


def schedules_bytes(tables: Sequence[tuple[str, Sequence[int], Sequence[float]]], fmt: str) -> bytes:
    """Several schedules as one long `schedule,step,learning_rate` table in `fmt`, each schedule
    named by its key (the page's: its letter)."""
    if fmt == "csv":
        text = "".join(
            _csv_rows([_csv_text(name)] * len(steps), _reprs(steps), _reprs(lrs)) for name, steps, lrs in tables
        )
        return ("schedule,step,learning_rate\n" + text).encode()
    if fmt == "json":
        return json.dumps(
            [{"schedule": name, "step": list(steps), "learning_rate": list(lrs)} for name, steps, lrs in tables]
        ).encode()
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(
            {
                "schedule": pa.array([name for name, steps, _ in tables for _ in steps], pa.string()),
                "step": pa.array([s for _, steps, _ in tables for s in steps], pa.int64()),
                "learning_rate": pa.array([v for _, _, lrs in tables for v in lrs], pa.float64()),
            }
        )
        sink = io.BytesIO()
        pq.write_table(table, sink)
        return sink.getvalue()
    raise ValueError(f"format={fmt!r} is not one of: {', '.join(FORMATS)}")


def wide_bytes(tables: Sequence[tuple[str, Sequence[int], Sequence[float]]], fmt: str) -> bytes:
    """Several schedules as one row per step: `step`, then a column per schedule named as given
    (the page's `column(letter)`: `learning_rate_A`; the CLI's param groups by their names), empty
    (null) past a schedule's own last step. Floats as `repr` in CSV, exact elsewhere."""
    n = max((len(steps) for _, steps, _ in tables), default=0)
    names = [name for name, _, _ in tables]
    columns = [list(lrs) + [None] * (n - len(lrs)) for _, _, lrs in tables]  # steps are 1..max_steps
    if fmt == "csv":
        head = ",".join(["step", *(_csv_text(name) for name in names)]) + "\n"
        cells = [_reprs(range(1, n + 1)), *([("" if v is None else repr(v)) for v in c] for c in columns)]
        return (head + "".join(",".join(row) + "\n" for row in zip(*cells, strict=True))).encode()
    if fmt == "json":
        return json.dumps({"step": list(range(1, n + 1)), **dict(zip(names, columns, strict=True))}).encode()
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = {"step": pa.array(range(1, n + 1), pa.int64())}
        data.update({name: pa.array(c, pa.float64()) for name, c in zip(names, columns, strict=True)})
        sink = io.BytesIO()
        pq.write_table(pa.table(data), sink)
        return sink.getvalue()
    raise ValueError(f"format={fmt!r} is not one of: {', '.join(FORMATS)}")


def _reprs(values: Sequence[object]) -> list[str]:
    """`[repr(v) for v in values]`, about twice as fast for a million floats: one `repr` of the
    list (its items are written by their own `repr`) cut at the separators."""
    values = list(values)
    parts = repr(values)[1:-1].split(", ") if values else []
    # an item whose repr holds ", " itself would split in two: then the slow way
    return parts if len(parts) == len(values) else [repr(v) for v in values]


def _csv_rows(*columns: list[str]) -> str:
    """One `a,b,...` line (newline-terminated) per row of equally long columns of text
    (`ValueError` if their lengths differ)."""
    return "\n".join(map(",".join, zip(*columns, strict=True))) + "\n" if columns[0] else ""


def _csv_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text
