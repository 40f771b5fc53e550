"""Logged learning rates -> the settings whose schedule reproduces them.

For each step-based scheduler type: `max_steps` is the log's own (a trainer_state.json records
it) or its last step; the warmup end is read off where the LR first peaks; the scale
(`learning_rate`) is read off the best-conditioned point; kwargs are searched from transformers'
defaults outward (a grid, then golden-section refinement for floats). Every candidate is judged
by the largest relative error over the logged steps, `|logged − ours| / learning_rate`; the
winner is checked on every point against the values as the log wrote them (`written.Written`): an
HF Trainer run is reproduced exactly, to the float written; anything else gets its best fit.

An LR that changes in discrete steps by one factor is metric-driven (`reduce_lr_on_plateau`,
`greedy`): given the run's evaluated metric, their settings are searched by replaying it with
transformers' own scheduler until the replay reproduces every logged LR (`infer_metric_driven`);
without it, the best step-based fit carries a `hint` saying so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product

from . import registry, scheduler_types
from .config import ConfigError, ScheduleConfig
from .fit import Fit, NoFit, logged_pairs, polish, run_length
from .infer_deepspeed import curved_rise, fit_deepspeed
from .infer_jagged import fit_jagged
from .infer_metric import drops_of, evaluations, fit_metric_driven
from .infer_resume import fit_resumed, jumps_up
from .infer_skipped import delagged, fit_read_off
from .lr_schedule import REL_TOL, build
from .messages import Note
from .run import Convention, skipped_note
from .written import Written, digits, max_error

SAMPLE = 64  # points used while searching; the winner is checked on every point
MAX_GRID = 2000  # kwargs grids searched jointly up to this many combinations
MAX_WARMUP_CANDIDATES = 256
MAX_EVALUATIONS = 64_000  # logged values one type's search scores candidates on (~0.25 s) before it narrows
CLOSEST_WARMUP_CANDIDATES = 4  # for the closest curve to a metric-driven LR, no type of which fits
GOLDEN = (math.sqrt(5) - 1) / 2


def infer(
    steps: Sequence[int],
    lrs: Sequence[float],
    max_steps: int | None = None,
    metric: tuple[Sequence[int], Sequence[float]] | None = None,
) -> Fit:
    """The best-fitting schedule for logged `(step, learning_rate)` pairs (step `s` logs the LR
    update `s` used). `max_steps`: the run's, when the log records it. `metric`: the run's
    evaluated metric as `(steps, values)` (eval_loss), which steps `reduce_lr_on_plateau` and
    `greedy`.

    An LR that changes in discrete steps by one factor is metric-driven: with `metric`, the
    settings whose replay reproduces it (`infer_metric_driven`); without it (or when no replay
    does), the best step-based fit with a `hint` saying so. Raises `NoFit`."""
    pairs = logged_pairs(steps, lrs)
    n = run_length(pairs, max_steps)
    drops = drops_of(pairs)
    replayed = None
    if drops is None:
        # most logs are a type at its defaults: read off the rise, checked on every point, no search
        found = fit_read_off(pairs, n)
        if found is None and curved_rise(pairs):  # no transformers warmup is curved: DeepSpeed's log warmup
            found = fit_deepspeed(pairs, n)
        if found is None and jumps_up(pairs):  # a decay that starts again: most often a resume
            found = fit_resumed(pairs, n)
        if found is not None:
            return _said(found, pairs, n)
    if drops is not None and metric is not None:
        replayed = fit_metric_driven(pairs, drops, evaluations(*metric, n), n)
        if replayed is not None and replayed.exact:
            return replayed
    try:
        # a metric-driven LR gets a step-based fit only as the closest curve: a shorter search
        fit = _fit_step_based(pairs, n, MAX_WARMUP_CANDIDATES if drops is None else CLOSEST_WARMUP_CANDIDATES)
    except NoFit:
        if replayed is None:
            raise
        fit = replayed
    if drops is not None:
        return _metric_hint(fit, replayed, drops, metric)
    fit = _older_convention(fit, pairs, n)
    if fit.exact:
        return _without_warmup(fit, pairs, n) or fit
    # an fp16 run whose optimizer skipped updates: the LR trails its schedule by a growing lag
    closest = [fit]
    shown = delagged(pairs)
    if shown != pairs and len(shown) >= 2:  # skips show as short plateaus: the schedule without them
        try:
            closest.insert(0, _older_convention(_fit_step_based(shown, n), shown, n))
        except NoFit:
            pass
    found = fit_read_off(pairs, n, closest) or fit_read_off(pairs, n, tool=True) or fit_jagged(pairs, n)
    if found is not None:
        return _said(found, pairs, n)
    # a DeepSpeed config's scheduler block replaced lr_scheduler_type (a linear warmup, or a decay)
    # or a run resumed from a checkpoint with other settings
    return fit_deepspeed(pairs, n) or (None if jumps_up(pairs) else fit_resumed(pairs, n)) or fit


def _said(fit: Fit, pairs: list[tuple[int, float]], n: int) -> Fit:
    """An exact fit with what a person should know: the skips, or the logging convention (and
    another reading of the same values); a DeepSpeed scheduler's fit keeps its own hint."""
    k = fit.skipped_steps
    if fit.deepspeed is not None or fit.resumed is not None:
        return fit
    if k:
        return replace(fit, hint=skipped_note(k))
    unseen = _without_warmup(fit, pairs, n)
    if unseen is not None:
        return unseen
    if fit.logging_convention is Convention.BEFORE_4_51:
        today = _today_twin(fit, pairs, n)
        return replace(fit, hint=Note("infer.old_convention")) if today is None else _older_convention(today, pairs, n)
    return _older_convention(fit, pairs, n)


