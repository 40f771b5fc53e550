"""LLaMA-Factory's trainer_log.jsonl, as real runs wrote it (tests/data/llamafactory/SOURCES.md):
read, and explained by the settings that reproduce every logged learning rate."""

import json
import pathlib

import pytest

from warmup_viz.cli import main
from warmup_viz.logs import LogError, learning_rate_metric, read_log, series

DATA = pathlib.Path(__file__).parent / "data" / "llamafactory"
OLDER = DATA / "hsc748NLP-NSLLM-trainer_log.jsonl"  # `lr`, logged every 5 steps
NEWER = DATA / "syGOAT-Mistral-v0.2-Translator-bf16-trainer_log.jsonl"  # `learning_rate`, throughput as text
PROGRESS_ONLY = DATA / "aa-n-Qwen3_Lora-trainer_log.jsonl"


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("path", [OLDER, NEWER], ids=lambda p: p.stem)
def test_every_logged_value_is_read_by_its_step(path):
    log = read_log(path.read_bytes(), path.name)
    assert log.format == "llamafactory"
    assert log.facts == {"max_steps": lines(path)[0]["total_steps"]}  # Trainer's state.max_steps
    lr = series(log, learning_rate_metric(log.metrics))
    assert list(lr.steps) == [e["current_steps"] for e in lines(path)]
    assert list(lr.values) == [e.get("lr", e.get("learning_rate")) for e in lines(path)]
    loss = series(log, "loss")
    assert list(loss.values) == [e["loss"] for e in lines(path)]
    # progress is not a metric of the run
    assert {"percentage", "throughput", "total_tokens", "elapsed_time"}.isdisjoint(log.metrics)


def test_a_one_line_log_is_not_taken_for_a_trainer_state():
    with pytest.raises(LogError, match="only LLaMA-Factory's progress"):
        read_log(PROGRESS_ONLY.read_bytes(), PROGRESS_ONLY.name)
    one = b'{"current_steps": 5, "total_steps": 10, "loss": 1.5, "lr": 2e-05, "epoch": 0.5}'
    log = read_log(one, "trainer_log.jsonl")
    assert (log.format, log.metrics, log.facts) == ("llamafactory", ["learning_rate", "loss"], {"max_steps": 10})


def test_check_and_infer_explain_a_real_run(capfd):
    """30 real values: cosine, learning_rate 5e-5, warmup 0.05 of the 2,178 steps the log states."""
    flags = ["--lr_scheduler_type", "cosine", "--learning_rate", "5e-5", "--warmup_steps", "0.05"]
    assert main(["check", str(OLDER), *flags, "--max_steps", "2178"]) == 0
    assert "matches at all 30 logged steps" in capfd.readouterr().out
    assert main(["infer", str(OLDER)]) == 0  # max_steps from the log's total_steps
    found = json.loads(capfd.readouterr().out)
    assert (found["lr_scheduler_type"], found["learning_rate"], found["max_steps"]) == ("cosine", 5e-05, 2178)
    assert found["warmup_steps"] == 109 and found["exact"]


def test_check_names_the_older_transformers_under_a_newer_llamafactory(capfd):
    """This run's transformers logged the next update's LR (before 4.51)."""
    flags = ["--learning_rate", "5e-5", "--warmup_steps", "0.1", "--max_steps", "8660"]
    assert main(["check", str(NEWER), *flags]) == 1
    assert "transformers before 4.51" in capfd.readouterr().out
    assert main(["check", str(NEWER), *flags, "--logging_convention", "before_4.51"]) == 0


def test_the_page_reads_an_upload_and_confirms_the_run():
    from .test_app import app, shown

    at = app(lr_scheduler_type="cosine", learning_rate="5e-5", warmup_steps="0.05", max_steps="2178")
    at.checkbox(key="example").uncheck()
    at.file_uploader(key="log_files").upload("trainer_log.jsonl", OLDER.read_bytes(), "application/json").run()
    assert not at.exception and not at.error
    assert any(t.startswith("trainer_log.jsonl (llamafactory)") for t in shown(at.markdown))
    assert shown(at.success) == ["trainer_log logged learning_rate matches at all 30 logged steps"]
