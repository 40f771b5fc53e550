"""Trainer under DeepSpeed: every LR a real run logs equals `ds_schedule`'s, and `"auto"` is filled
(and contradictions refused) exactly as transformers' DeepSpeed integration does.

Each real run is a child process on CPU (tests/deepspeed_run.py): ZeRO stage 0, DeepSpeed's
AdamW with `torch_adam`, one process. They run two at a time, once per module.
"""

import json
import os
import pathlib
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from warmup_viz import lr_schedule
from warmup_viz.cli import main
from warmup_viz.config import FIELD_NAMES, from_mapping
from warmup_viz.ds_schedule import SCHEDULERS, read_ds_config, resolve
from warmup_viz.errors import ConfigError, InputError, UsageError
from warmup_viz.inference import infer
from warmup_viz.run import table
from warmup_viz.verdict import compare

pytestmark = pytest.mark.trainer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = {
    "train_micro_batch_size_per_gpu": "auto",
    "gradient_accumulation_steps": "auto",
    "train_batch_size": "auto",
    "zero_optimization": {"stage": 0},
    "optimizer": {"type": "AdamW", "params": {"torch_adam": True, "lr": "auto", "weight_decay": "auto"}},
}


def ds(scheduler=None, **changes):
    return {**BASE, **({"scheduler": scheduler} if scheduler else {}), **changes}


# name -> (TrainingArguments, ds_config, dataset_size)
RUNS = {
    "hf-cosine-no-scheduler-block": (
        dict(lr_scheduler_type="cosine", warmup_steps=6, max_steps=20, learning_rate=1e-3),
        ds(),
        32,
    ),
    "hf-linear-no-optimizer-block": (
        dict(lr_scheduler_type="linear", warmup_steps=0.1, max_steps=20, learning_rate=5e-4),
        {k: v for k, v in ds().items() if k != "optimizer"},
        32,
    ),
    "WarmupLR-no-optimizer-block": (
        dict(warmup_steps=3, max_steps=12, learning_rate=1e-3),
        {
            **{k: v for k, v in ds().items() if k != "optimizer"},
            "scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": "auto", "warmup_type": "linear"}},
        },
        32,
    ),
    "WarmupLR-log-auto": (
        dict(warmup_steps=5, max_steps=16, learning_rate=1e-3),
        ds(
            {
                "type": "WarmupLR",
                "params": {"warmup_min_lr": "auto", "warmup_max_lr": "auto", "warmup_num_steps": "auto"},
            }
        ),
        32,
    ),
    "WarmupLR-linear-explicit": (
        dict(warmup_steps=6, max_steps=16, learning_rate=2e-3),
        ds(
            {
                "type": "WarmupLR",
                "params": {
                    "warmup_min_lr": 1e-5,
                    "warmup_max_lr": 2e-3,
                    "warmup_num_steps": 6,
                    "warmup_type": "linear",
                },
            },
            optimizer={"type": "AdamW", "params": {"torch_adam": True, "lr": 2e-3}},
        ),
        32,
    ),
    "WarmupDecayLR-epochs-accumulation": (
        dict(
            warmup_steps=0.2,
            num_train_epochs=2.5,
            per_device_train_batch_size=4,
            gradient_accumulation_steps=3,
            learning_rate=1e-3,
        ),
        ds(
            {
                "type": "WarmupDecayLR",
                "params": {
                    "warmup_min_lr": "auto",
                    "warmup_max_lr": "auto",
                    "warmup_num_steps": "auto",
                    "total_num_steps": "auto",
                    "warmup_type": "linear",
                },
            }
        ),
        50,
    ),
    "WarmupCosineLR": (
        dict(warmup_steps=4, max_steps=18, learning_rate=1e-3),
        ds(
            {
                "type": "WarmupCosineLR",
                "params": {
                    "warmup_min_ratio": 0.1,
                    "cos_min_ratio": 0.01,
                    "warmup_num_steps": "auto",
                    "total_num_steps": "auto",
                },
            }
        ),
        32,
    ),
    "OneCycle": (
        dict(max_steps=20, learning_rate=1e-3),
        ds(
            {
                "type": "OneCycle",
                "params": {
                    "cycle_min_lr": 1e-4,
                    "cycle_max_lr": 1e-3,
                    "cycle_first_step_size": 5,
                    "cycle_first_stair_count": 2,
                    "decay_lr_rate": 0.2,
                    "decay_step_size": 2,
                },
            }
        ),
        32,
    ),
    "LRRangeTest": (
        dict(max_steps=15, learning_rate=1e-3),
        ds(
            {
                "type": "LRRangeTest",
                "params": {"lr_range_test_min_lr": 1e-4, "lr_range_test_step_size": 3, "lr_range_test_step_rate": 0.5},
            }
        ),
        32,
    ),
}


