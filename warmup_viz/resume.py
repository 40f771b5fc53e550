"""A run resumed from a checkpoint (`trainer.train(resume_from_checkpoint=DIR)`) -> its per-step LR.

Measured on real Trainer runs (tests/test_resume.py), the checkpoint at global step `k` and the
resumed run's settings give:

- steps `<= k`: the first run's, as its trainer_state.json logged them;
- step `k + 1`: the first run's LR for update `k + 1` (the scheduler's restored `_last_lr`: the
  optimizer state is restored with it);
- steps `s >= k + 2`: `base_lr * lambda_new(s - 1)`, where `base_lr` is the **first** run's
  `learning_rate` (the restored `base_lrs`) and `lambda_new` the resumed settings' lambda. A
  changed `learning_rate` is ignored; a changed `max_steps`, epochs, warmup or type acts through
  `lambda_new`, usually as a jump at `k + 2`.

scheduler.pt is read with `torch.load(..., weights_only=True)` only; anything that needs more is
refused.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from .config import ScheduleConfig
from .curve import Breakpoint
from .errors import ConfigError, InputError
from .files import read_capped
from .lr_schedule import REL_TOL, build
from .messages import Note, english
from .run import Constant, Convention, Joined, Later, Planned, Run, Tabled, with_convention
from .steps import checkpoint_name

english(
    {
        "resume.step_range": "resume_from_checkpoint={checkpoint} must lie inside the first run (steps 1 to {max_steps})",
        "resume.lr_ignored": (
            "learning_rate={theirs} is ignored on resume: the checkpoint keeps {kept}, so from step {step} the LR is "
            "{kept} × the new schedule's lambda."
        ),
        "resume.jump": "resumed from {checkpoint}: steps up to {next} are the first run's, the new settings act from step {from_step}.",
        "resume.no_global_step": "{name} has no global_step of a checkpoint (got {value})",
        "resume.not_the_same": (
            "{scheduler} was saved at scheduler step {last_epoch}, but {state} at global_step {global_step}: "
            "not the same checkpoint"
        ),
        "resume.unsafe": "{name} needs more than torch.load(weights_only=True) to read; refused ({problem})",
        "resume.not_torch": "{name} is not a scheduler state saved by torch ({problem})",
        "resume.not_lambda": (
            "{name} is not a step-driven scheduler's state (base_lrs, _last_lr, last_epoch): "
            "resuming is computed for the types that follow the step count"
        ),
        "resume.restarted": (
            "resumed from {checkpoint} without its scheduler state (no scheduler.pt or optimizer state): "
            "Trainer made a new scheduler, so from step {next} the schedule starts again from its first update."
        ),
        "resume.nothing_left": "max_steps={max_steps} is not past the checkpoint's global_step={global_step}: nothing to resume",
    }
)

OPTIMIZER_FILES = ("optimizer.pt", "optimizer.bin")  # transformers' OPTIMIZER_NAME and OPTIMIZER_NAME_BIN
MAX_STATE_BYTES = 512 * 2**20
MAX_SCHEDULER_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Checkpoint:
    """What a resumed run takes from its checkpoint: `global_step` (k), the first run's
    `learning_rate` (scheduler.pt's `base_lrs[0]`), the LR update k + 1 trains with
    (`_last_lr[0]`), and the first run's logged LR at steps `<= k`. A checkpoint without its
    scheduler state (`learning_rate` and `next_lr` None) restores no scheduler: Trainer makes a new
    one at step k."""

    global_step: int
    learning_rate: float | None
    next_lr: float | None
    logged_steps: tuple[int, ...] = ()
    logged_lrs: tuple[float, ...] = ()

    @property
    def restored(self) -> bool:
        """Whether resuming restores the scheduler (scheduler.pt and the optimizer's state are there)."""
        return self.learning_rate is not None


def read_checkpoint(directory: str) -> Checkpoint:
    """The checkpoint in `directory` (`trainer_state.json` and `scheduler.pt`); `InputError`
    naming the file that is missing, unreadable or not what Trainer writes. As Trainer's
    `_load_optimizer_and_scheduler`, a directory without scheduler.pt or without the optimizer's
    state (optimizer.pt or optimizer.bin: only whether it is there is looked at) restores no
    scheduler."""
    state_path = os.path.join(directory, "trainer_state.json")
    scheduler_path = os.path.join(directory, "scheduler.pt")
    state = read_capped(state_path, MAX_STATE_BYTES)
    optimizer = any(os.path.isfile(os.path.join(directory, name)) for name in OPTIMIZER_FILES)
    if not (optimizer and os.path.isfile(scheduler_path)):
        return checkpoint_from(state, None, state_path)
    return checkpoint_from(state, read_capped(scheduler_path, MAX_SCHEDULER_BYTES), state_path, scheduler_path)


def checkpoint_from(
    trainer_state: bytes,
    scheduler_pt: bytes | None,
    state_name: str = "trainer_state.json",
    scheduler_name: str = "scheduler.pt",
) -> Checkpoint:
    """A `Checkpoint` from the bytes of its trainer_state.json and scheduler.pt (an upload, say);
    `scheduler_pt` None for a checkpoint without scheduler state."""
    from .logs import learning_rate_metric, read_log, series

    log = read_log(trainer_state, state_name)
    k = log.facts.get("global_step")
    if not isinstance(k, (int, float)) or k != int(k) or k < 1:
        raise InputError(Note("resume.no_global_step", {"name": state_name, "value": repr(k)}), state_name)
    k = int(k)
    base_lr = last_lr = None
    if scheduler_pt is not None:
        base_lr, last_lr, last_epoch = _scheduler_state(scheduler_pt, scheduler_name)
        if last_epoch != k:
            values = {"scheduler": scheduler_name, "last_epoch": last_epoch, "state": state_name, "global_step": k}
            raise InputError(Note("resume.not_the_same", values), scheduler_name)
    metric = learning_rate_metric(log.metrics)
    steps, lrs = [], []
    if metric is not None:
        logged = series(log, metric, None)
        pairs = [(s, v) for s, v in zip(logged.steps, logged.values, strict=True) if 1 <= s <= k]
        steps, lrs = [s for s, _ in pairs], [v for _, v in pairs]
    return Checkpoint(k, base_lr, last_lr, tuple(steps), tuple(lrs))


def _scheduler_state(data: bytes, name: str) -> tuple[float, float, int]:
    """`(base_lrs[0], _last_lr[0], last_epoch)` of a LambdaLR's saved state."""
    import torch

    try:
        state = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - torch raises many kinds for a file that is not its format
        # weights_only refuses a file that needs arbitrary classes with pickle's UnpicklingError
        if type(e).__name__ == "UnpicklingError":
            first = (str(e).strip().splitlines() or [""])[0][:200]
            raise InputError(Note("resume.unsafe", {"name": name, "problem": first}), name) from None
        problem = f"{type(e).__name__}: {str(e)[:200]}"
        raise InputError(Note("resume.not_torch", {"name": name, "problem": problem}), name) from None
    base, last, epoch = (
        state.get(k) if isinstance(state, dict) else None for k in ("base_lrs", "_last_lr", "last_epoch")
    )
    if not (_numbers(base) and _numbers(last) and isinstance(epoch, int) and not isinstance(epoch, bool)):
        raise InputError(Note("resume.not_lambda", {"name": name}), name)
    return float(base[0]), float(last[0]), epoch


def _numbers(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    )


def resume(config: ScheduleConfig, checkpoint: Checkpoint, convention: Convention = Convention.SINCE_4_51) -> Joined:
    """The run with settings `config` resumed from `checkpoint`: the first run's logged steps up
    to the checkpoint, the restored LR at `k + 1`, then `base_lr * lambda_new(s - 1)` with the
    first run's `learning_rate` as `base_lr`; from a checkpoint without scheduler state, a new
    scheduler from step k: `learning_rate * lambda_new(s - k - 1)`. `convention`: how the resumed
    run logs (an older Trainer logs each step's next update, `run.Convention`). `ConfigError` when
    `config` gives it nothing to do after the checkpoint or is not a step-driven schedule."""
    first = Tabled(config, checkpoint.logged_steps, checkpoint.logged_lrs)
    return _joined(config, checkpoint, first, convention)


def _joined(
    config: ScheduleConfig, checkpoint: Checkpoint, first: Run, convention: Convention = Convention.SINCE_4_51
) -> Joined:
    k, n = checkpoint.global_step, config.total_steps
    if n <= k:
        raise ConfigError("max_steps", Note("resume.nothing_left", {"max_steps": n, "global_step": k}))
    if not checkpoint.restored:
        # Trainer made a new scheduler at step k: update k + j trains with its update j
        after = Later(with_convention(Planned(config), convention), k)
        note = Note("resume.restarted", {"checkpoint": checkpoint_name(k), "next": k + 1})
        return Joined((first, after), (k,), (Breakpoint(k + 1, "resume"),), (note,))
    if convention is not Convention.SINCE_4_51:
        # the scheduler steps before the log: step k + 1 already shows the new lambda
        after = with_convention(Planned(config, base_lr=checkpoint.learning_rate), convention)
        notes = [Note("resume.jump", {"checkpoint": checkpoint_name(k), "next": k, "from_step": k + 1})]
        if config.learning_rate != checkpoint.learning_rate:
            lr_values = {"theirs": config.learning_rate, "kept": checkpoint.learning_rate, "step": k + 1}
            notes.append(Note("resume.lr_ignored", lr_values))
        return Joined((first, after), (k,), (Breakpoint(k + 1, "resume"),), tuple(notes))
    values = {"checkpoint": checkpoint_name(k), "next": k + 1, "from_step": k + 2}
    notes = [Note("resume.jump", values)]
    if config.learning_rate != checkpoint.learning_rate:
        lr_values = {"theirs": config.learning_rate, "kept": checkpoint.learning_rate, "step": k + 2}
        notes.append(Note("resume.lr_ignored", lr_values))
    after = Planned(config, base_lr=checkpoint.learning_rate)  # a metric-driven type: ConfigError here
    parts = (first, Constant(config, checkpoint.next_lr), after)
    return Joined(parts, (k, k + 1), (Breakpoint(k + 2, "resume"),), tuple(notes))


@dataclass(frozen=True)
class DetectedResume:
    """A log that looks resumed: from step `global_step + 2` on it follows `learning_rate *
    lambda(s - 1)` of the given settings, and before that it does not. `exact` is False when the
    log skips steps, so that the checkpoint could be as early as `earliest`."""

    global_step: int
    learning_rate: float
    earliest: int

    @property
    def exact(self) -> bool:
        return self.earliest == self.global_step


def detect_resume(config: ScheduleConfig, steps: Sequence[int], lrs: Sequence[float]) -> DetectedResume | None:
    """Whether a log of `(step, learning_rate)` looks like a run with settings `config` resumed from
    a checkpoint: its last steps (3 or more, where lambda is not 0) equal `c * lambda(s - 1)` for
    one `c` (the first run's learning_rate), while an earlier step does not. None otherwise,
    including when the whole log matches (a resume with the same settings looks like no resume)."""
    lam = build(config).lr_lambda
    n = config.total_steps
    pairs = sorted((s, v) for s, v in zip(steps, lrs, strict=True) if 1 <= s <= n)
    c, start, counted = None, len(pairs), 0
    for i in range(len(pairs) - 1, -1, -1):
        s, v = pairs[i]
        x = lam(s - 1)
        if c is None and x != 0:
            c = v / x
        if c is not None and not math.isclose(v, c * x, rel_tol=REL_TOL, abs_tol=abs(c) * 1e-12):
            break
        if c is None and v != 0:
            break
        start, counted = i, counted + (x != 0)
    if c is None or c <= 0 or counted < 3 or start == 0:
        return None
    first_fit, last_off = pairs[start][0], pairs[start - 1][0]
    return DetectedResume(global_step=first_fit - 2, learning_rate=c, earliest=max(last_off - 1, 0))


def resumed_run(
    config: ScheduleConfig,
    step: int,
    first: Run,
    learning_rate: float | None,
    next_lr: float | None,
    convention: Convention = Convention.SINCE_4_51,
) -> Joined:
    """`first` checkpointed at global step `step` and resumed with settings `config`, its scheduler
    restored (`learning_rate`, the first run's, and `next_lr`, update step + 1's) or, with
    `learning_rate` None, a new one made there: a run `infer` recovered from a log."""
    return _joined(config, Checkpoint(step, learning_rate, next_lr), first, convention)


def checkpoint_of(first: ScheduleConfig, step: int) -> Checkpoint:
    """The checkpoint a run with settings `first` saves at global step `step`, as Trainer saves it
    (for a "B resumes A from step k" comparison, when there is no checkpoint file)."""
    if not 1 <= step < first.total_steps:
        raise ConfigError(
            "resume_from_checkpoint",
            Note("resume.step_range", {"checkpoint": checkpoint_name(step), "max_steps": first.total_steps}),
        )
    return Checkpoint(step, first.learning_rate, build(first).lr(step + 1))


def resumed_from(first: ScheduleConfig, resumed: ScheduleConfig, step: int) -> Joined:
    """A run with settings `first`, checkpointed at `step` and resumed with settings `resumed`
    (a "B resumes A from step k" comparison): `first`'s schedule up to `step`, then the resumed run,
    with a "resume" breakpoint where the new lambda takes over (step + 2). Every value exact."""
    return _joined(resumed, checkpoint_of(first, step), Planned(first))
