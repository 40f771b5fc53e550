"""A learning rate that changes in discrete steps by one factor -> the metric-driven settings
(`reduce_lr_on_plateau`, `greedy`) whose replay of the run's evaluated metric, with transformers'
own scheduler, reproduces every logged value."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise, product

from . import registry, scheduler_types
from .config import ConfigError, ScheduleConfig
from .fit import Fit, logged_pairs, polish, run_length
from .lr_schedule import REL_TOL, metric_scheduler
from .simulate import simulate
from .written import Written, max_error

DROP_TOL = 1e-5  # ratios read off a log agree to this (TensorBoard stores float32)
SAME = 1e-8  # two logged values this close are one value
MAX_COUNT = 20  # patience, cooldown, greedy's warmup: searched up to this, or what the log allows
MAX_REPLAYS = 40_000  # candidates replayed before the best so far is taken
REFINED = 8  # candidates whose threshold is refined between grid values
BISECTIONS = 48
MANTISSAS = (1, 2, 3, 5)


@dataclass(frozen=True)
class Drops:
    """The logged LR changes in steps by `factor`: cuts multiply by it, greedy's raises divide by it."""

    factor: float
    raises: bool
    levels: tuple[float, ...]  # the values, each change starting a new one

    @property
    def types(self) -> str:
        return " / ".join(self.names)

    @property
    def names(self) -> tuple[str, ...]:
        """The metric-driven types that could make these changes (those whose record `raises`,
        when the LR goes up), in transformers' order."""
        return tuple(
            name
            for name in registry.scheduler_names()
            if registry.info(name).metric_driven and (scheduler_types.of(name).raises or not self.raises)
        )


def drops_of(pairs: list[tuple[int, float]]) -> Drops | None:
    """`Drops` when the logged LR changes in discrete steps: every change is a cut by a power of
    one factor (several cuts can fall between two logged steps) or a raise by an inverse power,
    except a cut that stops at the lowest value (min_lr), a raise that stops at the highest
    (max_lr), and greedy's reset to the first value; and the steps show (a value logged twice in a
    row, or changes by different powers). None otherwise: step-based types change the LR by
    varying ratios, and an exponential decay by one ratio at every logged step."""
    values = [v for _, v in pairs]
    if min(values) <= 0:
        return None
    levels, repeated = [values[0]], False
    for v in values[1:]:
        if math.isclose(v, levels[-1], rel_tol=SAME):
            repeated = True
        else:
            levels.append(v)
    changes = list(pairwise(levels))
    sizes = sorted({min(b / a, a / b) for a, b in changes}, reverse=True)
    bounds = (min(levels), max(levels), levels[0])
    for factor in sizes:  # the smallest change that explains every other one
        powers = []
        for a, b in changes:  # (a smooth schedule fails at its first changes: stop there)
            if (k := _power(a, b, factor, bounds)) is None:
                break
            powers.append(k)
        else:
            if repeated or len(set(powers) - {0}) > 1:
                exact = [(a, b, k) for (a, b), k in zip(changes, powers, strict=True) if k]
                return Drops(_round_factor(exact, factor, levels[0]), any(b > a for a, b in changes), tuple(levels))
    return None


def _power(a: float, b: float, factor: float, bounds: tuple[float, float, float]) -> int | None:
    """k when a → b is a cut by factor^k (or a raise by factor^-k); 0 for a cut that stops at the
    lowest value, a raise that stops at the highest, or a return to the first; None otherwise.
    `bounds`: the lowest, the highest and the first logged value."""
    lowest, highest, first = bounds
    k = math.log(min(b / a, a / b)) / math.log(factor)
    if round(k) >= 1 and math.isclose(k, round(k), abs_tol=DROP_TOL * max(1, round(k))):
        return round(k)
    if (b == lowest and b < a and b / a > factor) or (b == highest and b > a and a / b > factor):
        return 0
    return 0 if b == first and b > a else None


def _round_factor(changes: list[tuple[float, float, int]], factor: float, scale: float) -> float:
    """The shortest decimal that puts every change (a × factor^k, or a / factor^k) within
    `REL_TOL × scale` of the logged value: 0.5, not 0.49999999999999994."""
    for digits in range(1, 18):
        f = float(f"{factor:.{digits}g}")
        if 0 < f < 1 and all(abs((a * f**k if b < a else a / f**k) - b) <= REL_TOL * scale for a, b, k in changes):
            return f
    return factor


def evaluations(steps: Sequence[int], values: Sequence[float], n: int) -> list[tuple[int, float]]:
    """The metric's `(step, value)` pairs that step the scheduler, ascending: steps 1..n, finite."""
    pairs = sorted((int(s), float(v)) for s, v in zip(steps, values, strict=True) if 1 <= s <= n and math.isfinite(v))
    return list(dict(pairs).items())


