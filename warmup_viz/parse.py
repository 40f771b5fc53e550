"""Text and bytes as people hand them to us, each read by one rule wherever they arrive (links,
CLI flags, form fields, imported settings, uploaded files). Every function raises `ValueError`
with a message saying what was expected; callers add which setting or file it was.
"""

from __future__ import annotations

import math
import re

TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")
# 1,000 and 1,000,000 — commas only as thousands separators, so 1,00 is not a number
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")
# pickle protocol 2+ starts with PROTO (0x80); torch.save writes a zip of pickles
_PICKLE_SUFFIXES = (".bin", ".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".joblib")
_WHOLE_LIMIT = 2**53  # beyond this a float no longer holds every whole number exactly


def boolean(text: str) -> bool:
    """`true/1/yes/on` -> True, `false/0/no/off` -> False (any case, spaces around ignored)."""
    lowered = text.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError("must be true or false")


def count(text: str) -> int:
    """A whole number as people write it: `1000`, ` 1000 `, `1_000`, `1,000`, `1e3`, `-1`.

    A float notation is accepted when it is whole and exact (`1e3`, `2.0`; not `1.5`, not `1e300`)."""
    text = text.strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not value.is_integer() or abs(value) > _WHOLE_LIMIT:
        raise ValueError("is not a whole number")
    return int(value)


def number(text: str) -> float:
    """A float in Python/JSON notation (`3e-4`, `0.5`, `1_000.5`), spaces around ignored."""
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError("is not a number") from None


def looks_like_pickle(data: bytes, name: str = "") -> bool:
    """Whether a file is (or is named like) a pickle: `training_args.bin`, a `torch.save` file, a
    `.pkl`. Such files are never read, because unpickling runs code."""
    return data[:1] == b"\x80" or data[:2] == b"PK" or name.lower().endswith(_PICKLE_SUFFIXES)
