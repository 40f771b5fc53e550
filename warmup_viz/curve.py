"""What a chart of a run needs, as plain data: the steps it draws, their LRs and the breakpoints
to mark. Pure: nothing here builds a schedule, so figures and the scheduler types' records can
use it without the engine.

Step convention as everywhere: step `s` runs `1..max_steps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DISPLAY_POINTS = 1000

# What each kind of breakpoint is called, in English; a page says it in its own language from the
# kind, the step and `n` (the restart's number).
BREAKPOINTS = {
    "start": "step {step}",
    "warmup_end": "last warmup step ({step})",
    "peak": "peak (step {step})",
    "decay_start": "decay starts (step {step})",
    "decay_end": "decay ends (step {step})",
    "restart": "restart {n} (step {step})",
    "cut": "LR cut (from step {step})",
    "raise": "LR raised (from step {step})",
    "resume": "resumed: new settings from step {step}",
    "end": "last step ({step})",
}


@dataclass(frozen=True)
class Breakpoint:
    """A step where the schedule changes character. `kind` is one of `BREAKPOINTS`' keys; `n`
    numbers restarts. `label` is the English name; a page names it from `kind`, `step` and `n`."""

    step: int
    kind: str
    n: int = 0

    @property
    def label(self) -> str:
        return BREAKPOINTS[self.kind].format(step=f"{self.step:,}", n=self.n)


@dataclass(frozen=True)
class DisplayCurve:
    """The steps a chart draws, their exact LRs, and the breakpoints to mark."""

    steps: Sequence[int]
    lrs: Sequence[float]
    breakpoints: Sequence[Breakpoint]


def spread_steps(n: int, marks: Sequence[int], points: int = DISPLAY_POINTS) -> list[int]:
    """The steps a chart of an `n`-step run needs, about `points` of them whatever `n` is.

    Short runs get every step. Longer ones get every step in `marks` (breakpoints) with its
    neighbours (so each kink is drawn exactly where it is), a few samples inside every phase (so a
    short warmup keeps its shape), and evenly spread steps for the rest of the budget.
    """
    if n <= points:
        return list(range(1, n + 1))
    marks = sorted(set(marks))
    chosen = {x for s in marks for x in (s - 1, s, s + 1) if 1 <= x <= n}
    per_phase = max(4, min(64, points // (4 * max(1, len(marks)))))
    for a, b in zip(marks, marks[1:], strict=False):
        if b - a > 2:
            chosen.update(a + i * (b - a) // per_phase for i in range(per_phase + 1))
    even = max(2, points - len(chosen))
    chosen.update(1 + i * (n - 1) // (even - 1) for i in range(even))
    return sorted(chosen)
