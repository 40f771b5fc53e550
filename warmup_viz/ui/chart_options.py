"""The chart's options (metrics, layout, axes, smoothing, difference panel) and the log lines they pick."""

from __future__ import annotations

import streamlit as st

from warmup_viz import logview, parse, share
from warmup_viz.logs import Log, learning_rate_metric, training_loss
from warmup_viz.run import Convention

from . import widgets
from .strings import say, t
from .text import plain

_PERSIST = "session"  # keep a choice while its widget is not drawn


OPEN = "options_open"  # whether the options' box is open (a person's choice, kept for the session)


def options(logs: list, *, compared: bool = False) -> share.View:
    """Draw the chart's options; returns the view they describe. On a compared page the
    difference panel's choice comes first, always drawn; the rest sit in a box drawn only when
    open, so a change of a setting does not re-send them. It opens by itself while a log is
    loaded (most of them are a log's) or one of them is set (by a link, say), until a person
    opens or closes it."""
    metric_names = _metric_names(logs)
    defaults = default_metrics(metric_names)
    _keep_chosen_metrics(metric_names, defaults)
    if compared:
        _choice(st, "diff", logview.DIFFS, "view.diff_")
    kept = _kept(metric_names, logs, defaults, compared)
    box = widgets.expander(OPEN, t("view.options"), default=bool(logs) or kept != _plain(kept))
    if not box.open:
        return kept
    with box:
        return _drawn(metric_names, logs, defaults, compared)


def _drawn(metric_names: list[str], logs: list, defaults: list[str], compared: bool) -> share.View:
    """The options' widgets, and the view they describe."""
    chosen, layout, x_axis, smoothing = _first_row(metric_names, logs)
    cols = st.columns([3, 2, 2])
    log_y = cols[0].pills(
        t("view.log_y"), ["learning_rate", *chosen], selection_mode="multi", key="log_y", persist_state=_PERSIST
    )
    outliers = cols[1].checkbox(
        t("view.outliers"), key="ignore_outliers", persist_state=_PERSIST, help=t("view.outliers_help")
    )
    convention = _choice(cols[2], "logging_convention", _CONVENTIONS, "view.convention_")
    bounds = st.columns([1, 1, 3])
    low, high = (_lr_bound(col, name) for col, name in zip(bounds, ("lr_y_min", "lr_y_max"), strict=False))
    view = dict(
        metrics=None if chosen == defaults else tuple(chosen),
        layout=layout,
        smoothing=smoothing,
        x_axis=x_axis,
        log_y=tuple(log_y or ()),
        ignore_outliers=outliers,
        diff=st.session_state.get("diff", "off") if compared else "off",
        logging_convention=convention,
    )
    try:
        return share.View(**view, lr_y_min=low, lr_y_max=high)
    except share.ViewError as e:  # each bound valid alone, but they cross: both left to the default frame
        bounds[2].error(say(e))
        return share.View(**view)


_CONVENTIONS = tuple(c.value for c in Convention)


def _kept(metric_names: list[str], logs: list, defaults: list[str], compared: bool) -> share.View:
    """The view the options hold while their widgets are not drawn: each as its widget would
    return it (the session keeps a widget's value while it is not drawn; a link sets them)."""
    state = st.session_state
    chosen = [m for m in state.get("metrics", []) if m in metric_names] if metric_names else []
    offered = {"learning_rate", *chosen}
    view = dict(
        metrics=None if chosen == defaults else tuple(chosen),
        layout=_held("layout", logview.LAYOUTS),
        smoothing=state.get("smoothing", share.View.smoothing),
        x_axis=_held("x_axis", logview.X_AXES),
        log_y=tuple(m for m in state.get("log_y") or () if m in offered),
        ignore_outliers=bool(state.get("ignore_outliers", False)),
        diff=_held("diff", logview.DIFFS) if compared else "off",
        logging_convention=_held("logging_convention", _CONVENTIONS),
    )
    try:
        return share.View(**view, lr_y_min=state.get("lr_y_min"), lr_y_max=state.get("lr_y_max"))
    except share.ViewError:  # crossing bounds: said when the box is open; the default frame meanwhile
        return share.View(**view)


def _held(name: str, options: tuple[str, ...]) -> str:
    """A radio's option as `widgets.choice` would return it: the one held, else the first."""
    value = st.session_state.get(name)
    return value if value in options else options[0]


def _plain(view: share.View) -> share.View:
    """`view` with every option in the box at its default (the difference panel is not in it)."""
    return share.View(diff=view.diff)


