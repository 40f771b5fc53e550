"""What a lesson needs: the phase of each step, playhead read-outs, and each scheduler's formula.

Phases come from the breakpoints (step s is in warmup while s ≤ the last warmup step; WSD's
stable and decay phases; the n-th restart of cosine_with_restarts). Formulas are LaTeX written
from transformers' own lambdas, with k = s − 1 the index the step trains at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import scheduler_types
from .config import ScheduleConfig
from .curve import DisplayCurve


@dataclass(frozen=True)
class Phase:
    """`kind` is warmup, stable, decay, restart (with `n`) or constant."""

    kind: str
    n: int = 0


def phases(config: ScheduleConfig, curve: DisplayCurve, steps: Sequence[int]) -> list[Phase]:
    """The phase of each of `steps` (1-based, as everywhere)."""
    marks = {b.kind: b.step for b in curve.breakpoints}
    restarts = sorted(b.step for b in curve.breakpoints if b.kind == "restart")
    warmup_end = config.num_warmup_steps if config.info.uses_warmup else 0  # may lie past the last step
    after_warmup = scheduler_types.of(config.lr_scheduler_type).after_warmup
    out = []
    for s in steps:
        if s <= warmup_end:
            out.append(Phase("warmup"))
        elif after_warmup != "decay":
            out.append(Phase(after_warmup))
        elif "decay_start" in marks and s < marks["decay_start"]:
            out.append(Phase("stable"))
        elif restarts and s >= restarts[0]:
            out.append(Phase("restart", sum(1 for r in restarts if r <= s)))
        else:
            out.append(Phase("decay"))
    return out


@dataclass(frozen=True)
class Readout:
    """One playhead position: the step, its epoch (when known), phase, LR and percent of peak."""

    step: int
    epoch: float | None
    phase: Phase
    lr: float
    percent_of_peak: float


def round_steps(max_steps: int, frames: int = 120) -> list[int]:
    """About `frames` playhead positions on round step numbers: step 1, every multiple of the
    smallest round stride (1, 2 or 5 × 10^k) that keeps them within `frames`, and the last step."""
    power = 0
    while True:
        for factor in (1, 2, 5):
            stride = factor * 10**power
            if max_steps / stride <= frames:
                return sorted({1, max_steps, *range(stride, max_steps + 1, stride)})
        power += 1


def readouts(
    config: ScheduleConfig,
    curve: DisplayCurve,
    lrs: Callable[[list[int]], list[float]],
    frames: int = 120,
    *,
    steps: Sequence[int] | None = None,
) -> list[Readout]:
    """Playhead positions on `steps`, by default round steps (see `round_steps`) along `curve`,
    whose exact LRs `lrs(steps)` gives (a built schedule's, or a replay's)."""
    steps = round_steps(curve.steps[-1], frames) if steps is None else list(steps)
    values = lrs(steps)
    peak = max(curve.lrs) or 1.0
    per_epoch = config.update_steps_per_epoch
    return [
        Readout(s, s / per_epoch if per_epoch else None, phase, lr, 100 * lr / peak)
        for s, lr, phase in zip(steps, values, phases(config, curve, steps), strict=True)
    ]


def formula(name: str) -> str | None:
    """The LaTeX of λ(k) for scheduler type `name`, every branch with its condition, and the
    definitions it uses (k = s − 1, w = num_warmup_steps, n = max_steps); None for a type without
    a step formula (metric-driven, or one this version does not know)."""
    record = scheduler_types.of(name)
    if not record.formula:
        return None
    if len(record.formula) == 1:
        text = r"\lambda(k) = " + record.formula[0].expression
    else:
        rows = r" \\ ".join(f"{b.expression} & {b.condition}" for b in record.formula)
        text = r"\lambda(k) = \begin{cases} " + rows + r" \end{cases}"
    if record.where:
        text += r"\qquad " + r",\ \ ".join(record.where)
    return text
