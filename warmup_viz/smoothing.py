"""Smoothing and downsampling for display, as TensorBoard does them. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import numpy as np


def tensorboard_ema(values: Sequence[float], weight: float = 0.6) -> np.ndarray:
    """TensorBoard's debiased exponential moving average.

    `last = last * w + (1 - w) * y`, shown as `last / (1 - w ** n)` with `n` the count of finite
    values so far. Non-finite values pass through unchanged and are not counted; a constant
    series (every value equal to the first) is returned as it is. `weight` is in [0, 1).
    Bit for bit TensorBoard's result.
    """
    if not 0 <= weight < 1:
        raise ValueError(f"smoothing weight={weight!r} must be at least 0 and below 1")
    out = np.array(values, dtype=float)
    finite = np.isfinite(out)
    ys = out[finite]
    if ys.size == 0 or (out == out[0]).all():  # TensorBoard's test: a NaN makes a series not constant
        return out
    # the same float operations, in the same order, as TensorBoard's loop
    lasts = accumulate(ys.tolist(), lambda last, y: last * weight + (1 - weight) * y, initial=0.0)
    smoothed = np.fromiter(lasts, dtype=float, count=ys.size + 1)[1:]
    # Python's pow, as TensorBoard's (numpy's can differ in the last bit); 1 - w**n is 1.0 for large n
    debias = []
    while len(debias) < ys.size and (d := 1 - weight ** (len(debias) + 1)) != 1.0:
        debias.append(d)
    smoothed[: len(debias)] /= debias
    out[finite] = smoothed
    return out


def downsample_min_max(
    steps: Sequence[int], values: Sequence[float], buckets: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    """At most ~2 × `buckets` points that keep each bucket's minimum and maximum (in step order)
    and both ends, so a spike in a million-point log stays visible. Short series are returned whole."""
    x, y = np.asarray(steps), np.asarray(values, dtype=float)
    n = len(x)
    if n <= 2 * buckets:
        return x, y
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = [0, n - 1]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b > a and np.isfinite(y[a:b]).any():
            keep += (a + int(np.nanargmin(y[a:b])), a + int(np.nanargmax(y[a:b])))
    keep = np.unique(keep)
    return x[keep], y[keep]
