"""A run's plan, written beside its checkpoints: what `ScheduleCheck` planned at `on_train_begin`,
for a person, another tool, and `warmup-viz serve --logdir` to read back.

Two files in the run's `output_dir`:

- `warmup_viz_plan.json`: the schedule's settings by TrainingArguments name (`learning_rate`,
  `lr_scheduler_type`, `lr_scheduler_kwargs`, `warmup_steps`, `max_steps`, and `tool`/`tool_args`
  when a tool other than Trainer chose the scheduler), and what makes the run more than its
  settings: `deepspeed` (the ds_config object, its `"auto"` values as given), `resumed` (the
  checkpoint it resumed from: `global_step`, the first run's `learning_rate` and `next_lr` from its
  scheduler.pt or null, and the first run's `logged_steps`/`logged_lrs` up to it) and
  `logging_convention`; `warmup_viz` records the versions that wrote it.
- `warmup_viz_schedule.csv`: `step,learning_rate`, what Trainer logs at every step (exact values),
  as `warmup-viz schedule` writes it. Left out for runs longer than `EXPORT_STEPS_LIMIT`; for a
  metric-driven type (reduce_lr_on_plateau, greedy), whose schedule is known only once the metric
  is, `ScheduleCheck` writes it at the end of training, replayed from the metric Trainer stepped.

The plan JSON is read with the same checks as any settings (`config.from_mapping`), and nothing in
it is evaluated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import EXPORT_STEPS_LIMIT, ScheduleConfig, from_mapping
from .errors import InputError
from .files import read_capped
from .run import Convention, Planned, Run, with_convention

PLAN_FILE = "warmup_viz_plan.json"
SCHEDULE_FILE = "warmup_viz_schedule.csv"
MAX_PLAN_BYTES = 64 * 2**20  # a resumed plan holds the first run's logged LRs
VERSION = 1
_SCHEDULE_SETTINGS = ("learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "max_steps")


@dataclass(frozen=True)
class Plan:
    """What a run was planned to be: its settings, and its DeepSpeed config, the checkpoint it
    resumed from (`resume.Checkpoint`) and its logging convention when it has them."""

    config: ScheduleConfig
    deepspeed: Mapping[str, object] | None = None
    resumed: Any = None  # resume.Checkpoint
    logging_convention: Convention = Convention.SINCE_4_51
    written_by: Mapping[str, object] = field(default_factory=dict)

    def run(self) -> Run:
        """The run this plan describes, as `warmup-viz check` builds it from the same flags."""
        if self.resumed is not None:
            from .resume import resume

            return resume(self.config, self.resumed, self.logging_convention)
        if self.deepspeed is not None:
            from .ds_schedule import resolve

            return resolve(self.config, self.deepspeed, PLAN_FILE)
        return with_convention(Planned(self.config), self.logging_convention)

    def to_dict(self) -> dict[str, object]:
        """The plan as `warmup_viz_plan.json` holds it."""
        c = self.config
        out: dict[str, object] = {name: getattr(c, name) for name in _SCHEDULE_SETTINGS}
        out["lr_scheduler_kwargs"] = dict(c.lr_scheduler_kwargs)
        if c.tool != ScheduleConfig.tool:
            out.update(tool=c.tool, tool_args=dict(c.tool_args))
        if self.deepspeed is not None:
            out["deepspeed"] = dict(self.deepspeed)
        if self.resumed is not None:
            r = self.resumed
            out["resumed"] = {
                "global_step": r.global_step,
                "learning_rate": r.learning_rate,
                "next_lr": r.next_lr,
                "logged_steps": list(r.logged_steps),
                "logged_lrs": list(r.logged_lrs),
            }
        if self.logging_convention is not Convention.SINCE_4_51:
            out["logging_convention"] = self.logging_convention.value
        out["warmup_viz"] = {"version": VERSION, **self.written_by}
        return out


def from_dict(data: Mapping[str, object], name: str = PLAN_FILE) -> Plan:
    """A `Plan` from what `to_dict` wrote; `ConfigError` for a setting that is not valid,
    `InputError` naming `name` for anything else that is not a plan."""
    if not isinstance(data, Mapping):
        raise InputError(f"{name} is not a warmup-viz plan (a JSON object)", name)
    settings = {k: v for k, v in data.items() if k in (*_SCHEDULE_SETTINGS, "tool", "tool_args")}
    if "max_steps" not in settings:
        raise InputError(f"{name} is not a warmup-viz plan: it has no max_steps", name)
    config = from_mapping(settings)
    deepspeed = data.get("deepspeed")
    if deepspeed is not None and not isinstance(deepspeed, Mapping):
        raise InputError(f"{name}: deepspeed must be a ds_config object", name)
    resumed = data.get("resumed")
    checkpoint = None
    if resumed is not None:
        checkpoint = _checkpoint(resumed, name)
    convention = Convention.parse(data.get("logging_convention", Convention.SINCE_4_51.value))
    written = data.get("warmup_viz")
    versions = {k: v for k, v in written.items() if k != "version"} if isinstance(written, Mapping) else {}
    return Plan(config, deepspeed, checkpoint, convention, versions)


def _checkpoint(value: object, name: str):
    from .resume import Checkpoint

    try:
        k = value["global_step"]
        steps, lrs = value.get("logged_steps", []), value.get("logged_lrs", [])
        numbers = [k, *steps, *lrs, *(value.get(x) for x in ("learning_rate", "next_lr") if value.get(x) is not None)]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
            raise TypeError
        if k != int(k) or k < 1 or len(steps) != len(lrs) or any(s != int(s) for s in steps):
            raise TypeError
        return Checkpoint(
            int(k),
            value.get("learning_rate"),
            value.get("next_lr"),
            tuple(int(s) for s in steps),
            tuple(float(v) for v in lrs),
        )
    except (TypeError, KeyError, AttributeError):
        raise InputError(f"{name}: resumed is not a checkpoint as warmup-viz writes it", name) from None


def read(directory: str) -> Plan | None:
    """The plan in `directory` (its `warmup_viz_plan.json`), or None when it has none."""
    path = os.path.join(directory, PLAN_FILE)
    if not os.path.isfile(path):
        return None
    data = read_capped(path, MAX_PLAN_BYTES)
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"{path} is not JSON: {e}", path) from None
    return from_dict(parsed, path)


def write(directory: str, plan: Plan, run=None, *, schedule: bool = True) -> list[str]:
    """Write `plan` into `directory` (made if missing): the plan JSON, and the per-step schedule
    CSV of `run` (by default `plan.run()`) unless `schedule` is false or the run is longer than
    `EXPORT_STEPS_LIMIT`. Returns the paths written. Each file is written whole under a temporary
    name and renamed, so a reader never sees half of one."""
    from . import export
    from .run import table

    os.makedirs(directory, exist_ok=True)
    written = [_write_whole(os.path.join(directory, PLAN_FILE), [json.dumps(plan.to_dict(), indent=1).encode()])]
    if not schedule:
        return written
    run = plan.run() if run is None else run
    if run.max_steps <= EXPORT_STEPS_LIMIT:
        steps, lrs = table(run)
        written.append(_write_whole(os.path.join(directory, SCHEDULE_FILE), export.table_chunks(steps, lrs, "csv")))
    return written


def _write_whole(path: str, chunks) -> str:
    partial = f"{path}.partial"
    with open(partial, "wb") as f:
        f.writelines(chunks)
    os.replace(partial, path)
    return path
