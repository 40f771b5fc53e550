"""Logged LR against the configured schedule -> a verdict; when they differ, the settings that
would match and what differs, named by setting.

The search for the cause starts from what the log itself states (trainer_state.json's
`max_steps`, `num_train_epochs`, `train_batch_size`), then tries one setting at a time
(the logging convention of transformers < 4.51, the warmup, the scheduler type, the peak, and,
where the log states the run's length, a scheduler made for a longer run), and last recovers the whole schedule from the logged values (`infer`) and names every setting that
differs. Every cause is checked: its settings reproduce every logged LR.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import registry, scheduler_types
from .config import ConfigError, ScheduleConfig
from .lr_schedule import REL_TOL, build
from .messages import Note, english, human
from .resume import detect_resume
from .run import Convention, Planned, Run, with_convention, with_skipped
from .steps import checkpoint_name, step_list, step_list_text
from .written import Written, first_difference

_WORLD_SIZES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256)
_ACCUMULATIONS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128)
# ratios a person writes, roundest first: 0.01 … 0.99, then halves of those, then thousandths
MAX_WARMUP_RATIO_SAID = 0.25
# warmup ratios a person writes, the roundest first (0.1 before 0.05 before 0.46 before 0.005)
_RATIOS = tuple(
    dict.fromkeys(
        [round(i / 10, 1) for i in range(1, 10)]
        + [round(i / 100, 2) for i in range(5, 100, 10)]
        + [round(i / 100, 2) for i in range(1, 100)]
        + [round(i / 200, 3) for i in range(1, 200)]
        + [round(i / 1000, 3) for i in range(1, 1000)]
    )
)

english(
    {
        "verdict.no_values": "the log has no learning_rate values to check",
        "verdict.matches": "matches at all {count} logged steps",
        "verdict.past_max_steps": "the log reaches step {last}, past max_steps={max_steps}",
        "verdict.differs": "differs from step {step}: logged {logged}, configured {configured}",
        "verdict.with_causes": "{verdict}. Likely cause: {causes}",
        "cause.convention": (
            "every value is shifted one step: transformers before 4.51 logged the LR of the next update "
            "(view these logs with the old convention)"
        ),
        "cause.max_steps": "max_steps: the run had {run} (you have {yours})",
        "cause.max_steps_epochs": "max_steps: the run had {run} (you get {yours}) — {settings} gives {run}",
        "cause.max_steps_past": (
            "max_steps: the log reaches step {last}, past your max_steps={yours} — check the epochs arithmetic "
            "(batches are sharded per process before accumulation)"
        ),
        "cause.warmup": "warmup_steps: the run warmed up for {run} steps (you have {yours})",
        "cause.warmup_ratio": (
            "warmup_steps: the run warmed up for {run} steps (you have {yours}) — warmup_steps={ratio} "
            "is a ratio that gives ceil({max_steps} × {ratio}) = {run}"
        ),
        "cause.type": "lr_scheduler_type: the run is {run} (you have {yours})",
        "cause.learning_rate": "learning_rate: the run peaked at {run} (you have {yours})",
        "cause.scheduler_length": (
            "the scheduler was made for {run} steps, {factor} × the run's max_steps={yours}: its "
            "num_training_steps was counted in batches before gradient accumulation, or before the data was split "
            "across processes"
        ),
        "cause.setting": "{name}: the run has {run} (you have {yours})",
        "cause.skipped_one": (
            "the optimizer skipped update {first} (a loss scaler found its gradients overflowed) and the scheduler "
            "did not step for it: with these settings the LR trails by one step from there on"
        ),
        "cause.skipped": (
            "the optimizer skipped {count} updates (a loss scaler found the gradients overflowed; the first at "
            "update {first}, the last at {last}) and the scheduler did not step for them: with these settings "
            "the LR trails by one more step after each"
        ),
        "cause.num_processes": (
            "the scheduler ran {k} times faster than the optimizer: an accelerate loop steps it once per process "
            "(num_processes={k}) unless split_batches, so the warmup of {warmup} ended at update {warmup_end} — "
            "pass num_warmup_steps and num_training_steps × num_processes to get_scheduler"
        ),
        "cause.resume": (
            "the run was resumed from a checkpoint at about step {step}: from there on it follows these settings "
            "at the first run's learning_rate={learning_rate} (a learning_rate changed on resume is ignored)"
        ),
    }
)


@dataclass(frozen=True)
class Cause:
    """One reason a log differs: `code` names what differs (a setting name, or `convention`),
    `note` says it, and `settings` are the TrainingArguments-named values that reproduce the log."""

    code: str
    note: Note
    settings: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """`matches` when every logged LR equals the configured one at its step (step `s` logs
    `learning_rate * lambda(s - 1)`). Otherwise the first differing step, both values (exact),
    and the causes found, each checked against every logged value."""

    matches: bool
    checked: int
    note: Note
    step: int | None = None
    logged: float | None = None
    configured: float | None = None
    causes: tuple[Cause, ...] = ()

    @property
    def message(self) -> str:
        """The verdict in English (numbers as people read them)."""
        if not self.causes:
            return str(self.note)
        causes = "; ".join(str(c.note) for c in self.causes)
        return str(Note("verdict.with_causes", {"verdict": str(self.note), "causes": causes}))

    @property
    def cause(self) -> str | None:
        """The causes in English, or None."""
        return "; ".join(str(c.note) for c in self.causes) or None

    def to_dict(self) -> dict[str, object]:
        """The verdict as data (exact values), for `check --json`."""
        matching: dict[str, object] = {}
        for c in self.causes:
            matching.update(c.settings)
        return {
            "matches": self.matches,
            "checked": self.checked,
            "message": self.message,
            "first_differing_step": self.step,
            "logged": self.logged,
            "configured": self.configured,
            "causes": [c.code for c in self.causes],
            "matching_settings": matching,
        }


def _close(a: float, b: float, scale: float) -> bool:
    """Two settings' values: the same to about 7 digits (a learning_rate read off a log)."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=scale * 1e-12)