def config_of(args, dataset_size):
    settings = {k: v for k, v in args.items() if k in FIELD_NAMES}
    if "max_steps" not in args:
        settings.update(max_steps=-1, dataset_size=dataset_size)
    return from_mapping(settings)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(name, directory, **more):
    """Run `name` of RUNS in a child process (`more`: more of tests/deepspeed_run.py's SPEC)."""
    args, ds_config, dataset_size = RUNS[name]
    out = directory / name
    out.mkdir()
    spec = out / "spec.json"
    spec.write_text(
        json.dumps({"args": args, "ds_config": ds_config, "dataset_size": dataset_size, "output": str(out), **more})
    )
    env = {
        **os.environ,
        "DS_ACCELERATOR": "cpu",
        "RANK": "0",
        "WORLD_SIZE": "1",
        "LOCAL_RANK": "0",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(_free_port()),
        "TRANSFORMERS_VERBOSITY": "error",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.deepspeed_run", str(spec)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{name}:\n{proc.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """name -> the run's directory (trainer_state.json, ds_config.json), every run made once."""
    directory = tmp_path_factory.mktemp("deepspeed")
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = dict(zip(RUNS, pool.map(lambda n: _run(n, directory), RUNS), strict=True))
    print(f"{len(RUNS)} DeepSpeed runs in {time.monotonic() - start:.0f} s")
    return outs


def logged(out):
    state = json.loads((out / "trainer_state.json").read_text())
    return state, {e["step"]: e["learning_rate"] for e in state["log_history"] if "learning_rate" in e}


def test_every_scheduler_class_has_a_real_run():
    used = {cfg.get("scheduler", {}).get("type") for _, cfg, _ in RUNS.values()}
    assert set(SCHEDULERS) <= used and None in used


@pytest.mark.parametrize("name", RUNS)
def test_every_logged_lr_equals_ours(real_runs, name):
    args, ds_config, dataset_size = RUNS[name]
    state, lrs = logged(real_runs[name])
    config = config_of(args, dataset_size)
    assert state["max_steps"] == config.total_steps
    assert sorted(lrs) == list(range(1, config.total_steps + 1))
    run = resolve(config, ds_config)
    assert run.replaces_lr_scheduler_type == ("scheduler" in ds_config)
    steps, ours = table(run)
    for step in steps:
        assert lrs[step] == ours[step - 1], (
            f"{name} step {step}: Trainer logged {lrs[step]!r}, we computed {ours[step - 1]!r}"
        )


def test_without_a_scheduler_block_step_1_logs_the_lr_of_update_2_with_an_optimizer_block(real_runs):
    # cosine with 6 warmup steps: lambda(1) = 1/6, so step 1 logs learning_rate / 6, not 0
    _, lrs = logged(real_runs["hf-cosine-no-scheduler-block"])
    config = config_of(*RUNS["hf-cosine-no-scheduler-block"][::2])
    assert lrs[1] == 1e-3 / 6 and lr_schedule.build(config).lr(1) == 0.0
    assert all(lrs[s] == lr_schedule.build(config).lr(s + 1) for s in lrs)
    # without an optimizer block Trainer steps its own scheduler, after logging, as without DeepSpeed
    _, lrs = logged(real_runs["hf-linear-no-optimizer-block"])
    config = config_of(*RUNS["hf-linear-no-optimizer-block"][::2])
    assert lrs[1] == 0.0 and all(lrs[s] == lr_schedule.build(config).lr(s) for s in lrs)


@pytest.mark.parametrize("name", RUNS)
def test_cli_schedule_and_check(real_runs, name, capfd):
    args, _, dataset_size = RUNS[name]
    out = real_runs[name]
    _, lrs = logged(out)
    flags = [x for k, v in args.items() for x in (f"--{k}", str(v))]
    if "max_steps" not in args:
        flags += ["--dataset_size", str(dataset_size)]
    flags += ["--deepspeed", str(out / "ds_config.json")]
    assert main(["schedule", *flags]) == 0
    rows = capfd.readouterr().out.splitlines()
    assert rows[0] == "step,learning_rate"
    assert {int(s): float(v) for s, v in (r.split(",") for r in rows[1:])} == lrs
    assert main(["check", str(out / "trainer_state.json"), *flags]) == 0
    assert f"matches at all {len(lrs)} logged steps" in capfd.readouterr().out


# -- "auto" and contradictions, against transformers' own HfTrainerDeepSpeedConfig ----------------

PARITY = [
    ds(
        {
            "type": "WarmupDecayLR",
            "params": {k: "auto" for k in ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "total_num_steps")},
        }
    ),
    ds({"type": "WarmupLR", "params": {"warmup_min_lr": 3e-5, "warmup_max_lr": 1e-3, "warmup_num_steps": 7}}),
    ds({"type": "WarmupLR", "params": {"warmup_max_lr": 2e-3, "warmup_num_steps": 3}}),
    ds({"type": "WarmupDecayLR", "params": {"total_num_steps": 99, "warmup_num_steps": "auto"}}),
    ds(train_micro_batch_size_per_gpu=4, train_batch_size=8),
    ds(train_micro_batch_size_per_gpu=4, train_batch_size=16),
    ds(optimizer={"type": "AdamW", "params": {"lr": 3e-4}}),
]


