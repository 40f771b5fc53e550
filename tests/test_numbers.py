"""Numbers as people write them: an LR with the fewest digits that tell it from its neighbours."""

import math

from hypothesis import given
from hypothesis import strategies as st

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig
from warmup_viz.numbers import apart

FLOATS = st.floats(min_value=-1e300, max_value=1e300)  # rounding a float near the largest may read inf


def test_values_far_apart_get_five_digits():
    assert apart([0.0, 2.898841505996216e-05, 5e-05, 1.0, 123456.0]) == ["0", "2.8988e-05", "5e-05", "1", "1.2346e+05"]


def test_a_value_takes_the_digits_its_closest_neighbour_needs():
    assert apart([1.00001, 1.00002, 1.5]) == ["1.00001", "1.00002", "1.5"]
    # equal neighbours need nothing more; missing values are written as nothing
    assert apart([3e-05, 3e-05, None, float("nan")]) == ["3e-05", "3e-05", "", ""]
    # a value equal to its neighbour is written as that neighbour is, whatever its other side
    assert apart([1.00001, 1.00002, 1.00002, 1.00002]) == ["1.00001", "1.00002", "1.00002", "1.00002"]


def test_neighbours_a_float_apart_are_written_as_python_writes_them():
    a = 2.898841505996216e-05
    b = math.nextafter(a, 1.0)
    assert apart([a, b]) == [repr(a), repr(b)]


@given(st.lists(FLOATS, min_size=2, max_size=40))
def test_different_neighbours_never_read_the_same_and_each_reads_back_close(values):
    texts = apart(values)
    for a, b, ta, tb in zip(values, values[1:], texts, texts[1:], strict=False):
        assert (ta == tb) == (a == b) or (a == b == 0.0)  # 0.0 and -0.0 are equal, written apart
    for value, text in zip(values, texts, strict=True):
        assert math.isclose(float(text), value, rel_tol=1e-4, abs_tol=0.0) or text == repr(value)


def test_a_real_cosine_schedule_reads_apart_step_by_step_near_its_peak():
    """Near a cosine's peak neighbouring steps differ in the 9th digit or later: the hover says
    so, never longer than Python's repr; steps far apart keep 5 digits."""
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=10, max_steps=100_000)
    lrs = lr_schedule.build(config).lrs(list(range(11, 31)))  # transformers' own LambdaLR
    texts = apart(lrs)
    assert len(set(texts)) == len(set(lrs)) == len(lrs)
    assert all(len(text) > len("3e-04") and len(text) <= len(repr(v)) for text, v in zip(texts, lrs, strict=True))
    far = lr_schedule.build(config).lrs([1, 50_000, 100_000])
    assert apart(far) == [f"{v:.5g}" for v in far]
