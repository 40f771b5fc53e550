"""Which update's LR a log holds at step `s`: the logging convention of the Trainer that wrote it.

- `"since_4.51"` (transformers >= 4.51): step `s` logs the LR update `s` trained with,
  `learning_rate * lambda(s - 1)` — warmup_viz's own step convention.
- `"before_4.51"`: the scheduler has already stepped when Trainer reads the LR, so step `s` logs
  the LR of update `s + 1`, `learning_rate * lambda(s)`. Step 1 of a 6-step linear warmup logs
  `learning_rate / 6`, not 0; the last step logs `lambda(max_steps)`. Trainer under DeepSpeed logs
  this way too when the engine steps `lr_scheduler_type`'s scheduler (see ds_schedule.py).

TrainingArguments has no name for this; `logging_convention` is ours (CLI `--logging_convention`,
and the setting `check` proposes for a log shifted by one step). Importing this module does not
import torch: the CLI reads its choices before any schedule is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .config import EXPORT_STEPS_LIMIT, ScheduleConfig
from .errors import ConfigError

CONVENTIONS = ("since_4.51", "before_4.51")
DEFAULT = "since_4.51"
# what each convention means, for help texts
MEANING = {
    "since_4.51": "step s logs the LR update s trained with (transformers >= 4.51)",
    "before_4.51": "step s logs the LR of update s + 1 (transformers before 4.51)",
}


def check_convention(logging_convention: str) -> str:
    """`logging_convention` if it is one of `CONVENTIONS`; `ConfigError` naming them otherwise."""
    if logging_convention not in CONVENTIONS:
        raise ConfigError(
            "logging_convention",
            f"logging_convention={logging_convention!r} must be one of: {', '.join(CONVENTIONS)}",
        )
    return logging_convention


def logged_lrs(config: ScheduleConfig, steps: Iterable[int], logging_convention: str = DEFAULT) -> list[float]:
    """What Trainer logs at each of `steps` (1-based): `learning_rate * lambda(s - 1)` for
    `"since_4.51"`, `learning_rate * lambda(s)` for `"before_4.51"`. Exact: the same floats as
    the stepped `LambdaLR`'s `get_last_lr()`."""
    from .schedule import build

    shift = 1 if check_convention(logging_convention) == "before_4.51" else 0
    return build(config).lrs([s + shift for s in steps])


def full_logged_table(config: ScheduleConfig, logging_convention: str = DEFAULT) -> tuple[range, list[float]]:
    """Every step `1..max_steps` and what Trainer logs there under `logging_convention`. Capped
    at `EXPORT_STEPS_LIMIT` steps, as `schedule.full_table`."""
    n = config.total_steps
    if n > EXPORT_STEPS_LIMIT:
        raise ConfigError(
            "max_steps", f"max_steps={n} is too many to export step by step (at most {EXPORT_STEPS_LIMIT:,})"
        )
    return range(1, n + 1), logged_lrs(config, range(1, n + 1), logging_convention)


@dataclass(frozen=True)
class LoggedSchedule:
    """`config`'s schedule as a log written with `logging_convention` holds it: `lrs(steps)` (an
    `lr_of` for `check.compare`) and `table()`."""

    config: ScheduleConfig
    logging_convention: str = DEFAULT

    def __post_init__(self) -> None:
        from .schedule import build

        check_convention(self.logging_convention)
        build(self.config)  # a metric-driven type has no step function: ConfigError here

    def lrs(self, steps: Iterable[int]) -> list[float]:
        return logged_lrs(self.config, steps, self.logging_convention)

    def table(self) -> tuple[range, list[float]]:
        return full_logged_table(self.config, self.logging_convention)
