"""A file named to us, read with a size cap: the one place the library opens a path."""

from __future__ import annotations

from .errors import InputError
from .messages import Note, english

english(
    {
        "file.unreadable": "cannot read {path}: {problem}",
        "file.too_large": "{path} is larger than {limit} MB; not read",
    }
)


def read_capped(path: str, limit: int) -> bytes:
    """The bytes of the file at `path`; `InputError` naming it when it cannot be read or holds
    more than `limit` bytes (only `limit + 1` are ever read)."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise InputError(Note("file.unreadable", {"path": path, "problem": e.strerror or str(e)}), path) from None
    if len(data) > limit:
        raise InputError(Note("file.too_large", {"path": path, "limit": limit // 2**20}), path)
    return data
