"""The log readers' fast paths give exactly what their general paths give.

A CSV/TSV of numbers only is read by pyarrow (`delimited._read_numbers`), any other by pandas; an
ASCII table skips decoding (`logs._ascii_table`); `_tables.sorted_last` sorts only what is not
sorted yet. Each is compared here with the path it stands in for, on files chosen to tell them
apart (pyarrow reads "nan" and "0x10" as numbers, pandas as text) and on generated ones.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import warmup_viz.logs as logs
from warmup_viz.logs import LogError, delimited, read_log
from warmup_viz.logs._tables import _without_unused, sorted_last, tidy


def outcome(data: bytes, name: str):
    """What read_log makes of a file: the Log's parts, or the error's message and step columns."""
    try:
        log = read_log(data, name)
    except LogError as e:
        return "error", str(e), e.step_columns
    return log


def general(data: bytes, name: str, monkeypatch):
    """`outcome` by the general paths only: decoded text, pandas' reader."""
    with monkeypatch.context() as m:
        m.setattr(delimited, "_read_numbers", lambda *args: None)
        m.setattr(logs, "_ascii_table", lambda data: None)
        return outcome(data, name)


def assert_same(fast, slow):
    if isinstance(fast, tuple) or isinstance(slow, tuple):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
    assert np.signbit(fast.table["value"]).tolist() == np.signbit(slow.table["value"]).tolist()  # -0.0
    parts = ("name", "format", "replaced", "non_finite", "facts", "step_column", "step_columns")
    assert [getattr(fast, p) for p in parts] == [getattr(slow, p) for p in parts]
    assert repr(fast.summary) == repr(slow.summary)  # NaN != NaN; the order of runs and names counts


def took_fast_path(data: bytes, name: str, monkeypatch) -> bool:
    real, read = delimited._read_numbers, []

    def spy(*args):
        read.append(real(*args))
        return read[-1]

    with monkeypatch.context() as m:
        m.setattr(delimited, "_read_numbers", spy)
        outcome(data, name)
    return any(table is not None for table in read)


PLAIN = [
    b"step,loss,learning_rate\n1,2.5,0.001\n2,2.25,0.0009\n3,2.0,0.0008\n",
    b"step\tloss\n1\t0.5\n2\t0.4\n",
    b"\xef\xbb\xbfstep,loss\r\n1,0.5\r\n2,0.4\r\n",
    b'"Step","run-a - train/loss","run-a - train/loss__MIN","run-b - train/loss"\n"1","2.0","1.9","3.0"\n"2","1.5","1.4",""\n',
    b"step,loss,acc\n1,2.0,\n2,,0.5\n3,1e-3,-0\n4,+1.5,.5\n",
    b"step,loss\n1,-0\n2,-0.0\n",
    b"step,loss\n9007199254740993,1\n18446744073709551616,2\n-9223372036854775809,3\n",
    b"step,loss\n3,1\n1,2\n2,3\n2,4\n1,5\n",  # unsorted, repeated steps: the last one of a step wins
    b"step,loss,train/loss,eval/loss,train/epoch,_runtime\n1,1,2,3,0.5,9\n2,1,2,3,1.0,9\n",
    b"Wall time,Step,Value\n1700000000.5,1,0.5\n1700000001.5,2,0.25\n",
    b"step,loss\n1,2\n\n2,3\n\n",
    b"step,loss\n1,2\r3,4\r",
    b"step,tokens,loss\n1,512,2\n2,1024,1\n",
    "step,损失\n1,0.5\n".encode(),  # decoded, then read as any other
    "step,loss\n1,0.5\n".encode("utf-16"),
]
ODD = [
    b"step,loss\n1,nan\n2,NaN\n3,2.0\n",  # pyarrow: a float NaN; pandas: text, a logged NaN
    b"step,loss\n0x10,1\n17,2\n",  # pyarrow: 16
    b"step,loss\n1,0X1A\n",
    b"step,loss\n1,2\n   \n2,3\n",  # a line of spaces
    b"step,loss\n1,2\n2\n",  # a short row
    b"step,loss\n1,2,3\n2,3,4\n",  # an index column
    b"step,loss,loss\n1,2,3\n",  # one name twice
    b"step,,loss\n1,2,3\n",
    b'step,"lo"ss\n1,2\n',
    b'"step,loss"\n1\n',
    b"step,loss\n1,true\n",
    b"step,loss\n1, \n2,3\n",
    b"step,loss\n1,1_000\n",
    b"step,loss\n1,inf\n2,-Infinity\n3,1\n",
    b"step,loss\n1,1e400\n",  # beyond float range
    b"step,loss\n",
    b"step;loss\n1;2\n",
    b"\nstep,loss\n1,2\n",
    b"step,loss\n1,2\n2,3\n\x1a",
]


@pytest.mark.parametrize("data", PLAIN + ODD)
@pytest.mark.parametrize("name", ["run.csv", "run-exp-tag-train_loss.csv"])
def test_fast_paths_read_as_the_general_ones(data, name, monkeypatch):
    assert_same(outcome(data, name), general(data, name, monkeypatch))


@pytest.mark.parametrize("data", PLAIN)
def test_plain_tables_take_the_fast_path(data, monkeypatch):
    # else the comparisons above compare the general path with itself
    assert took_fast_path(data, "run.csv", monkeypatch)


@pytest.mark.parametrize("data", ODD)
def test_tables_pyarrow_reads_otherwise_do_not(data, monkeypatch):
    assert not took_fast_path(data, "run.csv", monkeypatch)


