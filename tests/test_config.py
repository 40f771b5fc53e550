"""Validation where input enters: each bad value gets a message naming it and what is valid."""

import json
from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmup_viz import steps
from warmup_viz.config import DEFAULTS, ConfigError, ScheduleConfig, from_mapping, parse_field


def test_defaults_are_training_arguments_defaults():
    from transformers import TrainingArguments

    theirs = {f.name: f.default for f in fields(TrainingArguments)}
    shared = (
        "learning_rate",
        "lr_scheduler_type",
        "warmup_steps",
        "num_train_epochs",
        "per_device_train_batch_size",
        "gradient_accumulation_steps",
        "dataloader_drop_last",
    )
    ours = ScheduleConfig()
    assert {name: getattr(ours, name) for name in shared} == {name: theirs[name] for name in shared}


@pytest.mark.parametrize(
    "changes,field,fragment",
    [
        ({"learning_rate": 0}, "learning_rate", "learning_rate=0 must be greater than 0"),
        ({"learning_rate": float("nan")}, "learning_rate", "finite"),
        ({"learning_rate": float("inf")}, "learning_rate", "finite"),
        ({"learning_rate": 1e9}, "learning_rate", "at most 100"),
        ({"learning_rate": "3e-4"}, "learning_rate", "must be a number"),
        ({"lr_scheduler_type": "nope"}, "lr_scheduler_type", "'nope' is not one of: linear, cosine"),
        ({"lr_scheduler_type": None}, "lr_scheduler_type", "must be a name"),
        ({"warmup_steps": -1}, "warmup_steps", "at least 0"),
        ({"max_steps": 0}, "max_steps", "max_steps=0 must be at least 1, or -1"),
        ({"max_steps": 10**15}, "max_steps", "at most 1,000,000,000,000"),
        ({"max_steps": 1.5}, "max_steps", "whole number"),
        ({"max_steps": True}, "max_steps", "whole number"),
        ({"max_steps": -1}, "dataset_size", "needs dataset_size"),
        ({"max_steps": -1, "dataset_size": 0}, "dataset_size", "at least 1"),
        ({"max_steps": -1, "dataset_size": 10, "num_train_epochs": 0}, "num_train_epochs", "greater than 0"),
        (
            {"max_steps": -1, "dataset_size": 3, "dataloader_drop_last": True},
            "dataset_size",
            "leaves no full batch",
        ),
        ({"lr_scheduler_kwargs": {"num_cycles": 2}}, "lr_scheduler_kwargs", "linear does not take 'num_cycles'"),
        (
            {"lr_scheduler_type": "cosine", "lr_scheduler_kwargs": {"power": 2}},
            "lr_scheduler_kwargs",
            "the kwargs it takes: num_cycles",
        ),
        ({"lr_scheduler_type": "cosine_with_min_lr"}, "lr_scheduler_kwargs", "min_lr or min_lr_rate"),
        (
            {"lr_scheduler_type": "cosine_with_min_lr", "lr_scheduler_kwargs": {"min_lr": 1e-6, "min_lr_rate": 0.1}},
            "lr_scheduler_kwargs",
            "not both",
        ),
        ({"lr_scheduler_type": "warmup_stable_decay"}, "lr_scheduler_kwargs", "needs num_decay_steps"),
        (
            {
                "lr_scheduler_type": "warmup_stable_decay",
                "lr_scheduler_kwargs": {"num_decay_steps": 5, "decay_type": "x"},
            },
            "lr_scheduler_kwargs",
            "must be one of: linear, cosine, 1-sqrt",
        ),
        (
            {"lr_scheduler_type": "cosine", "lr_scheduler_kwargs": {"num_cycles": "two"}},
            "lr_scheduler_kwargs",
            "must be a finite number",
        ),
        ({"lr_scheduler_kwargs": "{}"}, "lr_scheduler_kwargs", "must be a mapping"),
    ],
)
def test_bad_values_name_the_setting(changes, field, fragment):
    with pytest.raises(ConfigError) as info:
        ScheduleConfig(**changes)
    assert info.value.field == field
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "warmup,max_steps,expected",
    [(0.07, 100, 8), (0.1, 100, 10), (0.05, 1000, 50), (10.9, 100, 10), (1, 100, 1), (0.999, 10, 10), (0, 5, 0)],
)
def test_warmup_rounding_is_trainers(warmup, max_steps, expected):
    assert steps.num_warmup_steps(warmup, max_steps) == expected
    assert ScheduleConfig(warmup_steps=warmup, max_steps=max_steps).num_warmup_steps == expected


