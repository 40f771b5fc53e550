"""Smoothing and downsampling for display, as TensorBoard does them. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def tensorboard_ema(values: Sequence[float], weight: float = 0.6) -> list[float]:
    """TensorBoard's debiased exponential moving average.

    `last = last * w + (1 - w) * y`, shown as `last / (1 - w ** n)` with `n` the count of finite
    values so far. Non-finite values pass through unchanged and are not counted; a constant
    series is returned as it is. `weight` is in [0, 1).
    """
    if not 0 <= weight < 1:
        raise ValueError(f"smoothing weight={weight!r} must be at least 0 and below 1")
    finite = [v for v in values if math.isfinite(v)]
    if not finite or all(v == finite[0] for v in finite):
        return list(values)
    last, count, out = 0.0, 0, []
    for y in values:
        if not math.isfinite(y):
            out.append(y)
            continue
        last = last * weight + (1 - weight) * y
        count += 1
        out.append(last / (1 - weight**count) if weight else last)
    return out


def downsample_min_max(steps: Sequence[int], values: Sequence[float], buckets: int = 2000) -> tuple[list, list]:
    """At most ~2 × `buckets` points that keep each bucket's minimum and maximum (in step order),
    so a spike in a million-point log stays visible. Short series are returned whole."""
    n = len(steps)
    if n <= 2 * buckets:
        return list(steps), list(values)
    x, y = np.asarray(steps), np.asarray(values, dtype=float)
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b <= a:
            continue
        chunk = y[a:b]
        lo, hi = a + int(np.nanargmin(chunk)), a + int(np.nanargmax(chunk))
        keep.extend(sorted({lo, hi}))
    keep = sorted(set(keep) | {0, n - 1})
    return x[keep].tolist(), y[keep].tolist()
