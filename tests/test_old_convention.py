"""Logs written by transformers before 4.51, which logged the LR of the next update at each step:
`--logging_convention before_4.51` lines them up with the schedule, bit for bit.

The logs under tests/data/ are real: scripts/make_old_log.py trained them with transformers 4.50.0.
"""

import json
import pathlib

import pytest

from warmup_viz import lr_schedule
from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig, from_mapping
from warmup_viz.errors import ConfigError
from warmup_viz.run import Convention, Planned, Shifted, with_convention
from warmup_viz.verdict import compare


def logged_lrs(config, steps, convention="since_4.51"):
    return with_convention(Planned(config), convention).logged(steps)


DATA = pathlib.Path(__file__).parent / "data"
LOGS = sorted(DATA.glob("transformers-4.50-*.json"))


def read(path):
    state = json.loads(path.read_text())
    logged = {e["step"]: e["learning_rate"] for e in state["log_history"] if "learning_rate" in e}
    return state, logged


def test_the_logs_are_from_transformers_4_50():
    assert len(LOGS) == 2
    for path in LOGS:
        assert read(path)[0]["transformers_version"] == "4.50.0"


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_before_4_51_equals_the_old_log_at_every_step(path):
    state, logged = read(path)
    config = from_mapping(state["training_arguments"])
    assert sorted(logged) == list(range(1, config.total_steps + 1))
    ours = logged_lrs(config, sorted(logged), "before_4.51")
    assert [logged[s] for s in sorted(logged)] == ours
    # what 4.50 logged at step s is what update s + 1 trains with: the schedule shifted by one
    plain = lr_schedule.full_table(config)[1]
    assert all(logged[s] == plain[s] for s in range(1, config.total_steps))
    assert not compare(Planned(config), list(logged), list(logged.values())).matches
    shifted = Shifted(Planned(config), Convention.BEFORE_4_51)
    assert compare(shifted, list(logged), list(logged.values())).matches


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_cli_schedule_and_check(path, capfd):
    state, logged = read(path)
    flags = [x for k, v in state["training_arguments"].items() for x in (f"--{k}", str(v))]
    assert main(["schedule", *flags, "--logging_convention", "before_4.51"]) == 0
    rows = capfd.readouterr().out.splitlines()
    assert rows[1:] == [f"{s},{logged[s]!r}" for s in sorted(logged)]
    assert main(["check", str(path), *flags]) == 1
    assert "shifted one step" in capfd.readouterr().out
    assert main(["check", str(path), *flags, "--logging_convention", "before_4.51"]) == 0
    assert f"matches at all {len(logged)} logged steps" in capfd.readouterr().out


def test_each_convention_logs_what_its_name_says():
    """since_4.51 (the default): step s logs the LR update s trained with; before_4.51: the LR of
    update s + 1. Against a stepped LambdaLR, for every convention there is."""
    from .test_schedule import stepped

    config = from_mapping(dict(max_steps=10, warmup_steps=2))
    trained = stepped(config)  # trained[s - 1]: the LR update s trained with
    steps = range(1, 10)
    meaning = {"since_4.51": [trained[s - 1] for s in steps], "before_4.51": [trained[s] for s in steps]}
    assert {c: logged_lrs(config, steps, c) for c in Convention} == meaning
    assert logged_lrs(config, steps) == meaning["since_4.51"]


def test_unknown_conventions_and_metric_driven_types_are_refused():
    config = from_mapping(dict(max_steps=10, warmup_steps=2))
    with pytest.raises(ConfigError, match="logging_convention='previous'"):
        logged_lrs(config, [1], "previous")
    with pytest.raises(ConfigError, match="follows a metric"):
        Shifted(Planned(config.replace(lr_scheduler_type="reduce_lr_on_plateau")), Convention.BEFORE_4_51)


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_infer_recovers_an_old_log_with_its_convention(path, capfd):
    """The real 4.50 logs: infer finds the settings they were trained with, logged the older way,
    and check confirms them; a log of today's Trainer keeps today's convention (test_infer)."""
    state, logged = read(path)
    config = from_mapping(state["training_arguments"])
    assert main(["infer", str(path)]) == 0
    found = json.loads(capfd.readouterr().out)
    assert found["logging_convention"] == "before_4.51" and found["exact"]
    recovered = from_mapping(
        {k: v for k, v in found.items() if k in ("lr_scheduler_type", "learning_rate", "max_steps")}
    )
    assert recovered.lr_scheduler_type == config.lr_scheduler_type and recovered.learning_rate == config.learning_rate
    flags = [
        x
        for k in ("lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps")
        for x in (f"--{k}", str(found[k]))
    ]
    assert main(["check", str(path), *flags, "--logging_convention", found["logging_convention"]]) == 0


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_checks_causes_for_an_old_log_reproduce_it(path, capfd):
    state, logged = read(path)
    wrong = ["--lr_scheduler_type", "constant", "--learning_rate", "0.1", "--max_steps", str(max(logged))]
    assert main(["check", str(path), *wrong, "--json"]) == 1
    matching = json.loads(capfd.readouterr().out)["matching_settings"]
    assert matching.get("logging_convention") == "before_4.51"
    settings = dict(zip(wrong[::2], wrong[1::2], strict=True))
    for key, value in matching.items():
        settings[f"--{key}"] = json.dumps(value) if isinstance(value, dict) else str(value)
    assert main(["check", str(path), *[x for kv in settings.items() for x in kv]]) == 0


def test_a_log_that_reads_both_ways_says_so():
    """Today's cosine_warmup_with_min_lr is, value for value, cosine_with_min_lr logged the older way:
    with as many kwargs either way, today's reading stays and the other is named."""
    from warmup_viz.inference import infer

    from .test_schedule import stepped

    config = ScheduleConfig(
        lr_scheduler_type="cosine_warmup_with_min_lr",
        learning_rate=1e-3,
        warmup_steps=5,
        max_steps=40,
        lr_scheduler_kwargs={"min_lr_rate": 0.1},
    )
    fit = infer(range(1, 41), stepped(config), max_steps=40)
    assert fit.exact and fit.config.lr_scheduler_type == "cosine_warmup_with_min_lr"
    assert fit.logging_convention == Convention.SINCE_4_51
    assert fit.hint.key == "infer.also_old_convention" and fit.hint.values == {"name": "cosine_with_min_lr"}
