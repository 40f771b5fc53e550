"""The engine against the real thing: a `LambdaLR` from `get_scheduler`, stepped as Trainer does."""

import math

import pytest
import torch
from transformers.optimization import get_scheduler

from warmup_viz import lr_schedule, registry
from warmup_viz.config import EXPORT_STEPS_LIMIT, ConfigError, ScheduleConfig

# Extra configurations per type; every step-based type of transformers is tested with at least the
# defaults (plus required kwargs), so a new type is covered for free.
REQUIRED = {
    "warmup_stable_decay": {"num_decay_steps": 30},
    "cosine_with_min_lr": {"min_lr_rate": 0.1},
    "cosine_warmup_with_min_lr": {"min_lr": 1e-5},
}
EXTRA = {
    "cosine": [{"num_cycles": 1.5}, {"num_cycles": 0.25}],
    "cosine_with_restarts": [{"num_cycles": 3}, {"num_cycles": 7}],
    "polynomial": [{"power": 2.0, "lr_end": 1e-6}, {"power": 0.5}],
    "inverse_sqrt": [{"timescale": 17}],
    "cosine_with_min_lr": [{"min_lr": 3e-6, "num_cycles": 0.75}],
    "cosine_warmup_with_min_lr": [{"min_lr_rate": 0.05, "warmup_lr_rate": 0.1}],
    "warmup_stable_decay": [
        {"num_decay_steps": 50, "warmup_type": "cosine", "decay_type": "1-sqrt", "min_lr_ratio": 0.1},
        {"num_decay_steps": 20, "num_stable_steps": 100, "decay_type": "linear", "warmup_type": "1-sqrt"},
    ],
}
STEP_BASED = [n for n, i in registry.schedulers().items() if not i.metric_driven]
WARMUPS = [0, 7, 0.07, 10.9]


def cases():
    for name in STEP_BASED:
        for kwargs in [REQUIRED.get(name, {})] + EXTRA.get(name, []):
            for warmup in WARMUPS:
                for n, lr in ((200, 3e-4), (57, 1e-3)):
                    yield pytest.param(name, kwargs, warmup, n, lr, id=f"{name}-{kwargs}-w{warmup}-n{n}")


def real_scheduler(config: ScheduleConfig, optimizer=None):
    """`(optimizer, scheduler)` as Trainer makes them: transformers' `get_scheduler` on an AdamW
    (or `optimizer`) whose LR is `learning_rate`."""
    if optimizer is None:
        optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=config.learning_rate)
    scheduler = get_scheduler(
        config.lr_scheduler_type,
        optimizer,
        num_warmup_steps=config.num_warmup_steps,
        num_training_steps=config.total_steps,
        scheduler_specific_kwargs=dict(config.lr_scheduler_kwargs),
    )
    return optimizer, scheduler


def stepped(config: ScheduleConfig) -> list[float]:
    """What a real optimizer trains with: `get_last_lr()` before each `step()`."""
    optimizer, scheduler = real_scheduler(config)
    out = []
    for _ in range(config.total_steps):
        out.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return out


@pytest.mark.filterwarnings("ignore:Both num_training_steps and num_stable_steps")
@pytest.mark.parametrize("name,kwargs,warmup,n,lr", list(cases()))
def test_full_table_equals_stepped_lambdalr_bit_for_bit(name, kwargs, warmup, n, lr):
    config = ScheduleConfig(
        learning_rate=lr, lr_scheduler_type=name, warmup_steps=warmup, max_steps=n, lr_scheduler_kwargs=kwargs
    )
    steps, lrs = lr_schedule.full_table(config)
    assert list(steps) == list(range(1, n + 1))
    expected = stepped(config)
    assert [v.hex() for v in lrs] == [float(v).hex() for v in expected]


@pytest.mark.parametrize("name,kwargs,warmup,n,lr", list(cases()))
def test_display_path_is_exact_and_has_every_breakpoint(name, kwargs, warmup, n, lr):
    config = ScheduleConfig(
        learning_rate=lr, lr_scheduler_type=name, warmup_steps=warmup, max_steps=n, lr_scheduler_kwargs=kwargs
    )
    table = lr_schedule.full_table(config)[1]
    curve = lr_schedule.display_curve(config, points=40)  # fewer points than steps: the sampled path
    assert len(curve.steps) < n
    assert list(curve.lrs) == [table[s - 1] for s in curve.steps]
    assert {b.step for b in curve.breakpoints} <= set(curve.steps)
    assert curve.steps[0] == 1 and curve.steps[-1] == n


LONG_CASES = [
    ("linear", {}, 0.01),
    ("cosine_with_restarts", {"num_cycles": 5}, 1000),
    ("warmup_stable_decay", {"num_decay_steps": 100_000}, 0.02),
    ("cosine_warmup_with_min_lr", {"min_lr_rate": 0.1}, 5000),
]


@pytest.mark.parametrize("name,kwargs,warmup", LONG_CASES)
def test_display_path_at_ten_million_steps_is_exact_and_small(name, kwargs, warmup):
    config = ScheduleConfig(
        lr_scheduler_type=name, warmup_steps=warmup, max_steps=10_000_000, lr_scheduler_kwargs=kwargs
    )
    curve = lr_schedule.display_curve(config)
    assert len(curve.steps) <= lr_schedule.DISPLAY_POINTS + 50
    built = lr_schedule.build(config)
    for s, v in zip(curve.steps, curve.lrs, strict=True):
        assert v == config.learning_rate * built.lr_lambda(s - 1)
    kinds = {b.kind for b in curve.breakpoints}
    assert {"start", "end"} <= kinds
    if warmup:
        assert {"warmup_end", "peak"} <= kinds


