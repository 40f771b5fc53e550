"""What the library says to people, as a key and values: a page says it in its own language, the
CLI in English. Pure: no imports from warmup_viz.

Each module registers its English templates here (`english({...})`) under keys of its own
namespace (`note.`, `verdict.`, `cause.`, `replay.`, `config.`, ...) when it is imported;
`words.english()` imports every such module, so the page's catalogue, which holds the same keys
in every language, is built from all of them (a test checks it in a fresh interpreter).

Numbers in prose read as people write them (`human`): 4 significant digits for a float, thousands
separators for a count. Exact values stay in the fields of the objects that carry a note (and in
files), for hover text and JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_ENGLISH: dict[str, str] = {}
ENGLISH: Mapping[str, str] = MappingProxyType(_ENGLISH)


def english(templates: Mapping[str, str]) -> Mapping[str, str]:
    """Register English `templates` (key -> `str.format` text); returns them."""
    _ENGLISH.update(templates)
    return templates


def human(value: object) -> str:
    """A value in prose: floats to 4 significant digits (`2.5e-05`, `56.4`), counts with
    thousands separators (`4,878`), everything else as `str`."""
    if isinstance(value, Note):
        return str(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:.4g}"
    return str(value)


@dataclass(frozen=True)
class Note:
    """Something to tell a person: `key` (a registered template) and the values it quotes.
    `str(note)` is the English sentence, numbers in `human` form."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(ENGLISH[self.key], self.values)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))


def render(template: str, values: Mapping[str, object]) -> str:
    """`template` with `values` in `human` form."""
    return template.format(**{k: human(v) for k, v in values.items()})
