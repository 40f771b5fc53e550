"""A plan written beside the checkpoints reads back as the same run."""

import json

import pytest

from warmup_viz import plan
from warmup_viz.config import from_mapping
from warmup_viz.errors import ConfigError, InputError
from warmup_viz.lr_schedule import build
from warmup_viz.resume import Checkpoint
from warmup_viz.run import Convention

COSINE = from_mapping(dict(learning_rate=1e-3, warmup_steps=0.1, max_steps=50, lr_scheduler_type="cosine"))


def test_plain_plan_round_trips_and_its_csv_is_every_step(tmp_path):
    written = plan.write(str(tmp_path), plan.Plan(COSINE, written_by={"transformers": "5.23.0"}))
    assert [p.rsplit("/", 1)[1] for p in written] == [plan.PLAN_FILE, plan.SCHEDULE_FILE]
    back = plan.read(str(tmp_path))
    assert back == plan.Plan(COSINE, written_by={"transformers": "5.23.0"})
    rows = (tmp_path / plan.SCHEDULE_FILE).read_text().splitlines()
    assert rows[0] == "step,learning_rate" and len(rows) == 51
    lrs = build(COSINE).lrs(range(1, 51))
    assert [float(r.split(",")[1]) for r in rows[1:]] == lrs


def test_resumed_deepspeed_and_convention_plans_round_trip(tmp_path):
    first = Checkpoint(3, 1e-3, 7e-4, (1, 2, 3), (0.0, 5e-4, 1e-3))
    plans = [
        plan.Plan(from_mapping(dict(learning_rate=2e-3, max_steps=10)), resumed=first),
        plan.Plan(COSINE, deepspeed={"train_micro_batch_size_per_gpu": "auto"}),
        plan.Plan(COSINE, logging_convention=Convention.BEFORE_4_51),
    ]
    for i, p in enumerate(plans):
        plan.write(str(tmp_path / str(i)), p)
        back = plan.read(str(tmp_path / str(i)))
        assert back == p
        steps = list(back.run().steps())
        assert back.run().logged(steps) == p.run().logged(steps)


def test_no_plan_is_none_and_a_bad_one_names_the_file(tmp_path):
    assert plan.read(str(tmp_path)) is None
    (tmp_path / plan.PLAN_FILE).write_text("[1, 2]")
    with pytest.raises(InputError, match=plan.PLAN_FILE):
        plan.read(str(tmp_path))
    (tmp_path / plan.PLAN_FILE).write_text(json.dumps({"max_steps": 10, "resumed": {"global_step": "x"}}))
    with pytest.raises(InputError, match="resumed"):
        plan.read(str(tmp_path))
    (tmp_path / plan.PLAN_FILE).write_text(json.dumps({"max_steps": 10, "lr_scheduler_type": "nope"}))
    with pytest.raises(ConfigError):
        plan.read(str(tmp_path))