@pytest.mark.parametrize("ds_config", PARITY, ids=range(len(PARITY)))
@pytest.mark.parametrize("warmup_steps", [0, 7, 0.1])
def test_auto_and_mismatches_as_transformers(ds_config, warmup_steps, tmp_path):
    from transformers import TrainingArguments
    from transformers.integrations.deepspeed import HfTrainerDeepSpeedConfig

    settings = dict(learning_rate=1e-3, max_steps=70, warmup_steps=warmup_steps, per_device_train_batch_size=4)
    args = TrainingArguments(
        output_dir=str(tmp_path), report_to="none", use_cpu=True, gradient_accumulation_steps=2, **settings
    )
    theirs = HfTrainerDeepSpeedConfig(json.loads(json.dumps(ds_config)))
    config = from_mapping({**settings, "gradient_accumulation_steps": 2})
    try:
        theirs.trainer_config_process(args)
        theirs.trainer_config_finalize(args, None, config.total_steps)
    except ValueError as refused:
        with pytest.raises(ConfigError) as ours:
            resolve(config, ds_config)
        # the same mismatches, listed as transformers lists them
        assert [line for line in str(refused).splitlines() if line.startswith("- ds ")] == [
            line for line in str(ours.value).splitlines() if line.startswith("- ds ")
        ]
        return
    run = resolve(config, ds_config)
    if "scheduler" in theirs.config:
        assert dict(run.params) == theirs.config["scheduler"]["params"]


def test_scheduler_classes_are_functions_of_the_step():
    """Setting last_batch_iteration gives the same floats as stepping (what `logged` relies on),
    and `used` is the LR the optimizer holds for each update as the engine steps the scheduler
    after it."""
    from warmup_viz.ds_schedule import _deepspeed_scheduler

    config = from_mapping(dict(max_steps=30, warmup_steps=5, learning_rate=1e-3))
    for name, (args, ds_config, _size) in RUNS.items():
        block = ds_config.get("scheduler")
        if not block or "max_steps" not in args:
            continue
        run = resolve(config.replace(**{k: v for k, v in args.items() if k in FIELD_NAMES}), ds_config)
        stepped = _deepspeed_scheduler(run.scheduler, run.params, run.config.learning_rate)
        values, used = [], []
        for _ in range(run.config.total_steps):
            used.append(stepped.optimizer.param_groups[0]["lr"])  # what this update trains with
            stepped.step()
            values.append(stepped.get_last_lr()[0])
        assert table(run)[1] == values, name
        assert run.used(range(1, run.config.total_steps + 1)) == used, name


