"""Numbers as people write them: the fewest digits that still tell values apart."""

from __future__ import annotations

import math
from collections.abc import Sequence

EXACT = 16  # from here on a value is written as Python's repr: the shortest text that reads back as it


def apart(values: Sequence[float | None], *, least: int = 5) -> list[str]:
    """Each value in Python's `g` form (`2.8988e-05`, `0.0003`, `0`) with `least` significant
    digits, and more where that is needed to tell it from the value before or after it (where
    they differ); equal neighbours are written alike. A value that needs `EXACT` digits or more
    is written as its repr, so two different neighbours never read the same. A missing value
    (None, NaN) is written "".

    >>> apart([0.0, 2.898841505996216e-05, 2.8988416e-05, 3e-05])
    ['0', '2.8988415e-05', '2.8988416e-05', '3e-05']
    >>> apart([0.1 + 0.2, 0.3])
    ['0.30000000000000004', '0.3']
    """
    values = [math.nan if v is None else float(v) for v in values]
    digits = [least] * len(values)
    texts = [_written(v, least) for v in values]
    pending = range(len(values))
    while pending:  # all at once, so two close neighbours both gain digits; then only theirs are looked at again
        short = [i for i in pending if digits[i] < EXACT and _needs_more(i, values, texts, digits)]
        for i in short:
            digits[i] += 1
            texts[i] = _written(values[i], digits[i])
        pending = sorted({j for i in short for j in (i - 1, i, i + 1) if 0 <= j < len(values)})
    return texts


def _written(value: float, digits: int) -> str:
    if math.isnan(value):
        return ""
    return repr(value) if digits >= EXACT else f"{value:.{digits}g}"


def _needs_more(i: int, values: list[float], texts: list[str], digits: list[int]) -> bool:
    """Whether value i reads like a different neighbour, or shorter than an equal one."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(values) or math.isnan(values[j]):
            continue
        alike = values[j] == values[i]
        if (alike and digits[j] > digits[i]) or (not alike and texts[j] == texts[i]):
            return True
    return False