def test_breakpoints_are_where_the_real_schedule_turns():
    config = ScheduleConfig(
        lr_scheduler_type="cosine_with_restarts", warmup_steps=10, max_steps=300, lr_scheduler_kwargs={"num_cycles": 4}
    )
    table = stepped(config)
    restarts = [b.step for b in lr_schedule.breakpoints(config) if b.kind == "restart"]
    # a restart is a step whose LR jumps up after the warmup
    jumps = [s for s in range(12, 301) if table[s - 1] > table[s - 2]]
    assert restarts == jumps and len(restarts) == 3
    peak = next(b.step for b in lr_schedule.breakpoints(config) if b.kind == "peak")
    assert table[peak - 1] == max(table)


def test_wsd_phases_are_marked_where_they_begin():
    config = ScheduleConfig(
        lr_scheduler_type="warmup_stable_decay",
        warmup_steps=20,
        max_steps=200,
        lr_scheduler_kwargs={"num_decay_steps": 50},
    )
    table = stepped(config)
    marks = {b.kind: b.step for b in lr_schedule.breakpoints(config)}
    assert table[marks["peak"] - 1] == config.learning_rate
    assert table[marks["decay_start"] - 2] == config.learning_rate  # last stable step
    assert table[marks["decay_start"]] < config.learning_rate  # decay under way


@pytest.mark.parametrize("name", STEP_BASED)
def test_invariants_warmup_rises_and_peak_is_at_the_boundary(name):
    config = ScheduleConfig(
        lr_scheduler_type=name, warmup_steps=20, max_steps=200, lr_scheduler_kwargs=REQUIRED.get(name, {})
    )
    lrs = lr_schedule.full_table(config)[1]
    summary = lr_schedule.summarize(config)
    assert summary.peak_lr == max(lrs)
    assert summary.final_lr == lrs[-1] and summary.first_lr == lrs[0]
    if registry.info(name).uses_warmup:
        warm = lrs[:20]
        assert all(a < b for a, b in zip(warm, warm[1:], strict=False)), "warmup increases"
        assert summary.peak_step in (20, 21), "peak at the warmup boundary"


@pytest.mark.parametrize("name", [n for n, i in registry.schedulers().items() if i.metric_driven])
def test_metric_driven_types_say_they_need_a_log(name):
    with pytest.raises(ConfigError, match="follows a metric"):
        lr_schedule.display_curve(ScheduleConfig(lr_scheduler_type=name))


def test_step_one_of_a_linear_warmup_trains_at_zero_and_the_summary_says_why():
    summary = lr_schedule.summarize(ScheduleConfig(warmup_steps=10, max_steps=100))
    assert summary.first_lr == 0.0
    assert any("Step 1 trains at LR 0" in str(note) for note in summary.notes)


def test_ratio_rounding_note_shows_the_float_trap():
    summary = lr_schedule.summarize(ScheduleConfig(warmup_steps=0.07, max_steps=100))
    assert summary.num_warmup_steps == 8
    assert any("7.000000000000001" in str(note) for note in summary.notes)  # the trap stays visible


def test_notes_show_numbers_as_people_read_them():
    (note,) = [
        n
        for n in lr_schedule.summarize(ScheduleConfig(warmup_steps=0.0564, max_steps=1000)).notes
        if n.key == "note.ratio"
    ]
    assert "ceil(56.4) = 57" in str(note)  # not ceil(56.400000000000006)


def test_a_warmup_longer_than_the_run_is_drawn_and_flagged():
    """transformers accepts it (warmup only has to be >= 0); the summary says the peak is never reached."""
    config = ScheduleConfig(warmup_steps=1250, max_steps=1000, learning_rate=1e-3)
    _, lrs = lr_schedule.full_table(config)
    assert lrs[-1] == pytest.approx(1e-3 * 999 / 1250)
    (note,) = [n for n in lr_schedule.summarize(config).notes if n.key == "note.peak_never_reached"]
    assert note.values["count"] == 1250 and "79.92%" in str(note)


def test_full_export_is_capped_with_a_clear_message():
    with pytest.raises(ConfigError, match="too many to export"):
        lr_schedule.full_table(ScheduleConfig(max_steps=EXPORT_STEPS_LIMIT + 1))


@pytest.mark.parametrize(
    "name,kwargs,message",
    [
        ("inverse_sqrt", {"timescale": 0}, "ZeroDivisionError"),
        ("inverse_sqrt", {"timescale": -5}, "fails at step"),
        ("polynomial", {"lr_end": 1.0}, "rejects them"),
    ],
)
def test_transformers_failures_become_clear_messages(name, kwargs, message):
    config = ScheduleConfig(lr_scheduler_type=name, warmup_steps=3, max_steps=50, lr_scheduler_kwargs=kwargs)
    with pytest.raises(ConfigError, match=message):
        lr_schedule.display_curve(config)


def test_a_non_finite_or_failing_step_is_named():
    config = ScheduleConfig(max_steps=10)
    blows_up = lr_schedule.Schedule(config, lambda k: math.inf if k == 6 else 1.0)
    assert blows_up.lrs(range(1, 7)) == [config.learning_rate] * 6
    with pytest.raises(ConfigError, match="fails at step 7 with these settings: it gives inf"):
        blows_up.lrs(range(1, 11))
    # transformers' own inverse_sqrt with timescale=0 divides by zero at the first step after warmup
    real = ScheduleConfig(
        lr_scheduler_type="inverse_sqrt", warmup_steps=3, max_steps=50, lr_scheduler_kwargs={"timescale": 0}
    )
    with pytest.raises(ConfigError, match="fails at step 4 with these settings: ZeroDivisionError"):
        lr_schedule.full_table(real)
