"""The three kinds of bad input, each raised where the input enters.

- `ConfigError`: a setting (a TrainingArguments name) has an invalid value. The page shows it
  beside that setting; the CLI exits with status 2.
- `InputError`: a file named to us (a training log, a settings file, an output to write)
  cannot be read or written, or lacks what is asked of it. It names the file.
- `UsageError`: the request itself is incomplete or contradictory — a run not chosen in a log
  that holds several, `--log` for a schedule that follows the step count.

All three are `ValueError`s, so a caller that only needs "bad input" catches that. Each takes its
message as English text or as a `messages.Note` (a key and values), which a page says in its own
language; `str(error)` is always the English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .messages import Note


class _Said(ValueError):
    """A `ValueError` whose message may be a `Note`: `note` is it (None for plain English text)."""

    def __init__(self, message: str | Note):
        super().__init__(str(message))
        self.note = message if isinstance(message, Note) else None


class ConfigError(_Said):
    """An invalid setting. `field` names the setting (a TrainingArguments name)."""

    def __init__(self, field: str, message: str | Note):
        super().__init__(message)
        self.field = field


class InputError(_Said):
    """A file that cannot be read (or written), or lacks what is asked of it (a log without the
    metric asked for). `name` is the file's name or path, '' for pasted text."""

    def __init__(self, message: str | Note, name: str = ""):
        super().__init__(message)
        self.name = name


def said_with_file(error: ValueError) -> str:
    """`error`'s message, led by the file it is about when it names one the message leaves out."""
    name = getattr(error, "name", "")
    return f"{name}: {error}" if name and name not in str(error) else str(error)


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Within the block, an `InputError` that names no file is given `name`: the file being read."""
    try:
        yield
    except InputError as e:
        e.name = e.name or name
        raise


class UsageError(_Said):
    """A request that cannot be carried out as asked. `choices`, when not empty, lists what the
    caller may choose from (the runs of a log, say)."""

    def __init__(self, message: str | Note, choices: tuple[str, ...] = ()):
        super().__init__(message)
        self.choices = choices
