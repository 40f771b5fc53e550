"""The table `read_log` dispatches through: each log format says how it recognises a file and how
it reads one, and the first format, by priority, that recognises a file reads it.

A format module declares its `Format` records and registers them where it defines them
(`register(Format(...))`); the package imports every format module. A refusal is a format whose
`read` raises a `LogError` (pickles, binary data); a wrapper `unwrap`s a file into the one inside
it (gzip), which the table then recognises afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NoReturn

from ..messages import Note
from ._tables import LogError

if TYPE_CHECKING:
    import pandas as pd

# `File.json_error` when json.loads gives up on the nesting (a RecursionError), not on a mistake in the file
TOO_DEEP = "nested too deeply"
_RUN_SUFFIXES = (".gz", ".json", ".jsonl", ".csv", ".tsv", ".txt")


class File:
    """One file as the formats see it: its bytes, its name and the step column a person picked
    (None: the reader tells), and views of it made the first time a format asks for them (its
    text, its first character, its JSON value), each once however many formats look.

    `ascii_data` is `data` without a UTF-8 BOM when the bytes are ASCII, else None: such a file's
    bytes are its text's UTF-8 already, and it is recognised and read without decoding it."""

    def __init__(self, data: bytes, name: str, step_column: str | None = None, ascii_data: bytes | None = None):
        self.data = data
        self.name = name
        self.step_column = step_column
        self.ascii_data = ascii_data

    @cached_property
    def run(self) -> str:
        """The run's name: the file's base name without its log suffixes (`run` if none is left)."""
        base = self.name.replace("\\", "/").rsplit("/", 1)[-1]
        for suffix in _RUN_SUFFIXES:
            base = base.removesuffix(suffix)
        return base or "run"

    @property
    def is_text(self) -> bool:
        """Whether the file is text (ASCII, or decoded as `text` says)."""
        return self.ascii_data is not None or self.text is not None

    @property
    def text(self) -> str | None:
        """The decoded text: UTF-16 after its BOM, else UTF-8 (a BOM dropped), else GB18030; None
        for a file that is none of these (`not_text` says why)."""
        return self._decoded[0]

    @property
    def not_text(self) -> str | None:
        """Why the file is not text, as a note key (`log.binary`, `log.encoding`); None for text."""
        return self._decoded[1]

    @cached_property
    def _decoded(self) -> tuple[str | None, str | None]:
        data = self.data
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        if not utf16 and b"\x00" in data[:4096]:
            return None, "log.binary"
        for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                pass
        return None, "log.encoding"

    @cached_property
    def stripped(self) -> str:
        """The text without its leading white space ('' when the file is not text)."""
        return (self.text or "").lstrip()

    @cached_property
    def head(self) -> str:
        """The text's first character after white space: '' when there is none, or no text."""
        if self.ascii_data is not None and (head := self.ascii_data[:4096].decode().lstrip()[:1]):
            return head  # without decoding the whole file
        return self.stripped[:1]

    @property
    def utf8(self) -> bytes:
        """The text in UTF-8, without a BOM: the bytes themselves when they are ASCII."""
        return self.ascii_data if self.ascii_data is not None else (self.text or "").encode()

    @property
    def json_value(self) -> object:
        """The text as one JSON value; None when it is not one (`json_error` says why)."""
        return self._json[0]

    @property
    def json_error(self) -> str | None:
        """What is wrong with the text as one JSON value (`TOO_DEEP` when it nests deeper than
        the parser goes); None when it is one."""
        return self._json[1]

    @cached_property
    def _json(self) -> tuple[object, str | None]:
        try:
            return json.loads(self.stripped), None
        except ValueError as e:
            return None, str(e)
        except RecursionError:
            return None, TOO_DEEP


Reader = Callable[[File], "tuple[pd.DataFrame, dict]"]


@dataclass(frozen=True)
class Format:
    """A kind of log file, or of file refused as one.

    `name` is what `Log.format` says of a file it reads (`csv`, `trainer_state`, ...).
    `priority` orders the table: lower is asked first; no two formats share one.
    `recognises(file)` says whether the file is of this format, from its bytes, text and name.
    `read(file)` returns the reader's long table (`run, step, metric, value`, and `epoch`,
    `wall_time` where known) and the run facts the file states, or raises a `LogError`.
    A wrapper has `unwrap(file)` instead, giving the bytes and name of the file inside it.
    """

    name: str
    priority: int
    recognises: Callable[[File], bool]
    read: Reader | None = None
    unwrap: Callable[[File], tuple[bytes, str]] | None = None

    def __post_init__(self):
        if (self.read is None) == (self.unwrap is None):
            raise ValueError(f"log format {self.name!r} needs either read or unwrap, not both or neither")


_TABLE: list[Format] = []  # by priority


def register(fmt: Format) -> Format:
    """Add `fmt` to the table; returns it. Its name and its priority must be free."""
    taken = next((f for f in _TABLE if f.name == fmt.name or f.priority == fmt.priority), None)
    if taken is not None:
        raise ValueError(f"log format {fmt.name!r} (priority {fmt.priority}): {taken.name!r} has that name or priority")
    _TABLE.append(fmt)
    _TABLE.sort(key=lambda f: f.priority)
    return fmt


def unregister(name: str) -> None:
    """Take the format named `name` out of the table (`KeyError` when none is)."""
    fmt = next((f for f in _TABLE if f.name == name), None)
    if fmt is None:
        raise KeyError(name)
    _TABLE.remove(fmt)


def formats() -> tuple[Format, ...]:
    """The registered formats, in the order they are asked."""
    return tuple(_TABLE)


def recognise(file: File) -> Format:
    """The first format, by priority, that recognises `file`."""
    for fmt in _TABLE:
        if fmt.recognises(file):
            return fmt
    raise LookupError(f"no log format recognises {file.name}")  # csv takes any text, not_text the rest


def refuse(key: str) -> Reader:
    """A `read` that refuses every file it is given, with the note `key` naming the file."""

    def read(file: File) -> NoReturn:
        raise LogError(Note(key, {"name": file.name}))

    return read