def _without_warmup(fit: Fit, pairs: list[tuple[int, float]], n: int) -> Fit | None:
    """When no logged step falls in the warmup, the values after it can come from more than one
    (learning_rate, warmup_steps): a linear decay is a line whatever the warmup. The same schedule
    without warmup (transformers' default) at a round learning_rate, when it reproduces every
    value and its learning_rate is rounder, with a hint naming both; else None."""
    c = fit.config
    at = [(s + fit.logging_convention.shift, v) for s, v in pairs]
    if c.num_warmup_steps == 0 or at[0][0] - 1 < c.num_warmup_steps:
        return None
    scored = _error(c.lr_scheduler_type, 0, n, dict(c.lr_scheduler_kwargs), _sample(at), Budget())
    if scored is None:
        return None
    for lr in dict.fromkeys(float(f"{scored[1]:.{d}g}") for d in (3, 6, 9)):
        config = _config(c.lr_scheduler_type, 0, n, dict(c.lr_scheduler_kwargs), lr)
        if config is None or digits(lr) >= digits(c.learning_rate) or _max_error(config, at) != 0:
            continue
        said = {"learning_rate": lr, "other": c.learning_rate, "warmup_steps": c.num_warmup_steps}
        return replace(fit, config=config, hint=Note("infer.warmup_unseen", said))
    return None


def _today_twin(fit: Fit, pairs: list[tuple[int, float]], n: int) -> Fit | None:
    """A type whose record names `fit` (read the older way) as its older reading, with the same
    values read today's way: `_older_convention` then says which reading is taken."""
    c = fit.config
    for name in registry.scheduler_names():
        reading = scheduler_types.of(name).older_reading
        if reading is None or reading(c.lr_scheduler_kwargs) is None:
            continue
        config = _config(name, int(c.warmup_steps), n, dict(c.lr_scheduler_kwargs), c.learning_rate)
        twin = reading(config.lr_scheduler_kwargs) if config is not None else None
        if twin is None or twin[0] != c.lr_scheduler_type or _max_error(config, pairs) != 0:
            continue
        return Fit(config, 0.0, True, len(pairs))
    return None


