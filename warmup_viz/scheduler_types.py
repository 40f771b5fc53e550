"""One record per `lr_scheduler_type`: everything warmup-viz knows about a type beyond what
transformers itself says (its signature, defaults and docstrings are read by `registry`).

A record holds the type's formula (every branch of λ(k) with its condition), the kwargs the
search in `infer` tries, the kwargs it cannot be drawn without (with suggested values, shared by
the settings form and the gallery), the kwargs that show its character in the gallery, the
kwargs of which exactly one must be given, and per kwarg: its symbol in the formula, the lesson's
slider range and the catalogue key of its help text; and the type's own behaviour as hooks: the
breakpoints only it has (`marks`), the kwargs whose search values are read off a log
(`read_off`), whether its lambda depends on the learning rate itself (`lr_dependent`), its phase
after warmup (`after_warmup`), and for a metric-driven type whether it can raise the LR
(`raises`). Every consumer (schedule, infer, infer_metric, teach, the form, the gallery, the lesson)
reads these records and no code outside them branches on a type's name (a test says so); a test
checks that every type of the installed transformers has one. Nothing here imports torch or
transformers: hooks get the schedule's values as a function.

Formulas use k = s − 1 (the index step s trains at), w = num_warmup_steps, n = max_steps, and
η = learning_rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .curve import Breakpoint

# the LRs of a built schedule at the given 1-based steps (`schedule.Schedule.lrs`)
Values = Callable[[Sequence[int]], list[float]]
MAX_MARKED_RESTARTS = 200
MAX_READ_OFF = 256  # values of a kwarg read off a log, at most


@dataclass(frozen=True)
class Branch:
    """One branch of λ(k): a LaTeX expression and the condition under which it applies."""

    expression: str
    condition: str


@dataclass(frozen=True)
class Slider:
    """A lesson slider: `low..high` by `step`, starting at `start` (None: transformers' default)."""

    low: float
    high: float
    step: float
    start: float | None = None


@dataclass(frozen=True)
class Suggested:
    """A kwarg value to draw with: `value`, or `value × max_steps` (a whole count, at least 1) or
    `value × learning_rate` when `per` names one of those."""

    value: object
    per: str | None = None

    def resolve(self, max_steps: int, learning_rate: float) -> object:
        if self.per == "max_steps":
            return max(1, math.floor(max_steps * self.value))
        if self.per == "learning_rate":
            return self.value * learning_rate
        return self.value


@dataclass(frozen=True)
class KwargFacts:
    """What we say about one kwarg of a type: its symbol in the formula, its lesson slider (None:
    the lesson does not move it), and the catalogue key of its help line."""

    symbol: str | None = None
    slider: Slider | None = None
    text_key: str = ""


@dataclass(frozen=True)
class SearchParam:
    """A kwarg `infer` searches: `kind` is float, int (refined between grid points) or choice;
    the first grid value is transformers' default."""

    name: str
    kind: str
    grid: tuple


@dataclass(frozen=True)
class TypeRecord:
    """Everything about one scheduler type that transformers does not say itself."""

    name: str
    formula: tuple[Branch, ...] = ()
    where: tuple[str, ...] = ()
    search: tuple[SearchParam, ...] = ()
    needs: Mapping[str, Suggested] = field(default_factory=dict)
    showcase: Mapping[str, Suggested] = field(default_factory=dict)
    one_of: tuple[str, ...] = ()
    kwargs: Mapping[str, KwargFacts] = field(default_factory=dict)
    # hooks: marks(lrs, w, n, kwargs) -> the type's own breakpoints; read_off[kwarg](pairs, w, n) ->
    # the values infer searches for that kwarg, read off the logged (step, LR) pairs
    marks: Callable[[Values, int, int, Mapping[str, object]], list[Breakpoint]] | None = None
    read_off: Mapping[str, Callable[[Sequence[tuple[int, float]], int, int], list[int]]] = field(default_factory=dict)
    lr_dependent: bool = False  # its lambda reads learning_rate itself (polynomial's lr_end / lr)
    after_warmup: str = "decay"  # the teaching phase of the steps after warmup (before any mark)
    raises: bool = False  # metric-driven: the LR can go up (a warmup count and a max_lr)
    # kwargs -> (type, kwargs) that logged the older way (step s showing update s + 1) gives the
    # same values, value for value, as this type logged today; None when there is none
    older_reading: Callable[[Mapping[str, object]], tuple[str, dict] | None] | None = None
    # tool -> kwargs(given, w, n): the kwargs a tool fills in before it builds this type
    tool_kwargs: Mapping[str, Callable[[Mapping[str, object], int, int], dict]] = field(default_factory=dict)
    # the tools that build schedulers of their own when asked for this type with their own
    # arguments (axolotl's cosine: rex, one_cycle, a quadratic warmup, a floor, `tool_schedulers`)
    tool_own: tuple[str, ...] = ()
    # its kwargs counted in scheduler steps (a loop that steps it num_processes times an update
    # scales them too), each with the value to write when not given (None: leave it out)
    step_kwargs: Mapping[str, Callable[[int], int | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("needs", "showcase", "kwargs", "read_off", "tool_kwargs", "step_kwargs"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @property
    def text_key(self) -> str:
        """The catalogue key of the type's one-line description."""
        return f"scheduler.{self.name}"

    def kwarg_text_key(self, kwarg: str) -> str:
        facts = self.kwargs.get(kwarg)
        return facts.text_key if facts and facts.text_key else f"kwarg.{kwarg}"

    def symbol(self, kwarg: str) -> str | None:
        facts = self.kwargs.get(kwarg)
        return facts.symbol if facts else None

    def slider(self, kwarg: str) -> Slider | None:
        facts = self.kwargs.get(kwarg)
        return facts.slider if facts else None

    def suggested(self, max_steps: int, learning_rate: float, *, showcase: bool = False) -> dict[str, object]:
        """The kwargs to draw this type with: those it needs, and with `showcase` those that
        show its character too."""
        chosen = {**self.needs, **(self.showcase if showcase else {})}
        return {name: s.resolve(max_steps, learning_rate) for name, s in chosen.items()}


# -- hooks --------------------------------------------------------------------------------------


def _wsd_marks(lrs: Values, w: int, n: int, kwargs: Mapping[str, object]) -> list[Breakpoint]:
    """Where WSD's decay starts and ends (stable steps default to n - w - decay)."""
    decay = int(kwargs["num_decay_steps"])
    stable = kwargs.get("num_stable_steps")
    stable = n - w - decay if stable is None else int(stable)
    return [Breakpoint(w + stable + 1, "decay_start"), Breakpoint(w + stable + decay + 1, "decay_end")]


def _restart_marks(lrs: Values, w: int, n: int, kwargs: Mapping[str, object]) -> list[Breakpoint]:
    """Every restart of cosine_with_restarts (up to `MAX_MARKED_RESTARTS`): where lambda jumps back up."""
    cycles = kwargs.get("num_cycles", 1)
    count = math.ceil(cycles) - 1
    if count < 1 or count > MAX_MARKED_RESTARTS or n - w < 2:
        return []
    out = []
    for k in range(1, count + 1):
        # lambda(c) jumps back up at the first c whose progress reaches k / cycles
        guess = w + math.ceil(k * (n - w) / cycles)
        candidates = [c for c in (guess - 1, guess, guess + 1) if w < c < n]
        if not candidates:
            continue
        lam = lrs([c + 1 for c in candidates] + [c for c in candidates])
        jumps = [lam[i] - lam[i + len(candidates)] for i in range(len(candidates))]
        best = max(range(len(candidates)), key=jumps.__getitem__)
        if jumps[best] > 0:
            out.append(Breakpoint(candidates[best] + 1, "restart", k))
    return out


def _decay_lengths(pairs: Sequence[tuple[int, float]], warmup: int, n: int) -> list[int]:
    """WSD's decay length: from the last logged step still at the peak to the first below it."""
    top = max(v for _, v in pairs)
    at_top = [s for s, v in pairs if v >= top * (1 - 1e-12)]
    last_top = at_top[-1] if at_top else warmup + 1
    after = [s for s, _ in pairs if s > last_top]
    first_below = after[0] if after else n
    # the decay starts at index k = n - d, i.e. at step n - d + 1
    lows = sorted({max(1, n - s + 1) for s in range(last_top, first_below + 1)})
    return lows[:MAX_READ_OFF] or [max(1, n // 10)]


def _cosine_older(kwargs: Mapping[str, object]) -> tuple[str, dict] | None:
    """cosine_warmup_with_min_lr warms up as (k + 1) / w and decays over (k - w + 1) / (n - w):
    cosine_with_min_lr one step on, the way transformers before 4.51 logged it; cosine itself
    when the floor is 0. Not with warmup_lr_rate (its warmup is another line)."""
    if "warmup_lr_rate" in kwargs:
        return None
    rest = {k: v for k, v in kwargs.items() if k in ("num_cycles", "min_lr", "min_lr_rate")}
    floor = rest.pop("min_lr_rate", None) if "min_lr_rate" in rest else rest.pop("min_lr", None)
    if floor == 0:
        return "cosine", rest
    key = "min_lr_rate" if "min_lr_rate" in kwargs else "min_lr"
    return "cosine_with_min_lr", {**rest, key: floor}


def _llamafactory_wsd(given: Mapping[str, object], w: int, n: int) -> dict:
    """LLaMA-Factory 0.9.5 `create_custom_scheduler` (train/trainer_utils.py L551-570): a third of
    the steps after warmup stable, the rest decay, each only where not given."""
    remaining = n - w
    stable = remaining // 3
    return {"num_stable_steps": stable, "num_decay_steps": remaining - stable, **given}


# -- shared pieces ------------------------------------------------------------------------------

_WARMUP = Branch(r"\dfrac{k}{\max(1,\, w)}", r"k < w")
_RHO = r"\rho = \dfrac{k - w}{\max(1,\, n - w)}"
_COSINE = r"\tfrac12\left(1 + \cos(2\pi c \rho)\right)"

_CYCLES = KwargFacts("c", Slider(0.25, 5.0, 0.25))
_RESTARTS = KwargFacts("c", Slider(1, 10, 1, 3))
_MIN_LR_RATE = KwargFacts("r", Slider(0.0, 0.9, 0.05, 0.1))
_MIN_LR = KwargFacts(r"r = \mathrm{min\_lr} / \eta")

_FLOAT_CYCLES = (0.5, 0.25, 0.75, 1.0, 1.5, 2.0, 0.1, 0.35, 0.65, 3.0, 5.0)
_MIN_LR_RATES = (0.1, 0.0, 0.01, 0.05, 0.2, 0.5)
_PLATEAU_TEXT = {
    name: KwargFacts(text_key=f"kwarg.reduce_lr_on_plateau.{name}")
    for name in ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps")
}
_GREEDY_TEXT = {
    name: KwargFacts(text_key=f"kwarg.greedy.{name}")
    for name in (
        "mode",
        "factor",
        "patience",
        "threshold",
        "threshold_mode",
        "cooldown",
        "warmup",
        "min_lr",
        "max_lr",
        "eps",
        "verbose",
        "smooth",
        "window_size",
        "reset_start",
    )
}

RECORDS: Mapping[str, TypeRecord] = MappingProxyType(
    {
        r.name: r
        for r in (
            TypeRecord(
                "linear",
                formula=(_WARMUP, Branch(r"\max\!\left(0,\ \dfrac{n - k}{\max(1,\, n - w)}\right)", r"k \ge w")),
            ),
            TypeRecord(
                "cosine",
                formula=(_WARMUP, Branch(r"\max\!\left(0,\ " + _COSINE + r"\right)", r"k \ge w")),
                where=(_RHO,),
                search=(SearchParam("num_cycles", "float", _FLOAT_CYCLES),),
                kwargs={"num_cycles": _CYCLES},
                tool_own=("axolotl",),
            ),
            TypeRecord(
                "cosine_with_restarts",
                formula=(
                    _WARMUP,
                    Branch(
                        r"\max\!\left(0,\ \tfrac12\left(1 + \cos\left(\pi\,((c \rho) \bmod 1)\right)\right)\right)",
                        r"k \ge w,\ \rho < 1",
                    ),
                    Branch("0", r"\rho \ge 1"),
                ),
                where=(_RHO,),
                search=(SearchParam("num_cycles", "int", tuple(range(1, 21))),),
                showcase={"num_cycles": Suggested(3)},
                kwargs={"num_cycles": _RESTARTS},
                marks=_restart_marks,
            ),
            TypeRecord(
                "polynomial",
                formula=(
                    _WARMUP,
                    Branch(
                        r"\dfrac{(\eta - \eta_{end})\left(1 - \frac{k - w}{n - w}\right)^{p} + \eta_{end}}{\eta}",
                        r"w \le k \le n",
                    ),
                    Branch(r"\dfrac{\eta_{end}}{\eta}", r"k > n"),
                ),
                search=(
                    SearchParam("power", "float", (1.0, 0.5, 1.5, 2.0, 3.0, 4.0)),
                    SearchParam("lr_end", "float", (1e-7, 0.0, 1e-6, 1e-5, 1e-4)),
                ),
                showcase={"power": Suggested(2.0), "lr_end": Suggested(0.1, per="learning_rate")},
                lr_dependent=True,
                kwargs={
                    "lr_end": KwargFacts(r"\eta_{end}", Slider(0.0, 1e-4, 1e-6)),
                    "power": KwargFacts("p", Slider(0.25, 4.0, 0.25)),
                },
            ),
            TypeRecord("constant", formula=(Branch("1", r"\text{every } k"),), after_warmup="constant"),
            TypeRecord("constant_with_warmup", formula=(_WARMUP, Branch("1", r"k \ge w")), after_warmup="constant"),
            TypeRecord(
                "inverse_sqrt",
                formula=(_WARMUP, Branch(r"\dfrac{1}{\sqrt{(k + \tau - w) / \tau}}", r"k \ge w")),
                where=(r"\tau = \text{timescale} \ (\text{default: } w \text{, or } 10\,000 \text{ when } w = 0)",),
                search=(SearchParam("timescale", "int", (None, 10, 100, 1000, 10_000)),),
                kwargs={"timescale": KwargFacts(r"\tau", Slider(10, 1000, 10, 100))},
                # transformers' timescale: num_warmup_steps, or 10,000 with no warmup (not a count to scale)
                step_kwargs={"timescale": lambda w: None if w else 10_000},
            ),
            TypeRecord("reduce_lr_on_plateau", kwargs=_PLATEAU_TEXT),
            TypeRecord(
                "cosine_with_min_lr",
                formula=(
                    _WARMUP,
                    Branch(r"\max\!\left(0,\ r + (1 - r)\," + _COSINE + r"\right)", r"k \ge w"),
                ),
                where=(_RHO,),
                search=(
                    SearchParam("min_lr_rate", "float", _MIN_LR_RATES),
                    SearchParam("num_cycles", "float", _FLOAT_CYCLES),
                ),
                needs={"min_lr_rate": Suggested(0.1)},
                one_of=("min_lr", "min_lr_rate"),
                kwargs={"num_cycles": _CYCLES, "min_lr_rate": _MIN_LR_RATE, "min_lr": _MIN_LR},
            ),
            TypeRecord(
                "cosine_warmup_with_min_lr",
                formula=(
                    Branch(r"\dfrac{k + 1}{\max(1,\, w)}", r"k < w,\ r_w \text{ not given}"),
                    Branch(r"r_w + (1 - r_w)\,\dfrac{k}{\max(1,\, w - 1)}", r"k < w,\ r_w \text{ given}"),
                    Branch(r"\max\!\left(0,\ r + (1 - r)\," + _COSINE + r"\right)", r"k \ge w"),
                ),
                where=(r"\rho = \dfrac{k - w + 1}{\max(1,\, n - w)}",),
                search=(
                    SearchParam("min_lr_rate", "float", _MIN_LR_RATES),
                    SearchParam("num_cycles", "float", _FLOAT_CYCLES),
                ),
                needs={"min_lr_rate": Suggested(0.1)},
                one_of=("min_lr", "min_lr_rate"),
                kwargs={
                    "num_cycles": _CYCLES,
                    "min_lr_rate": _MIN_LR_RATE,
                    "min_lr": _MIN_LR,
                    "warmup_lr_rate": KwargFacts("r_w", Slider(0.0, 0.9, 0.05)),
                },
                older_reading=_cosine_older,
            ),
            TypeRecord(
                "warmup_stable_decay",
                formula=(
                    Branch(r"m + (1 - m)\, f_w\!\left(\tfrac{k}{w}\right)", r"k < w"),
                    Branch("1", r"w \le k < w + s"),
                    Branch(r"m + (1 - m)\, f_d\!\left(\tfrac{k - w - s}{d}\right)", r"w + s \le k < w + s + d"),
                    Branch("m", r"k \ge w + s + d"),
                ),
                where=(
                    r"s = n - w - d \ \text{unless given}",
                    r"f_w(x) = x,\ \tfrac12(1 - \cos \pi x),\ 1 - \sqrt{1 - x}\quad"
                    r"f_d(x) = 1 - x,\ \tfrac12(1 + \cos 2\pi c x),\ 1 - \sqrt{x}",
                ),
                search=(
                    SearchParam("decay_type", "choice", ("cosine", "linear", "1-sqrt")),
                    SearchParam("min_lr_ratio", "float", (0.0, 0.01, 0.05, 0.1, 0.2)),
                    SearchParam("warmup_type", "choice", ("linear", "cosine", "1-sqrt")),
                ),
                needs={"num_decay_steps": Suggested(0.1, per="max_steps")},
                showcase={"min_lr_ratio": Suggested(0.1)},
                kwargs={
                    "num_decay_steps": KwargFacts("d", Slider(10, 900, 10, 100)),
                    "num_stable_steps": KwargFacts("s"),
                    "min_lr_ratio": KwargFacts("m", Slider(0.0, 0.9, 0.05)),
                    "warmup_type": KwargFacts("f_w"),
                    "decay_type": KwargFacts("f_d"),
                    "num_cycles": KwargFacts("c"),
                },
                marks=_wsd_marks,
                read_off={"num_decay_steps": _decay_lengths},
                step_kwargs={"num_decay_steps": lambda w: None, "num_stable_steps": lambda w: None},
                tool_kwargs={"llamafactory": _llamafactory_wsd},
            ),
            TypeRecord("greedy", kwargs=_GREEDY_TEXT, raises=True),
        )
    }
)


def record(name: str) -> TypeRecord | None:
    """The record of scheduler type `name`; None for a type this version of warmup-viz does not
    know yet (a newer transformers): callers fall back to what transformers says."""
    return RECORDS.get(name)


def tool_own_type(tool: str) -> str | None:
    """The type `tool` builds its own schedulers under (axolotl's cosine), if any."""
    return next((r.name for r in RECORDS.values() if tool in r.tool_own), None)


def of(name: str) -> TypeRecord:
    """The record of `name`, or an empty one (no formula, no search, nothing suggested)."""
    return RECORDS.get(name) or TypeRecord(name)