def test_a_large_table_in_many_blocks(monkeypatch):
    # pyarrow reads a file in blocks of about 1 MB, on several threads
    rng = np.random.default_rng(0)
    n = 100_000
    frame = pd.DataFrame({"step": np.arange(1, n + 1), "loss": rng.standard_normal(n), "grad_norm": rng.random(n)})
    frame.loc[::97, "loss"] = np.nan
    frame.loc[50_000:50_100, "step"] -= 40  # a resumed run
    data = frame.to_csv(index=False, na_rep="").encode()
    assert took_fast_path(data, "big.csv", monkeypatch)
    assert_same(outcome(data, "big.csv"), general(data, "big.csv", monkeypatch))
    late = data + b"100001,nan,1\n"  # what makes pyarrow's reading differ comes last
    assert not took_fast_path(late, "big.csv", monkeypatch)
    assert_same(outcome(late, "big.csv"), general(late, "big.csv", monkeypatch))


NAMES = ["step", "Step", "global_step", "_step", "loss", "train/loss", "eval/loss", "learning_rate", "epoch"]
NAMES += ["train/epoch", "grad_norm", "a - train/loss", "b - train/loss", "a - epoch", "x__MIN", "train/train_loss"]
CELLS = ["1", "2", "-3", "0", "-0", "+1", "01", "1.5", "-2.25", ".5", "5.", "1e5", "1E-3", "3.14159265358979", ""]
ODD_CELLS = ["nan", "inf", "-inf", "0x10", "abc", " ", " 1.5", '"2.5"', "1e400", "true", "9223372036854775808"]


@st.composite
def tables(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5))
    if draw(st.booleans()):
        names[0] = "step"
    cells = st.sampled_from(CELLS) | st.sampled_from(ODD_CELLS) if draw(st.booleans()) else st.sampled_from(CELLS)
    rows = draw(st.lists(st.lists(cells, min_size=len(names), max_size=len(names)), max_size=12))
    sep = draw(st.sampled_from([",", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(sep.join(row) for row in [names, *rows]) + newline
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
@example(b"step,Step,global_step,_step\n1,+1,1,1\n1,-0,1,1\n")  # "-0": pyarrow read -0.0, pandas 0
def test_generated_tables_read_the_same_by_either_path(monkeypatch, data):
    assert_same(outcome(data, "run.csv"), general(data, "run.csv", monkeypatch))


def reference(runs, metrics, steps):
    """What tidy did before `sorted_last`: a full stable sort, then the last of each step."""
    order = np.lexsort((steps, metrics, runs))
    runs, metrics, steps = runs[order], metrics[order], steps[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (runs[1:] != runs[:-1]) | (metrics[1:] != metrics[:-1]) | (steps[1:] != steps[:-1])
    return order, last


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 2), st.integers(-1, 3), st.integers(0, 6)), min_size=1, max_size=60),
    st.sampled_from(["as drawn", "grouped", "sorted"]),
)
def test_sorted_last_is_a_stable_sort_and_the_last_of_each_step(rows, arrangement):
    if arrangement != "as drawn":  # as readers write them: metric by metric (and step by step)
        key = (lambda r: r[:2]) if arrangement == "grouped" else (lambda r: r)
        rows = sorted(rows, key=key)
    runs, metrics, steps = (np.array(column) for column in zip(*rows, strict=True))
    runs, metrics = runs.astype(np.int8), metrics.astype(np.int8)
    order, last = sorted_last(runs, metrics, steps)
    expected_order, expected_last = reference(runs, metrics, steps)
    np.testing.assert_array_equal(np.arange(len(steps)) if order is None else order, expected_order)
    np.testing.assert_array_equal(last, expected_last)


def test_sorted_last_with_many_categories():
    rng = np.random.default_rng(1)
    runs, metrics = rng.integers(-1, 300, 5000).astype(np.int16), rng.integers(-1, 200, 5000).astype(np.int16)
    steps = rng.integers(0, 50, 5000)
    order, last = sorted_last(runs, metrics, steps)
    expected_order, expected_last = reference(runs, metrics, steps)
    np.testing.assert_array_equal(order, expected_order)
    np.testing.assert_array_equal(last, expected_last)


@pytest.mark.parametrize("count", [1, 3, 16, 17, 300])
def test_without_unused_is_remove_unused_categories(count):
    rng = np.random.default_rng(count)
    categories = [f"m{i}" for i in range(count)]
    codes = rng.integers(-1, count, 1000)
    codes[np.isin(codes, rng.integers(0, count, count // 2 + 1))] = 0  # some categories unused
    values = pd.Categorical.from_codes(codes, categories=categories)
    expected = values.remove_unused_categories()
    got = _without_unused(values)
    pd.testing.assert_extension_array_equal(got, expected)
    assert list(got.categories) == list(expected.categories)


def test_whole_number_steps_are_kept_or_left_out_as_floats_would_be():
    # tidy tests an integer step column as integers, a float one as floats: the same steps either way
    steps = [-(2**63), -(2**53) - 1, -(2**53), -(2**53) + 1, -1, 0, 5, 2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1]
    frame = pd.DataFrame({"run": "r", "step": np.array(steps, dtype=np.int64), "metric": "loss", "value": 1.0})
    as_ints = tidy(frame.copy(), "ints")
    as_floats = tidy(frame.assign(step=frame["step"].astype(float)), "floats")
    pd.testing.assert_frame_equal(as_ints[0], as_floats[0], check_exact=True)
    assert as_ints[1:] == as_floats[1:]
    assert as_ints[0]["step"].tolist() == [-(2**53) + 1, -1, 0, 5, 2**53 - 1]
