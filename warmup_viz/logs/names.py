"""One name per quantity, whatever wrote the log: trainer_state.json's names.

Trainer logs one entry per logging step and sends it everywhere under different names:
trainer_state.json and JSON Lines keep its keys (`loss`, `learning_rate`, `eval_loss`);
TensorBoard and W&B get them through transformers' `rewrite_logs` (`train/loss`,
`train/learning_rate`, `eval/loss`); TensorBoard's CSV download is named after the tag, with the
tag's `/` turned into `_` by the browser (`run-<run>-tag-train_loss.csv` holds `train/loss`).
`metric_name` maps each back to trainer_state's name, and every reader's table goes through
`canonical`, so the same quantity from any format lines up under one name.

Trainer's end-of-run entry (`train_loss`, `train_runtime`, ...) is a summary of the whole run,
not a series: it is set aside as the log's summary, never drawn as a metric.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# rewrite_logs' prefixes (transformers.integrations.integration_utils), -> trainer_state's
_PREFIXES = {"train/": "", "eval/": "eval_", "test/": "test_"}
# Trainer's end-of-run summary: WandbCallback's `single_value_scalars`, logged once at the last step
SUMMARY = ("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "total_flos")
# W&B's own columns and Trainer's W&B step key: copies of the step and the clock, not measurements
BOOKKEEPING = ("_step", "_runtime", "_timestamp", "train/global_step")
# the training loss under the names loggers give it, preferred first (after `metric_name`)
TRAINING_LOSS = ("loss", "train_loss", "train_loss_step", "training_loss", "loss/train", "train_loss_epoch")
EPOCH = "epoch"


def metric_name(tag: str) -> str:
    """trainer_state's name for a logged tag: `train/x` -> `x`, `eval/x` -> `eval_x`,
    `test/x` -> `test_x`; any other name is kept.

    >>> [metric_name(t) for t in ("train/loss", "eval/loss", "train/train_loss", "lr-AdamW")]
    ['loss', 'eval_loss', 'train_loss', 'lr-AdamW']
    """
    for prefix, replacement in _PREFIXES.items():
        if tag.startswith(prefix) and len(tag) > len(prefix):
            return replacement + tag[len(prefix) :]
    return tag


def download_tag(tag: str) -> str:
    """The tag a TensorBoard CSV download was named after, its `/` turned into `_` again for
    rewrite_logs' prefixes: `train_loss` -> `train/loss`, `eval_loss` -> `eval/loss`,
    `train_train_loss` -> `train/train_loss` (the summary)."""
    for prefix in _PREFIXES:
        flat = prefix.replace("/", "_")
        if tag.startswith(flat) and len(tag) > len(flat):
            return prefix + tag[len(flat) :]
    return tag


def is_summary(name: str) -> bool:
    """Whether `name` (trainer_state's) is one of Trainer's end-of-run summary values."""
    return name in SUMMARY


def training_loss(metrics: Iterable[str]) -> str | None:
    """The training loss among `metrics`: the first of TRAINING_LOSS present, else the first name
    holding "loss" that is not an eval/validation/test loss, else any loss; None when none is."""
    metrics = list(metrics)
    for name in TRAINING_LOSS:
        if name in metrics:
            return name
    losses = [m for m in metrics if "loss" in m.lower()]
    held_out = ("eval", "val", "test")
    return next((m for m in losses if not m.lower().startswith(held_out)), None) or next(iter(losses), None)


def canonical(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """A reader's long table (`run, step, metric, value`, ...) under trainer_state's names.

    Returns (table, summary): W&B's bookkeeping columns are dropped; a logged `epoch` series
    (TensorBoard's `train/epoch`) fills the `epoch` of the rows at its steps and is no metric, as
    in trainer_state; a SUMMARY name logged once per run is set aside in `summary` (run -> name ->
    value). The same name logged at several steps is a series, kept. A file that holds none but
    these (TensorBoard's CSV of `train/epoch` or `train/train_loss`) gives an empty table."""
    if "epoch" not in frame:
        frame = frame.assign(epoch=np.nan)
    metric = pd.Categorical(frame["metric"].astype(str) if frame["metric"].dtype != "category" else frame["metric"])
    names = [None if str(c) in BOOKKEEPING else metric_name(str(c)) for c in metric.categories]
    position = {n: i for i, n in enumerate(dict.fromkeys(n for n in names if n is not None))}
    kept = list(position)
    index = np.array([-1 if n is None else position[n] for n in names] + [-1], dtype=np.int64)
    if (index[:-1] == np.arange(len(names))).all():
        codes = metric.codes  # the names are new names for the same metrics: the codes stay
    else:
        codes = index[metric.codes]  # a missing name (code -1) picks the appended -1
    frame = frame.assign(metric=pd.Categorical.from_codes(codes, categories=kept))
    if (codes < 0).any():  # bookkeeping to drop (a copy of every row otherwise)
        frame = frame[codes >= 0]
    summary: dict[str, dict[str, float]] = {}
    for name in (n for n in kept if is_summary(n)):
        rows = frame[frame["metric"] == name]
        if rows["run"].is_unique:
            for run, value in zip(rows["run"].astype(str), rows["value"], strict=True):
                summary.setdefault(run, {})[name] = float(value)
            frame = frame[frame["metric"] != name]
    return _fold_epochs(frame), summary


def _fold_epochs(frame: pd.DataFrame) -> pd.DataFrame:
    """The `epoch` series moved into the `epoch` column of the other rows at the same run and step."""
    if EPOCH not in frame["metric"].cat.categories:
        return frame
    is_epoch = (frame["metric"] == EPOCH).to_numpy()
    if not is_epoch.any():
        return frame
    if is_epoch.all():
        return frame[~is_epoch]
    epochs, rest = frame[is_epoch], frame[~is_epoch]
    epoch = pd.to_numeric(rest["epoch"], errors="coerce").to_numpy(dtype=float, copy=True)
    runs = pd.Categorical(frame["run"]).codes  # by run, a one-level lookup: a million rows stay quick
    runs, epoch_runs = runs[~is_epoch], runs[is_epoch]
    steps = rest["step"].to_numpy()
    for run in np.unique(epoch_runs):
        of_run = epochs[epoch_runs == run].drop_duplicates("step", keep="last")
        lookup = pd.Series(of_run["value"].to_numpy(), index=of_run["step"].to_numpy())
        rows = (runs == run) & np.isnan(epoch)
        epoch[rows] = lookup.reindex(steps[rows]).to_numpy(dtype=float)
    return rest.assign(epoch=epoch)
