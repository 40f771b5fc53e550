"""`python -m warmup_viz schedule|log|check|infer ...`: the exact per-step LR, logs, verdicts, recovery.

Flags use TrainingArguments' names. Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import export, schedule
from .config import ConfigError, from_mapping

_SETTINGS = (
    ("learning_rate", "peak learning rate (default 5e-05)"),
    ("lr_scheduler_type", "one of transformers' SchedulerType values (default linear)"),
    ("warmup_steps", "a count (>= 1, truncated) or a ratio of max_steps (< 1, rounded up)"),
    ("warmup_ratio", "legacy alias of a fractional warmup_steps"),
    ("max_steps", "optimizer updates (default 1000); -1 derives it from the epoch settings"),
    ("lr_scheduler_kwargs", "JSON object of scheduler kwargs, e.g. '{\"num_cycles\": 2}'"),
    ("num_train_epochs", "epochs, when max_steps is derived (default 3.0)"),
    ("dataset_size", "training examples; given without max_steps, derives max_steps from epochs"),
    ("per_device_train_batch_size", "per-process batch size (default 8)"),
    ("gradient_accumulation_steps", "batches per optimizer update (default 1)"),
    ("world_size", "number of processes (default 1)"),
)


MAX_LOG_BYTES = 512 * 2**20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2: no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_settings(parser: argparse.ArgumentParser) -> None:
    for name, help_text in _SETTINGS:
        parser.add_argument(f"--{name}", help=help_text)
    parser.add_argument("--dataloader_drop_last", action="store_true", help="drop the last incomplete batch")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m warmup_viz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sched = commands.add_parser("schedule", help="print the per-step learning rate")
    _add_settings(sched)
    sched.add_argument("--format", choices=export.FORMATS, default="csv")
    sched.add_argument("--output", default="-", help="file to write, or - for standard output (default)")
    sched.add_argument("--log", help="for reduce_lr_on_plateau and greedy: the training log whose metric steps them")
    sched.add_argument("--metric", help="the log's metric that steps them (default eval_loss, as Trainer)")
    check = commands.add_parser("check", help="does a log's learning rate match the configured schedule?")
    check.add_argument("log", help="a training log with learning_rate values")
    _add_settings(check)
    check.add_argument("--metric", help="for reduce_lr_on_plateau and greedy: the metric that steps them (eval_loss)")
    infer = commands.add_parser("infer", help="recover the settings whose schedule reproduces a log's learning rate")
    infer.add_argument("log", help="a training log with learning_rate values")
    log = commands.add_parser("log", help="print a training log as a tidy table (run,step,metric,value,...)")
    log.add_argument("file", help="trainer_state.json, CSV/TSV, JSON Lines or a TensorBoard event file (or .gz)")
    log.add_argument("--format", choices=("csv", "json"), default="csv")
    log.add_argument("--output", default="-", help="file to write, or - for standard output (default)")
    return parser


def settings_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The schedule settings given on the command line, as text, by TrainingArguments name."""
    values: dict[str, object] = {n: getattr(args, n) for n, _ in _SETTINGS if getattr(args, n) is not None}
    if args.dataloader_drop_last:
        values["dataloader_drop_last"] = True
    if "dataset_size" in values and "max_steps" not in values:
        values["max_steps"] = "-1"  # epochs given, steps not: derive them as Trainer does
    return values


def _schedule(args: argparse.Namespace) -> int:
    config = from_mapping(settings_from_args(args))
    if config.info.metric_driven:
        steps, lrs = _replay(config, args)
    else:
        if args.log or args.metric:
            raise ConfigError("log", f"--log and --metric are for metric-driven types, not {config.lr_scheduler_type}")
        steps, lrs = schedule.full_table(config)
    _write(args.output, export.table_bytes(steps, lrs, args.format))
    return 0