def test_epochs_arithmetic_shards_batches_before_accumulating():
    # 1000 examples, batch 8, 3 processes, accumulation 4: 125 batches, 42 per process, 11 updates
    assert steps.update_steps_per_epoch(1000, 8, 4, 3) == 11
    assert steps.update_steps_per_epoch(1000, 8, 4, 3, dataloader_drop_last=True) == 11
    assert steps.update_steps_per_epoch(1001, 8, 1, 1, dataloader_drop_last=True) == 125
    assert steps.update_steps_per_epoch(1001, 8, 1, 1) == 126
    assert steps.update_steps_per_epoch(5, 8, 16, 1) == 1  # at least one update per epoch
    c = ScheduleConfig(
        max_steps=-1,
        dataset_size=1000,
        per_device_train_batch_size=8,
        gradient_accumulation_steps=4,
        world_size=3,
        num_train_epochs=2.5,
    )
    assert c.total_steps == 28 and c.global_batch_size == 96


def test_legacy_warmup_ratio_is_an_alias():
    assert from_mapping({"warmup_ratio": "0.1", "max_steps": "50"}).num_warmup_steps == 5
    with pytest.raises(ConfigError, match="not both"):
        from_mapping({"warmup_ratio": 0.1, "warmup_steps": 3})
    with pytest.raises(ConfigError, match="below 1"):
        from_mapping({"warmup_ratio": 1.5})


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("learning_rate", "3e-4", 3e-4),
        ("max_steps", "1e6", 1_000_000),
        ("max_steps", " 20000 ", 20000),
        ("max_steps", "1,000", 1000),
        ("dataset_size", "1,234,567", 1_234_567),
        ("max_steps", "1_000", 1000),
        ("max_steps", "-1", -1),
        ("warmup_steps", " 1_000.5 ", 1000.5),
        ("dataloader_drop_last", "true", True),
        ("dataloader_drop_last", "Yes", True),
        ("dataloader_drop_last", "off", False),
        ("lr_scheduler_kwargs", '{"num_cycles": 2}', {"num_cycles": 2}),
        ("lr_scheduler_kwargs", "", {}),
    ],
)
def test_parse_field(name, text, expected):
    assert parse_field(name, text) == expected


@pytest.mark.parametrize(
    "name,text,fragment",
    [
        ("learning_rate", "abc", "not a number"),
        ("max_steps", "1.5", "not a whole number"),
        ("max_steps", "nan", "not a whole number"),
        ("max_steps", "1,00", "not a whole number"),
        ("max_steps", "1,000.5", "not a whole number"),
        ("learning_rate", "1,5", "not a number"),
        ("dataloader_drop_last", "", "true or false"),
        ("lr_scheduler_kwargs", "{", "not valid JSON"),
        ("lr_scheduler_kwargs", "[1]", "must be a JSON object"),
        ("lr_scheduler_kwargs", '{"a": {"b": 1}}', "must be a number, string"),
        ("lr_scheduler_kwargs", "[" * 100_000, "characters long"),
        ("lr_scheduler_kwargs", "[" * 5000, "not valid JSON"),
        ("dataloader_drop_last", "maybe", "true or false"),
    ],
)
def test_parse_field_rejects_with_a_message(name, text, fragment):
    with pytest.raises(ConfigError, match=fragment):
        parse_field(name, text)


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_counts_read_as_people_write_them(n):
    for text in (str(n), f"{n:,}", f"{n:_}", f" {n} ", f"{n}.0"):
        assert parse_field("max_steps", text) == n


def test_every_setting_has_a_parser_of_its_type():
    # the parsers follow ScheduleConfig's field types: a new field gets one, or import fails
    for f in fields(ScheduleConfig):
        value = getattr(DEFAULTS, f.name)
        value = 7 if value is None else value  # dataset_size: int | None
        text = value if isinstance(value, str) else json.dumps(value if f.type != "Mapping[str, object]" else {})
        parsed = parse_field(f.name, text)
        assert parsed == value and (type(parsed) is float or f.type != "float"), f.name


def test_unknown_setting_is_named():
    with pytest.raises(ConfigError, match="'warmup' is not a setting"):
        from_mapping({"warmup": 3})


def test_config_is_frozen_and_hashable():
    c = ScheduleConfig(lr_scheduler_type="cosine", lr_scheduler_kwargs={"num_cycles": 1.0})
    with pytest.raises(AttributeError):
        c.max_steps = 3
    with pytest.raises(TypeError):
        c.lr_scheduler_kwargs["num_cycles"] = 2
    assert hash(c) == hash(ScheduleConfig(lr_scheduler_type="cosine", lr_scheduler_kwargs={"num_cycles": 1.0}))


@pytest.mark.parametrize(
    "text, step", [("checkpoint-500", 500), ("500", 500), (" checkpoint-1,000 ", 1000), ("checkpoint-1e3", 1000)]
)
def test_a_checkpoint_name_gives_its_step(text, step):
    from warmup_viz.steps import checkpoint_name, checkpoint_step

    assert checkpoint_step(text) == step
    assert checkpoint_step(checkpoint_name(step)) == step and checkpoint_name(500) == "checkpoint-500"


@pytest.mark.parametrize("text", ["checkpoint-0", "checkpoint-", "ckpt-5", "checkpoint--3", "checkpoint-2.5", ""])
def test_anything_else_names_no_checkpoint(text):
    from warmup_viz.steps import checkpoint_step

    with pytest.raises(ValueError):
        checkpoint_step(text)