class _Replay:
    """The logged LRs grouped by the evaluations before them: group k holds the LRs logged after
    k evaluations (steps e_k + 1 .. e_{k+1}), all of which a replay must give after k steps."""

    def __init__(self, pairs: list[tuple[int, float]], evals: list[tuple[int, float]]):
        bounds = [s for s, _ in evals]
        groups: list[list[float]] = [[] for _ in range(len(evals) + 1)]
        for s, v in pairs:
            groups[bisect_left(bounds, s)].append(v)
        self.metric = [v for _, v in evals]
        self.groups = [(min(g), max(g)) if g else None for g in groups]
        self.last = max(k for k, g in enumerate(self.groups) if g is not None)

    def score(self, config: ScheduleConfig | None) -> tuple[int, int]:
        """(how many groups the replay reproduces before the first it misses, and there: -1 when
        its LR is lower than logged, 1 when higher, 0 when it misses none)."""
        if config is None:
            return -1, 0
        try:
            optimizer, scheduler = metric_scheduler(config)
        except ConfigError:
            return -1, 0
        group = optimizer.param_groups[0]
        tol = REL_TOL * config.learning_rate
        for k in range(self.last + 1):
            if k:
                scheduler.step(self.metric[k - 1])
            logged = self.groups[k]
            if logged is None:
                continue
            lr = group["lr"]
            if lr < logged[1] - tol:
                return k, -1
            if lr > logged[0] + tol:
                return k, 1
        return len(self.groups), 0

    def changes(self) -> list[tuple[int, int, str]]:
        """Each change of the logged LR: the first and last evaluation (0-based) that may have made
        it, and its kind (cut, raise, or reset: greedy's return to the first LR)."""
        known = [(k, g[0]) for k, g in enumerate(self.groups) if g is not None]
        start = known[0][1]
        out = []
        for (i, a), (j, b) in pairwise(known):
            if not math.isclose(a, b, rel_tol=SAME):
                kind = "cut" if b < a else "reset" if b == start else "raise"
                out.append((i, j - 1, kind))
        return out


def infer_metric_driven(
    lr_steps: Sequence[int],
    lrs: Sequence[float],
    metric_steps: Sequence[int],
    metric_values: Sequence[float],
    max_steps: int | None = None,
) -> Fit | None:
    """The `reduce_lr_on_plateau` or `greedy` settings whose replay with the logged metric
    (`simulate`: the evaluation at step e sets the LR of updates e + 1 onwards) reproduces the
    logged LR; the closest when none does. None when the LR does not change in discrete steps by
    one factor, or no evaluation falls within the run.

    Searched: `factor` (read off the drops), `mode`, `threshold_mode`, `patience` and `cooldown`
    (greedy's `warmup`) up to what the spacing of the changes allows, `threshold` on a log-spaced
    grid (then bisected), `min_lr` (the default or the lowest LR; greedy's `max_lr` likewise).
    Raises `NoFit` for too few logged values."""
    pairs = logged_pairs(lr_steps, lrs)
    n = run_length(pairs, max_steps)
    drops = drops_of(pairs)
    if drops is None:
        return None
    return fit_metric_driven(pairs, drops, evaluations(metric_steps, metric_values, n), n)


def fit_metric_driven(pairs, drops: Drops, evals, n: int) -> Fit | None:
    if not evals:
        return None
    replay = _Replay(pairs, evals)
    scored: list[tuple[tuple[int, int], dict, str, list]] = []  # (best score, structure, type, grid results)
    replays = 0
    for name in drops.names:
        for structure in _structures(name, drops, replay):
            if replays > MAX_REPLAYS:
                break
            results = []
            for threshold in _thresholds(name, structure, evals):
                config = _metric_config(name, drops, n, {**structure, "threshold": threshold})
                score = replay.score(config)
                replays += 1
                if score[1] == 0 and score[0] > 0:
                    return _finish(config, pairs, evals)
                results.append((threshold, score))
            scored.append((max(score for _, score in results), structure, name, results))
    scored.sort(key=lambda x: -x[0][0])  # stable: transformers' defaults first among equals
    for _, structure, name, results in scored[:REFINED]:
        config = _bisect(name, drops, n, structure, results, replay)
        if config is not None:
            return _finish(config, pairs, evals)
    if not scored:
        return None
    _, structure, name, results = scored[0]
    threshold = max(results, key=lambda r: r[1][0])[0]
    config = _metric_config(name, drops, n, {**structure, "threshold": threshold})
    return None if config is None else _finish(config, pairs, evals)


def _defaults(name: str) -> dict[str, object]:
    return {spec.name: spec.default for spec in registry.info(name).kwargs}


def _metric_config(name: str, drops: Drops, n: int, candidate: dict) -> ScheduleConfig | None:
    """`candidate`: the kwargs but `factor`, and the `learning_rate`; None when not valid."""
    kwargs = {k: v for k, v in candidate.items() if k != "learning_rate"}
    try:
        return ScheduleConfig(
            lr_scheduler_type=name,
            learning_rate=candidate["learning_rate"],
            max_steps=n,
            lr_scheduler_kwargs={"factor": drops.factor, **kwargs},
        )
    except ConfigError:
        return None