def _replay(config, args: argparse.Namespace) -> tuple[range, list[float]]:
    """reduce_lr_on_plateau / greedy stepped with a log's metric, as Trainer steps them."""
    from .simulate import DEFAULT_METRIC, simulate

    if not args.log:
        raise ConfigError("log", f"{config.lr_scheduler_type} follows a metric: give --log LOG (and --metric NAME)")
    if config.total_steps > schedule.EXPORT_STEPS_LIMIT:
        schedule.full_table(config)  # raises the export cap's message
    log = _read(args.log)
    metric = args.metric or DEFAULT_METRIC
    rows = log.table[log.table.metric == metric]
    if rows.empty:
        raise ConfigError("metric", f"{args.log} has no {metric} values (metrics: {', '.join(log.metrics[:12])})")
    runs = rows.run.unique()
    if len(runs) > 1:
        raise ConfigError("log", f"{args.log} holds several runs ({', '.join(map(str, runs[:5]))}); give one run's log")
    replay = simulate(config, rows.step.tolist(), rows.value.tolist())
    steps = range(1, config.total_steps + 1)
    return steps, replay.lrs_all()


def _read(path: str):
    from .logs import LogError, read_log

    try:
        with open(path, "rb") as f:
            data = f.read(MAX_LOG_BYTES + 1)
    except OSError as e:
        raise ConfigError("file", f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > MAX_LOG_BYTES:
        raise ConfigError("file", f"{path} is larger than {MAX_LOG_BYTES // 2**20} MB; not read")
    try:
        return read_log(data, path)
    except LogError as e:
        raise ConfigError("file", str(e)) from None


def _check(args: argparse.Namespace) -> int:
    from .check import compare, learning_rate_metric

    config = from_mapping(settings_from_args(args))
    log = _read(args.log)
    metric = learning_rate_metric(log.metrics)
    if metric is None:
        raise ConfigError("file", f"{args.log} has no learning_rate values (metrics: {', '.join(log.metrics[:10])})")
    lr_of = None
    if config.info.metric_driven:  # replay it with the same log's metric, as Trainer stepped it
        from .simulate import DEFAULT_METRIC, simulate

        name = args.metric or DEFAULT_METRIC
        steps = log.table[log.table.metric == name]
        if steps.empty:
            raise ConfigError("metric", f"{args.log} has no {name} values to replay {config.lr_scheduler_type} with")
        lr_of = simulate(config, steps.step.tolist(), steps.value.tolist()).lrs
    worst = 0
    for run, rows in log.table[log.table.metric == metric].groupby("run", sort=True):
        verdict = compare(config, rows.step.tolist(), rows.value.tolist(), lr_of)
        print(f"{run}: {verdict.message}")
        worst = max(worst, 0 if verdict.matches else 1)
    return worst


def _infer(args: argparse.Namespace) -> int:
    """Print the recovered settings as JSON; exit 0 when they reproduce every logged LR, 1 when
    only a best fit (or none) exists."""
    import json

    from .check import learning_rate_metric
    from .infer import NoFit, infer

    log = _read(args.log)
    metric = learning_rate_metric(log.metrics)
    if metric is None:
        raise ConfigError("file", f"{args.log} has no learning_rate values (metrics: {', '.join(log.metrics[:10])})")
    rows = log.table[log.table.metric == metric]
    runs = rows.run.unique()
    if len(runs) > 1:
        raise ConfigError("log", f"{args.log} holds several runs ({', '.join(map(str, runs[:5]))}); give one run's log")
    try:
        fit = infer(rows.step.tolist(), rows.value.tolist(), max_steps=log.facts.get("max_steps"))
    except NoFit as e:
        print(f"no fit: {e}", file=sys.stderr)
        return 1
    print(json.dumps({**fit.settings(), "max_relative_error": fit.max_relative_error, "exact": fit.exact}))
    return 0 if fit.exact else 1


def _log(args: argparse.Namespace) -> int:
    log = _read(args.file)
    table = log.table
    if args.format == "csv":
        out = table.to_csv(index=False, float_format=None).encode()
    else:
        out = table.to_json(orient="records", double_precision=15).encode()
    _write(args.output, out)
    if log.replaced or log.non_finite:
        print(
            f"note: {log.replaced} repeated steps replaced by later ones, {log.non_finite} non-finite values left out",
            file=sys.stderr,
        )
    return 0


def _write(output: str, data: bytes) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with open(output, "wb") as f:
            f.write(data)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"schedule": _schedule, "log": _log, "check": _check, "infer": _infer}[args.command](args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return 2