def _lr_bound(col, name: str) -> float | None:
    """A text box for the LR panel's y min or max (empty: framed by default). Its value lives under
    the option's name in the session state, where a link sets it; the box shows it as text, and a
    bad entry is said under the box while the value before it stays."""
    state = st.session_state
    text_key, shown_key, problem_key = f"{name}@text", f"{name}@shown", f"{name}@problem"
    value = state.get(name)
    if text_key not in state or state.get(shown_key, "") != value:  # set elsewhere: by a link
        state[text_key] = "" if value is None else share.to_text(name, value)
        state[shown_key] = value
        state.pop(problem_key, None)
    col.text_input(
        t(f"view.{name}"),
        key=text_key,
        placeholder=t("view.lr_y_auto"),
        help=t("view.lr_y_help"),
        on_change=_read_bound,
        args=(name,),
    )
    if state.get(problem_key):
        col.error(state[problem_key])
    return value


def _read_bound(name: str) -> None:
    state = st.session_state
    text = (state.get(f"{name}@text") or "").strip()
    try:
        value = None if not text else parse.number(text)
        share.View(**{name: value})
    except share.ViewError as e:
        state[f"{name}@problem"] = say(e)
        return
    except ValueError:
        state[f"{name}@problem"] = t("view.lr_y_bad", name=name, value=plain(text))
        return
    state.pop(f"{name}@problem", None)
    state[name] = state[f"{name}@shown"] = value


def _keep_chosen_metrics(metric_names: list[str], defaults: list[str]) -> None:
    """Widget defaults live in the session state, where a link (or a button) can set them. A
    chosen metric no loaded log has any more is dropped; when none is left, the defaults return."""
    state = st.session_state
    state.setdefault("smoothing", share.View.smoothing)
    if "metrics" in state:
        kept = [m for m in state["metrics"] if m in metric_names]
        if kept or not state["metrics"]:
            state["metrics"] = kept
        else:
            del state["metrics"]
    if metric_names:
        state.setdefault("metrics", defaults)


def _first_row(metric_names: list[str], logs: list) -> tuple[list[str], str, str, float]:
    cols = st.columns([3, 2, 2, 2])
    chosen = (
        cols[0].multiselect(t("view.metrics"), metric_names, key="metrics", persist_state=_PERSIST)
        if metric_names
        else []
    )
    layout = _choice(cols[1], "layout", logview.LAYOUTS, "view.layout_")
    has_epochs = any(logview.has_epochs(item.log) for item in logs)
    x_axis = _choice(cols[2], "x_axis", logview.X_AXES, "view.x_", disabled=not has_epochs)
    smoothing = cols[3].slider(
        t("view.smoothing"),
        0.0,
        logview.MAX_SMOOTHING,
        step=0.01,
        key="smoothing",
        persist_state=_PERSIST,
        help=t("view.smoothing_help"),
    )
    return chosen, layout, x_axis, smoothing


def _choice(col, name: str, options: tuple[str, ...], prefix: str, *, disabled: bool = False) -> str:
    """A horizontal radio of a view option; its value lives under the option's name in the link."""
    return widgets.choice(col, name, options, t(f"view.{name}"), prefix, disabled=disabled, help=t(f"view.{name}_help"))


def default_metrics(metric_names: list[str]) -> list[str]:
    """The metric shown when none is chosen: the training loss whatever its name (`training_loss`),
    else the first metric."""
    loss = training_loss(metric_names)
    return [loss] if loss is not None else metric_names[:1]


def _lr_metrics(logs: list) -> set[str]:
    return {name for item in logs if (name := learning_rate_metric(item.log.metrics))}


def _metric_names(logs: list) -> list[str]:
    """Every metric of the loaded logs but their learning rates."""
    return sorted({m for item in logs for m in item.log.metrics} - _lr_metrics(logs))


def lines(logs: list, view: share.View) -> tuple[list[logview.Line], list[logview.Line]]:
    """(logged-LR lines, metric lines) for the chart. Cached: a million-point log is smoothed
    and downsampled once per choice of metrics, smoothing and axis, not on every rerun."""
    x_axis = view.x_axis if any(logview.has_epochs(item.log) for item in logs) else "step"
    chosen = default_metrics(_metric_names(logs)) if view.metrics is None else list(view.metrics)
    keys = tuple(item.key for item in logs)
    read = [item.log for item in logs]
    lr = _lines(read, keys, tuple(sorted(_lr_metrics(logs))), 0.0, x_axis)
    return lr, _lines(read, keys, tuple(chosen), view.smoothing, x_axis)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _lines(_logs: list[Log], keys: tuple[str, ...], metrics: tuple[str, ...], smoothing: float, x_axis: str) -> list:
    return logview.lines(_logs, metrics, smoothing=smoothing, x_axis=x_axis)