def _older_convention(fit: Fit, pairs: list[tuple[int, float]], n: int) -> Fit:
    """`fit`, or the fit of the same log as an older Trainer wrote it (step s logs what update
    s + 1 trained with) when that one reproduces the log and `fit` does not, or comes closer.
    An exact `fit` whose record names an older reading with the same values (today's
    cosine_warmup_with_min_lr is cosine_with_min_lr logged the older way; with a floor of 0,
    cosine) gets the reading with fewer kwargs, today's when as many, and a hint naming the other."""
    shifted = [(s + Convention.BEFORE_4_51.shift, v) for s, v in pairs]
    if fit.exact:
        reading = scheduler_types.of(fit.config.lr_scheduler_type).older_reading
        twin = reading(fit.config.lr_scheduler_kwargs) if reading else None
        if twin is None:
            return fit
        config = _config(twin[0], int(fit.config.warmup_steps), n, twin[1], fit.config.learning_rate)
        if config is None or _max_error(config, shifted) != 0:
            return fit
        if len(config.lr_scheduler_kwargs) >= len(fit.config.lr_scheduler_kwargs):
            return replace(fit, hint=Note("infer.also_old_convention", {"name": config.lr_scheduler_type}))
        other = Note("infer.also_new_convention", {"name": fit.config.lr_scheduler_type})
        written = Written.of([v for _, v in shifted])
        older = polish(config, lambda c: _max_error(c, shifted, written), len(pairs))
        return replace(older, logging_convention=Convention.BEFORE_4_51, hint=other)
    try:
        older = _fit_step_based(shifted, n)
    except NoFit:
        return fit
    if older.exact or older.max_relative_error < fit.max_relative_error:
        return replace(older, logging_convention=Convention.BEFORE_4_51, hint=Note("infer.old_convention"))
    return fit


def _metric_hint(fit: Fit, replayed: Fit | None, drops, metric) -> Fit:
    """The closer of a step-based fit and a replay of a metric-driven LR, with a hint saying so."""
    if replayed is not None and replayed.max_relative_error < fit.max_relative_error:
        fit = replayed
    if metric is None:
        return replace(fit, hint=Note("infer.needs_metric", {"factor": drops.factor, "types": drops.types}))
    return replace(fit, hint=Note("infer.no_replay", {"factor": drops.factor, "types": drops.types}))


def _fit_step_based(pairs: list[tuple[int, float]], n: int, warmups: int = MAX_WARMUP_CANDIDATES) -> Fit:
    """The best step-based type: the first (in transformers' order) that reproduces `pairs`, else
    the one with the smallest error. `warmups`: at most this many warmup lengths per type."""
    sample = _sample(pairs)
    best: Fit | None = None
    for name in registry.scheduler_names():
        if registry.info(name).metric_driven:
            continue
        budget = Budget()
        for i, warmup in enumerate(_warmup_candidates(pairs, name, warmups)):
            if i and budget.spent > MAX_EVALUATIONS:  # past its budget: the type's likelier warmups only
                break
            fit = _fit_type(name, warmup, n, sample, pairs, budget)
            if fit is not None and (best is None or fit.max_relative_error < best.max_relative_error):
                best = fit
            if best is not None and best.exact:  # within REL_TOL on the sample: check every point
                best = _polish(best, pairs)
                if best.exact:  # the first type (in transformers' order) that reproduces the log
                    return best
    if best is None:
        raise NoFit(Note("infer.none"))
    return _polish(best, pairs)


@dataclass
class Budget:
    """Logged values one type's search has scored candidates on (`MAX_EVALUATIONS`): a count, so
    answers do not depend on the machine's speed."""

    spent: int = 0


def _sample(pairs: list[tuple[int, float]]) -> list[tuple[int, float]]:
    if len(pairs) <= SAMPLE:
        return pairs
    peak = max(range(len(pairs)), key=lambda i: pairs[i][1])
    keep = {0, len(pairs) - 1, *range(max(0, peak - 3), min(len(pairs), peak + 4))}
    keep |= {round(i * (len(pairs) - 1) / (SAMPLE - 1)) for i in range(SAMPLE)}
    return [pairs[i] for i in sorted(keep)]


