"""What a lesson needs: the phase of each step, playhead read-outs, and each scheduler's formula.

Phases come from the breakpoints (step s is in warmup while s ≤ the last warmup step; WSD's
stable and decay phases; the n-th restart of cosine_with_restarts). Formulas are LaTeX written
from transformers' own lambdas, with k = s − 1 the index the step trains at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .config import ScheduleConfig
from .schedule import DisplayCurve

CONSTANT_TYPES = ("constant", "constant_with_warmup")


@dataclass(frozen=True)
class Phase:
    """`kind` is warmup, stable, decay, restart (with `n`) or constant."""

    kind: str
    n: int = 0


def phases(config: ScheduleConfig, curve: DisplayCurve, steps: Sequence[int]) -> list[Phase]:
    """The phase of each of `steps` (1-based, as everywhere)."""
    marks = {b.kind: b.step for b in curve.breakpoints}
    restarts = sorted(b.step for b in curve.breakpoints if b.kind == "restart")
    warmup_end = marks.get("warmup_end", 0) if config.info.uses_warmup else 0
    out = []
    for s in steps:
        if s <= warmup_end:
            out.append(Phase("warmup"))
        elif config.lr_scheduler_type in CONSTANT_TYPES:
            out.append(Phase("constant"))
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


def readouts(config: ScheduleConfig, curve: DisplayCurve, frames: int = 120) -> list[Readout]:
    """About `frames` evenly spaced positions along `curve` (always its first and last step)."""
    steps = list(curve.steps)
    if len(steps) > frames:
        picks = {round(i * (len(steps) - 1) / (frames - 1)) for i in range(frames)}
        steps = [steps[i] for i in sorted(picks)]
    lr_of = dict(zip(curve.steps, curve.lrs, strict=True))
    peak = max(curve.lrs) or 1.0
    per_epoch = config.update_steps_per_epoch
    return [
        Readout(s, s / per_epoch if per_epoch else None, phase, lr_of[s], 100 * lr_of[s] / peak)
        for s, phase in zip(steps, phases(config, curve, steps), strict=True)
    ]


# λ(k) for step index k = s − 1; w = num_warmup_steps, n = max_steps, ρ = progress after warmup
_WARMUP = r"\frac{k}{\max(1, w)} \quad (k < w)"
_PROGRESS = r"\rho = \frac{k - w}{\max(1, n - w)}"
FORMULAS = {
    "linear": _WARMUP + r"\qquad \max\!\left(0, \frac{n - k}{\max(1, n - w)}\right) \quad (k \ge w)",
    "cosine": _WARMUP
    + r"\qquad "
    + _PROGRESS
    + r",\ \ \max\!\left(0, \tfrac12\left(1 + \cos(2\pi c \rho)\right)\right)",
    "cosine_with_restarts": _WARMUP
    + r"\qquad "
    + _PROGRESS
    + r",\ \ \tfrac12\left(1 + \cos\left(\pi\,((c \rho) \bmod 1)\right)\right),\ \ 0 \text{ once } \rho \ge 1",
    "polynomial": _WARMUP
    + r"\qquad \frac{(\eta - \eta_{end})\,(1 - \rho)^{p} + \eta_{end}}{\eta},\ \ \frac{\eta_{end}}{\eta} \text{ after } n",
    "constant": r"\lambda(k) = 1",
    "constant_with_warmup": _WARMUP + r"\qquad 1 \quad (k \ge w)",
    "inverse_sqrt": _WARMUP + r"\qquad \frac{1}{\sqrt{(k + \tau - w) / \tau}} \quad (k \ge w)",
    "cosine_with_min_lr": _WARMUP
    + r"\qquad "
    + _PROGRESS
    + r",\ \ r + (1 - r)\,\tfrac12\left(1 + \cos(2\pi c \rho)\right)",
    "cosine_warmup_with_min_lr": r"\frac{k + 1}{\max(1, w)} \ \ \text{or}\ \ r_w + (1 - r_w)\frac{k}{\max(1, w - 1)}"
    r" \quad (k < w)\qquad \rho = \frac{k - w + 1}{\max(1, n - w)},\ \ r + (1 - r)\,\tfrac12\left(1 + \cos(2\pi c \rho)\right)",
    "warmup_stable_decay": r"\text{warmup } m + (1 - m)\,f_{w}\!\left(\tfrac{k}{w}\right),\quad \text{stable } 1,\quad"
    r" \text{decay } m + (1 - m)\,f_{d}\!\left(\tfrac{k - w - s}{d}\right),\quad \text{then } m",
}
# the symbols each formula uses, by kwarg
SYMBOLS = {
    "num_cycles": "c",
    "lr_end": r"\eta_{end}",
    "power": "p",
    "timescale": r"\tau",
    "min_lr_rate": "r",
    "min_lr": r"r = \text{min\_lr} / \eta",
    "warmup_lr_rate": "r_w",
    "min_lr_ratio": "m",
    "num_decay_steps": "d",
    "num_stable_steps": "s",
    "warmup_type": "f_w",
    "decay_type": "f_d",
}


def formula(name: str) -> str | None:
    """The LaTeX of λ(k) for scheduler type `name`; None for metric-driven types."""
    return FORMULAS.get(name)
