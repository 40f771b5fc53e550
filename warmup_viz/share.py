"""Config <-> URL query parameters, under TrainingArguments' names, defaults left out.

`decode(encode(c)) == (c, [])` for every valid config `c`, and `decode_link(encode_link(l)) ==
(l, [])` for a whole page (up to six schedules and the view). The first schedule's settings are
unprefixed (`?lr_scheduler_type=cosine&max_steps=20000`); compared ones carry a letter
(`b.lr_scheduler_type=linear`). Decoding never raises: an invalid value is reported in a warning
naming the parameter, and that setting falls back to its default.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from . import logview, parse
from .config import DEFAULTS, EPOCH_FIELDS, FIELD_NAMES, ConfigError, ScheduleConfig, from_mapping, parse_field
from .messages import Note, english
from .run import Convention

LANGUAGES = ("en", "zh")
english(
    {
        "link.bad": "{param}: {problem}; using the default",
        "link.not_text": "{param} is too long or not text; using the default",
        "link.unknown": "ignored unknown parameters: {params}",
        "link.unknown_more": "ignored unknown parameters: {params} and {more} more",
        "link.one_of": "{name}={value} must be one of: {allowed}",
        "link.smoothing": "smoothing={value} must be a number from 0 to {high}",
        "link.not_bool": "{name}={value} must be true or false",
        "link.not_number": "{name}={value} is not a number",
        "link.bad_resume": "{param}={value} must name a checkpoint (checkpoint-500, or 500); not resumed",
    }
)
MAX_PARAM_CHARS = 10_000
# what a bare address opens on: the rule-of-thumb warmup (scripts/make_example.py trains with it)
FIRST_VISIT = {"warmup_steps": "0.1"}
RESUME = "resume_from_checkpoint"
PAGE_PREFIXES = ("gallery.", "learn.")
PREFIXES = ("", "b.", "c.", "d.", "e.", "f.")
MAX_SCHEDULES = len(PREFIXES)
_LISTS = ("metrics", "log_y")
_SHOWN_UNKNOWN = 5


class ViewError(ValueError):
    """An invalid view option; `note` says why."""

    def __init__(self, note: Note):
        super().__init__(str(note))
        self.note = note


@dataclass(frozen=True)
class View:
    """How the chart shows schedules and logs; every field can travel in a link.

    `metrics=None` means the default (the log's training loss). `log_y` names the panels with a
    log axis (`learning_rate` or metric names). `diff` adds a panel of each compared schedule
    against the first: `difference` (B − A) or `ratio` (B / A). `example` shows the example run;
    `lang` is the page's language, `present` its presentation mode, `playhead` the step slider
    (`playhead_step`: the step it opens at, `playhead=500` in a link).
    """

    metrics: tuple[str, ...] | None = None
    layout: str = "stacked"
    smoothing: float = 0.6
    x_axis: str = "step"
    log_y: tuple[str, ...] = ()
    ignore_outliers: bool = False
    example: bool = True
    diff: str = "off"
    lang: str = "en"
    present: bool = False
    playhead: bool = False
    playhead_step: int | None = None
    logging_convention: str = Convention.SINCE_4_51.value

    def __post_init__(self) -> None:
        for name, value, allowed in (("layout", self.layout, logview.LAYOUTS), ("x_axis", self.x_axis, logview.X_AXES)):
            if value not in allowed:
                raise ViewError(
                    Note("link.one_of", {"name": name, "value": repr(value), "allowed": ", ".join(allowed)})
                )
        if self.lang not in LANGUAGES:
            values = {"name": "lang", "value": repr(self.lang), "allowed": ", ".join(LANGUAGES)}
            raise ViewError(Note("link.one_of", values))
        if self.logging_convention not in tuple(Convention):
            values = {
                "name": "logging_convention",
                "value": repr(self.logging_convention),
                "allowed": ", ".join(Convention),
            }
            raise ViewError(Note("link.one_of", values))
        if self.diff not in logview.DIFFS:
            values = {"name": "diff", "value": repr(self.diff), "allowed": ", ".join(logview.DIFFS)}
            raise ViewError(Note("link.one_of", values))
        smoothing = self.smoothing
        if (
            isinstance(smoothing, bool)
            or not isinstance(smoothing, (int, float))
            or not 0 <= smoothing <= logview.MAX_SMOOTHING
        ):
            raise ViewError(Note("link.smoothing", {"value": repr(smoothing), "high": logview.MAX_SMOOTHING}))


VIEW_KEYS = tuple(f.name for f in fields(View))
LINK_VIEW_KEYS = tuple(k for k in VIEW_KEYS if k != "playhead_step")  # it travels as playhead=N


@dataclass(frozen=True)
class Link:
    """Everything a link carries: the schedules (the first is the one logs are checked against)
    and the view."""

    configs: tuple[ScheduleConfig, ...] = (DEFAULTS,)
    view: View = field(default_factory=View)
    # per compared schedule: the step of A's checkpoint it resumes from (`b.resume_from_checkpoint=
    # checkpoint-500`, TrainingArguments' name; Trainer saves checkpoint-<step>), or None
    resumes: tuple[int | None, ...] = ()
    # the other pages' own settings (`gallery.max_steps`, `learn.warmup`), as text
    pages: Mapping[str, str] = field(default_factory=dict)


def to_text(name: str, value: object) -> str:
    """One setting as link/form text that parses back to the same value."""
    if name == "lr_scheduler_kwargs":
        return json.dumps(dict(value), separators=(",", ":")) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # a whole number reads as one (warmup_steps=2, not 2.0); it parses back to the same float
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def encode(config: ScheduleConfig) -> dict[str, str]:
    """The query parameters of `config`: only settings that differ from the defaults; the epoch
    settings only when `max_steps` is derived from them (then `max_steps` itself is left out: a
    dataset_size without max_steps means exactly that, as `config.derive_max_steps` says)."""
    out = {}
    for name in FIELD_NAMES:
        if name in EPOCH_FIELDS and not config.uses_epochs:
            continue
        if name == "max_steps" and config.uses_epochs and config.dataset_size is not None:
            continue
        value = getattr(config, name)
        default = getattr(DEFAULTS, name)
        if value == default:  # kwargs compare as mappings; 0 and 0.0 are the same setting
            continue
        out[name] = to_text(name, value)
    return out


def decode(params: Mapping[str, object], prefix: str = "") -> tuple[ScheduleConfig, list[Note]]:
    """The config a link describes, and a warning for each parameter that could not be used.
    `prefix` only names the parameters in the warnings (`b.learning_rate`)."""
    warnings: list[Note] = []
    values: dict[str, object] = {}
    unknown = []
    for key, raw in params.items():
        text = _text(raw)
        if key not in FIELD_NAMES and key != "warmup_ratio":
            unknown.append(prefix + key)
            continue
        if text is None:
            warnings.append(Note("link.not_text", {"param": prefix + key}))
            continue
        try:
            values[key] = parse_field(key, text)
        except ConfigError as e:
            warnings.append(_bad(prefix + key, e))
    if unknown:
        warnings.append(_unknown(unknown))
    for _ in range(len(values) + 1):
        try:
            return from_mapping(values), warnings
        except ConfigError as e:
            field = e.field if e.field in values else next(iter(values), None)
            if field is None:
                break
            values.pop(field)
            warnings.append(_bad(prefix + field, e))
    return DEFAULTS, warnings


def encode_link(link: Link) -> dict[str, str]:
    """The query parameters of a whole page: each schedule (compared ones always name their
    `lr_scheduler_type`, so a schedule of all defaults still shows), then the view's non-defaults."""
    out: dict[str, str] = {}
    resumes = dict(enumerate(link.resumes))
    for i, (prefix, config) in enumerate(zip(PREFIXES, link.configs, strict=False)):
        params = encode(config)
        if prefix:
            params = {"lr_scheduler_type": config.lr_scheduler_type, **params}
        if prefix and resumes.get(i) is not None:
            params[RESUME] = f"checkpoint-{resumes[i]}"
        out.update({prefix + key: value for key, value in params.items()})
    default = replace(View(), example=example_by_default(link.configs))
    out.update(link.pages)
    for name in LINK_VIEW_KEYS:
        value = getattr(link.view, name)
        if name == "playhead" and link.view.playhead and link.view.playhead_step:
            out[name] = str(link.view.playhead_step)  # on, at that step
        elif value != getattr(default, name):
            out[name] = ",".join(value) if name in _LISTS else to_text(name, value)
    return out


def decode_link(params: Mapping[str, object]) -> tuple[Link, list[Note]]:
    """The page a link describes, and a warning for each parameter that could not be used."""
    groups: dict[str, dict[str, object]] = {prefix: {} for prefix in PREFIXES}
    view_params, unknown, pages = {}, [], {}
    resume_params = {}
    for key, raw in params.items():
        prefix = key[:2] if key[:2] in PREFIXES[1:] else ""
        if prefix and key[2:] == RESUME:
            resume_params[prefix] = raw
        elif prefix or key in FIELD_NAMES or key == "warmup_ratio":
            groups[prefix][key[len(prefix) :]] = raw
        elif key in LINK_VIEW_KEYS:
            view_params[key] = raw
        elif key.startswith(PAGE_PREFIXES) and (text := _text(raw)) is not None:
            pages[key] = text  # the gallery's and the lesson's own settings: those pages read them
        else:
            unknown.append(key)
    warnings = [_unknown(unknown)] if unknown else []
    configs, resumes = [], []
    for prefix, group in groups.items():
        if prefix and not group:
            continue
        config, more = decode(group, prefix)
        configs.append(config)
        warnings += more
        step, more = _resume_step(prefix, resume_params.get(prefix))
        resumes.append(step)
        warnings += more
    view, more = _decode_view(view_params)
    if "example" not in view_params or "example" in {w.values.get("param") for w in more}:
        view = replace(view, example=example_by_default(configs))
    resumed = tuple(resumes) if any(r is not None for r in resumes) else ()
    return Link(tuple(configs), view, resumed, pages), warnings + more


def example_by_default(configs) -> bool:
    """Whether a link that does not say `example=` shows the example run: only when its schedules
    are the first visit's (or none given), the view the example was made for. A link of one's own
    settings shows those alone; `example=true` brings the example run along."""
    first, _ = decode(FIRST_VISIT)
    return tuple(configs) in ((DEFAULTS,), (first,))


def _resume_step(prefix: str, raw: object) -> tuple[int | None, list[Note]]:
    """`checkpoint-500` or `500` -> 500; None (and a warning when something was given) otherwise."""
    if raw is None:
        return None, []
    text = (_text(raw) or "").strip().removeprefix("checkpoint-")
    try:
        step = parse.count(text)
        if step >= 1:
            return step, []
    except ValueError:
        pass
    return None, [Note("link.bad_resume", {"param": prefix + RESUME, "value": _shown(_text(raw) or "")})]


def _decode_view(params: Mapping[str, object]) -> tuple[View, list[Note]]:
    values: dict[str, object] = {}
    warnings = []
    for key, raw in params.items():
        text = _text(raw)
        try:
            if text is None:
                warnings.append(Note("link.not_text", {"param": key}))
                continue
            values[key] = _view_value(key, text.strip())
            View(**{key: values[key]})
        except ValueError as e:
            values.pop(key, None)
            warnings.append(_bad(key, e))
    if isinstance(values.get("playhead"), int) and not isinstance(values.get("playhead"), bool):
        step = values.pop("playhead")
        values.update(playhead=step >= 1, playhead_step=step if step >= 1 else None)
    return View(**values), warnings


def _view_value(key: str, text: str) -> object:
    if key in _LISTS:
        return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if key == "playhead" and text.strip().isdigit():
        return int(text)  # playhead=500: on, at step 500
    if key in ("ignore_outliers", "example", "present", "playhead"):
        return _parsed(key, text, parse.boolean)
    if key == "smoothing":
        return _parsed(key, text, parse.number)
    return text


def _parsed(key: str, text: str, parser):
    try:
        return parser(text)
    except ValueError:
        kind = "link.not_bool" if parser is parse.boolean else "link.not_number"
        raise ViewError(Note(kind, {"name": key, "value": _shown(text)})) from None


def _text(raw: object) -> str | None:
    """A parameter's text (the last one when repeated), or None when it is not usable text."""
    text = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
    return text if isinstance(text, str) and len(text) <= MAX_PARAM_CHARS else None


def _unknown(keys: list[str]) -> Note:
    shown = ", ".join(_shown(k) for k in keys[:_SHOWN_UNKNOWN])
    if len(keys) > _SHOWN_UNKNOWN:
        return Note("link.unknown_more", {"params": shown, "more": len(keys) - _SHOWN_UNKNOWN})
    return Note("link.unknown", {"params": shown})


def _bad(param: str, error: ValueError) -> Note:
    """A parameter that could not be used, why (the error's own note when it has one), and that
    its default is used instead."""
    return Note("link.bad", {"param": param, "problem": getattr(error, "note", None) or str(error)})


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