def _warmup_candidates(pairs: list[tuple[int, float]], name: str, limit: int = MAX_WARMUP_CANDIDATES) -> list[int]:
    """Warmup lengths consistent with where the LR first peaks: around the first local maximum
    (restarts can log a higher value later) and around the first global maximum."""
    if not registry.info(name).uses_warmup:
        return [0]
    top = max(v for _, v in pairs)
    first_top = next(i for i, (_, v) in enumerate(pairs) if v >= top * (1 - 1e-9))
    first_local = next((i for i in range(len(pairs) - 1) if pairs[i + 1][1] < pairs[i][1]), first_top)
    candidates: set[int] = set()
    # the first local maximum matters when it comes first (a restart can log a higher value later)
    for i in {first_top, min(first_top, first_local)}:
        before = pairs[i - 1][0] if i else 0
        candidates.update(range(max(0, before - 1), pairs[i][0] + 1))
        if i == 0:
            candidates.add(0)
    slope = _warmup_slope(pairs[: min(first_top, first_local)])
    if slope:
        # a linear warmup from 0 logs lr * (s - 1) / w, and lr >= every logged value: w >= top / slope
        floor = math.floor(top / slope * (1 - 1e-9))
        candidates = {w for w in candidates if w >= floor} or candidates
    ordered = sorted(candidates)
    if len(ordered) > limit:
        stride = len(ordered) / limit
        ordered = sorted({ordered[int(i * stride)] for i in range(limit)} | {ordered[0], ordered[-1]})
    # the likeliest first (a search on a budget may not reach the rest): nearest the slope's
    # warmup, else nearest the first peak's step
    likeliest = top / slope if slope else pairs[first_top][0]
    return sorted(ordered, key=lambda w: (abs(w - likeliest), w))


def _warmup_slope(rising: list[tuple[int, float]]) -> float | None:
    """lr / w when the points before the first peak lie on a line through (step 1, LR 0), as a
    linear warmup from 0 logs them; None otherwise (another warmup shape, or too few points)."""
    slopes = [v / (s - 1) for s, v in rising if s > 1 and v > 0]
    if len(slopes) < 2 or any(not math.isclose(x, slopes[0], rel_tol=1e-9) for x in slopes):
        return None
    return slopes[0]


def _config(name: str, warmup: int, n: int, kwargs: dict, learning_rate: float = 1.0) -> ScheduleConfig | None:
    try:
        return ScheduleConfig(
            lr_scheduler_type=name,
            learning_rate=learning_rate,
            warmup_steps=warmup,
            max_steps=n,
            lr_scheduler_kwargs={k: v for k, v in kwargs.items() if v is not None},
        )
    except ConfigError:
        return None


def _error(name: str, warmup: int, n: int, kwargs: dict, pairs, budget: Budget) -> tuple[float, float] | None:
    """(largest relative error, learning_rate) of one candidate over `pairs`."""
    budget.spent += len(pairs)
    lr = 1.0
    # a lambda that depends on the LR itself (polynomial's lr_end / lr): estimate, then rebuild with it
    for _ in range(3 if scheduler_types.of(name).lr_dependent else 1):
        config = _config(name, warmup, n, kwargs, lr)
        if config is None:
            return None
        try:
            lam = [x / lr for x in build(config).lrs([s for s, _ in pairs])]  # Schedule.lrs is lr × lambda
        except (ConfigError, ArithmeticError, ValueError):
            return None
        # the scale from the point where lambda is largest (the best conditioned)
        j = max(range(len(lam)), key=lam.__getitem__)
        if not lam[j] > 0 or not math.isfinite(lam[j]):
            return None
        lr = pairs[j][1] / lam[j]
        if not lr > 0 or not math.isfinite(lr):
            return None
    worst = max(abs(v - lr * x) for (_, v), x in zip(pairs, lam, strict=True)) / lr
    return worst, lr