def _first_mismatch(run: Run, steps: Sequence[int], lrs: Sequence[float]) -> int | None:
    """The first step whose logged LR is not what `run` logs there, as the log wrote it (`written`)."""
    n, scale = run.max_steps, run.config.learning_rate
    inside = [(s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s <= n]
    ours = run.logged([s for s, _ in inside])
    bad = first_difference(Written.of(lrs), [v for _, v in inside], ours, scale)
    return None if bad is None else inside[bad][0]


def compare(run: Run, steps: Sequence[int], lrs: Sequence[float], facts: Mapping[str, object] | None = None) -> Verdict:
    """Compare a log's `(step, learning_rate)` pairs with what `run` logs at those steps. Causes
    are searched when the run is its settings alone (`run.settings`), a plain Trainer run: they
    name the settings that would match. `facts`: what the log states about its run (a
    trainer_state.json's `max_steps`, `num_train_epochs`, `train_batch_size`; `loop` "trainer"
    when Trainer itself stepped the scheduler)."""
    if not steps:
        return Verdict(False, 0, Note("verdict.no_values"))
    n = run.max_steps
    beyond = [s for s in steps if s > n or s < 1]
    bad = _first_mismatch(run, steps, lrs)
    if bad is None and not beyond:
        return Verdict(True, len(steps), Note("verdict.matches", {"count": len(steps)}))
    settings = run.settings
    causes = () if settings is None else tuple(_causes(settings, list(steps), list(lrs), dict(facts or {})))
    if bad is None:
        note = Note("verdict.past_max_steps", {"last": max(steps), "max_steps": n})
        return Verdict(False, len(steps), note, step=min(beyond), causes=causes)
    logged = lrs[list(steps).index(bad)]
    configured = run.logged([bad])[0]
    note = Note("verdict.differs", {"step": bad, "logged": logged, "configured": configured})
    return Verdict(False, len(steps), note, bad, logged, configured, causes)


# -- causes -------------------------------------------------------------------------------------


def _causes(config: ScheduleConfig, steps: list[int], lrs: list[float], facts: dict) -> list[Cause]:
    """The causes whose settings together reproduce every logged value (`_holds`), as few changes
    from `config` as are found; none when what was found does not (never a cause that fails)."""
    found = _found(config, steps, lrs, facts)
    for causes in (found, [c for c in found if c.code != "max_steps"]):
        if causes and _holds(config, causes, steps, lrs):
            return causes
    return []


def _holds(config: ScheduleConfig, causes: list[Cause], steps, lrs) -> bool:
    """Whether `config` with every cause's settings logs each value of the log."""
    if any(c.code == "resume" for c in causes):
        return True  # detect_resume compared every step after the resume; the log holds those before
    settings: dict[str, object] = {}
    for c in causes:
        settings.update(c.settings)
    convention = settings.pop("logging_convention", Convention.SINCE_4_51.value)
    skipped = settings.pop("skipped_steps", "")
    processes = settings.pop("num_processes", None)
    settings.pop("loop", None)
    variant = _variant(config, **settings)
    if variant is None:
        return False
    if processes is not None:
        return _first_mismatch(_loop_run(variant, processes, steps), steps, lrs) is None
    try:
        run = with_convention(with_skipped(Planned(variant), step_list(str(skipped)) if skipped else ()), convention)
        return _first_mismatch(run, steps, lrs) is None and max(steps) <= variant.total_steps
    except (ConfigError, ValueError):
        return False


def _found(config: ScheduleConfig, steps: list[int], lrs: list[float], facts: dict) -> list[Cause]:
    if _shifted(config, steps, lrs):
        return [Cause("convention", Note("cause.convention"), {"logging_convention": Convention.BEFORE_4_51.value})]
    found: list[Cause] = []
    base = config
    length = _run_length(config, steps, facts)
    if length is not None:
        cause, base = length
        found.append(cause)
        if _reproduces(base, steps, lrs):
            return found
    # a log from Trainer itself (ScheduleCheck says so) was not stepped by a loop of one's own
    searches = (_processes, _warmup, _type, _peak, _skipped, _resumed)
    for search in searches[1:] if facts.get("loop") == "trainer" else searches:
        cause = search(base, steps, lrs)
        if cause is not None:
            return [*found, cause]
    if facts.get("max_steps") == base.total_steps:  # the run's length is known: a scheduler made for another
        cause = _scheduler_length(base, steps, lrs)
        if cause is not None:
            return [*found, cause]
    return found + _recovered(base, steps, lrs, facts)


def _loop_run(config: ScheduleConfig, processes: int, steps) -> Run:
    from .loop import Loop, accelerated

    return accelerated(config, Loop(processes), max(config.total_steps, max(steps)))


def _processes(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """A loop of one's own whose scheduler accelerate stepped once per process (transformers'
    no_trainer scripts that pass the updates as num_training_steps): the schedule run through
    `num_processes` times faster."""
    if not config.info.uses_max_steps and not config.info.uses_warmup:
        return None
    for k in _WORLD_SIZES[1:]:
        run = _loop_run(config, k, steps)
        if _first_mismatch(run, steps, lrs) is None:
            warmup = config.num_warmup_steps
            values = {"k": k, "warmup": warmup, "warmup_end": run.loop.update_of(warmup) - 1 if warmup else 0}
            return Cause(
                "num_processes", Note("cause.num_processes", values), {"loop": "accelerate", "num_processes": k}
            )
    return None


def _scheduler_length(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """A scheduler made for a run `k` times longer than the one that ran, whose length the log
    states (a scheduler made by hand whose num_training_steps counts batches, not updates): these
    settings at `k × max_steps`, the warmup a ratio of that or the count it was."""
    if not config.info.uses_max_steps:
        return None
    n, w = config.total_steps, config.num_warmup_steps
    for k in sorted(set(_ACCUMULATIONS[1:]) | set(_WORLD_SIZES[1:])):
        trials = [{"max_steps": k * n}]
        if 0 < config.warmup_steps < 1:
            trials.append({"max_steps": k * n, "warmup_steps": float(w)})
        for changes in trials:
            if _reproduces(_variant(config, **changes), steps, lrs):
                values = {"run": k * n, "factor": k, "yours": n}
                return Cause("max_steps", Note("cause.scheduler_length", values), changes)
    return None


def _skipped(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """These settings with updates skipped by a loss scaler (either logging convention)."""
    from .infer_skipped import skipped_run

    pairs = sorted((s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s <= config.total_steps)
    written = Written.of(lrs)
    for convention in Convention:
        run = skipped_run(config, pairs, written, convention) if pairs else None
        if run is not None and run.skipped:  # none skipped: what differs is not skipped updates
            return _skipped_cause(run.skipped, convention)
    return None


def _skipped_cause(skipped: tuple[int, ...], convention: Convention) -> Cause:
    settings: dict[str, object] = {"skipped_steps": step_list_text(skipped)}
    if convention is not Convention.SINCE_4_51:
        settings["logging_convention"] = convention.value
    if len(skipped) == 1:
        return Cause("skipped_steps", Note("cause.skipped_one", {"first": skipped[0]}), settings)
    values = {"count": len(skipped), "first": skipped[0], "last": skipped[-1]}
    return Cause("skipped_steps", Note("cause.skipped", values), settings)


def _resumed(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """A run resumed from a checkpoint with these settings (tried after every single-setting
    change: a resume with other settings looks like one from its first differing step on)."""
    resumed = detect_resume(config, steps, lrs)
    if resumed is None:
        return None
    values = {"step": resumed.global_step, "learning_rate": resumed.learning_rate}
    setting = {"resume_from_checkpoint": checkpoint_name(resumed.global_step)}
    return Cause("resume", Note("cause.resume", values), setting)


def _reproduces(config: ScheduleConfig | None, steps, lrs) -> bool:
    if config is None:
        return False
    try:
        return _first_mismatch(Planned(config), steps, lrs) is None and max(steps) <= config.total_steps
    except ConfigError:  # a variant transformers rejects is not the cause
        return False


def _variant(config: ScheduleConfig, **changes) -> ScheduleConfig | None:
    try:
        return config.replace(**changes)
    except ConfigError:
        return None


def _shifted(config: ScheduleConfig, steps, lrs) -> bool:
    """transformers before 4.51 logged the LR of the next update: lambda(s) at step s."""
    n, lam, lr = config.total_steps, build(config).lr_lambda, config.learning_rate
    pairs = [(s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s < n]
    written = Written.of(lrs)
    return bool(pairs) and all(written.same(v, lr * lam(s), lr) for s, v in pairs)


def _run_length(config: ScheduleConfig, steps, facts) -> tuple[Cause, ScheduleConfig] | None:
    """The run's own max_steps (from the log's facts) where it differs from `config`'s, with the
    epoch setting that explains it; or, without facts, a log that runs past max_steps."""
    n = config.total_steps
    stated = facts.get("max_steps")
    if isinstance(stated, int) and stated > 0 and stated != n:
        explained = _epochs_explaining(config, stated, facts) if config.uses_epochs else []
        if explained:
            name, value, variant = explained[0]
            shown = " / ".join(f"{k}={human(v)}" for k, v, _ in explained)
            values = {"run": stated, "yours": n, "settings": shown}
            return Cause("max_steps", Note("cause.max_steps_epochs", values), {name: value}), variant
        variant = _variant(config, max_steps=stated)
        if variant is not None:
            cause = Cause("max_steps", Note("cause.max_steps", {"run": stated, "yours": n}), {"max_steps": stated})
            return cause, variant
    if max(steps) > n:
        note = Note("cause.max_steps_past", {"last": max(steps), "yours": n})
        variant = _variant(config, max_steps=max(steps))
        return Cause("max_steps", note, {"max_steps": max(steps)} if variant else {}), variant or config
    return None


def _epochs_explaining(config: ScheduleConfig, stated: int, facts) -> list[tuple[str, object, ScheduleConfig]]:
    """The epoch settings whose change (one at a time) gives the run's max_steps:
    dataloader_drop_last, the per-device batch or epochs the log states, gradient accumulation,
    world_size. Several can: each is an explanation (the log cannot tell them apart)."""
    trials: list[tuple[str, object]] = [("dataloader_drop_last", not config.dataloader_drop_last)]
    if isinstance(facts.get("train_batch_size"), int):
        trials.append(("per_device_train_batch_size", facts["train_batch_size"]))
    if isinstance(facts.get("num_train_epochs"), (int, float)):
        trials.append(("num_train_epochs", float(facts["num_train_epochs"])))
    trials += [("gradient_accumulation_steps", g) for g in _ACCUMULATIONS if g != config.gradient_accumulation_steps]
    trials += [("world_size", w) for w in _WORLD_SIZES if w != config.world_size]
    found = []
    for name, value in trials:
        if getattr(config, name) == value or any(name == f[0] for f in found):
            continue
        variant = _variant(config, **{name: value})
        if variant is not None and variant.total_steps == stated:
            found.append((name, value, variant))
    return found


def _warmup(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """Another warmup length that reproduces the log, read off the rising part of a linear
    warmup (LR(s) = learning_rate × (s − 1) / w) and tried with its neighbours."""
    if not config.info.uses_warmup:
        return None
    yours, n = config.num_warmup_steps, config.total_steps
    candidates = {yours - 1, yours + 1, 0}
    for s, v in zip(steps, lrs, strict=True):
        if s > 1 and 0 < v < config.learning_rate * (1 - 1e-9):
            estimate = config.learning_rate * (s - 1) / v
            candidates |= {math.floor(estimate), math.ceil(estimate), round(estimate)}
            break
    for w in sorted(c for c in candidates if c >= 0 and c != yours):
        if not _reproduces(_variant(config, warmup_steps=float(w) if w >= 1 else 0.0), steps, lrs):
            continue
        values = {"run": w, "yours": yours}
        ratio = next((r for r in _RATIOS if math.ceil(n * r) == w), None) if w else None
        # a count where the run used a ratio (warmup_ratio elsewhere): said only for a ratio people
        # use for warmup, not for a run warmed up over half its length
        if ratio is not None and ratio <= MAX_WARMUP_RATIO_SAID and config.warmup_steps >= 1:
            values |= {"ratio": ratio, "max_steps": n}
            return Cause("warmup_steps", Note("cause.warmup_ratio", values), {"warmup_steps": ratio})
        setting = ratio if ratio is not None and 0 < config.warmup_steps < 1 else w
        return Cause("warmup_steps", Note("cause.warmup", values), {"warmup_steps": setting})
    return None


def _type(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """Another step-based scheduler type, at its defaults (and what it needs to be drawn)."""
    for name in registry.scheduler_names():
        if name == config.lr_scheduler_type or registry.info(name).metric_driven:
            continue
        kwargs = scheduler_types.of(name).suggested(config.total_steps, config.learning_rate)
        variant = _variant(config, lr_scheduler_type=name, lr_scheduler_kwargs=kwargs)
        if _reproduces(variant, steps, lrs):
            note = Note("cause.type", {"run": name, "yours": config.lr_scheduler_type})
            return Cause("lr_scheduler_type", note, {"lr_scheduler_type": name, **_kwargs_setting(kwargs)})
    return None


def _kwargs_setting(kwargs: Mapping[str, object]) -> dict[str, object]:
    return {"lr_scheduler_kwargs": dict(kwargs)} if kwargs else {}


def _peak(config: ScheduleConfig, steps, lrs) -> Cause | None:
    """Another learning_rate: the logged peak over ours, where that scales every value alike."""
    ours = build(config).lrs([s for s in steps if 1 <= s <= config.total_steps] or [1])
    peak_logged, peak_ours = max(lrs), max(ours)
    if peak_ours <= 0 or _close(peak_logged, peak_ours, config.learning_rate):
        return None
    run = float(f"{config.learning_rate * peak_logged / peak_ours:.12g}")
    if not _reproduces(_variant(config, learning_rate=run), steps, lrs):
        return None
    note = Note("cause.learning_rate", {"run": run, "yours": config.learning_rate})
    return Cause("learning_rate", note, {"learning_rate": run})


def _recovered(config: ScheduleConfig, steps, lrs, facts) -> list[Cause]:
    """Last: recover the whole schedule from the log and name every setting that differs."""
    from .inference import NoFit, infer  # the search is costly; only when nothing simpler explains the log

    stated = facts.get("max_steps")
    try:
        fit = infer(steps, lrs, max_steps=stated if isinstance(stated, int) else config.total_steps)
    except NoFit:
        return []
    if not fit.exact:
        return []
    found = fit.config
    theirs, yours = (
        fit.settings(),
        {
            "lr_scheduler_type": config.lr_scheduler_type,
            "learning_rate": config.learning_rate,
            "warmup_steps": config.num_warmup_steps,
            "max_steps": config.total_steps,
        },
    )
    causes = []
    if fit.resumed is not None:  # infer checked every logged value with the resumed run it found
        from .infer_resume import resumed_note

        setting = {k: v for k, v in theirs.items() if k in ("resume_from_checkpoint", "restored_scheduler")}
        setting["earlier_runs"] = [f.settings() for f in fit.earlier_runs()]
        causes.append(Cause("resume", resumed_note(fit), setting))
    if fit.skipped_steps:
        causes.append(_skipped_cause(fit.skipped_steps, fit.logging_convention))
    elif fit.logging_convention is not Convention.SINCE_4_51:  # the settings below reproduce it logged that way
        causes.append(
            Cause("convention", Note("cause.convention"), {"logging_convention": fit.logging_convention.value})
        )
    for name in ("lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps"):
        run = found.num_warmup_steps if name == "warmup_steps" else theirs[name]
        if run != yours[name] and not (isinstance(run, float) and _close(run, yours[name], abs(run))):
            note = Note("cause.setting", {"name": name, "run": run, "yours": yours[name]})
            setting = {name: theirs[name]}
            if name == "lr_scheduler_type":  # another type takes its own kwargs (none: transformers' defaults)
                setting["lr_scheduler_kwargs"] = dict(found.lr_scheduler_kwargs)
            causes.append(Cause(name, note, setting))
    ours_kwargs, their_kwargs = dict(config.lr_scheduler_kwargs), dict(found.lr_scheduler_kwargs)
    for key in sorted(set(ours_kwargs) | set(their_kwargs)):
        if config.lr_scheduler_type == found.lr_scheduler_type and ours_kwargs.get(key) != their_kwargs.get(key):
            values = {"name": key, "run": their_kwargs.get(key, "—"), "yours": ours_kwargs.get(key, "—")}
            causes.append(Cause("lr_scheduler_kwargs", Note("cause.setting", values), _kwargs_setting(their_kwargs)))
    return causes
