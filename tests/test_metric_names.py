"""One real Trainer run written in every format a person uploads: the same metric names in each,
its end-of-run summary never a per-step metric, and the loss the default panel."""

import json
import warnings

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments
from transformers.integrations.integration_utils import rewrite_logs

from warmup_viz.logs import names, read_log
from warmup_viz.ui.chart_options import default_metrics

from .test_trainer import ByteDataset

pytestmark = pytest.mark.trainer

RUN = "tiny"
# what Trainer logs once, at the end of training (WandbCallback's `single_value_scalars`)
SUMMARY = {"train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "total_flos"}


def write_run(tmp, monkeypatch) -> dict[str, list]:
    """A tiny real run (6 steps, evaluated every 3) with `report_to=["tensorboard"]`, and its log
    in every format: {format: [files]}. Only the W&B exports are built rather than written by
    the tool (W&B is not installed): from the run's own log entries, renamed by transformers'
    `rewrite_logs` exactly as WandbCallback does before it calls `wandb.log`."""
    monkeypatch.setenv("TENSORBOARD_LOGGING_DIR", str(tmp / "tb" / RUN))  # TensorBoardCallback's log dir
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    args = TrainingArguments(
        output_dir=str(tmp / "out"),
        report_to=["tensorboard"],
        logging_steps=1,
        eval_strategy="steps",
        eval_steps=3,
        max_steps=6,
        warmup_steps=2,
        learning_rate=1e-3,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = Trainer(model=model, args=args, train_dataset=ByteDataset(32), eval_dataset=ByteDataset(4))
    trainer.train()
    history = trainer.state.log_history
    files = {"tensorboard": list((tmp / "tb" / RUN).glob("events.out.tfevents.*"))}
    trainer.state.save_to_json(str(tmp / "trainer_state.json"))
    files["trainer_state"] = [tmp / "trainer_state.json"]
    (tmp / "metrics.jsonl").write_text("".join(json.dumps(entry) + "\n" for entry in history))
    files["jsonl"] = [tmp / "metrics.jsonl"]
    files["tensorboard_csv"] = _tensorboard_downloads(tmp / "tb", tmp / "csv")
    files["wandb_chart"], files["wandb_history"] = _wandb_exports(history, tmp)
    return files


def _tensorboard_downloads(logdir, out) -> list:
    """Every scalar tag as TensorBoard's scalars plugin serves it for the CSV download link, in a
    file named as TensorBoard names the download (`run-<run>-tag-<tag>.csv`, the browser turning
    the tag's `/` into `_`)."""
    with warnings.catch_warnings():  # tensorboard's vendored html5lib warns on import: not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        from tensorboard import context
        from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
        from tensorboard.plugins import base_plugin
        from tensorboard.plugins.scalar import scalars_plugin

    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(logdir))
    plugin = scalars_plugin.ScalarsPlugin(base_plugin.TBContext(logdir=str(logdir), data_provider=provider))
    out.mkdir()
    paths = []
    for run, tags in plugin.index_impl(context.RequestContext(), experiment="").items():
        for tag in tags:
            body, _ = plugin.scalars_impl(context.RequestContext(), tag, run, "", scalars_plugin.OutputFormat.CSV)
            path = out / f"run-{run}-tag-{tag}.csv".replace("/", "_")
            path.write_text(body)
            paths.append(path)
    return paths


def _wandb_exports(history: list[dict], tmp) -> tuple[list, list]:
    """W&B's two CSV exports of the run: a chart's ("Step", `<run> - <metric>` with `__MIN`/`__MAX`)
    and the run's history table (`_step`, `_runtime`, `_timestamp`, the logged keys)."""
    logged = [  # WandbCallback.on_log: the summary to run.summary, the rest through rewrite_logs
        {**rewrite_logs({k: v for k, v in entry.items() if k not in SUMMARY and k != "step"}), "step": entry["step"]}
        for entry in history
    ]
    keys = list(dict.fromkeys(k for entry in logged for k in entry if k != "step"))
    chart = ["Step," + ",".join(f'"{RUN} - {k}","{RUN} - {k}__MIN","{RUN} - {k}__MAX"' for k in keys)]
    by_step: dict[int, dict] = {}
    for entry in logged:
        by_step.setdefault(entry["step"], {}).update(entry)
    for step, values in by_step.items():
        chart.append(f"{step}," + ",".join(",".join([repr(values[k]) if k in values else ""] * 3) for k in keys))
    history_rows = ["_step,_runtime,_timestamp,train/global_step," + ",".join(keys)]
    for i, entry in enumerate(logged):
        cells = [str(i), str(0.1 * i), str(1.7e9 + i), str(entry["step"])]
        history_rows.append(",".join(cells + [repr(entry[k]) if k in entry else "" for k in keys]))
    (tmp / "wandb_export.csv").write_text("\n".join(chart) + "\n")
    (tmp / "wandb_history.csv").write_text("\n".join(history_rows) + "\n")
    return [tmp / "wandb_export.csv"], [tmp / "wandb_history.csv"]


@pytest.fixture(scope="module")
def run_files(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        return write_run(tmp_path_factory.mktemp("run"), monkeypatch)


def metrics_of(paths) -> set[str]:
    return {m for path in paths for m in read_log(path.read_bytes(), path.name).metrics}


def test_trainer_writes_the_tags_the_naming_rule_maps(run_files):
    # what the real files hold, before any renaming: the reason for the rule
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    (events,) = run_files["tensorboard"]
    tags = {v.tag for e in EventFileLoader(str(events)).Load() for v in e.summary.value if v.metadata.plugin_data}
    assert {"train/loss", "train/learning_rate", "train/grad_norm", "train/epoch", "eval/loss"} <= tags
    assert {f"train/{name}" for name in SUMMARY} <= tags  # the summary, under train/ like the loss
    csvs = {path.name for path in run_files["tensorboard_csv"]}
    assert {f"run-{RUN}-tag-train_loss.csv", f"run-{RUN}-tag-train_train_loss.csv"} <= csvs
    state = json.loads(run_files["trainer_state"][0].read_text())["log_history"]
    assert set(state[-1]) - {"step", "epoch"} == SUMMARY == set(names.SUMMARY)


def test_every_format_shows_the_same_metric_names(run_files):
    shown = {fmt: metrics_of(paths) for fmt, paths in run_files.items()}
    expected = {"loss", "grad_norm", "learning_rate", "eval_loss", "eval_runtime"}
    expected |= {"eval_samples_per_second", "eval_steps_per_second"}
    assert shown == dict.fromkeys(run_files, expected)


def test_the_same_quantity_has_the_same_values_in_every_format(run_files):
    state = json.loads(run_files["trainer_state"][0].read_text())["log_history"]
    losses = {e["step"]: e["loss"] for e in state if "loss" in e}
    for fmt, paths in run_files.items():
        tables = [read_log(path.read_bytes(), path.name).table for path in paths]
        rows = [row for table in tables for row in table[table.metric == "loss"].itertuples()]
        got = {row.step: row.value for row in rows}
        assert got == pytest.approx(losses, rel=1e-7), fmt  # TensorBoard keeps float32
        epochs = {row.step: row.epoch for row in rows}
        if fmt not in ("tensorboard_csv", "wandb_history"):  # these hold no epoch beside the loss
            assert epochs == pytest.approx({e["step"]: e["epoch"] for e in state if "loss" in e}), fmt


def test_the_end_of_run_summary_is_not_a_per_step_metric(run_files):
    for fmt in ("trainer_state", "jsonl", "tensorboard"):
        (path,) = run_files[fmt]
        log = read_log(path.read_bytes(), path.name)
        assert not SUMMARY & set(log.metrics), fmt
        (summary,) = log.summary.values()
        assert set(summary) == SUMMARY, fmt
        assert log.replaced == 0, fmt  # Trainer's repeated train/epoch is no "resumed run"
    # TensorBoard's CSV of train/train_loss is the summary; its train_loss.csv the per-step loss
    csvs = {path.name: path for path in run_files["tensorboard_csv"]}
    loss, summary = (
        read_log(csvs[f"run-{RUN}-tag-{tag}.csv"].read_bytes(), f"x/run-{RUN}-tag-{tag}.csv")
        for tag in ("train_loss", "train_train_loss")
    )
    assert loss.metrics == ["loss"] and len(loss.table) == 6 and loss.summary == {}
    assert summary.metrics == [] and set(summary.summary[RUN]) == {"train_loss"}


@pytest.mark.parametrize(
    "fmt", ["tensorboard", "tensorboard_csv", "trainer_state", "jsonl", "wandb_chart", "wandb_history"]
)
def test_the_loss_panel_is_the_default(run_files, fmt):
    assert default_metrics(sorted(metrics_of(run_files[fmt]) - {"learning_rate"})) == ["loss"]


@pytest.mark.parametrize(
    "tag, name",
    [
        ("train/loss", "loss"),
        ("train/learning_rate", "learning_rate"),
        ("eval/loss", "eval_loss"),
        ("test/accuracy", "test_accuracy"),
        ("train/train_loss", "train_loss"),
        ("loss", "loss"),
        ("lr-AdamW/lr", "lr-AdamW/lr"),
        ("train/", "train/"),
    ],
)
def test_metric_name(tag, name):
    assert names.metric_name(tag) == name


@pytest.mark.parametrize(
    "download, name",
    [
        ("train_loss", "loss"),
        ("train_train_loss", "train_loss"),
        ("eval_loss", "eval_loss"),
        ("train_epoch", "epoch"),
        ("lr-AdamW_lr", "lr-AdamW_lr"),
    ],
)
def test_tensorboard_download_tag(download, name):
    assert names.metric_name(names.download_tag(download)) == name


def test_a_series_named_like_a_summary_stays_a_series():
    log = read_log(b'{"step": 1, "train_loss": 2.0}\n{"step": 2, "train_loss": 1.5}\n', "own.jsonl")
    assert log.metrics == ["train_loss"] and log.summary == {}


@pytest.mark.parametrize(
    "metrics, loss",
    [
        (["eval_loss", "grad_norm", "loss"], "loss"),
        (["eval_loss", "train_loss_step", "val_acc"], "train_loss_step"),
        (["acc", "val_loss", "kl_loss"], "kl_loss"),
        (["acc", "eval_loss"], "eval_loss"),
        (["acc", "grad_norm"], None),
    ],
)
def test_training_loss_whatever_its_name(metrics, loss):
    assert names.training_loss(metrics) == loss
    assert default_metrics(metrics) == [loss or metrics[0]]


def test_the_page_counts_in_words_and_shows_the_summary_apart(run_files):
    from .test_app import app, shown

    csvs = {path.name: path for path in run_files["tensorboard_csv"]}
    (state,) = run_files["trainer_state"]
    at = app(example="false")
    uploader = at.file_uploader(key="log_files")
    for path in (csvs[f"run-{RUN}-tag-train_loss.csv"], csvs[f"run-{RUN}-tag-train_train_loss.csv"], state):
        uploader.upload(path.name, path.read_bytes())
    at.run()
    assert not at.exception and not at.error
    lines = [line for line in shown(at.markdown) if "(csv)" in line or "(trainer_state)" in line]
    assert lines[0] == f"run-{RUN}-tag-train_loss.csv (csv): 6 values of 1 metric"
    assert lines[1].startswith(f"run-{RUN}-tag-train_train_loss.csv (csv): 0 values of 0 metrics; ")
    assert f"end-of-run summary of {RUN}: train_loss 5." in lines[1]
    assert "values of 7 metrics; end-of-run summary of trainer_state: " in lines[2] and "train_loss 5." in lines[2]
