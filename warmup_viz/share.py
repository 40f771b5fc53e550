"""Config <-> URL query parameters, under TrainingArguments' names, defaults left out.

`decode(encode(c)) == (c, [])` for every valid config `c`. Decoding never raises: an invalid value
is reported in a warning naming the parameter, and that setting falls back to its default.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from .config import DEFAULTS, EPOCH_FIELDS, FIELD_NAMES, ConfigError, ScheduleConfig, from_mapping, parse_field

MAX_PARAM_CHARS = 10_000


def to_text(name: str, value: object) -> str:
    """One setting as link/form text that parses back to the same value."""
    if name == "lr_scheduler_kwargs":
        return json.dumps(dict(value), separators=(",", ":")) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def encode(config: ScheduleConfig) -> dict[str, str]:
    """The query parameters of `config`: only settings that differ from the defaults; the epoch
    settings only when `max_steps` is derived from them."""
    out = {}
    for name in FIELD_NAMES:
        if name in EPOCH_FIELDS and not config.uses_epochs:
            continue
        value = getattr(config, name)
        default = getattr(DEFAULTS, name)
        if value == default:  # kwargs compare as mappings; 0 and 0.0 are the same setting
            continue
        out[name] = to_text(name, value)
    return out


def decode(params: Mapping[str, object]) -> tuple[ScheduleConfig, list[str]]:
    """The config a link describes, and a warning for each parameter that could not be used."""
    warnings: list[str] = []
    values: dict[str, object] = {}
    for key, raw in params.items():
        text = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
        if key not in FIELD_NAMES and key != "warmup_ratio":
            warnings.append(f"Ignored unknown link parameter {_shown(key)}.")
            continue
        if not isinstance(text, str) or len(text) > MAX_PARAM_CHARS:
            warnings.append(f"Link parameter {key} is too long or not text; using the default.")
            continue
        try:
            values[key] = parse_field(key, text)
        except ConfigError as e:
            warnings.append(f"Link parameter {key}: {e}; using the default.")
    for _ in range(len(values) + 1):
        try:
            return from_mapping(values), warnings
        except ConfigError as e:
            field = e.field if e.field in values else next(iter(values), None)
            if field is None:
                break
            values.pop(field)
            warnings.append(f"Link parameter {field}: {e}; using the default.")
    return DEFAULTS, warnings


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
