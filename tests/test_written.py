""" "Exact" is to the float written: values of a real stepped LambdaLR, written as JSON (float64),
TensorBoard (float32) and a fixed-width CSV (`%.6g`), are reproduced; a value a hair off is not."""

import json

import numpy as np
import pytest
import torch
from transformers import get_scheduler

from warmup_viz.config import ScheduleConfig
from warmup_viz.inference import infer
from warmup_viz.lr_schedule import build
from warmup_viz.run import Planned
from warmup_viz.verdict import compare
from warmup_viz.written import Written, first_difference, max_error

LR, WARMUP, N = 3e-5, 7, 60
STEPS = list(range(1, N + 1))


def stepped(name: str = "cosine", **kwargs) -> list[float]:
    """What Trainer logs at steps 1..N: the LR each update used, from a real LambdaLR stepped."""
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=LR)
    scheduler = get_scheduler(name, optimizer, WARMUP, N, scheduler_specific_kwargs=kwargs)
    out = []
    for _ in STEPS:
        out.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return out


def ours(name: str = "cosine", **kwargs) -> list[float]:
    config = ScheduleConfig(
        lr_scheduler_type=name, learning_rate=LR, warmup_steps=WARMUP, max_steps=N, lr_scheduler_kwargs=kwargs
    )
    return build(config).lrs(STEPS)  # step s: the LR update s used


def as_json(values):
    return json.loads(json.dumps(values))


def as_float32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


def as_fixed(values, digits=6):
    return [float(f"{v:.{digits}g}") for v in values]


@pytest.mark.parametrize(
    "writer, kind", [(as_json, "float64"), (as_float32, "float32"), (as_fixed, "decimal")], ids=str
)
def test_a_real_schedule_is_reproduced_as_each_writer_wrote_it(writer, kind):
    logged = writer(stepped())
    written = Written.of(logged)
    assert written.kind == kind
    assert first_difference(written, logged, ours(), LR) is None
    assert max_error(written, logged, ours(), LR) == 0


@pytest.mark.parametrize(
    "writer, nudge",
    [(as_json, 1 + 1e-9), (as_float32, 1 + 2e-7), (as_fixed, 1 + 3e-6)],
    ids=["float64", "float32", "decimal"],
)
def test_a_value_a_hair_off_is_found(writer, nudge):
    logged = writer(stepped())
    logged[40] = writer([logged[40] * nudge])[0]
    assert logged[40] != writer(stepped())[40]
    written = Written.of(logged)
    assert first_difference(written, logged, ours(), LR) == 40
    assert max_error(written, logged, ours(), LR) > 0


def test_round_values_are_compared_as_floats_not_as_two_digits():
    # a linear warmup to 1e-3 writes 0.0002, 0.0004, ...: short because they are exact, not truncated
    logged = [2e-4, 4e-4, 6e-4, 8e-4, 1e-3]
    assert Written.of(logged).kind == "float64"
    assert not Written.of(logged).same(2e-4, 2.04e-4, 1e-3)


def test_a_kwarg_a_little_off_is_not_exact():
    """The issue's cosine with num_cycles 0.5078: close everywhere, reproduced nowhere near every value."""
    logged = as_json(stepped("cosine", num_cycles=0.5078))
    fit = infer(STEPS, logged, max_steps=N)
    if fit.exact:
        # then every value is reproduced: the fit's own schedule is the log, as check says
        verdict = compare(Planned(fit.config), STEPS, logged)
        assert verdict.matches
        assert fit.config.lr_scheduler_kwargs.get("num_cycles") == pytest.approx(0.5078, rel=1e-9)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("linear", {}),
        ("cosine", {}),
        ("cosine_with_restarts", {"num_cycles": 3}),
        ("polynomial", {"power": 2.0, "lr_end": 1e-7}),
        ("cosine_with_min_lr", {"min_lr_rate": 0.1}),
        ("warmup_stable_decay", {"num_decay_steps": 20, "min_lr_ratio": 0.1}),
    ],
)
@pytest.mark.parametrize("writer", [as_json, as_float32, as_fixed], ids=["float64", "float32", "decimal"])
def test_infer_is_exact_where_check_says_the_log_matches(name, kwargs, writer):
    logged = writer(stepped(name, **kwargs))
    fit = infer(STEPS, logged, max_steps=N)
    assert fit.exact, f"{fit.settings()} off by {fit.max_relative_error:g}"
    assert compare(Planned(fit.config), STEPS, logged).matches
    # and a log one value off is neither exact nor a match
    logged[30] *= 1.001
    fit = infer(STEPS, logged, max_steps=N)
    assert not fit.exact
    assert not compare(Planned(fit.config), STEPS, logged).matches