def test_bad_configs_are_named():
    config = from_mapping(dict(max_steps=20, learning_rate=1e-3))
    with pytest.raises(InputError, match="not a JSON DeepSpeed config"):
        read_ds_config(b"{nope", "ds.json")
    with pytest.raises(InputError, match="JSON object"):
        read_ds_config(b"[1]", "ds.json")
    with pytest.raises(InputError, match="StepLR"):
        resolve(config, ds({"type": "StepLR", "params": {"step_size": 3}}), "ds.json")
    with pytest.raises(InputError, match="cos_min_ratio cannot be 'auto'"):
        resolve(config, ds({"type": "WarmupCosineLR", "params": {"cos_min_ratio": "auto", "total_num_steps": "auto"}}))
    with pytest.raises(ConfigError, match="WarmupDecayLR rejects"):
        resolve(config, ds({"type": "WarmupDecayLR", "params": {"warmup_num_steps": "auto"}}))  # no total_num_steps
    with pytest.raises(ConfigError, match="learning_rate=0.001") as e:
        resolve(config, ds({"type": "WarmupLR", "params": {"warmup_max_lr": 3e-4}}))
    assert e.value.field == "learning_rate"
    with pytest.raises(UsageError, match="follows a metric"):
        resolve(config.replace(lr_scheduler_type="reduce_lr_on_plateau"), ds())


def test_cli_refuses_two_kinds_of_run_at_once(tmp_path, capfd):
    path = tmp_path / "ds.json"
    path.write_text(json.dumps(ds()))
    flags = ["--max_steps", "10", "--deepspeed", str(path)]
    assert main(["schedule", *flags, "--logging_convention", "before_4.51"]) == 2
    assert "give one of them" in capfd.readouterr().err
    assert main(["schedule", "--max_steps", "10", "--deepspeed", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capfd.readouterr().err


def test_the_page_takes_a_ds_config_and_draws_what_runs():
    """Pasted into the settings import, a ds_config is recognised; a banner says its scheduler
    replaces lr_scheduler_type, and the chart draws that scheduler's values (the ones the real
    runs above log); removing it brings lr_scheduler_type back."""
    import json as _json

    from warmup_viz.config import ScheduleConfig
    from warmup_viz.ds_schedule import resolve

    from .test_app import app, chart_data, open_tab, shown

    ds_config = ds({"type": "WarmupDecayLR", "params": {"warmup_num_steps": "auto", "total_num_steps": "auto"}})
    at = open_tab(app(lr_scheduler_type="cosine", warmup_steps="5", max_steps="40", learning_rate="0.001"), "import")
    at.text_area(key="import_text").set_value(_json.dumps(ds_config))
    at.button(key="import_apply").click().run()
    assert not at.exception and not at.error
    assert any("WarmupDecayLR replaces lr_scheduler_type=cosine" in w for w in shown(at.warning))
    steps, lrs = chart_data(at)
    config = ScheduleConfig(lr_scheduler_type="cosine", warmup_steps=5, max_steps=40, learning_rate=1e-3)
    assert lrs == resolve(config, ds_config).logged(steps)
    at.button(key="deepspeed_remove").click().run()
    assert not at.warning and chart_data(at)[1] != lrs


def test_the_page_shows_old_logs_with_the_old_convention():
    from warmup_viz.config import ScheduleConfig
    from warmup_viz.run import Convention, Planned, Shifted

    from .test_app import app, chart_data

    at = app(warmup_steps="0.1", max_steps="30", learning_rate="0.0005", logging_convention="before_4.51")
    assert not at.exception and at.radio(key="logging_convention@en").value == "before_4.51"
    steps, lrs = chart_data(at)
    config = ScheduleConfig(warmup_steps=0.1, max_steps=30, learning_rate=5e-4)
    assert lrs == Shifted(Planned(config), Convention.BEFORE_4_51).logged(steps)
    assert at.query_params["logging_convention"] == "before_4.51"


def test_a_real_transformers_4_50_log_matches_on_the_page_with_the_old_convention():
    from .test_app import app, shown

    log = pathlib.Path(ROOT) / "tests" / "data" / "transformers-4.50-linear.json"
    at = app(
        warmup_steps="0.1", max_steps="30", learning_rate="0.0005", logging_convention="before_4.51", example="false"
    )
    at.file_uploader(key="log_files").upload(log.name, log.read_bytes()).run()
    assert not at.exception
    assert any("matches at all 30 logged steps" in s for s in shown(at.success))


def test_deepspeeds_own_warnings_stay_off_standard_output(tmp_path):
    """DeepSpeed's logger writes to the standard output it finds when imported; `schedule ...
    --deepspeed ds.json > lr.csv` must still hold the table alone (its warnings go to stderr)."""
    path = tmp_path / "ds.json"
    path.write_text(json.dumps({"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": "auto"}}}))
    flags = ["--max_steps", "5", "--warmup_steps", "2", "--deepspeed", str(path)]
    done = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "schedule", *flags], capture_output=True, text=True, check=True
    )
    rows = done.stdout.splitlines()
    assert rows[0] == "step,learning_rate" and [int(r.split(",")[0]) for r in rows[1:]] == [1, 2, 3, 4, 5]
    assert "WARNING" in done.stderr  # DeepSpeed did warn: the test would see it on stdout


