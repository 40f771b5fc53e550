"""Real logs from public repositories (tests/data/wild, sources in SOURCES.md and sources.json):
every one is read; each that infer explains exactly is confirmed by check with the run infer found
(its logging convention and skipped updates); the others are listed with what is known of them,
so that a log explained today stays explained, and one that stops being a mystery is noticed."""

import json
import pathlib

import pytest

from warmup_viz.inference import NoFit, infer
from warmup_viz.logs import learning_rate_metric, read_log, runs, series
from warmup_viz.verdict import compare

WILD = pathlib.Path(__file__).parent / "data" / "wild"
SOURCES = json.loads((WILD / "sources.json").read_text())
LOGS = sorted(p.name for p in WILD.iterdir() if p.name in SOURCES)

# Not reproduced exactly by infer, with what is known (each checked by hand against the log): none today.
UNEXPLAINED: dict[str, str] = {}


def test_the_corpus_is_what_its_sources_say():
    assert len(LOGS) >= 50
    assert set(LOGS) == set(SOURCES)
    assert set(UNEXPLAINED) <= set(LOGS)
    for name in LOGS:
        assert SOURCES[name]["repo"] and SOURCES[name]["path"], name


def logged(name):
    log = read_log((WILD / name).read_bytes(), name)
    metric = learning_rate_metric(log.metrics)
    return log, series(log, metric, runs(log, metric)[0])


@pytest.mark.parametrize("name", LOGS)
def test_every_log_is_explained_exactly_and_confirmed_by_check_or_listed(name):
    log, values = logged(name)
    try:
        fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    except NoFit:
        fit = None
    if name in UNEXPLAINED:
        assert fit is None or not fit.exact, f"{name} is now explained: {fit.settings()} — take it off the list"
        return
    assert fit is not None and fit.exact, f"{name}: {fit and fit.settings()} off by {fit and fit.max_relative_error}"
    verdict = compare(fit.run(), values.steps, values.values)
    assert verdict.matches, verdict.message


# Logs whose training_args.bin states the settings (sources.json "stated"), with no step in the warmup:
# the log alone fits them and a warmup traded against the peak; the round, stated reading is the one given.
STATED = [
    "Tashu014__lora-imdb-distilbert__root.json",
    "GGuan123__Qwen2.5-Lora-K8sEnv__model.json",
    "LEEDONGQUE__serverlog__checkpoint-2000.json",
    "Jaong__Checkpoint-of-CPT__root.json",
    "subro608__Deep_learning_Bert_project2__checkpoint-1000.json",
]


@pytest.mark.parametrize("name", STATED)
def test_a_log_that_does_not_show_its_warmup_gives_the_stated_settings(name):
    log, values = logged(name)
    stated = SOURCES[name]["stated"]
    fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    assert fit.exact
    assert fit.config.lr_scheduler_type == stated["lr_scheduler_type"]
    assert fit.config.learning_rate == stated["learning_rate"]
    assert fit.config.num_warmup_steps == stated["warmup_steps"]
    # read off at once without warmup, or found with one and traded for none (then a hint names both)
    assert fit.hint is None or fit.hint.key in ("infer.warmup_unseen", "infer.old_convention")


def test_a_log_of_deepspeeds_warmuplr_is_named_with_the_model_cards_settings():
    # the model card states linear, learning_rate 1.5e-05, 400 warmup steps, 3,500 steps, fp16; the log
    # warms up on a log curve to a flat 1.5e-05: DeepSpeed's WarmupLR, two updates skipped at the start
    name = "Wo12345678__-whisper-small-monglian-commonvioce__root.json"
    stated = SOURCES[name]["stated"]
    log, values = logged(name)
    fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    assert fit.exact and fit.deepspeed["scheduler"]["type"] == "WarmupLR"
    assert fit.config.learning_rate == stated["learning_rate"]
    assert fit.config.num_warmup_steps == stated["lr_scheduler_warmup_steps"]
    assert fit.config.total_steps == stated["training_steps"]
    assert fit.hint.key == "infer.deepspeed"


def test_resumed_logs_are_read_as_resumed_with_what_their_sources_state():
    # transformers 4.12, training_args.bin: linear, 2e-05, no warmup, max_steps 40,000; the log's first
    # 10,000 steps are linear over 20,000: resumed from checkpoint-10000 with max_steps raised
    log, values = logged("WELCOME-project__disfluency-tool__model.json")
    fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    assert fit.exact and fit.resumed.restored and fit.resumed.global_step == 10_000
    assert (fit.config.learning_rate, fit.config.total_steps, fit.config.num_warmup_steps) == (2e-5, 40_000, 0)
    assert fit.resumed.first.config.total_steps == 20_000 and fit.hint.key == "infer.resumed"
    # the LR drops back to the start at step 825: resumed from checkpoint-800 without scheduler state
    log, values = logged("jubaerkhan49__bangla_stt__model.json")
    fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    assert fit.exact and not fit.resumed.restored and fit.resumed.global_step == 800
    assert fit.hint.key == "infer.restarted"
    # training_args.bin: linear, 5e-05, no warmup, 30 epochs of 2,500 steps; trained a few epochs at a time,
    # each resume raising num_train_epochs (max_steps a multiple of 2,500), the scheduler restored
    log, values = logged("vuongndlst__ViT-LoRA-Demo__model.json")
    fit = infer(values.steps, values.values, max_steps=log.facts.get("max_steps"))
    stated = SOURCES["vuongndlst__ViT-LoRA-Demo__model.json"]["stated"]
    runs_ = [*fit.earlier_runs(), fit]
    assert fit.exact and fit.hint.key == "infer.resumed_again" and len(runs_) > 2
    for run in runs_:
        c = run.config
        assert (c.lr_scheduler_type, c.learning_rate, c.num_warmup_steps) == ("linear", stated["learning_rate"], 0)
        assert c.total_steps % 2500 == 0
    assert fit.config.total_steps == 75_000


def test_check_names_the_resume_of_a_resumed_log_with_the_runs_before_it():
    from warmup_viz.config import ScheduleConfig
    from warmup_viz.run import Planned

    # the stated settings (training_args.bin) of the resumed run; the log's max_steps is its
    log, values = logged("WELCOME-project__disfluency-tool__model.json")
    stated = ScheduleConfig(lr_scheduler_type="linear", learning_rate=2e-5, warmup_steps=0, max_steps=40_000)
    verdict = compare(Planned(stated), values.steps, values.values, log.facts).to_dict()
    assert not verdict["matches"] and set(verdict["causes"]) == {"resume", "convention"}
    settings = verdict["matching_settings"]
    assert settings["resume_from_checkpoint"] == "checkpoint-10000" and "restored_scheduler" not in settings
    assert [r["max_steps"] for r in settings["earlier_runs"]] == [20_000]
    # restarted without scheduler state: said so
    log, values = logged("jubaerkhan49__bangla_stt__model.json")
    same = ScheduleConfig(lr_scheduler_type="linear", learning_rate=1e-4, warmup_steps=0, max_steps=2000)
    verdict = compare(Planned(same), values.steps, values.values, log.facts).to_dict()
    assert verdict["causes"] == ["resume"] and verdict["matching_settings"]["restored_scheduler"] is False
    assert verdict["matching_settings"]["resume_from_checkpoint"] == "checkpoint-800"
