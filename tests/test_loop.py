"""accelerate loops: the LR each optimizer update trains with, measured on real runs launched with
`ACCELERATE_USE_CPU=1 accelerate launch --multi_gpu --num_processes 2` (two processes, gloo) of
tests/accelerate_loop.py, and reproduced bit for bit, process by process."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig
from warmup_viz.loop import Loop, accelerated

SCRIPT = pathlib.Path(__file__).parent / "accelerate_loop.py"
ACCELERATE = pathlib.Path(sys.executable).parent / "accelerate"

# (flags of the loop, Loop, the type): W=4 and N=12 passed to get_scheduler, 12 updates
VARIANTS = [
    ([], Loop(2), "linear"),
    (["--split_batches"], Loop(2, split_batches=True), "linear"),
    (["--step_scheduler_with_optimizer", "false"], Loop(2, step_scheduler_with_optimizer=False), "linear"),
    (["--gradient_accumulation_steps", "2"], Loop(2, gradient_accumulation_steps=2), "linear"),
    (
        ["--gradient_accumulation_steps", "2", "--step_scheduler_with_optimizer", "false"],
        Loop(2, step_scheduler_with_optimizer=False, gradient_accumulation_steps=2),
        "linear",
    ),
    ([], Loop(2), "cosine"),  # past num_training_steps the cosine comes back up
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(out: pathlib.Path, flags: list[str], scheduler: str) -> list[dict]:
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "HF_HUB_OFFLINE": "1"}
    command = [
        str(ACCELERATE), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
        "--main_process_port", str(free_port()),
        "--mixed_precision", "no", "--dynamo_backend", "no", str(SCRIPT), str(out),
        "--num_warmup_steps", "4", "--num_training_steps", "12", "--max_steps", "12",
        "--lr_scheduler_type", scheduler, *flags,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(pathlib.Path(f"{out}.rank{r}.json").read_text()) for r in (0, 1)]


@pytest.mark.slow
@pytest.mark.parametrize("flags, loop, scheduler", VARIANTS, ids=lambda v: str(v))
def test_a_real_two_process_loop_is_reproduced_update_by_update(tmp_path, capsys, flags, loop, scheduler):
    ranks = launch(tmp_path / "run", flags, scheduler)
    assert [r["num_processes"] for r in ranks] == [2, 2]
    logged = [u[0] for u in ranks[0]["updates"]]
    assert [u[0] for u in ranks[1]["updates"]] == logged  # every process trains at the same LR
    config = ScheduleConfig(lr_scheduler_type=scheduler, learning_rate=1e-3, warmup_steps=4, max_steps=12)
    run = accelerated(config, loop, 12)
    assert run.used(range(1, 13)) == logged
    # the CLI, by accelerate's names
    accumulation = (
        flags[flags.index("--gradient_accumulation_steps") + 1] if "--gradient_accumulation_steps" in flags else "1"
    )
    code = main([
        "schedule", "--loop", "accelerate", "--num_processes", "2", "--num_warmup_steps", "4",
        "--num_training_steps", "12", "--max_steps", "12", "--learning_rate", "0.001",
        "--lr_scheduler_type", scheduler, "--gradient_accumulation_steps", accumulation, "--format", "json",
        *[f for f in flags if f.startswith("--split") or f.startswith("--step") or f in ("true", "false")],
    ])  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["learning_rate"] == logged


def test_the_loop_says_where_the_schedule_and_the_intent_part():
    config = ScheduleConfig(learning_rate=1e-3, warmup_steps=100, max_steps=1000)
    run = accelerated(config, Loop(2), 1000)
    (faster, past) = [str(n) for n in run.warnings]
    assert "over at update 50, not 100" in faster
    assert "from update 501" in past
    marks = {b.kind: b.step for b in run.breakpoints()}
    assert marks["warmup_end"] == 50 and marks["peak"] == 51
    assert run.used([50, 51]) == [1e-3 * 98 / 100, 1e-3]
    # a script that passes its counts × num_processes gets what it meant, said nothing of
    scaled = accelerated(config.replace(warmup_steps=200, max_steps=2000), Loop(2), 1000)
    plain = accelerated(config, Loop(1), 1000)
    assert scaled.used(range(1, 1001)) == pytest.approx(plain.used(range(1, 1001)), rel=1e-12)
    assert accelerated(config, Loop(2, split_batches=True), 1000).warnings == ()


@pytest.mark.slow
def test_check_names_the_num_processes_mistake_on_a_real_log(tmp_path, capsys):
    # a real two-process loop that passed the updates (12) as num_training_steps, logged per update
    ranks = launch(tmp_path / "run", [], "cosine")
    log = tmp_path / "lr.csv"
    rows = [f"{u},{lrs[0]!r}" for u, lrs in enumerate(ranks[0]["updates"], 1)]
    log.write_text("step,learning_rate\n" + "\n".join(rows) + "\n")
    flags = ["--lr_scheduler_type", "cosine", "--learning_rate", "0.001", "--warmup_steps", "4", "--max_steps", "12"]
    assert main(["check", str(log), *flags, "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["causes"] == ["num_processes"]
    assert verdict["matching_settings"] == {"loop": "accelerate", "num_processes": 2}
    assert "warmup of 4 ended at update 2" in verdict["message"]


SNIPPET_RUNS = [
    dict(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.25, max_steps=12),
    dict(
        lr_scheduler_type="warmup_stable_decay",
        warmup_steps=2,
        max_steps=12,
        lr_scheduler_kwargs={"num_decay_steps": 4, "decay_type": "linear"},
    ),  # fmt: skip
    dict(lr_scheduler_type="inverse_sqrt", max_steps=12),  # transformers' timescale 10,000, scaled too
    dict(lr_scheduler_type="linear", warmup_steps=3, max_steps=10, gradient_accumulation_steps=2),
]


@pytest.mark.slow
@pytest.mark.parametrize("settings", SNIPPET_RUNS, ids=lambda s: s["lr_scheduler_type"])
def test_the_no_trainer_snippet_trains_each_update_at_trainers_lr_on_two_processes(tmp_path, settings):
    from warmup_viz import snippets
    from warmup_viz.run import Planned

    config = ScheduleConfig(**settings)
    script = tmp_path / "loop.py"
    code = snippets.snippet(config, "no_trainer")
    assert code.endswith("accelerator.end_training()  # every process done; the process group torn down")
    # the run leaves at once after its loop (what accelerate's teardown does is not under test:
    # on this CPU/gloo setup it sometimes aborts or hangs the exit), its output flushed
    code = code.rsplit("\n", 1)[0] + "\nimport os, sys\nsys.stdout.flush()\nos._exit(0)"
    script.write_text(code + "\n")
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "HF_HUB_OFFLINE": "1"}
    command = [str(ACCELERATE), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
               "--main_process_port", str(free_port()), "--mixed_precision", "no", "--dynamo_backend", "no",
               str(script)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    printed = [float(line.rsplit(" ", 1)[1]) for line in out.splitlines() if line.startswith("update ")]
    assert printed == Planned(config).used(range(1, config.total_steps + 1))


@pytest.mark.slow
def test_hand_made_groups_in_a_real_two_process_loop_are_reproduced_group_by_group(tmp_path):
    from warmup_viz import groups
    from warmup_viz.run_kind import RunKind

    ranks = launch(tmp_path / "run", ["--bias_lr", "1e-4"], "cosine")
    found = groups.parse('[{"name": "bias", "lr": 1e-4}, {"name": "weight", "lr": 1e-3}]')
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=1e-3, warmup_steps=4, max_steps=12)
    kind = RunKind(Loop(2), 12, param_groups=found)
    runs = kind.group_runs(config)
    for i, group in enumerate(found):
        recorded = [u[i] for u in ranks[0]["updates"]]
        assert runs[group.name].used(range(1, 13)) == recorded == [u[i] for u in ranks[1]["updates"]]
    assert kind.logged_run(config).used(range(1, 13)) == [u[0] for u in ranks[0]["updates"]]
