"""A newcomer adds a scheduler type by touching its record and its words only.

The fixture plays a newer transformers that brings a type of its own (`toy_halving`: a linear
warmup, then the LR halves every `every` steps), and adds what warmup-viz needs of a newcomer:
the type's record (formula, its own breakpoints and the kwarg infer reads off a log as hooks, a
lesson slider) and its words in both
languages. Nothing else is touched, and the type goes through the whole pipeline: the engine
(against a real stepped LambdaLR), breakpoints, the CLI, a figure, a link, check and infer, and
the schedule page in English and Chinese.
"""

import json
import math
from functools import partial
from types import MappingProxyType

import pytest
from torch.optim.lr_scheduler import LambdaLR
from transformers import optimization
from transformers.trainer_utils import SchedulerType

from warmup_viz import figures, lr_schedule, registry, scheduler_types, share
from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig
from warmup_viz.curve import Breakpoint
from warmup_viz.inference import infer
from warmup_viz.run import Planned, curve
from warmup_viz.scheduler_types import Branch, KwargFacts, Slider, TypeRecord
from warmup_viz.ui.strings import EN, ZH
from warmup_viz.verdict import compare

from .test_schedule import stepped

NAME = "toy_halving"


def _halving_lambda(current_step: int, *, num_warmup_steps: int, every: int) -> float:
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return 0.5 ** ((current_step - num_warmup_steps) // every)


def get_halving_schedule(optimizer, num_warmup_steps: int, num_training_steps: int, every: int = 10, last_epoch=-1):
    """
    A linear warmup, then the learning rate halves every `every` steps.

    Args:
        optimizer ([`~torch.optim.Optimizer`]):
            The optimizer for which to schedule the learning rate.
        num_warmup_steps (`int`):
            The number of steps for the warmup phase.
        num_training_steps (`int`):
            The total number of training steps.
        every (`int`, *optional*, defaults to 10):
            The number of steps between two halvings.
        last_epoch (`int`, *optional*, defaults to -1):
            The index of the last epoch when resuming training.
    """
    return LambdaLR(optimizer, partial(_halving_lambda, num_warmup_steps=num_warmup_steps, every=every), last_epoch)


def _halvings(lrs, w: int, n: int, kwargs) -> list[Breakpoint]:
    every = int(kwargs.get("every", 10))
    return [Breakpoint(s, "cut") for s in range(w + every + 1, n + 1, every)][:200]


def _periods(pairs, w: int, n: int) -> list[int]:
    """The halving period read off a log: from the warmup's end to the first step below the peak."""
    top = max(v for _, v in pairs)
    first_below = next((s for s, v in pairs if s > w and v < top * (1 - 1e-9)), n)
    return sorted({e for e in (first_below - w - 2, first_below - w - 1, first_below - w) if e >= 1})


RECORD = TypeRecord(
    NAME,
    formula=(
        Branch(r"\dfrac{k}{\max(1,\, w)}", r"k < w"),
        Branch(r"2^{-\lfloor (k - w) / e \rfloor}", r"k \ge w"),
    ),
    kwargs={"every": KwargFacts("e", Slider(1, 100, 1, 10))},
    marks=_halvings,
    read_off={"every": _periods},
)
WORDS = {
    "scheduler.toy_halving": (
        "A linear warmup, then the LR halves every `every` steps.",
        "线性预热后，学习率每 every 步减半。",
    ),
    "kwarg.every": ("e: the steps between two halvings.", "e：两次减半之间的步数。"),
}


@pytest.fixture
def toy(monkeypatch):
    """transformers with one more scheduler type, and warmup-viz with its record and words."""
    member = str.__new__(SchedulerType, NAME)
    member._name_, member._value_ = NAME.upper(), NAME
    monkeypatch.setitem(SchedulerType._member_map_, NAME.upper(), member)
    monkeypatch.setitem(SchedulerType._value2member_map_, NAME, member)
    monkeypatch.setattr(SchedulerType, "_member_names_", [*SchedulerType._member_names_, NAME.upper()])
    monkeypatch.setitem(optimization.TYPE_TO_SCHEDULER_FUNCTION, member, get_halving_schedule)
    # what the newcomer touches: the record, and the words in both languages
    monkeypatch.setattr(scheduler_types, "RECORDS", MappingProxyType({**scheduler_types.RECORDS, NAME: RECORD}))
    for key, (en, zh) in WORDS.items():
        monkeypatch.setitem(EN, key, en)
        monkeypatch.setitem(ZH, key, zh)
    registry.schedulers.cache_clear()
    yield ScheduleConfig(
        lr_scheduler_type=NAME, learning_rate=1e-3, warmup_steps=5, max_steps=48, lr_scheduler_kwargs={"every": 8}
    )
    registry.schedulers.cache_clear()
    lr_schedule._build.cache_clear()


def test_the_registry_reads_it_from_transformers(toy):
    info = registry.info(NAME)
    assert NAME in registry.scheduler_names() and not info.metric_driven and info.uses_warmup
    assert [(k.name, k.default, k.kind) for k in info.kwargs] == [("every", 10, "int")]
    assert info.kwargs[0].help == "The number of steps between two halvings."


def test_the_engine_matches_a_real_stepped_lambdalr(toy):
    assert lr_schedule.full_table(toy)[1] == stepped(toy)
    assert [b.step for b in lr_schedule.breakpoints(toy) if b.kind == "cut"] == [14, 22, 30, 38, 46]


def test_the_cli_prints_it(toy, capfd):
    flags = ["--lr_scheduler_type", NAME, "--learning_rate", "1e-3", "--warmup_steps", "5", "--max_steps", "48"]
    assert main(["schedule", *flags, "--lr_scheduler_kwargs", '{"every": 8}']) == 0
    rows = capfd.readouterr().out.splitlines()
    assert rows[1:] == [f"{s},{v!r}" for s, v in zip(range(1, 49), stepped(toy), strict=True)]


def test_a_figure_and_a_link(toy):
    drawn = curve(Planned(toy))
    figure = figures.curve_figure(drawn, figures.FigureOptions(title=NAME))
    assert json.loads(figure.to_json())["data"]
    assert share.decode(share.encode(toy)) == (toy, [])


def test_check_and_infer_know_it(toy):
    steps = list(range(1, 49))
    assert compare(Planned(toy), steps, stepped(toy)).matches
    fit = infer(steps, stepped(toy), max_steps=48)
    assert fit.exact and fit.config.lr_scheduler_type == NAME and fit.config.lr_scheduler_kwargs == {"every": 8}
    assert math.isclose(fit.config.learning_rate, 1e-3)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_draws_it_and_says_it_in_both_languages(toy, lang):
    from .test_app import app, chart_data

    settings = {"learning_rate": "0.001", "warmup_steps": "5", "max_steps": "48", "lr_scheduler_kwargs": '{"every": 8}'}
    at = app(lr_scheduler_type=NAME, lang=lang, example="false", **settings)
    assert not at.exception and not at.error
    assert at.selectbox(key="lr_scheduler_type").value == NAME
    x, y = chart_data(at)
    assert x == list(range(1, 49)) and y == stepped(toy)
    words = WORDS["scheduler.toy_halving"][0 if lang == "en" else 1]
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    assert any(words.replace("`", "") in t.replace("`", "").replace("\\", "") for t in texts), texts