def _fit_type(name: str, warmup: int, n: int, pairs, all_pairs, budget: Budget) -> Fit | None:
    record = scheduler_types.of(name)
    # values read off the data are searched over exactly (no refinement), before the rest
    read_off = [(kwarg, "grid", read(all_pairs, warmup, n)) for kwarg, read in record.read_off.items()]
    params = [*read_off, *((p.name, p.kind, list(p.grid)) for p in record.search)]
    best = (math.inf, {p: grid[0] for p, _, grid in params})
    grids = [grid for _, _, grid in params]
    if math.prod(len(g) for g in grids) <= MAX_GRID:
        # every combination of the grids: kwargs interact (WSD's decay length and floor)
        for values in product(*grids):
            trial = dict(zip([p for p, _, _ in params], values, strict=True))
            scored = _error(name, warmup, n, trial, pairs, budget)
            if scored and scored[0] < best[0]:
                best = (scored[0], trial)
    for _ in range(3):  # coordinate search and refinement, three times round
        for param, kind, grid in params:
            if best[0] <= REL_TOL:
                break
            for value in grid:
                trial = {**best[1], param: value}
                scored = _error(name, warmup, n, trial, pairs, budget)
                if scored and scored[0] < best[0]:
                    best = (scored[0], trial)
            if kind == "float":
                best = _golden(name, warmup, n, pairs, best, param, grid, budget)
            if kind == "int":
                best = _integer(name, warmup, n, pairs, best, param, grid, budget)
    if not math.isfinite(best[0]):
        return None
    error, lr = _error(name, warmup, n, best[1], pairs, budget)
    config = _config(name, warmup, n, best[1], lr)
    return None if config is None else Fit(config, error, error <= REL_TOL, len(pairs))


def _golden(name, warmup, n, pairs, best, param, grid, budget):
    """Refine a float kwarg around its best grid value by golden-section search."""
    values = sorted(v for v in grid if v is not None)
    x = best[1][param]
    i = values.index(x) if x in values else 0
    a = values[max(0, i - 1)]
    b = values[min(len(values) - 1, i + 1)]
    if a == b:
        return best

    def score(value):
        scored = _error(name, warmup, n, {**best[1], param: value}, pairs, budget)
        return scored[0] if scored else math.inf

    c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
    fc, fd = score(c), score(d)
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - GOLDEN * (b - a)
            fc = score(c)
        else:
            a, c, fc = c, d, fd
            d = a + GOLDEN * (b - a)
            fd = score(d)
    value, error = (c, fc) if fc < fd else (d, fd)
    return (error, {**best[1], param: value}) if error < best[0] else best


def _integer(name, warmup, n, pairs, best, param, grid, budget):
    """Refine an integer kwarg between its best grid value's neighbours (ternary search, then a scan)."""
    values = sorted(
        {1} | {v for v in grid if v is not None} | ({warmup or 10_000} if best[1][param] is None else set())
    )
    x = best[1][param] if best[1][param] is not None else (warmup or 10_000)
    i = values.index(x) if x in values else 0
    a, b = values[max(0, i - 1)], values[min(len(values) - 1, i + 1)]

    def score(value):
        scored = _error(name, warmup, n, {**best[1], param: value}, pairs, budget)
        return scored[0] if scored else math.inf

    while b - a > 8:
        m1, m2 = a + (b - a) // 3, b - (b - a) // 3
        if score(m1) < score(m2):
            b = m2
        else:
            a = m1
    value = min(range(a, b + 1), key=score)
    error = score(value)
    return (error, {**best[1], param: value}) if error < best[0] else best


def _polish(fit: Fit, pairs) -> Fit:
    """Check the winner on every point, written with round numbers where they are just as exact."""
    written = Written.of([v for _, v in pairs])  # once: polish scores a few dozen variants
    return polish(fit.config, lambda config: _max_error(config, pairs, written), len(pairs))


def _max_error(config: ScheduleConfig, pairs, written: Written | None = None) -> float:
    """0 when `config` reproduces every logged value as it was written (`written`, read off the
    values when not given), else the largest relative error."""
    try:
        ours = build(config).lrs([s for s, _ in pairs])
    except ConfigError:
        return math.inf
    logged = [v for _, v in pairs]
    return max_error(written or Written.of(logged), logged, ours, config.learning_rate)
