"""warmup_viz: the exact learning-rate schedule of a Hugging Face Trainer run.

Step convention: step `s` runs `1..max_steps`; its LR is `learning_rate * lambda(s - 1)`, the LR
that update used, which is what Trainer logs at step `s`.

The names below are imported on first use, so `import warmup_viz` (and reading a log) does not
import torch or transformers.
"""

from __future__ import annotations

import importlib

__all__ = [
    "schedule",
    "compare",
    "read_log",
    "check",
    "infer",
    "Schedule",
    "Comparison",
    "ScheduleCheck",
    "ScheduleConfig",
    "ConfigError",
    "InputError",
    "UsageError",
    "from_mapping",
    "build",
    "full_table",
    "display_curve",
    "summarize",
]
_HOME = {
    "schedule": "api",
    "compare": "api",
    "read_log": "api",
    "check": "api",
    "infer": "api",
    "Schedule": "api",
    "Comparison": "api",
    "ScheduleCheck": "callback",
    "InputError": "errors",
    "UsageError": "errors",
    "ScheduleConfig": "config",
    "ConfigError": "errors",
    "from_mapping": "config",
    "build": "lr_schedule",
    "full_table": "lr_schedule",
    "display_curve": "lr_schedule",
    "summarize": "lr_schedule",
}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
