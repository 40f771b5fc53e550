"""Logged learning rates of a run resumed from a checkpoint -> where, how, and both runs' settings.

A resumed run's log holds the first run's values up to the checkpoint's global step `k`, then the
resumed run's (`resume`): with the scheduler restored, `learning_rate_first × λ_new` at the global
step; from a checkpoint without scheduler state, a new scheduler from step `k`. Where the settings
changed the LR jumps or bends there, and no single schedule gives the log.

`fit_resumed` splits the log where it jumps up or bends, reads the part after the split off as
one schedule (at global steps for a restored scheduler, from `k` for a new one), and takes the
split only when the part before it is explained too: by one schedule (whose `max_steps` is the
log's, or where its decay reaches zero), or by another resume before it (a run resumed again and
again). The answer is checked on every value with the run it describes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from . import registry
from .config import ConfigError
from .fit import Fit, Resumed
from .infer_skipped import fit_read_off, lambda_of, starts_of
from .messages import Note
from .run import Convention
from .steps import checkpoint_name
from .written import Written, first_difference

MAX_SPLITS = 4  # where a log bends most, tried as the resume at each level
MAX_RESUMES = 64  # resumes in a row a log may hold
MAX_RESTART_STEPS = 4  # checkpoint steps tried for a new scheduler between two logged steps, roundest first
MAX_LENGTHS = 4  # max_steps solved for a run before a split
CHECKED = 4  # logged values at the end of a run before a split a solved max_steps must give
MAX_READ_OFFS = 160  # schedules read off parts of one log at most (a few seconds)
BEND = 0.05  # a change in the LR's slope this large (relative) is a bend, not the schedule's curve


def fit_resumed(pairs: list[tuple[int, float]], n: int) -> Fit | None:
    """The resumed run (or runs) that give `pairs` (ascending `(step, lr)`, the last run's
    `max_steps` `n`) exactly, with a hint saying where; None when no resume explains it."""
    fit = _Search(pairs).explain(len(pairs), n, MAX_RESUMES)
    if fit is None or fit.resumed is None:
        return None
    values = [v for _, v in pairs]
    written = Written.of(values)
    ours = fit.run().logged([s for s, _ in pairs])
    if first_difference(written, values, ours, fit.config.learning_rate) is not None:
        return None
    return replace(fit, points=len(pairs), hint=resumed_note(fit))


def resumed_note(fit: Fit) -> Note:
    """What a person should know of a resumed fit: from which checkpoint, how, how many times."""
    assert fit.resumed is not None
    r, count = fit.resumed, len(fit.earlier_runs())
    key = ("infer.resumed" if r.restored else "infer.restarted") if count == 1 else "infer.resumed_again"
    return Note(key, {"checkpoint": checkpoint_name(r.global_step), "step": r.global_step, "count": count})


class _Search:
    """The splits of one log, each part explained once (`explain` of the first `end` pairs with
    `max_steps` n, as one run or as resumed ones, is remembered), within a budget of read-offs."""

    def __init__(self, pairs: list[tuple[int, float]]):
        self.pairs = pairs
        self.known: dict[tuple[int, int, bool], Fit | None] = {}
        self.solved: dict[int, list[int]] = {}  # _solved_lengths of the run before a split
        self.read: dict[tuple, Fit | None] = {}  # read_off's answers
        self.left = MAX_READ_OFFS

    def read_off(
        self,
        start: int,
        end: int,
        n: int,
        learning_rate: float | None = None,
        convention: Convention | None = None,
        origin: int = 0,
    ) -> Fit | None:
        """One schedule (without skips) that gives the pairs from `start` to `end` exactly (their
        steps counted from `origin`: a new scheduler's), or None; with `learning_rate` and
        `convention` when they are known (a restored scheduler keeps the first run's). Each is
        read once; a part whose LR rises again after falling is no one schedule at defaults."""
        key = (start, end, n, learning_rate, convention, origin)
        if key in self.read:
            return self.read[key]
        pairs = [(s - origin, v) for s, v in self.pairs[start:end]]
        if jumps_up(pairs) or self.left <= 0:
            return None
        self.left -= 1
        self.read[key] = fit_read_off(pairs, n, skips=False, learning_rate=learning_rate, convention=convention)
        return self.read[key]

    def explain(self, end: int, n: int, depth: int) -> Fit | None:
        """One schedule that gives the first `end` pairs, or a resume whose parts are explained."""
        key = (end, n, depth > 0)
        if key not in self.known and self.left <= 0:
            return None
        if key not in self.known:
            self.known[key] = None  # a part is not its own explanation
            self.known[key] = self._explain(end, n, depth)
        return self.known[key]

    def _explain(self, end: int, n: int, depth: int) -> Fit | None:
        plain = self.read_off(0, end, n)
        if plain is not None or depth == 0:
            return plain
        jumps, bends = _splits(self.pairs[:end])
        # a new scheduler's warmup starts low: its first value can be the dip before the jump
        around = [j for i in jumps for j in (i, i - 1)]
        splits = [i for i in dict.fromkeys([*around, *bends]) if end - i >= 2 and i >= 1]
        # the fewest resumes: every split with one plain run before it, then with resumed ones
        for deeper in (1, depth) if depth > 1 else (1,):
            for i in splits:
                for fit in self._resumes(i, end, n, deeper, restart=i in around):
                    return fit
        return None

    def _resumes(self, i: int, end: int, n: int, depth: int, restart: bool) -> Iterator[Fit]:
        """Resumed runs whose values after the split at `i` are the log's: the scheduler restored
        (at global steps, the first run's learning_rate); after a jump up, a new scheduler from a
        checkpoint step between the split's two logged steps. For a restored scheduler the part
        after the split is read off alone first: only where it is one schedule are the runs before
        it looked for."""
        (last_before, _), (first_after, value) = self.pairs[i - 1], self.pairs[i]
        # a restored scheduler is past its first update: its LR is 0 only where its decay ended
        rises = value == 0 and any(v > 0 for _, v in self.pairs[i:end])
        if not rises and self.read_off(i, end, n) is not None:
            for first in self._first_runs(i, n, depth):
                convention = first.logging_convention
                later = self.read_off(i, end, n, first.config.learning_rate, convention)
                # the new lambda shows from step k + 2 (k + 1 for a log one update ahead)
                steps = range(max(last_before - 1 + convention.shift, 1), first_after - 1 + convention.shift)
                if later is not None and steps:
                    k = _round_step(steps)
                    yield replace(later, resumed=Resumed(k, True, first, _next_lr(first, k)))
        if not restart:
            return
        if next(self._first_runs(i, n, depth), None) is None:
            return  # (found once, remembered) no run before the split: no checkpoint step to try
        for k in sorted(range(last_before, first_after), key=_roundness)[:MAX_RESTART_STEPS]:
            for first in self._first_runs(i, n, depth):
                again = self.read_off(i, end, n, None, first.logging_convention, origin=k)
                if again is not None:
                    yield replace(again, resumed=Resumed(k, False, first, None))

    def _first_runs(self, i: int, n: int, depth: int) -> Iterator[Fit]:
        """The runs (or resumed runs) that give the log before the split at `i`: their `max_steps`
        where the decay reaches zero, the log's (`n`), or where a type's decay passes the last
        value."""
        before = self.pairs[:i]
        tried = set()
        for m in self._lengths(i, n):
            if self.left <= 0:
                return
            if m >= before[-1][0] and m not in tried:
                tried.add(m)
                fit = self.explain(i, m, depth - 1)
                if fit is not None:
                    yield fit

    def _lengths(self, i: int, n: int) -> Iterator[int]:
        """`_lengths`, then `n`, then `_solved_lengths` of the run before the split at `i` (the
        last worked out once, when reached)."""
        before = self.pairs[:i]
        yield from _lengths(before)
        yield n
        if i not in self.solved:
            self.solved[i] = _solved_lengths(before)
        yield from self.solved[i]


def _lengths(pairs) -> list[int]:
    """`max_steps` a run that logged `pairs` and stopped may have had: where the last two values'
    line reaches zero (a decay's end), nearby and written round; the last step itself."""
    (s1, v1), (s2, v2) = pairs[-2] if len(pairs) > 1 else pairs[-1], pairs[-1]
    found = []
    if v1 > v2 >= 0 and s2 > s1:
        end = s2 + v2 * (s2 - s1) / (v1 - v2)
        if math.isfinite(end) and end < 10**9:
            e = round(end)
            found += [e + d for d in (0, 1, -1, 2, -2)]
            found += [round(end, -d) for d in (1, 2, 3) if round(end, -d) >= s2]
    found.append(s2)
    return [m for m in dict.fromkeys(int(x) for x in found) if m >= s2]


def _solved_lengths(pairs) -> list[int]:
    """`max_steps` at which a step-based type at its defaults, with the learning_rate and warmup
    the rise gives, has the last logged value at the last logged step (either logging
    convention), kept when that schedule gives the last few logged values exactly: a run whose
    decay had not reached its end."""
    (s, v), peak = pairs[-1], max(x for _, x in pairs)
    if not 0 < v < peak:
        return []
    written = Written.of([x for _, x in pairs])
    tail = pairs[-CHECKED:]
    found: list[int] = []
    for name in registry.scheduler_names():
        if registry.info(name).metric_driven:
            continue
        for warmup, lr in starts_of(pairs, peak)[:3]:
            for shift in (0, 1):
                m = _crossing(name, warmup, lr, s - 1 + shift, v)
                for x in () if m is None else (m, m - 1, m + 1):
                    try:
                        lam = lambda_of(name, {}, warmup, x)
                        if all(written.same(y, lr * lam(t - 1 + shift), lr) for t, y in tail):
                            found.append(x)
                    except (ConfigError, ArithmeticError, ValueError, TypeError):
                        continue
    return list(dict.fromkeys(found))[:MAX_LENGTHS]


def _crossing(name: str, warmup: int, lr: float, at: int, value: float) -> int | None:
    """The fewest `max_steps` (from `at + 1` to 64 × that) at which `lr × λ(at)` reaches `value`
    (a decay is higher at a fixed step the longer it is), or None."""

    def reaches(m: int) -> bool | None:
        try:
            return lr * lambda_of(name, {}, warmup, m)(at) >= value
        except (ConfigError, ArithmeticError, ValueError, TypeError):
            return None

    lo, hi = at + 1, 64 * (at + 1)
    if reaches(hi) is not True or reaches(lo) is not False:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        got = reaches(mid)
        if got is None:
            return None
        lo, hi = (lo, mid) if got else (mid, hi)
    return hi


def _next_lr(first: Fit, k: int) -> float:
    """The LR update k + 1 trains with: the first run's (the restored optimizer's)."""
    return first.run().used([k + 1])[0]


def jumps_up(pairs: list[tuple[int, float]]) -> bool:
    """Whether the LR rises again after it fell (a restart, a resume, or restarts of the schedule)."""
    return bool(_splits(pairs)[0])


def _splits(pairs: list[tuple[int, float]]) -> tuple[list[int], list[int]]:
    """Where a resume may be: each place the LR jumps up after falling (latest first), and the
    bends where the slope per step changes most (most first)."""
    values = [v for _, v in pairs]
    fell = False
    jumps = []
    for i in range(1, len(pairs)):
        if values[i] < values[i - 1]:
            fell = True
        elif values[i] > values[i - 1] and fell:
            jumps.append(i)
    slopes = [(v2 - v1) / (s2 - s1) for (s1, v1), (s2, v2) in zip(pairs, pairs[1:], strict=False)]
    # the change of slope at each logged step; a schedule's own curve changes it little from one
    # step to the next, a resume with other settings at once: a change far above its neighbours'
    turns = [0.0, *(b - a for a, b in zip(slopes, slopes[1:], strict=False)), 0.0]
    bends = []
    for i in range(1, len(turns) - 1):
        here = abs(turns[i])
        around = max(abs(turns[i - 1]), abs(turns[i + 1]))
        scale = max(abs(slopes[i - 1]), abs(slopes[i]))
        if i not in jumps and here > BEND * scale and here > around:
            bends.append((here / (around + BEND * scale), i))
    # a bend at a logged step: the resume's first value is that step's or the next one's
    ordered = [j for _, i in sorted(bends, key=lambda b: (-b[0], -b[1]))[:MAX_SPLITS] for j in (i + 1, i)]
    return list(reversed(jumps))[:MAX_SPLITS], list(dict.fromkeys(ordered))


def _roundness(step: int) -> tuple[int, int]:
    """Checkpoints are saved every save_steps: the roundest step first, then the earliest."""
    text = str(step)
    return (-(len(text) - len(text.rstrip("0"))), step)


def _round_step(steps: range) -> int:
    return min(steps, key=_roundness)
