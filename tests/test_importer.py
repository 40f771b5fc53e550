"""Settings from pasted code, dicts, JSON, YAML and real files — read safely, used or ignored by name."""

import json
import pathlib

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import TrainingArguments

from warmup_viz import snippets
from warmup_viz.config import ScheduleConfig, from_mapping
from warmup_viz.errors import InputError
from warmup_viz.importer import SettingsError, read_settings

from .test_snippets import CONFIGS


@pytest.mark.parametrize("config", CONFIGS)
def test_our_own_snippets_read_back_to_the_same_config(config):
    imported = read_settings(snippets.training_arguments(config))
    values = dict(imported.values)
    if config.uses_epochs:  # the run's size is not a TrainingArguments field
        values.update(dataset_size=config.dataset_size, world_size=config.world_size)
    assert from_mapping(values) == config
    assert english(imported.ignored) == {"output_dir": "not a schedule setting"}


def english(ignored):
    """What the importer says of each ignored key, in English."""
    return {key: str(why) for key, why in ignored.items()}


def test_a_real_training_args_json(tmp_path):
    args = TrainingArguments(
        output_dir=str(tmp_path),
        learning_rate=3e-4,
        lr_scheduler_type="cosine_with_restarts",
        lr_scheduler_kwargs={"num_cycles": 2},
        warmup_steps=0.05,
        max_steps=5000,
        use_cpu=True,
    )
    imported = read_settings(args.to_json_string().encode(), "training_args.json")
    config = from_mapping(imported.values)
    assert config == ScheduleConfig(
        learning_rate=3e-4,
        lr_scheduler_type="cosine_with_restarts",
        lr_scheduler_kwargs={"num_cycles": 2},
        warmup_steps=0.05,
        max_steps=5000,
    )
    assert imported.source == "JSON" and "report_to" in imported.ignored


def test_axolotl_and_llama_factory_yaml():
    axolotl = read_settings(
        b"base_model: x\nlearning_rate: 0.0002\nlr_scheduler: cosine\nwarmup_ratio: 0.03\nnum_epochs: 2\n"
        b"micro_batch_size: 4\ngradient_accumulation_steps: 8\n",
        "axolotl.yml",
    )
    assert axolotl.values == {
        "learning_rate": 2e-4,
        "lr_scheduler_type": "cosine",
        "warmup_steps": 0.03,
        "num_train_epochs": 2.0,
        "per_device_train_batch_size": 4,
        "gradient_accumulation_steps": 8,
        "max_steps": -1,
    }
    assert axolotl.used["lr_scheduler"] == "lr_scheduler_type" and axolotl.notes
    factory = read_settings(
        "### train\nper_device_train_batch_size: 1\nlearning_rate: 1.0e-4\nnum_train_epochs: 3.0\n"
        "lr_scheduler_type: cosine\nwarmup_ratio: 0.1\nbf16: true\n"
    )
    assert factory.values["learning_rate"] == 1e-4 and factory.values["warmup_steps"] == 0.1
    assert english(factory.ignored) == {"bf16": "not a schedule setting"}


def test_python_call_reads_only_literals():
    imported = read_settings(
        'SFTConfig(output_dir=out, learning_rate=2e-5, max_steps=n * 2, warmup_steps=100, lr_scheduler_type="linear")'
    )
    assert imported.values == {"learning_rate": 2e-5, "warmup_steps": 100.0, "lr_scheduler_type": "linear"}
    assert "not a literal" in str(imported.ignored["max_steps"]) and imported.source == "SFTConfig(...)"


def test_nested_training_section_and_warmup_precedence():
    imported = read_settings(
        json.dumps({"model": "x", "training": {"warmup_steps": 50, "warmup_ratio": 0.1, "max_steps": 900}})
    )
    assert imported.values == {"warmup_steps": 50.0, "max_steps": 900}
    assert english(imported.ignored) == {"warmup_ratio": "warmup_steps is given and wins"}


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("", "nothing to read"),
        ("[1, 2]", "mapping of settings"),
        ("a: [b", "not a TrainingArguments call"),
        ("{'model': 'x'}", "no schedule settings found"),
        (b"\x80\x04K\x01.", "unpickling runs code"),
        (b"\xff\xfe\x00\x00garbage", "not UTF-8"),
        ("x" * 300_000, "at most"),
        ("[" * 10_000 + "]" * 10_000, "not a TrainingArguments call"),
    ],
)
def test_bad_input_is_named(data, fragment):
    with pytest.raises(SettingsError, match=fragment):
        read_settings(data, "f")


def test_a_real_torch_save_is_refused_unread(tmp_path):
    path = tmp_path / "training_args.bin"
    torch.save({"learning_rate": 1.0}, path)
    with pytest.raises(SettingsError, match="pickle"):
        read_settings(path.read_bytes(), path.name)


def test_code_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"TrainingArguments(learning_rate=__import__('pathlib').Path({str(marker)!r}).write_text('x'))"
    with pytest.raises(SettingsError):
        read_settings(code)
    assert not marker.exists()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_never_an_unexpected_exception(data):
    try:
        read_settings(data, "fuzz")
    except SettingsError:
        pass


def test_import_module_has_no_eval_or_pickle():
    source = (pathlib.Path(__file__).parents[1] / "warmup_viz" / "importer.py").read_text()
    for forbidden in ("eval(", "exec(", "import pickle", "pickle.load", "yaml.load(", "unsafe_load", "torch.load"):
        assert forbidden not in source.replace("literal_eval(", "")


def test_a_settings_error_is_an_input_error_naming_the_file():
    with pytest.raises(InputError) as caught:
        read_settings(b"just words", "notes.txt")
    assert isinstance(caught.value, SettingsError) and caught.value.name == "notes.txt"
