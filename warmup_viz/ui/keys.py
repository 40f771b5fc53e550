"""Session-state keys that more than one module reads: made here, in one place.

Widgets whose value travels in a link are keyed by the link's own name (`learning_rate`,
`layout`, ...); a compared schedule's widgets carry its slot's prefix. Everything else a module
keeps for another lives under the keys below.
"""

from __future__ import annotations

SLOTS = "_schedule_slots"  # the prefixes of the schedules on the page, in order
NEXT_SLOT = "_next_slot"
LOADED_FROM_URL = "_loaded_from_url"
URL_WARNINGS = "_url_warnings"
OPEN_MAIN = "_open_main"  # the gallery's "Open" asks for the schedule page
IMPORT_REPORT = "_import_report"
EXAMPLE = "example"
EXAMPLE_FIRST = "_example_first"  # schedule A as the page opened, while the example run is shown
EXAMPLE_RETIRED = "_example_retired"
EXAMPLE_CHOSEN = "_example_chosen"  # the example run is on or off by the person's choice: never retired
PLAYHEAD = "playhead"
PLAYHEAD_STEP = "playhead_step"  # the step the playhead is at (a link's playhead=N, or where it stopped)
PRESENT = "present"
LANG = "lang"  # the page's language (from the link, or the picker)
LANG_PICKER = "language_picker"
PAGE_PARAMS = "_page_params"  # the gallery's and the lesson's settings a link gave, as text
WRITTEN = "_url_written"  # the address this session last wrote (or opened with): another one means Back/Forward
LINK_PARAMS = "_link_params"  # the schedule page's link (schedules and view), for the other pages' links
PLOTLY_LOADING = "_plotly_loading"  # the session's browser was sent a chart: plotly's code is loading
DEEPSPEED = "deepspeed"  # an imported ds_config (TrainingArguments' deepspeed) for schedule A


def slot_prefix(number: int) -> str:
    """The widget-key prefix of the `number`-th schedule slot ever made (0 is schedule A: none)."""
    return "" if number == 0 else f"s{number}."


def kwarg(scheduler: str, name: str, prefix: str = "") -> str:
    """The widget of one scheduler kwarg of one schedule."""
    return f"{prefix}lr_scheduler_kwargs.{scheduler}.{name}"


def tool_arg(tool: str, name: str, prefix: str = "") -> str:
    """The widget of one of a tool's own scheduler arguments (axolotl's cosine_min_lr_ratio)."""
    return f"{prefix}tool_args.{tool}.{name}"


def recovered(log_key: str) -> str:
    """What recovering a log's schedule found, for the status line under that log."""
    return f"_recovered.{log_key}"


def step_column(file_id: str) -> str:
    """The step column picked for an uploaded CSV."""
    return f"step_column.{file_id}"


def sim_metric(letter: str) -> str:
    """The metric chosen to step schedule `letter`'s metric-driven scheduler."""
    return f"sim_metric.{letter}"


def last_valid(prefix: str) -> str:
    """The last valid settings of the schedule whose widget keys start with `prefix`."""
    return f"_last_valid.{prefix}"
