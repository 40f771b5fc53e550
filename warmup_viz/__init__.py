"""warmup_viz: the exact learning-rate schedule of a Hugging Face Trainer run.

Step convention: step `s` runs `1..max_steps`; its LR is `learning_rate * lambda(s - 1)`, the LR
that update used, which is what Trainer logs at step `s`.
"""

from .config import ConfigError, ScheduleConfig, from_mapping
from .schedule import build, display_curve, full_table, summarize

__all__ = ["ScheduleConfig", "ConfigError", "from_mapping", "build", "full_table", "display_curve", "summarize"]
