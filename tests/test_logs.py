"""Readers against files written by the real tools, and bad files of every kind."""

import gzip
import io
import json
import math

import pytest
import torch
from torch.utils.tensorboard import SummaryWriter

from warmup_viz.cli import main
from warmup_viz.errors import InputError, UsageError
from warmup_viz.importer import SettingsError, read_settings
from warmup_viz.logs import COLUMNS, STEP_COLUMNS, LogError, learning_rate_metric, read_log, series, stepping_metrics

from .test_trainer import run_trainer


@pytest.fixture(scope="module")
def trainer_state(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trainer")
    trainer, logged = run_trainer(tmp, lr_scheduler_type="cosine", warmup_steps=3, max_steps=12)
    path = tmp / "trainer_state.json"
    trainer.state.save_to_json(str(path))
    return path.read_bytes(), logged


def test_trainer_state_json_from_a_real_trainer(trainer_state):
    data, logged = trainer_state
    log = read_log(data, "out/trainer_state.json")
    assert log.format == "trainer_state"
    assert list(log.table.columns) == COLUMNS
    lr = log.table[log.table.metric == "learning_rate"]
    assert dict(zip(lr.step, lr.value, strict=True)) == logged
    assert {"loss", "grad_norm", "learning_rate"} <= set(log.metrics)
    assert "train_loss" not in log.metrics and log.summary["trainer_state"]["train_loss"] > 0  # the run's summary
    assert log.facts["max_steps"] == 12 and log.facts["logging_steps"] == 1
    assert lr.epoch.notna().all()


def test_tensorboard_event_file_from_summary_writer(tmp_path):
    writer = SummaryWriter(log_dir=str(tmp_path))
    for step in range(1, 21):
        writer.add_scalar("train/learning_rate", 1e-3 * step / 20, step)
        writer.add_scalar("train/loss", 5.0 / step, step)
    writer.close()
    path = next(tmp_path.glob("events.out.tfevents.*"))
    log = read_log(path.read_bytes(), path.name)
    assert log.format == "tensorboard"
    assert set(log.metrics) == {"learning_rate", "loss"}  # trainer_state's names (logs.names)
    loss = log.table[log.table.metric == "loss"]
    assert list(loss.step) == list(range(1, 21))
    assert loss.value.iloc[0] == pytest.approx(5.0) and loss.wall_time.notna().all()
    # a cut-off event file still yields what was complete, or a clear message
    cut = path.read_bytes()[: len(path.read_bytes()) // 2]
    assert read_log(cut, path.name).table.step.max() < 20


def test_tensorboard_scalar_csv_export():
    text = "Wall time,Step,Value\n1700000000.5,1,0.5\n1700000001.5,2,0.25\n"
    log = read_log(text.encode(), "run-exp1-tag-train_loss.csv")  # the download of tag train/loss
    assert log.table[["run", "step", "metric", "value"]].values.tolist() == [
        ["exp1", 1, "loss", 0.5],
        ["exp1", 2, "loss", 0.25],
    ]


def test_wandb_export_splits_runs_and_skips_min_max():
    text = (
        '"Step","run-a - train/loss","run-a - train/loss__MIN","run-a - train/loss__MAX","run-b - train/loss"\n'
        "1,2.0,1.9,2.1,3.0\n2,1.5,1.4,1.6,\n"
    )
    log = read_log(text.encode(), "wandb_export.csv")
    assert sorted(log.table.run.unique()) == ["run-a", "run-b"]
    assert log.metrics == ["loss"] and len(log.table) == 3


def test_jsonl_with_resumed_steps_keeps_the_last_and_counts_them():
    lines = [{"step": s, "loss": 1 / s, "lr": 0.1} for s in range(1, 6)] + [{"step": 4, "loss": 9.0, "lr": 0.1}]
    lines.append({"step": 6, "loss": float("nan"), "lr": 0.1})
    text = "\n".join(json.dumps(x) for x in lines)
    log = read_log(text.encode(), "metrics.jsonl")
    assert log.format == "jsonl" and log.replaced == 2 and log.non_finite == 1
    loss = log.table[log.table.metric == "loss"]
    assert loss[loss.step == 4].value.item() == 9.0 and 6 not in set(loss.step)


def test_gzip_and_tsv_and_utf16_and_gbk():
    tsv = "step\tloss\n1\t0.5\n2\t0.4\n"
    assert len(read_log(gzip.compress(tsv.encode()), "log.tsv.gz").table) == 2
    assert len(read_log(tsv.encode("utf-16"), "log.tsv").table) == 2
    gbk = "step,损失\n1,0.5\n2,0.4\n".encode("gbk")
    assert read_log(gbk, "日志.csv").metrics == ["损失"]


@pytest.mark.parametrize(
    "data,name,fragment",
    [
        (b"", "empty.csv", "is empty"),
        (b"\x00\x01\x02\x03" * 100, "noise.csv", "binary"),
        (b'{"log_history": [', "trainer_state.json", "is the file cut off"),
        (b"[1, 2, 3]", "list.json", "JSON list"),
        (b"42", "n.json", "single JSON value"),
        (b"[" * 100_000, "deep.json", "nested too deeply|JSON list"),
        (b"step,loss\n", "header.csv", "no numeric"),
        (b"step,name\n1,a\n2,b\n", "text.csv", "no numeric metric column"),
        (b"a,b\n1,2\n", "nostep.csv", "no column named like a step"),
        (b",".join([b"c"] * 1_000_001) + b"\n", "wide.csv", "columns"),
        (b"\x1f\x8b\x08\x00garbage", "x.gz", "gzip"),
        (b"\x80\x04\x95", "training_args.bin", "unpickling runs code"),
        (b"PK\x03\x04rest", "model.pt", "trainer_state.json instead"),
        (b'{"a": 1}', "other.json", "not a trainer_state.json"),
        (b"<script>alert(1)</script>", "<b>x</b>.csv", "no column named like a step"),
    ],
)
def test_bad_files_get_a_clear_message(data, name, fragment):
    with pytest.raises(LogError, match=fragment):
        read_log(data, name)


def test_real_pickle_is_refused_unread(tmp_path):
    buffer = io.BytesIO()
    torch.save({"learning_rate": 1e-3}, buffer)
    with pytest.raises(LogError, match="unpickling runs code"):
        read_log(buffer.getvalue(), "training_args.bin")


def test_gzip_bomb_is_capped():
    bomb = gzip.compress(b"0" * (600 * 2**20), compresslevel=9)
    with pytest.raises(LogError, match="decompresses to more than"):
        read_log(bomb, "bomb.csv.gz")


def test_cli_log_prints_the_tidy_table(trainer_state, tmp_path, capfd):
    path = tmp_path / "trainer_state.json"
    path.write_bytes(trainer_state[0])
    assert main(["log", str(path)]) == 0
    out, _ = capfd.readouterr()
    lines = out.splitlines()
    assert lines[0].split(",")[:4] == ["run", "step", "metric", "value"]
    rows = [line.split(",") for line in lines[1:] if ",learning_rate," in line]
    assert {int(r[1]): float(r[3]) for r in rows} == trainer_state[1]
    assert main(["log", str(tmp_path / "missing.json")]) == 2
    _, err = capfd.readouterr()
    assert len(err.strip().splitlines()) == 1 and "cannot read" in err
    assert not math.isnan(float(rows[0][3]))


def test_ambiguous_step_column_is_offered_for_picking():
    data = b"step,global_step,loss\n1,10,2.0\n2,20,1.5\n3,30,1.25\n"
    log = read_log(data, "run.csv")
    assert log.step_column == "step" and log.step_columns == ("step", "global_step")
    assert log.table.query("metric == 'loss'")["step"].tolist() == [1, 2, 3]
    picked = read_log(data, "run.csv", step_column="global_step")
    assert picked.table.query("metric == 'loss'")["step"].tolist() == [10, 20, 30]
    assert picked.table.query("metric == 'step'")["value"].tolist() == [1, 2, 3]


def test_unnamed_step_column_gives_candidates_to_pick_from():
    data = b"iteration_no,tokens,loss\n0,512,2.0\n1,1024,1.5\n2,1536,1.0\n"
    with pytest.raises(LogError, match="pick the step column: iteration_no, tokens") as caught:
        read_log(data, "run.csv")
    assert caught.value.step_columns == ("iteration_no", "tokens")
    log = read_log(data, "run.csv", step_column="iteration_no")
    assert log.table.query("metric == 'loss'")["value"].tolist() == [2.0, 1.5, 1.0]
    with pytest.raises(LogError, match="has no column 'nope'"):
        read_log(data, "run.csv", step_column="nope")


def test_csv_counts_logged_nan_and_inf_but_not_empty_cells():
    log = read_log(b"step,loss,acc\n1,2.0,\n2,nan,0.5\n3,inf,0.6\n4,abc,0.7\n", "sparse.csv")
    assert log.non_finite == 2
    assert log.table.query("metric == 'loss'")["value"].tolist() == [2.0]
    assert log.table.query("metric == 'acc'")["step"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "data, name",
    [
        (b'{"log_history": [{"step": 1, "loss": 1' + b"0" * 400 + b'}, {"step": 2, "loss": 2}]}', "t.json"),
        (b'{"step": 1, "loss": -1' + b"0" * 400 + b'}\n{"step": 2, "loss": 2}\n', "t.jsonl"),
        (b"step,loss\n1,1" + b"0" * 400 + b"\n2,2\n", "t.csv"),
    ],
)
def test_numbers_beyond_float_range_are_counted_as_non_finite(data, name):
    log = read_log(data, name)
    assert log.non_finite == 1 and log.table["value"].tolist() == [2.0]


def test_steps_too_large_to_be_exact_are_left_out():
    log = read_log(b'{"step": 1e30, "loss": 1}\n{"step": 2, "loss": 2}\n', "t.jsonl")
    assert log.table["step"].tolist() == [2]


# -- one rule each: the LR metric, one run's series, the step columns, the pickle check ---------

TWO_RUNS = (
    "Step,a - train/learning_rate,b - train/learning_rate,a - eval_loss,b - eval_loss,b - epoch\n"
    "1,0.1,0.2,3.0,4.0,0.5\n2,0.05,0.1,2.0,3.5,1.0\n"
)


def test_learning_rate_metric_names():
    assert read_log(TWO_RUNS.encode(), "runs.csv").metrics == ["eval_loss", "learning_rate"]  # b's epoch: no metric
    assert learning_rate_metric(["loss", "train/learning_rate"]) == "train/learning_rate"
    assert learning_rate_metric(["lr", "loss"]) == "lr"
    assert learning_rate_metric(["loss", "lr_scale"]) is None


def test_one_runs_series_is_chosen_by_name_or_refused_with_the_runs():
    log = read_log(TWO_RUNS.encode(), "runs.csv")
    lr = series(log, "learning_rate", "b")
    assert (lr.run, lr.steps, lr.values) == ("b", [1, 2], [0.2, 0.1])
    with pytest.raises(UsageError, match=r"holds 2 runs with learning_rate \(a, b\)") as caught:
        series(log, "learning_rate")
    assert caught.value.choices == ("a", "b")
    with pytest.raises(UsageError, match="no run 'c'"):
        series(log, "eval_loss", "c")
    with pytest.raises(InputError, match="runs.csv has no loss values"):
        series(log, "loss")
    one = read_log(b"step,lr,eval_loss\n1,0.1,2.0\n", "one.csv")
    assert series(one, "lr").run == "one"  # one run: no need to name it


def test_metrics_that_step_a_scheduler_leave_out_the_lr_and_epoch():
    log = read_log(TWO_RUNS.encode(), "runs.csv")
    assert stepping_metrics(log) == [("a", "eval_loss"), ("b", "eval_loss")]


@pytest.mark.parametrize("step", STEP_COLUMNS)
def test_every_step_name_is_read_from_csv_and_jsonl(step):
    csv_log = read_log(f"{step},loss\n5,1.0\n".encode(), "a.csv")
    jsonl_log = read_log(f'{{"{step}": 5, "loss": 1.0}}\n{{"{step}": 6, "loss": 0.5}}\n'.encode(), "a.jsonl")
    assert csv_log.table.step.tolist() == [5] and jsonl_log.table.step.tolist() == [5, 6]


@pytest.mark.parametrize("name", ["training_args.bin", "model.pt", "x.pth", "x.pkl", "x.pickle", "x.ckpt"])
def test_logs_and_settings_refuse_the_same_pickles(name):
    with pytest.raises(LogError, match="unpickling runs code"):
        read_log(b'{"log_history": []}', name)
    with pytest.raises(SettingsError, match="pickle"):
        read_settings(b'{"learning_rate": 1}', name)


def test_a_log_error_is_an_input_error_naming_the_file():
    with pytest.raises(InputError) as caught:
        read_log(b"\x1f\x8b" + b"junk", "dir/run.csv.gz")
    assert isinstance(caught.value, LogError) and caught.value.name == "dir/run.csv.gz"