# -- a log of a DeepSpeed-stepped run, without its config ---------------------------------------


@pytest.mark.parametrize("name", [n for n, (_, cfg, _) in RUNS.items() if "scheduler" in cfg])
def test_infer_explains_every_real_deepspeed_run_and_names_deepspeed_where_only_it_fits(real_runs, name):
    args, ds_config, dataset_size = RUNS[name]
    state, lrs = logged(real_runs[name])
    steps = sorted(lrs)
    fit = infer(steps, [lrs[s] for s in steps], max_steps=state["max_steps"])
    if ds_config["scheduler"]["type"] in ("OneCycle", "LRRangeTest"):  # not read off a log: never claimed
        assert not fit.exact
        return
    assert fit.exact, f"{name}: {fit.settings()} off by {fit.max_relative_error}"
    assert compare(fit.run(), steps, [lrs[s] for s in steps]).matches
    params = ds_config["scheduler"]["params"]
    if params.get("warmup_type", "log") == "log" and ds_config["scheduler"]["type"] == "WarmupLR":
        # a log warmup is no transformers type's: the answer is DeepSpeed's block, and it says so
        assert fit.deepspeed["scheduler"]["type"] == "WarmupLR"
        assert fit.config.learning_rate == args["learning_rate"]
        assert fit.config.num_warmup_steps == args["warmup_steps"]
        assert fit.hint.key == "infer.deepspeed"


def test_a_deepspeed_run_with_skipped_updates_is_drawn_and_checked_with_skipped_steps(real_runs, tmp_path, capfd):
    # the engine does not step its scheduler for an update a loss scaler skipped, as Trainer does not
    args, ds_config, _ = RUNS["WarmupLR-log-auto"]
    config = config_of(args, 32)
    plain = resolve(config, ds_config)
    skipping = replace(plain, skipped=(2, 3))
    steps = list(range(1, config.total_steps + 1))
    ours = skipping.logged(steps)
    assert ours[:4] == [plain.logged([s])[0] for s in (1, 1, 1, 2)]  # steps 2 and 3 log step 1's value again
    assert ours[6:] == plain.logged(steps[4:-2])
    path = tmp_path / "ds.json"
    path.write_text(json.dumps(ds_config))
    log = tmp_path / "trainer_state.json"
    entries = [{"step": s, "learning_rate": v} for s, v in zip(steps, ours, strict=True)]
    log.write_text(json.dumps({"max_steps": config.total_steps, "log_history": entries}))
    flags = ["--learning_rate", "1e-3", "--warmup_steps", "5", "--max_steps", "16", "--deepspeed", str(path)]
    assert main(["check", str(log), *flags]) == 1
    capfd.readouterr()
    assert main(["check", str(log), *flags, "--skipped_steps", "2-3"]) == 0
    assert "matches at all 16 logged steps" in capfd.readouterr().out
    fit = infer(steps, ours, max_steps=16)
    assert fit.exact and fit.skipped_steps == (2, 3) and fit.deepspeed is not None
