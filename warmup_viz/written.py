"""When a logged learning rate is the one we compute: equal to the float that was written.

A log's values carry the precision their writer gave them, and that precision is read off the
values themselves:

- `float64`: Python's `json` (trainer_state.json, JSON Lines) and most CSV writers write each
  float's shortest round-trip text, every digit of it. Trainer's LR is `learning_rate × λ`
  computed exactly as we compute it, so the two agree to the last bits (a relative 1e-12 allows
  for an older transformers' order of operations, and nothing more).
- `float32`: TensorBoard stores scalars as float32: ours is rounded to float32 and compared there.
- `decimal`: a CSV written with a fixed number of significant digits (`%.6g`): ours, rounded
  to that many digits, is the value written.

`exact` in `infer` and `matches` in `check` both mean this: every logged value is ours as it
would have been written.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

FLOAT64_REL = 1e-12
ABS_FLOOR = 1e-15  # of the peak learning rate: the last bits of a value that should be 0
SAMPLE = 2000  # values read to tell the precision (spread over the log)
MIN_DECIMAL = 4  # fewer significant digits than this is not a schedule written, it is a round number


def _float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def digits(value: float) -> int:
    """Significant digits of `value`'s shortest round-trip text (repr): 2.5e-05 -> 2."""
    mantissa = repr(abs(value)).split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return max(len(mantissa), 1)


@dataclass(frozen=True)
class Written:
    """How a log's values were written: `kind` is `float64`, `float32` or `decimal` (with
    `significant` digits)."""

    kind: str = "float64"
    significant: int = 17

    @classmethod
    def of(cls, values: Sequence[float]) -> Written:
        """The precision `values` were written with (read off up to `SAMPLE` of them)."""
        finite = [v for v in values if v != 0 and math.isfinite(v)]
        if len(finite) > SAMPLE:
            finite = [finite[round(i * (len(finite) - 1) / (SAMPLE - 1))] for i in range(SAMPLE)]
        if not finite:
            return cls()
        widths = [digits(v) for v in finite]
        most = max(widths)
        if most > 9 and all(_float32(v) == v for v in finite if abs(v) < 3e38):
            return cls("float32", 9)
        # a fixed-width writer (`%.6g`) writes most values that aren't round at full width
        wide = [w for w in widths if w >= MIN_DECIMAL]
        if MIN_DECIMAL <= most <= 15 and 2 * wide.count(most) >= len(wide):
            return cls("decimal", most)
        return cls()

    def same(self, logged: float, ours: float, scale: float) -> bool:
        """Whether `ours` is `logged` as this writer would have written it; `scale` is the
        run's peak learning rate (values within `ABS_FLOOR × scale` of 0 are 0)."""
        if logged == ours or abs(logged - ours) <= ABS_FLOOR * abs(scale):
            return True
        if not math.isfinite(ours):
            return False
        if self.kind == "float32":
            if abs(ours) >= 3e38:
                return False
            # one float32 step either way: a float32 sum may round the other way than ours
            return abs(_float32(ours) - logged) <= abs(logged) * 2**-23
        if self.kind == "decimal" and logged != 0:
            return float(f"{ours:.{self.significant}g}") == logged or abs(logged - ours) <= _half_unit(
                logged, self.significant
            )
        return abs(logged - ours) <= FLOAT64_REL * abs(logged)

    def error(self, logged: float, ours: float, scale: float) -> float:
        """How far `ours` is from `logged`, relative to `scale`; 0 when they are the same."""
        return 0.0 if self.same(logged, ours, scale) else abs(logged - ours) / abs(scale)


def _half_unit(value: float, significant: int) -> float:
    exponent = math.floor(math.log10(abs(value)))
    return 0.5 * 10 ** (exponent - significant + 1) * (1 + 1e-9)


def max_error(written: Written, logged: Sequence[float], ours: Sequence[float], scale: float) -> float:
    """The largest `written.error` over the values: 0 when `ours` reproduces every one."""
    error = written.error
    return max((error(v, x, scale) for v, x in zip(logged, ours, strict=True)), default=0.0)


def first_difference(written: Written, logged: Sequence[float], ours: Sequence[float], scale: float) -> int | None:
    """The index of the first logged value `ours` does not reproduce, or None."""
    same = written.same
    for i, (v, x) in enumerate(zip(logged, ours, strict=True)):
        if v != x and not same(v, x, scale):
            return i
    return None
