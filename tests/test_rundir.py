"""Runs under a log directory: found where Trainer, LLaMA-Factory and TensorBoard write them, read
once per change, checked against their plan or config, or their settings recovered."""

import json
import os
import pathlib
import shutil

import pytest
from torch.utils.tensorboard import SummaryWriter

from warmup_viz import plan, rundir
from warmup_viz.config import from_mapping
from warmup_viz.files import read_capped

from .test_trainer import run_trainer

LLAMAFACTORY = pathlib.Path(__file__).parent / "data" / "llamafactory" / "hsc748NLP-NSLLM-trainer_log.jsonl"
# what that run was trained with (tests/test_llamafactory_logs.py), as LLaMA-Factory writes its config
LLAMAFACTORY_ARGS = (
    "stage: sft\nlr_scheduler_type: cosine\nlearning_rate: 5.0e-05\nwarmup_ratio: 0.05\nnum_train_epochs: 3.0\n"
)
SETTINGS = dict(lr_scheduler_type="cosine", learning_rate=1e-3, warmup_steps=2, max_steps=8)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A real Trainer run saving a checkpoint every 4 steps, and what it logged."""
    out = tmp_path_factory.mktemp("trained")
    trainer, logged = run_trainer(out, save_strategy="steps", save_steps=4, **SETTINGS)
    return out, logged


@pytest.fixture
def tree(tmp_path, trained):
    """A log directory: an HF output directory with its plan, a LLaMA-Factory run with its config, a
    TensorBoard run without either, and a link to a run outside."""
    out, logged = trained
    root = tmp_path / "logs"
    shutil.copytree(out, root / "hf", ignore=shutil.ignore_patterns("*.safetensors", "*.pt", "*.bin", "*.pth"))
    plan.write(str(root / "hf"), plan.Plan(from_mapping(SETTINGS)))
    (root / "sft" / "qwen").mkdir(parents=True)
    shutil.copy(LLAMAFACTORY, root / "sft" / "qwen" / "trainer_log.jsonl")
    (root / "sft" / "qwen" / "training_args.yaml").write_text(LLAMAFACTORY_ARGS)
    writer = SummaryWriter(log_dir=str(root / "tb" / "Dec05_run"))
    for step, lr in sorted(logged.items()):
        writer.add_scalar("train/learning_rate", lr, step)
    writer.close()
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(LLAMAFACTORY, outside / "trainer_log.jsonl")
    os.symlink(outside, root / "linked")
    os.symlink(outside / "trainer_log.jsonl", root / "sft" / "trainer_log.jsonl")
    return root, logged


def test_finds_each_kind_of_run_by_its_path_and_nothing_outside(tree):
    root, _ = tree
    found, stopped = rundir.find(os.path.realpath(root))
    assert not stopped
    by_name = {f.name: f for f in found}
    assert list(by_name) == ["hf", "sft/qwen", "tb/Dec05_run"]  # not linked/, not sft/ (a link out)
    assert by_name["hf"].logs == (str(root / "hf" / "checkpoint-8" / "trainer_state.json"),)  # the latest
    assert by_name["hf"].settings == str(root / "hf" / plan.PLAN_FILE)
    assert by_name["sft/qwen"].settings == str(root / "sft" / "qwen" / "training_args.yaml")
    assert by_name["tb/Dec05_run"].logs[0].startswith(str(root / "tb" / "Dec05_run" / "events.out.tfevents."))
    assert by_name["tb/Dec05_run"].settings is None


def test_each_run_is_checked_against_its_plan_or_config_or_recovered(tree):
    root, logged = tree
    watcher = rundir.Watcher(str(root))
    runs = {f.name: watcher.live(f) for f in watcher.find()[0]}
    hf = runs["hf"]
    assert (list(hf.steps), list(hf.lrs)) == (sorted(logged), [logged[s] for s in sorted(logged)])
    assert hf.source.key == "rundir.source_plan" and hf.verdict.matches and hf.verdict.checked == 8
    qwen = runs["sft/qwen"]
    assert qwen.source.key == "rundir.source_config" and qwen.verdict.matches and qwen.verdict.checked == 30
    assert qwen.run.max_steps == 2178  # the config's epochs need the dataset; the log states max_steps
    tb = runs["tb/Dec05_run"]
    assert tb.source.key == "rundir.source_exact" and tb.verdict is None
    recovered = tb.recovered.settings()  # TensorBoard keeps float32: exact to the float written
    assert {k: recovered[k] for k in SETTINGS} == {**SETTINGS, "warmup_steps": 2}
    assert all(not r.problems for r in runs.values())


def test_a_half_written_line_is_left_for_the_next_read(tree):
    root, _ = tree
    log = root / "sft" / "qwen" / "trainer_log.jsonl"
    with open(log, "a") as f:
        f.write('{"current_steps": 155, "total_steps": 2178, "loss": 1.2, "lr": 4.9')
    watcher = rundir.Watcher(str(root))
    (qwen,) = [watcher.live(f) for f in watcher.find()[0] if f.name == "sft/qwen"]
    assert len(qwen.steps) == 30 and not qwen.problems and qwen.verdict.matches


def test_an_unchanged_file_is_not_read_again_and_a_grown_one_is(tree):
    root, _ = tree
    reads = []

    def counting(path, limit):
        reads.append(os.path.relpath(path, root))
        return read_capped(path, limit)

    watcher = rundir.Watcher(str(root), reader=counting)
    found = watcher.find()[0]
    first = [watcher.live(f) for f in found]
    assert sorted(reads) == sorted([*(os.path.relpath(f.logs[0], root) for f in found), *_settings(found, root)])
    reads.clear()
    assert [watcher.live(f) for f in found] == first and reads == []
    log = root / "sft" / "qwen" / "trainer_log.jsonl"
    last = json.loads(log.read_text().splitlines()[-1])
    with open(log, "a") as f:  # the next logging step, as LLaMA-Factory appends it
        f.write(json.dumps({**last, "current_steps": last["current_steps"] + 5}) + "\n")
    again = {f.name: watcher.live(f) for f in watcher.find()[0]}
    assert reads == ["sft/qwen/trainer_log.jsonl"]  # its config is as it was
    assert len(again["sft/qwen"].steps) == 31


def _settings(found, root):
    return [os.path.relpath(f.settings, root) for f in found if f.settings]


def test_a_file_rewritten_mid_read_keeps_what_was_read_and_says_so(tree):
    root, logged = tree
    watcher = rundir.Watcher(str(root))
    (hf,) = [f for f in watcher.find()[0] if f.name == "hf"]
    before = watcher.live(hf)
    state = pathlib.Path(hf.logs[0])
    state.write_text(state.read_text()[:100])  # Trainer rewrites trainer_state.json in place at each save
    during = watcher.live(hf)
    assert during.steps == before.steps and during.verdict.matches
    assert [p.key for p in during.problems] == ["rundir.kept"]
    assert "checkpoint-8/trainer_state.json" in str(during.problems[0]) and "hf" in str(during.problems[0])
    # the next checkpoint, caught mid-write before it was ever read whole: the run as read before
    newer = state.parent.parent / "checkpoint-10"
    newer.mkdir()
    (newer / "trainer_state.json").write_text("{")
    (moved,) = [f for f in watcher.find()[0] if f.name == "hf"]
    assert moved.logs == (str(newer / "trainer_state.json"),)
    caught = watcher.live(moved)
    assert caught.steps == before.steps and [p.key for p in caught.problems] == ["rundir.kept"]


def test_a_run_that_disappears_says_so(tree):
    root, _ = tree
    watcher = rundir.Watcher(str(root))
    (tb,) = [f for f in watcher.find()[0] if f.name.startswith("tb/")]
    watcher.live(tb)
    shutil.rmtree(root / "tb")
    gone = watcher.live(tb)
    assert gone.steps == () and [p.key for p in gone.problems] == ["rundir.gone"]
    assert [f.name for f in watcher.find()[0]] == ["hf", "sft/qwen"]


def test_the_walk_is_bounded(tmp_path):
    deep = tmp_path
    for i in range(10):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    shutil.copy(LLAMAFACTORY, deep / "trainer_log.jsonl")
    assert rundir.find(str(tmp_path)) == ([], False)  # deeper than MAX_DEPTH
    assert [f.name for f in rundir.find(str(tmp_path), max_depth=10)[0]] == ["/".join(f"d{i}" for i in range(10))]
    assert rundir.find(str(tmp_path), max_depth=10, max_directories=3) == ([], True)
