"""Smoothing equals TensorBoard's formula; downsampling keeps every spike."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmup_viz.smoothing import downsample_min_max, tensorboard_ema


def tensorboard_reference(values, weight):
    # TensorBoard's vz_line_chart smoothing, transcribed: debiased EMA over finite values
    last, num_acc, out = 0.0, 0, []
    is_constant = all(v == values[0] for v in values)
    for v in values:
        if is_constant or not math.isfinite(v):
            out.append(v)
        else:
            last = last * weight + (1 - weight) * v
            num_acc += 1
            debias = 1.0 if weight == 1 else 1 - weight**num_acc
            out.append(last / debias)
    return out


@given(st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=1, max_size=60), st.floats(0, 0.99))
def test_matches_tensorboard(values, weight):
    ours, ref = tensorboard_ema(values, weight), tensorboard_reference(values, weight)
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref, strict=True):
        assert (math.isnan(a) and math.isnan(b)) or a == b  # bit for bit


def test_first_value_is_unbiased_and_constant_left_alone():
    assert tensorboard_ema([4.0, 2.0], 0.6)[0] == pytest.approx(4.0)
    assert tensorboard_ema([3.0] * 5, 0.9).tolist() == [3.0] * 5
    with pytest.raises(ValueError, match="weight"):
        tensorboard_ema([1.0], 1.0)


def test_downsampling_keeps_spikes_and_ends():
    n = 1_000_000
    values = [1.0] * n
    values[123_457] = 50.0
    values[876_543] = -7.0
    x, y = downsample_min_max(range(1, n + 1), values, buckets=1000)
    assert len(x) <= 2002
    assert 50.0 in y and -7.0 in y and x[0] == 1 and x[-1] == n
    assert x.tolist() == sorted(x.tolist())
