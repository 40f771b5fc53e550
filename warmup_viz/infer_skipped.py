"""Logged learning rates of a run whose optimizer skipped updates -> the settings and the skips.

With a loss scaler (fp16), an update whose gradients overflow is skipped, and Trainer steps the
scheduler only after an update that ran: update `s` trains with `learning_rate × λ(s − 1 − K(s))`,
`K(s)` the updates skipped before `s` (`run.Skipped`). The log then trails its schedule by a lag
that grows 0 → 1 → 3 … and no setting alone reproduces it.

`lags` reads the lag off a log for a given schedule: each logged value must be the schedule's value
at one whole update, the lag never falling and growing by at most the updates between two logged
steps (a scan over whole lags, values compared as they were written). `fit_skipped` finds the
schedule: the peak `learning_rate` and the warmup's slope give `learning_rate` and the warmup
length, each step-based type at its defaults (and the closest ordinary fit) gives the rest, and
only a schedule whose lags reproduce every logged value is taken.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import registry, scheduler_types
from .config import ConfigError, ScheduleConfig
from .fit import Fit
from .run import Convention, Planned, Run, Skipped
from .written import Written, first_difference

MAX_LAG = 4096  # skipped updates a run may have before it is not taken for a skipping one
SKIPS_BEFORE_FIRST = 8  # updates a log that shows no warmup may have skipped before its first logged step
MAX_PLATEAU = 16  # a value logged this many more times in a row may be skips; more is the schedule's own


def lags(run: Run, pairs: Sequence[tuple[int, float]], written: Written, shift: int = 0) -> tuple[int, ...] | None:
    """The updates `run`'s optimizer skipped for the log `pairs` (ascending `(step, lr)`) to be
    what it logged (`shift`: 1 for a log written the older way), or None when no lags do."""
    scale = run.config.learning_rate
    n = run.max_steps
    cache: dict[int, float] = {}
    if isinstance(run, Planned) and run.base_lr is None:
        from .lr_schedule import build

        lam = build(run.config).lr_lambda

        def used(update: int) -> float:
            return scale * lam(update - 1)  # as Schedule.lrs computes it: the same float
    else:

        def used(update: int) -> float:
            return run.used([update])[0]

    def value(update: int) -> float:
        if update not in cache:
            try:
                cache[update] = used(update)
            except (ArithmeticError, ValueError, TypeError):
                cache[update] = math.nan
        return cache[update]

    intervals: list[tuple[int, int]] = []
    lo = hi = 0
    previous = 0
    for s, v in pairs:
        u = s + shift  # the update whose LR step s logs
        if u > n + shift:
            return None
        top = min(hi + (s - previous), u - 1, MAX_LAG)
        # the lags that fit are one run of them (a flat stretch fits any): find its two ends
        lo = next((lag for lag in range(lo, top + 1) if written.same(v, value(u - lag), scale)), None)
        if lo is None:
            return None
        if written.same(v, value(u - top), scale):
            hi = top  # a flat stretch: every lag up to the top fits
        else:
            hi = lo
            while hi < top and written.same(v, value(u - hi - 1), scale):
                hi += 1
        intervals.append((lo, hi))
        previous = s
    # one lag at each logged step: the smallest at the last, then as small as the next allows
    chosen = [0] * len(pairs)
    chosen[-1] = intervals[-1][0]
    for i in range(len(pairs) - 2, -1, -1):
        gap = pairs[i + 1][0] - pairs[i][0]
        chosen[i] = min(max(intervals[i][0], chosen[i + 1] - gap), chosen[i + 1], intervals[i][1])
    skipped: list[int] = []
    before, since = 0, 1
    for (s, _), lag in zip(pairs, chosen, strict=True):
        skipped += range(since, since + lag - before)  # the earliest updates that give the lag
        before, since = lag, s + shift
    return tuple(skipped)


def skipped_run(config: ScheduleConfig, pairs, written: Written, convention: Convention) -> Skipped | None:
    """`config`'s run with the skips that reproduce `pairs` exactly, as a log with `convention`
    holds it (no skips when none are needed); None when no skips do."""
    try:
        planned = Planned(config)
    except ConfigError:
        return None
    found = lags(planned, pairs, written, convention.shift)
    if found is None:
        return None
    run = Skipped(planned, found)
    from .run import with_convention

    values = [v for _, v in pairs]
    ours = with_convention(run, convention).logged([s for s, _ in pairs])
    return run if first_difference(written, values, ours, config.learning_rate) is None else None


def _plain_run(config: ScheduleConfig, pairs, written: Written, convention: Convention) -> Skipped | None:
    """`config`'s run (no skips) when it gives `pairs` exactly as a log with `convention` holds it
    (step `s` holding update `s + shift`'s LR); its first and last values are compared first."""
    from .lr_schedule import build

    shift, lr = convention.shift, config.learning_rate
    try:
        schedule = build(config)
        if not all(written.same(v, schedule.lrs([s + shift])[0], lr) for s, v in (pairs[0], pairs[-1])):
            return None
        ours = schedule.lrs([s + shift for s, _ in pairs])
    except (ConfigError, ArithmeticError, ValueError, TypeError):
        return None
    same = first_difference(written, [v for _, v in pairs], ours, lr) is None
    return Skipped(Planned(config), ()) if same else None


def delagged(pairs: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """`pairs` with the skips that show taken out: a value logged again at the next logged step
    (a short plateau, where the schedule moves on every update) is a skipped update; each later
    step is moved back by the skips before it. A long plateau (a constant or stable phase) is the
    schedule's own and kept. The same list when nothing shows."""
    out: list[tuple[int, float]] = []
    lag = 0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][1] == pairs[i][1]:
            j += 1
        s, v = pairs[i]
        if 0 < j - i <= MAX_PLATEAU and j + 1 < len(pairs):
            out.append((s - lag, v))
            lag += pairs[j][0] - s  # every update from s to the plateau's last step was skipped
        else:
            out += [(t - lag, x) for t, x in pairs[i : j + 1]]
        i = j + 1
    return out


def fit_read_off(
    pairs: list[tuple[int, float]],
    n: int,
    closest: Sequence[Fit] = (),
    skips: bool = True,
    learning_rate: float | None = None,
    convention: Convention | None = None,
    tool: bool = False,
) -> Fit | None:
    """The schedule (and skipped updates) that reproduce `pairs` exactly, read off the log
    without a search: `closest` fits as they are, then their types and kwargs and every step-based
    type at transformers' defaults, at the learning_rate and warmup the rise gives; a schedule
    without skips before one with, today's logging convention before the older. None when none
    does. `skips=False`: only a schedule without skipped updates (quicker); `learning_rate` and
    `convention`: only a schedule with them. `tool`: a tool's own schedulers instead (axolotl's),
    which `infer` tries once transformers' types have none."""
    written = Written.of([v for _, v in pairs])
    peak = max(v for _, v in pairs)
    skipping: Fit | None = None
    ways = tuple(Convention) if convention is None else (convention,)
    for way in ways:
        if tool:
            candidates = _tool_candidates(pairs, n, peak)
        else:
            candidates = _candidates(pairs, n, peak, closest, way, skips, written)
        for config in candidates:
            if learning_rate is not None and config.learning_rate != learning_rate:
                continue
            run = skipped_run(config, pairs, written, way) if skips else _plain_run(config, pairs, written, way)
            if run is None:
                continue
            fit = Fit(config, 0.0, True, len(pairs), logging_convention=way, skipped_steps=run.skipped)
            if not run.skipped:
                return fit
            skipping = skipping or fit
    return skipping


def _candidates(
    pairs, n: int, peak: float, closest: Sequence[Fit], convention: Convention, skips: bool, written: Written
):
    """Schedules to try: the closest fits as they are; then their types and kwargs, and every
    step-based type at transformers' defaults, at the (learning_rate, warmup) pairs the rise gives
    (or, for a log that shows no rise, that its first value gives)."""
    for fit in closest:
        if fit.config.total_steps == n:
            yield fit.config
    starts = starts_of(pairs, peak)
    shapes: list[tuple[str, dict]] = [(f.config.lr_scheduler_type, dict(f.config.lr_scheduler_kwargs)) for f in closest]
    shapes += [(name, {}) for name in registry.scheduler_names() if not registry.info(name).metric_driven]
    seen = set()
    for name, kwargs in shapes:
        unseen = _unseen_starts(name, kwargs, pairs, n, convention, skips, written) if pairs[0][1] == peak else []
        for warmup, lr in starts + unseen:
            key = (name, repr(sorted(kwargs.items())), warmup, lr)
            if key in seen:
                continue
            seen.add(key)
            try:
                yield ScheduleConfig(
                    lr_scheduler_type=name,
                    learning_rate=lr,
                    warmup_steps=warmup,
                    max_steps=n,
                    lr_scheduler_kwargs=kwargs,
                )
            except ConfigError:
                continue


# axolotl's own schedulers (tool_schedulers), tried after every transformers type: their
# arguments read off the log (the floor over the peak, where the floor starts)
_AXOLOTL_SHAPES = (
    {"cosine_min_lr_ratio": None},
    {"alternate_lr_scheduler_type": "rex"},
    {"alternate_lr_scheduler_type": "one_cycle"},
    {"lr_quadratic_warmup": True},
    {"alternate_lr_scheduler_type": "rex", "cosine_min_lr_ratio": None},
    {"cosine_min_lr_ratio": None, "cosine_constant_lr_ratio": None},
)


def _tool_candidates(pairs, n: int, peak: float):
    """axolotl's own schedulers at the learning_rate of the peak and the warmups around it (its
    quadratic warmup and RexLR's one-step-later epoch do not rise as a LambdaLR's linear warmup)."""
    own = scheduler_types.tool_own_type("axolotl")
    starts = starts_of(pairs, peak)
    top = next(s for s, v in pairs if v == peak)
    warmups = sorted(
        {w for w, _ in starts} | {max(top + d, 0) for d in (-1, 0, 1)} | ({0} if top == pairs[0][0] else set())
    )
    after = [(s, v) for s, v in pairs if s >= top]
    floor = min(v for _, v in after)
    floors_at = [s for s, v in after if v == floor]
    for lr in round_lr(peak):
        ratios = sorted({float(f"{floor / lr:.{d}g}") for d in (1, 2, 3)} - {0.0}) if floor > 0 else []
        # the floor starts at index int(n × ratio): the roundest ratios whose count lands there first
        at = (floors_at[0] - 1) / n
        constants = list(dict.fromkeys(f(at * 10**d) / 10**d for d in (1, 2, 3) for f in (round, math.ceil)))
        for shape in _AXOLOTL_SHAPES:
            for ratio in ratios if "cosine_min_lr_ratio" in shape else [None]:
                for constant in constants if "cosine_constant_lr_ratio" in shape else [None]:
                    args = {**shape, "cosine_min_lr_ratio": ratio, "cosine_constant_lr_ratio": constant}
                    args = {k: v for k, v in args.items() if v is not None}
                    for warmup in warmups[:MAX_TOOL_WARMUPS]:
                        try:
                            yield ScheduleConfig(
                                tool="axolotl",
                                lr_scheduler_type=own,
                                learning_rate=lr,
                                warmup_steps=warmup,
                                max_steps=n,
                                tool_args=args,
                            )
                        except ConfigError:
                            continue


MAX_TOOL_WARMUPS = 8


def starts_of(pairs, peak: float) -> list[tuple[int, float]]:
    """(warmup, learning_rate) pairs the rise gives. A linear warmup rises by `slope =
    learning_rate / warmup` an update: the steepest rise between two logged steps before the peak
    (one with no skip between them). The peak is `learning_rate` when the log holds the warmup's
    end (`peak / slope` whole); otherwise `learning_rate = slope × warmup` for the warmups that
    end before the first logged step past the peak, written round. (0, the first value) when the
    log starts at its peak."""
    top = next(i for i, (_, v) in enumerate(pairs) if v == peak)
    rises = [(v2 - v1) / (s2 - s1) for (s1, v1), (s2, v2) in zip(pairs[:top], pairs[1 : top + 1], strict=True)]
    slope = max(rises, default=0.0)
    if not slope > 0:
        return [(0, lr) for lr in round_lr(pairs[0][1])]
    w = peak / slope
    if not math.isfinite(w) or w > 10**9:
        return []
    found = [(max(round(w) + d, 1), lr) for d in (0, -1, 1) for lr in round_lr(peak)]
    gap = pairs[top + 1][0] - pairs[top][0] if top + 1 < len(pairs) else 0
    for warmup in range(math.ceil(w), math.ceil(w) + min(gap, 64) + 1):
        found += [(warmup, lr) for lr in round_lr(slope * warmup, exact=False)]
    return found


def _unseen_starts(
    name: str, kwargs: dict, pairs, n: int, convention: Convention, skips: bool, written: Written
) -> list[tuple[int, float]]:
    """(warmup, learning_rate) pairs for a log that starts past its warmup (its first value is
    not its peak): for each warmup a person would set (none, a few steps, a round count, a round
    ratio of `max_steps`) ending before the first logged update, the `learning_rate` that gives
    the first value, taken only when it is round (to 1-3 significant digits) within what a few
    skipped updates before that step would move it. Without skips, the last logged value must
    come out too (a constant type gives the first value at every warmup)."""
    s, v = pairs[0]
    last, v_last = pairs[-1][0] + convention.shift, pairs[-1][1]
    if not v > 0:
        return []  # nothing but zeros: no learning_rate to read
    u = s + convention.shift  # the update whose LR the first logged value is
    counts = set(range(min(u, 17)))
    # round counts: every 10 up to 500, every 50 up to 2,000, every 100 up to 5,000, then every 1,000
    for every, top in ((10, 500), (50, 2000), (100, 5000), (1000, u)):
        counts |= set(range(every, min(u, top + 1), every))
    counts |= {f(n * k / 100) for k in range(1, 31) for f in (math.ceil, int)}
    found: list[tuple[int, float]] = []
    for warmup in sorted(c for c in counts if 0 <= c < u):
        try:
            lam = lambda_of(name, kwargs, warmup, n)
            at, near = lam(u - 1), lam(max(u - 1 - (SKIPS_BEFORE_FIRST if skips else 0), 0))
        except (ConfigError, ArithmeticError, ValueError, TypeError):
            continue
        if not (at > 0 and math.isfinite(at)):
            continue
        estimate = v / at
        tolerance = abs(near - at) / at + 1e-9
        for d in (1, 2, 3):
            lr = float(f"{estimate:.{d}g}")
            if abs(lr / estimate - 1) <= tolerance:
                if skips or written.same(v_last, lr * lam(last - 1), lr):
                    found.append((warmup, lr))
                break
    return found


def lambda_of(name: str, kwargs: dict, warmup: int, n: int):
    """λ of `name` with `kwargs`, `warmup` and `n` steps, as transformers builds it."""
    from .lr_schedule import build

    config = ScheduleConfig(
        lr_scheduler_type=name, learning_rate=1.0, warmup_steps=warmup, max_steps=n, lr_scheduler_kwargs=kwargs
    )
    return build(config).lr_lambda


def round_lr(lr: float, exact: bool = True) -> list[float]:
    """`lr` written round (6, 3, 9 and 12 significant digits), and as it is when `exact`."""
    return list(dict.fromkeys([float(f"{lr:.{d}g}") for d in (6, 3, 9, 12)] + ([lr] if exact else [])))
