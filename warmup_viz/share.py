"""Config <-> URL query parameters, under TrainingArguments' names, defaults left out.

`decode(encode(c)) == (c, [])` for every valid config `c`, and `decode_link(encode_link(l)) ==
(l, [])` for a whole link (up to six schedules and the chart's view). The first schedule's
settings are unprefixed (`?lr_scheduler_type=cosine&max_steps=20000`); compared ones carry a
letter (`b.lr_scheduler_type=linear`). Decoding never raises: an invalid value is reported in a
warning naming the parameter, and that setting falls back to its default.

A page that keeps settings of its own in the same links names them in a `PageParams`;
`decode_page_link` then hands their values back (read by the page's parsers, warned about as the
view's options are) instead of calling them unknown. The page writes them itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

from . import logview, parse, run_kind, steps
from .config import DEFAULTS, EPOCH_FIELDS, FIELD_NAMES, ConfigError, ScheduleConfig, from_mapping, parse_field
from .messages import Note, english
from .run import Convention

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
        "link.lr_y": "{name}={value} must be a learning rate: a number, 0 or more",
        "link.lr_y_order": "lr_y_min={low} must be below lr_y_max={high}",
    }
)
MAX_PARAM_CHARS = 10_000
RESUME = "resume_from_checkpoint"
PREFIXES = ("", "b.", "c.", "d.", "e.", "f.")
MAX_SCHEDULES = len(PREFIXES)
_LISTS = ("metrics", "log_y")
_SHOWN_UNKNOWN = 5


class ViewError(ValueError):
    """An invalid view option (or page parameter); `note` says why."""

    def __init__(self, note: Note):
        super().__init__(str(note))
        self.note = note


@dataclass(frozen=True)
class View:
    """How the chart shows schedules and logs; every field can travel in a link.

    `metrics=None` means the default (the log's training loss). `log_y` names the panels with a
    log axis (`learning_rate` or metric names). `diff` adds a panel of each compared schedule
    against the first: `difference` (B − A) or `ratio` (B / A). `logging_convention` says which
    update's LR a log holds at each step (`run.Convention`). `lr_y_min`/`lr_y_max` set the LR
    panel's y range (None: framed as `figures.lr_range` says).
    """

    metrics: tuple[str, ...] | None = None
    layout: str = "stacked"
    smoothing: float = 0.6
    x_axis: str = "step"
    log_y: tuple[str, ...] = ()
    ignore_outliers: bool = False
    diff: str = "off"
    logging_convention: str = Convention.SINCE_4_51.value
    lr_y_min: float | None = None
    lr_y_max: float | None = None

    def __post_init__(self) -> None:
        one_of("layout", self.layout, logview.LAYOUTS)
        one_of("x_axis", self.x_axis, logview.X_AXES)
        one_of("logging_convention", self.logging_convention, tuple(c.value for c in Convention))
        one_of("diff", self.diff, logview.DIFFS)
        smoothing = self.smoothing
        if (
            isinstance(smoothing, bool)
            or not isinstance(smoothing, (int, float))
            or not 0 <= smoothing <= logview.MAX_SMOOTHING
        ):
            raise ViewError(Note("link.smoothing", {"value": repr(smoothing), "high": logview.MAX_SMOOTHING}))
        for name in ("lr_y_min", "lr_y_max"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
            ):
                raise ViewError(Note("link.lr_y", {"name": name, "value": repr(value)}))
        if self.lr_y_min is not None and self.lr_y_max is not None and self.lr_y_min >= self.lr_y_max:
            raise ViewError(Note("link.lr_y_order", {"low": repr(self.lr_y_min), "high": repr(self.lr_y_max)}))


VIEW_KEYS = tuple(f.name for f in fields(View))


@dataclass(frozen=True)
class Link:
    """Everything a link carries for the library: the schedules (the first is the one logs are
    checked against) and the chart's view."""

    configs: tuple[ScheduleConfig, ...] = (DEFAULTS,)
    view: View = field(default_factory=View)
    # per compared schedule: the step of A's checkpoint it resumes from (`b.resume_from_checkpoint=
    # checkpoint-500`, TrainingArguments' name; Trainer saves checkpoint-<step>), or None
    resumes: tuple[int | None, ...] = ()
    # per schedule: its loop and param groups (`run_kind.RunKind`; empty: all plain Trainer runs)
    kinds: tuple[run_kind.RunKind, ...] = ()


@dataclass(frozen=True)
class PageParams:
    """The parameters a page keeps in its links beside the schedules and the view: `keys`, each
    read from its (stripped) text by its parser, which raises `ValueError` for a bad value (a
    `ViewError` says why in a note); and `prefixes`, under which parameters are kept as given, as
    text (another page's own settings)."""

    keys: Mapping[str, Callable[[str], object]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()


def to_text(name: str, value: object) -> str:
    """One setting as link/form text that parses back to the same value."""
    if name == "lr_scheduler_kwargs" or isinstance(value, Mapping):  # kwargs, or a fit's DeepSpeed block
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
    return _leaving_out(values, from_mapping, prefix, warnings, DEFAULTS), warnings


def _leaving_out(values: dict, make, prefix: str, warnings: list[Note], fallback):
    """`make(values)`, leaving out each value it refuses (a warning naming it) until it takes the
    rest; `fallback` when it takes none."""
    for _ in range(len(values) + 1):
        try:
            return make(values)
        except ConfigError as e:
            name = e.field if e.field in values else next(iter(values), None)
            if name is None:
                break
            values.pop(name)
            warnings.append(_bad(prefix + name, e))
    return fallback


def encode_link(link: Link) -> dict[str, str]:
    """The query parameters of a link: each schedule (compared ones always name their
    `lr_scheduler_type`, so a schedule of all defaults still shows), then the view's non-defaults."""
    out: dict[str, str] = {}
    resumes = dict(enumerate(link.resumes))
    kinds = dict(enumerate(link.kinds))
    for i, (prefix, config) in enumerate(zip(PREFIXES, link.configs, strict=False)):
        params = encode(config)
        if prefix:
            params = {"lr_scheduler_type": config.lr_scheduler_type, **params}
        if prefix and resumes.get(i) is not None:
            params[RESUME] = steps.checkpoint_name(resumes[i])
        if i in kinds:
            params.update(kinds[i].to_params())
        out.update({prefix + key: value for key, value in params.items()})
    default = View()
    for name in VIEW_KEYS:
        value = getattr(link.view, name)
        if value != getattr(default, name):
            out[name] = ",".join(value) if name in _LISTS else to_text(name, value)
    return out


def decode_link(params: Mapping[str, object]) -> tuple[Link, list[Note]]:
    """The link `params` describe, and a warning for each parameter that could not be used."""
    link, _, warnings = decode_page_link(params, PageParams())
    return link, warnings


def decode_page_link(params: Mapping[str, object], page: PageParams) -> tuple[Link, dict[str, object], list[Note]]:
    """The link `params` describe; the page's own parameters (those of `page.keys` as their parsers
    read them, those under `page.prefixes` as text), in the link's order; and a warning for each
    parameter that could not be used. The page's parameters are warned about as the view's
    options are, in the link's order among them."""
    groups: dict[str, dict[str, object]] = {prefix: {} for prefix in PREFIXES}
    view_params, unknown, others = {}, [], {}
    resume_params = {}
    kind_params: dict[str, dict[str, object]] = {prefix: {} for prefix in PREFIXES}
    for key, raw in params.items():
        prefix = key[:2] if key[:2] in PREFIXES[1:] else ""
        name = key[len(prefix) :]
        if name in run_kind.KEYS:  # gradient_accumulation_steps: the loop's and the settings' own
            kind_params[prefix][name] = raw
        if prefix and key[2:] == RESUME:
            resume_params[prefix] = raw
        elif name in run_kind.KEYS and name not in FIELD_NAMES:
            continue
        elif prefix or key in FIELD_NAMES or key == "warmup_ratio":
            groups[prefix][key[len(prefix) :]] = raw
        elif key in VIEW_KEYS or key in page.keys:
            view_params[key] = raw
        elif key.startswith(page.prefixes) and (text := _text(raw)) is not None:
            others[key] = text
        else:
            unknown.append(key)
    warnings = [_unknown(unknown)] if unknown else []
    configs, resumes, kinds = [], [], []
    for prefix, group in groups.items():
        if prefix and not group:
            continue
        config, more = decode(group, prefix)
        configs.append(config)
        warnings += more
        step, more = _resume_step(prefix, resume_params.get(prefix))
        resumes.append(step)
        warnings += more
        kind, more = _run_kind(prefix, kind_params[prefix])
        kinds.append(kind)
        warnings += more
    view, own, more = _decode_view(view_params, page.keys)
    own.update(others)
    resumed = tuple(resumes) if any(r is not None for r in resumes) else ()
    kinds_kept = tuple(kinds) if any(not k.plain for k in kinds) else ()
    return Link(tuple(configs), view, resumed, kinds_kept), {k: own[k] for k in params if k in own}, warnings + more


def _run_kind(prefix: str, params: Mapping[str, object]) -> tuple[run_kind.RunKind, list[Note]]:
    """A schedule's loop and param groups; each parameter that cannot be used is left out, with a
    warning, and the rest kept."""
    texts = {k: t for k, v in params.items() if (t := _text(v)) is not None}
    warnings = [Note("link.not_text", {"param": prefix + k}) for k in params if k not in texts]
    return _leaving_out(texts, run_kind.from_params, prefix, warnings, run_kind.RunKind()), warnings


def _resume_step(prefix: str, raw: object) -> tuple[int | None, list[Note]]:
    """`checkpoint-500` or `500` -> 500; None (and a warning when something was given) otherwise."""
    if raw is None:
        return None, []
    try:
        return steps.checkpoint_step(_text(raw) or ""), []
    except ValueError:
        pass
    return None, [Note("link.bad_resume", {"param": prefix + RESUME, "value": _shown(_text(raw) or "")})]


def _decode_view(
    params: Mapping[str, object], page_keys: Mapping[str, Callable[[str], object]]
) -> tuple[View, dict[str, object], list[Note]]:
    """The view, the page's values, and a warning for each parameter not used (in `params`' order)."""
    values: dict[str, object] = {}
    own: dict[str, object] = {}
    warnings = []
    for key, raw in params.items():
        text = _text(raw)
        if text is None:
            warnings.append(Note("link.not_text", {"param": key}))
            continue
        try:
            if key in VIEW_KEYS:
                value = _view_value(key, text.strip())
                View(**{key: value})
                values[key] = value
            else:
                own[key] = page_keys[key](text.strip())
        except ValueError as e:
            warnings.append(_bad(key, e))
    try:
        return View(**values), own, warnings
    except ViewError as e:  # each is valid alone but they cross: the lower end is dropped
        warnings.append(_bad("lr_y_min", e))
        values.pop("lr_y_min")
        return View(**values), own, warnings


def _view_value(key: str, text: str) -> object:
    if key in _LISTS:
        return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if key == "ignore_outliers":
        return boolean(key, text)
    if key in ("smoothing", "lr_y_min", "lr_y_max"):
        return _parsed(key, text, parse.number)
    return text


def boolean(key: str, text: str) -> bool:
    """A link's true or false, read as settings read it (`true`, `yes`, `on`, `1`, ...); a
    `ViewError` naming `key` otherwise."""
    return _parsed(key, text, parse.boolean)


def one_of(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """`value` when it is one of `allowed`; a `ViewError` naming `name` and the choices otherwise."""
    if value not in allowed:
        raise ViewError(Note("link.one_of", {"name": name, "value": repr(value), "allowed": ", ".join(allowed)}))
    return value


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