def _structures(name: str, drops: Drops, replay: _Replay) -> Iterator[dict]:
    """Every candidate's kwargs but the threshold, transformers' defaults first.

    The log bounds the counts: the first change comes after at least patience + 1 evaluations, and
    a cut is followed by at least cooldown + patience + 1 before the next change (greedy's raise
    by warmup + patience + 1)."""
    defaults = _defaults(name)
    greedy = scheduler_types.of(name).raises  # greedy's warmup and max_lr bound its raises
    changes = replay.changes()
    evals = len(replay.metric)
    patience_max = min(MAX_COUNT, changes[0][1] if changes else evals)
    after = {"cut": [MAX_COUNT + 1], "raise": [MAX_COUNT + 1], "reset": [MAX_COUNT + 1]}
    for (lo, _, kind), (_, hi, _) in pairwise(changes):
        after[kind].append(hi - lo)
    gap = {kind: min(gaps) for kind, gaps in after.items()}
    patience_max = min(patience_max, *(g - 1 for g in gap.values()))
    kinds = {kind for _, _, kind in changes}
    low, high = min(drops.levels), max(drops.levels)
    min_lrs = [defaults["min_lr"]] if defaults["min_lr"] <= low * (1 + REL_TOL) else [0.0]
    min_lrs += [] if low in min_lrs else [low]
    max_lrs = [None]
    if greedy:
        max_lrs = ([defaults["max_lr"]] if defaults["max_lr"] >= high else []) + [high]
    threshold_modes = (defaults["threshold_mode"], *({"rel", "abs"} - {defaults["threshold_mode"]}))
    # the first logged LR is learning_rate, unless an evaluation came before it
    lrs = [drops.levels[0]]
    if replay.groups[0] is None:
        lrs += [drops.levels[0] / drops.factor, *([drops.levels[0] * drops.factor] if greedy else [])]
    for lr, mode, threshold_mode, min_lr, max_lr in product(lrs, ("min", "max"), threshold_modes, min_lrs, max_lrs):
        for patience in sorted(range(patience_max + 1), key=lambda p: (p != defaults["patience"], p)):
            cooldowns = range(gap["cut"] - patience) if "cut" in kinds else [0]
            warmups = range(gap["raise"] - patience) if greedy and "raise" in kinds else [0]
            for cooldown, warmup in product(cooldowns, warmups):
                kwargs = {"learning_rate": lr, "mode": mode, "threshold_mode": threshold_mode, "patience": patience}
                kwargs |= {"cooldown": cooldown, "min_lr": min_lr}
                if greedy:
                    kwargs |= {"warmup": warmup, "max_lr": max_lr}
                yield kwargs


def _thresholds(name: str, structure: dict, evals) -> list[float]:
    """transformers' default first, then 0 and 1, 2, 3, 5 × powers of ten: up to 0.5 for a
    relative threshold, up to the metric's largest value for an absolute one."""
    default = _defaults(name)["threshold"]
    if structure["threshold_mode"] == "rel":
        top = -1
    else:
        largest = max(abs(v) for _, v in evals) or 1.0
        top = math.ceil(math.log10(largest))
    grid = [m * 10.0**e for e in range(-7, top + 1) for m in MANTISSAS]
    grid = [float(f"{x:.3g}") for x in grid]
    return [default, *(x for x in [0.0, *grid] if x != default)]


def _bisect(name, drops, n, structure, results, replay: _Replay) -> ScheduleConfig | None:
    """Between two grid thresholds where the replay misses in opposite directions (its LR too high
    below, too low above: a higher threshold counts fewer improvements), bisect to a threshold
    whose replay reproduces the log."""
    ordered = sorted(results)
    for (a, (_, da)), (b, (_, db)) in pairwise(ordered):
        if not (da == 1 and db == -1):
            continue
        for _ in range(BISECTIONS):
            middle = math.sqrt(a * b) if a > 0 else b / 2
            if not a < middle < b:
                break
            config = _metric_config(name, drops, n, {**structure, "threshold": middle})
            score, direction = replay.score(config)
            if direction == 0 and score > 0:
                return config
            a, b = (middle, b) if direction == 1 else (a, middle)
    return None


def _finish(config: ScheduleConfig, pairs, evals) -> Fit:
    """The fit checked with `simulate` on every logged step, with round numbers (`fit.polish`)."""
    return polish(config, lambda trial: _replay_error(trial, pairs, evals), len(pairs))


def _replay_error(config: ScheduleConfig, pairs, evals) -> float:
    try:
        ours = simulate(config, [s for s, _ in evals], [v for _, v in evals]).lrs([s for s, _ in pairs])
    except ConfigError:
        return math.inf
    logged = [v for _, v in pairs]
    return max_error(Written.of(logged), logged, ours, config.learning_rate)
