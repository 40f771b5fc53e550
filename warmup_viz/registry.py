"""Scheduler types, their kwargs, defaults and help, read from the installed transformers.

Nothing here is a hand-kept list that could drift: the types are `transformers.SchedulerType`,
the kwargs are the parameters of the functions in `TYPE_TO_SCHEDULER_FUNCTION` (minus the ones
`get_scheduler` fills in itself), and the help is the first sentence of each parameter's docstring.
What transformers checks only in a function body (kwargs of which exactly one must be given) comes
from the type's record in `scheduler_types`.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cache

from torch.optim.lr_scheduler import ReduceLROnPlateau
from transformers.optimization import TYPE_TO_SCHEDULER_FUNCTION, GreedyLR
from transformers.trainer_utils import SchedulerType

from . import scheduler_types

# `get_scheduler` fills these itself; they are not `lr_scheduler_kwargs`.
_FILLED_BY_GET_SCHEDULER = frozenset({"optimizer", "num_warmup_steps", "num_training_steps", "last_epoch"})

# Metric-driven types take `**kwargs` and hand them to a class; its signature is the real one.
_KWARGS_CLASS = {"reduce_lr_on_plateau": ReduceLROnPlateau, "greedy": GreedyLR}


class Required:
    """Marker default of a kwarg that has no default and must be given."""

    def __repr__(self) -> str:
        return "required"


REQUIRED = Required()


@dataclass(frozen=True)
class KwargSpec:
    """One scheduler kwarg: its name, transformers' default, value kind and one-line help.

    `kind` is one of "int", "float", "str", "bool"; `choices` lists the valid strings when the
    docstring or annotation names them.
    """

    name: str
    default: object
    kind: str
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchedulerInfo:
    """What one `lr_scheduler_type` is: its function, summary, kwargs and which settings it reads."""

    name: str
    function: str
    summary: str
    kwargs: tuple[KwargSpec, ...]
    metric_driven: bool
    uses_warmup: bool
    uses_max_steps: bool
    one_of: tuple[str, ...] = ()

    def kwarg(self, name: str) -> KwargSpec | None:
        return next((k for k in self.kwargs if k.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.kwargs if k.default is REQUIRED)


_ARG_LINE = re.compile(r"^(\s+)(\w+) \(([^)]*)\):\s*(.*)$")
_CHOICE = re.compile(r"['`\"]([\w-]+)['`\"]")


def _param_docs(doc: str | None) -> dict[str, tuple[str, str]]:
    """Map parameter name -> (type text, first sentence) from a Google-style `Args:` section."""
    if not doc:
        return {}
    lines = doc.splitlines()
    out: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(lines):
        m = _ARG_LINE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, name, type_text, text = len(m.group(1)), m.group(2), m.group(3), [m.group(4)]
        i += 1
        while i < len(lines) and lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) > indent:
            text.append(lines[i].strip())
            i += 1
        out[name] = (type_text, " ".join(t for t in text if t))
    return out


def _first_sentence(text: str) -> str:
    """The first sentence; an enumeration it introduces ("stages: 1. warmup: ...") is kept short."""
    items = re.findall(r"\d\. (\w+):", text)
    head = re.match(r"(.+?):\s*1\. ", text)
    if head and items:
        return f"{head.group(1)}: {', '.join(items)}."
    m = re.match(r"(.+?[\w)`'\"]\.)(\s|$)", text)
    return (m.group(1) if m else text).strip()


def _kind(annotation: object, default: object, doc_type: str) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    if annotation is inspect.Parameter.empty:
        text = ""
    for source in (text, doc_type):
        if "Literal" in source or re.search(r"\bstr\b", source):
            return "str"
        if re.search(r"\bbool\b", source):
            return "bool"
        if re.search(r"\bfloat\b", source):
            return "float"
        if re.search(r"\bint\b", source):
            return "int"
    if isinstance(default, bool):
        return "bool"
    return {int: "int", float: "float", str: "str"}.get(type(default), "float")


def _choices(annotation: object, help_text: str) -> tuple[str, ...]:
    if isinstance(annotation, str) and "Literal[" in annotation:
        return tuple(_CHOICE.findall(annotation))
    m = re.search(r"(One of|Can be)([^.]*)", help_text)
    return tuple(dict.fromkeys(_CHOICE.findall(m.group(2)))) if m else ()


def _kwarg_specs(target: object, doc: str | None) -> tuple[KwargSpec, ...]:
    docs = _param_docs(doc)
    specs = []
    for p in inspect.signature(target).parameters.values():
        if p.name in _FILLED_BY_GET_SCHEDULER or p.name == "self" or p.kind is p.VAR_KEYWORD:
            continue
        default = REQUIRED if p.default is p.empty else p.default
        doc_type, doc_text = docs.get(p.name, ("", ""))
        kind = _kind(p.annotation, default, doc_type)
        choices = _choices(p.annotation, doc_text) if kind == "str" else ()
        specs.append(KwargSpec(p.name, default, kind, _first_sentence(doc_text), choices))
    return tuple(specs)


@cache
def schedulers() -> dict[str, SchedulerInfo]:
    """Every `lr_scheduler_type` of the installed transformers, keyed by its name."""
    out = {}
    for member in SchedulerType:
        fn = TYPE_TO_SCHEDULER_FUNCTION[member]
        params = inspect.signature(fn).parameters
        target = _KWARGS_CLASS.get(member.value, fn)
        out[member.value] = SchedulerInfo(
            name=member.value,
            function=fn.__name__,
            summary=_first_sentence(" ".join((inspect.getdoc(fn) or "").split("\n\n")[0].split())),
            kwargs=_kwarg_specs(target, inspect.getdoc(target)),
            metric_driven=member.value in _KWARGS_CLASS,
            uses_warmup="num_warmup_steps" in params,
            uses_max_steps="num_training_steps" in params,
            one_of=scheduler_types.of(member.value).one_of,
        )
    return out


def scheduler_names() -> tuple[str, ...]:
    """All `lr_scheduler_type` values, in transformers' order."""
    return tuple(schedulers())


def info(name: str) -> SchedulerInfo:
    """The `SchedulerInfo` of `name`; `ValueError` naming the valid types if there is none."""
    try:
        return schedulers()[name]
    except (KeyError, TypeError):
        raise ValueError(f"lr_scheduler_type={name!r} is not one of: {', '.join(schedulers())}") from None
