"""`warmup-viz schedule|plot|log|check|infer|serve ...` (or `python -m warmup_viz ...`): the exact per-step
LR, logs, verdicts, recovery, and the dashboard.

Flags use TrainingArguments' names. Bad input exits with status 2 and one line on stderr that
names the setting or file at fault. Each subcommand imports only what it uses: `log` needs
neither torch nor transformers.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

from . import export, static
from .errors import ConfigError, InputError, UsageError, said_with_file
from .files import MAX_CONFIG_BYTES, read_capped

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
    (
        "tool",
        "what builds the TrainingArguments: TrainingArguments (default), a TRL config class (SFTConfig, ...), "
        "llamafactory, axolotl or ms-swift; axolotl works out warmup and max_steps its own way",
    ),
    (
        "tool_args",
        "JSON object of the tool's own arguments that choose its own scheduler, e.g. axolotl's "
        '\'{"alternate_lr_scheduler_type": "rex", "cosine_min_lr_ratio": 0.1}\'',
    ),
)
_RUN_HELP = "the run to read, when the log holds several"
_CONFIG_HELP = (
    "a training config: training_args.json, a TRL, LLaMA-Factory, axolotl or ms-swift config (YAML or "
    "JSON), or a .py file with the TrainingArguments/SFTConfig(...) call; settings it leaves out take "
    "its tool's defaults, and the flags given here override it"
)
_DEEPSPEED_HELP = (
    "TrainingArguments' deepspeed: a ds_config JSON file; its scheduler block, if any, replaces "
    "lr_scheduler_type, and the values are what Trainer logs under DeepSpeed"
)
_CONVENTION_HELP = (
    "how the run logged its LR: since_4.51 (default: step s logs the LR update s trained with) or "
    "before_4.51 (step s logs the LR of update s + 1, as transformers before 4.51 did)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2: no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help=_CONFIG_HELP)
    for name, help_text in _SETTINGS:
        parser.add_argument(f"--{name}", help=help_text)
    parser.add_argument("--dataloader_drop_last", action="store_true", help="drop the last incomplete batch")


def _parser() -> argparse.ArgumentParser:
    installed = os.path.basename(sys.argv[0]) == "warmup-viz"
    parser = _Parser(prog="warmup-viz" if installed else "python -m warmup_viz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sched = commands.add_parser("schedule", help="print the per-step learning rate")
    _add_settings(sched)
    sched.add_argument("--format", choices=export.FORMATS, default="csv")
    sched.add_argument("--output", default="-", help="file to write, or - for standard output (default)")
    sched.add_argument("--log", help="for reduce_lr_on_plateau and greedy: the training log whose metric steps them")
    sched.add_argument("--metric", help="the log's metric that steps them (default eval_loss, as Trainer)")
    sched.add_argument("--run", help=_RUN_HELP)
    _add_run_kind(sched)
    _add_loop(sched)
    _add_groups(sched)
    check = commands.add_parser("check", help="does a log's learning rate match the configured schedule?")
    check.add_argument(
        "log",
        help="a training log with learning_rate values, or a checkpoint or output directory (its trainer_state.json)",
    )
    _add_settings(check)
    _add_groups(check)
    check.add_argument("--metric", help="for reduce_lr_on_plateau and greedy: the metric that steps them (eval_loss)")
    check.add_argument("--run", help="the run to check (default: every run in the log)")
    check.add_argument(
        "--json", action="store_true", help="print one JSON object per run: matches, causes, the settings that match"
    )
    _add_run_kind(check)
    infer = commands.add_parser("infer", help="recover the settings whose schedule reproduces a log's learning rate")
    infer.add_argument("log", help="a training log with learning_rate values")
    infer.add_argument("--run", help=_RUN_HELP)
    infer.add_argument(
        "--metric",
        help="the evaluated metric that steps reduce_lr_on_plateau and greedy, to recover their settings "
        "when the LR changes in discrete steps (default eval_loss, as Trainer; used when the log has it)",
    )
    plot = commands.add_parser(
        "plot", help="draw the schedule (and a log beside it) as a self-contained HTML page, or PNG, SVG or PDF"
    )
    _add_settings(plot)
    plot.add_argument(
        "--output",
        required=True,
        help="file to write (view.html, view.png, view.svg, view.pdf), or - for standard output with --format",
    )
    plot.add_argument("--format", choices=static.FORMATS, help="default: the output's extension")
    plot.add_argument("--log", help="a training log to draw beside the schedule, with check's verdict under the title")
    plot.add_argument("--run", help=_RUN_HELP)
    plot.add_argument(
        "--show", action="append", default=[], metavar="METRIC", help="a metric of the log to draw below (repeatable)"
    )
    plot.add_argument(
        "--metric", help="for reduce_lr_on_plateau and greedy: the log's metric that steps them (eval_loss)"
    )
    plot.add_argument("--log_y", action="store_true", help="the learning rate on a log axis")
    plot.add_argument("--title", help="the chart's title (default: the settings)")
    plot.add_argument("--width", type=int, default=static.WIDTH, help=f"image width in CSS pixels ({static.WIDTH})")
    plot.add_argument("--height", type=int, default=static.HEIGHT, help=f"image height ({static.HEIGHT})")
    plot.add_argument("--scale", type=float, default=static.SCALE, help=f"PNG pixels per CSS pixel ({static.SCALE})")
    _add_run_kind(plot)
    log = commands.add_parser("log", help="print a training log as a tidy table (run,step,metric,value,...)")
    log.add_argument("file", help="trainer_state.json, CSV/TSV, JSON Lines or a TensorBoard event file (or .gz)")
    log.add_argument("--format", choices=("csv", "json"), default="csv")
    log.add_argument("--output", default="-", help="file to write, or - for standard output (default)")
    serve = commands.add_parser(
        "serve",
        help="start the dashboard, as `make run` does; --logdir DIR adds a page that follows the training runs "
        "under DIR as they grow (like tensorboard --logdir); Streamlit's options follow (--server.port 8502, ...)",
        prefix_chars="+",  # every argument after `serve`, dashes and all, is Streamlit's
        add_help=False,  # `serve --help` is Streamlit's own
    )
    serve.add_argument("streamlit_options", nargs=argparse.REMAINDER)
    return parser


def _add_run_kind(parser: argparse.ArgumentParser) -> None:
    from .run import Convention

    choices = [c.value for c in Convention]
    parser.add_argument(
        "--resume_from_checkpoint",
        metavar="DIR",
        help="the checkpoint these settings resume (its trainer_state.json and scheduler.pt): the resumed "
        "run, the first run's logged steps before it included",
    )
    parser.add_argument("--deepspeed", metavar="DS_CONFIG", help=_DEEPSPEED_HELP)
    parser.add_argument("--logging_convention", choices=choices, default=choices[0], help=_CONVENTION_HELP)
    parser.add_argument(
        "--skipped_steps",
        metavar="UPDATES",
        help="updates whose optimizer step a loss scaler skipped (fp16 overflow), e.g. 1-3,11,20: "
        "the scheduler did not step for them, so the LR trails the plan by one more step after each",
    )


_LOOP_HELP = (
    "trainer (default): Trainer steps the scheduler once per update; accelerate: a loop of one's own "
    "whose scheduler went through accelerator.prepare (transformers' *_no_trainer.py examples): give "
    "--num_warmup_steps and --num_training_steps as the script passes them to get_scheduler, --max_steps "
    "the optimizer updates it runs, and accelerate's --num_processes, --split_batches, "
    "--step_scheduler_with_optimizer, --gradient_accumulation_steps"
)


def _add_loop(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--loop", choices=("trainer", "accelerate"), default="trainer", help=_LOOP_HELP)
    parser.add_argument("--num_processes", type=int, default=1, help="accelerate's processes (default 1)")
    parser.add_argument("--num_warmup_steps", help="get_scheduler's num_warmup_steps, with --loop accelerate")
    parser.add_argument("--num_training_steps", help="get_scheduler's num_training_steps, with --loop accelerate")
    parser.add_argument("--split_batches", action="store_true", help="accelerate's split_batches")
    parser.add_argument(
        "--scaled_by_num_processes",
        action="store_true",
        help="the script passes num_warmup_steps and num_training_steps × num_processes (the schedule runs as meant)",
    )
    parser.add_argument(
        "--step_scheduler_with_optimizer", choices=("true", "false"), default="true", help="accelerate's (default true)"
    )


def _add_groups(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param_groups",
        metavar="JSON",
        help='the optimizer\'s param groups in its order, e.g. \'[{"name": "lora_A", "lr": 2e-4}, {"name": "lora_B", '
        '"lr": 3.2e-3}]\': a column each (Trainer logs the first)',
    )
    parser.add_argument("--loraplus_lr_ratio", help="LoRA+ (PEFT's create_loraplus_optimizer): its four groups")
    parser.add_argument("--loraplus_lr_embedding", help="LoRA+'s embedding group LR (PEFT's default 1e-06)")


def _loop_kind(args: argparse.Namespace, config, found):
    """The run kind the flags describe: accelerate's loop (`--loop accelerate`) and the groups."""
    from . import run_kind
    from .config import parse_field
    from .loop import Loop

    given = [f"--{n}" for n in ("num_warmup_steps", "num_training_steps", "split_batches", "scaled_by_num_processes")]
    given = [g for g in given if getattr(args, g[2:])]
    given += ["--num_processes"] if args.num_processes != 1 else []
    given += ["--step_scheduler_with_optimizer"] if args.step_scheduler_with_optimizer != "true" else []
    if args.loop != "accelerate":
        if given:
            raise UsageError(f"{', '.join(given)}: accelerate's, for --loop accelerate")
        return run_kind.RunKind(param_groups=found or ())
    accumulation = config.gradient_accumulation_steps if args.gradient_accumulation_steps is not None else 1
    loop = Loop(args.num_processes, args.split_batches, args.step_scheduler_with_optimizer == "true", accumulation)
    updates = parse_field("max_steps", args.max_steps)
    return run_kind.RunKind(loop, updates, args.scaled_by_num_processes, found or ())


def _loop_config(args: argparse.Namespace):
    """`--loop accelerate`'s settings: num_warmup_steps and num_training_steps as the script passes them."""
    from .config import from_mapping

    missing = [f"--{n}" for n in ("num_warmup_steps", "num_training_steps", "max_steps") if getattr(args, n) is None]
    if missing:
        raise UsageError(f"--loop accelerate needs {', '.join(missing)}")
    refused = [
        f"--{n}"
        for n in ("warmup_steps", "warmup_ratio", "log", "resume_from_checkpoint", "deepspeed")
        if getattr(args, n, None)
    ]
    if refused:
        raise UsageError(
            f"{', '.join(refused)}: not with --loop accelerate (give --num_warmup_steps, --num_training_steps)"
        )
    values = settings_from_args(args)
    values.update(warmup_steps=args.num_warmup_steps, max_steps=args.num_training_steps)
    return from_mapping(values)


def settings_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The schedule settings given on the command line (as text) over those of `--config` (with
    its tool's defaults for what it leaves out), by TrainingArguments name."""
    given: dict[str, object] = {n: getattr(args, n) for n, _ in _SETTINGS if getattr(args, n) is not None}
    if not getattr(args, "config", None):
        values = given
    else:
        from .config import parse_field

        parsed = {name: parse_field(name, text) for name, text in given.items()}
        imported = _config_file(args.config, set(given))
        values = imported.settings_with(parsed)
        defaults = {k: values[k] for k in imported.defaults_that_matter() if k not in given}
        if defaults:  # as worked out with the flags (ms-swift's accumulation follows the batch)
            listed = ", ".join(f"{k}={v}" for k, v in defaults.items())
            print(f"note: left out, so the defaults of {imported.tool}: {listed}", file=sys.stderr)
    if args.dataloader_drop_last:
        values["dataloader_drop_last"] = True
    return values  # from_mapping derives max_steps from epochs when a dataset_size is given


def _config_file(path: str, flags: set[str]):
    """The settings of a training config file; what was read as what, and what was left out, on
    stderr (standard output carries the data)."""
    from .importer import NOT_A_SETTING, read_settings
    from .tools import TRAINING_ARGUMENTS

    imported = read_settings(read_capped(path, MAX_CONFIG_BYTES), path)
    said = [f"read {', '.join(imported.used) or 'nothing'} from {path}"]
    if imported.tool != TRAINING_ARGUMENTS:
        said.append(f"read as {imported.tool}")
    said += [f"{key}: {why}" for key, why in imported.ignored.items() if why != NOT_A_SETTING]
    said += [str(n) for n in imported.notes if not (n.key == "import.epochs_need_dataset" and "dataset_size" in flags)]
    for line in said:
        print(f"note: {line}", file=sys.stderr)
    return imported


def _config(args: argparse.Namespace, metric_flags: tuple[str, ...]):
    """The configured schedule; flags that only a metric-driven type reads are refused for others."""
    from .config import from_mapping

    config = from_mapping(settings_from_args(args))
    if any(getattr(args, flag) for flag in metric_flags) and not config.info.metric_driven:
        names = [f"--{flag}" for flag in metric_flags]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        raise UsageError(
            f"{listed} {'is' if len(names) == 1 else 'are'} for metric-driven types "
            f"(reduce_lr_on_plateau, greedy), not {config.lr_scheduler_type}"
        )
    return config


def _groups(args: argparse.Namespace, learning_rate: float):
    """The param groups the flags give (`--param_groups`, or LoRA+'s), or None; read by the same
    rules as a link's (`run_kind.from_params`)."""
    from . import run_kind

    names = ("param_groups", "loraplus_lr_ratio", "loraplus_lr_embedding")
    given = {name: getattr(args, name) for name in names if getattr(args, name)}
    return run_kind.from_params(given).groups(learning_rate) or None


def _schedule(args: argparse.Namespace) -> int:
    from .run import table

    if args.loop == "accelerate":
        config = _loop_config(args)
        found = _groups(args, config.learning_rate)
        kind = _loop_kind(args, config, found)
        run = kind.run(config)
        for note in run.warnings:
            print(f"note: {note}", file=sys.stderr)
        if found is None:
            steps, lrs = table(run)
            _write(args.output, export.table_chunks(steps, lrs, args.format))
        else:
            _write_groups(args, found, lambda lr: kind.run(config, lr))
        return 0
    config = _config(args, ("log", "metric", "run"))
    found = _groups(args, config.learning_rate)
    kind = _loop_kind(args, config, found)  # refuses accelerate's flags without --loop accelerate
    if found is not None:
        kinds = ("resume_from_checkpoint", "deepspeed", "skipped_steps", "log")
        given = [f"--{k}" for k in kinds if getattr(args, k)]
        if given or args.logging_convention != "since_4.51":
            raise UsageError(
                f"param groups are drawn for a plain run or an accelerate loop, not with {given or 'these'}"
            )
        _write_groups(args, found, lambda lr: kind.run(config, lr))
        return 0
    log = _read(args.log) if args.log else None
    steps, lrs = table(_run(args, config, log, args.run))
    _write(args.output, export.table_chunks(steps, lrs, args.format))
    return 0


def _write_groups(args: argparse.Namespace, found, make) -> None:
    """`step` and a column per param group, named by the group; which group a log shows on stderr."""
    from . import groups
    from .run import table

    tables = []
    for name, run in groups.runs(found, make).items():
        steps, lrs = table(run)
        tables.append((name, steps, lrs))
    print(f"note: {groups.logged_note(found)}", file=sys.stderr)
    _write(args.output, [export.wide_bytes(tables, args.format)])


def _check(args: argparse.Namespace) -> int:
    """Print one verdict per run; exit 0 when every run matches, 1 when one does not."""
    from .logs import runs
    from .verdict import compare

    config = _config(args, ("metric",))
    log = _read(args.log)
    metric = _learning_rate(log)
    worst = 0
    found = _groups(args, config.learning_rate)
    if found is not None:  # Trainer logs the first group's LR
        from . import groups, run_kind

        given = [f"--{k}" for k in ("resume_from_checkpoint", "deepspeed", "skipped_steps") if getattr(args, k)]
        if given or args.logging_convention != "since_4.51":
            raise UsageError(f"param groups are checked for a plain Trainer run, not with {given or 'this convention'}")

        print(f"note: checked against {groups.logged_note(found)}", file=sys.stderr)
    for name in [args.run] if args.run else runs(log, metric):
        logged = _series(log, metric, name)
        run = _run(args, config, log, name) if found is None else run_kind.RunKind().run(config, found[0].lr)
        verdict = compare(run, logged.steps, logged.values, facts=log.facts)
        print(json.dumps({"run": name, **verdict.to_dict()}) if args.json else f"{name}: {verdict.message}")
        worst = max(worst, 0 if verdict.matches else 1)
    return worst


def _infer(args: argparse.Namespace) -> int:
    """Print the recovered settings as JSON; exit 0 when they reproduce every logged LR, 1 when
    only a best fit (or none) exists. A metric-driven run is recovered by replaying the log's
    metric (`--metric`, default eval_loss when the log has it); a hint goes to stderr."""
    from .inference import NoFit, infer
    from .logs import runs
    from .simulate import DEFAULT_METRIC

    log = _read(args.log)
    logged = _series(log, _learning_rate(log), args.run)
    metric = None
    if args.metric or logged.run in runs(log, DEFAULT_METRIC):
        observed = _series(log, args.metric or DEFAULT_METRIC, logged.run)
        metric = (observed.steps, observed.values)
    try:
        fit = infer(logged.steps, logged.values, max_steps=log.facts.get("max_steps"), metric=metric)
    except NoFit as e:
        print(f"no fit: {e}", file=sys.stderr)
        return 1
    earlier = {"earlier_runs": [f.settings() for f in fit.earlier_runs()]} if fit.resumed else {}
    print(json.dumps({**fit.settings(), **earlier, "max_relative_error": fit.max_relative_error, "exact": fit.exact}))
    if fit.hint is not None:
        print(f"note: {fit.hint}", file=sys.stderr)
    return 0 if fit.exact else 1


def _plot(args: argparse.Namespace) -> int:
    """Write the schedule's figure (with the log's LR and verdict when `--log` is given) as a
    self-contained HTML page or an image."""
    from .api import Schedule

    fmt = static.format_of(args.output, args.format)
    config = _config(args, ())
    log = _read(args.log) if args.log else None
    metric_run = args.run
    if log is not None and metric_run is None and config.info.metric_driven:
        metric_run = _series(log, _learning_rate(log), None).run
    if (args.show or args.metric) and log is None:
        raise UsageError(f"{'--show' if args.show else '--metric'} reads a metric of --log: give --log LOG")
    missing = [m for m in args.show if m not in log.metrics] if log is not None else []
    if missing:
        raise UsageError(f"--show {missing[0]}: {log.name} has no such metric (metrics: {', '.join(log.metrics[:20])})")
    figure = Schedule(_run(args, config, log, metric_run)).figure(
        log, run=args.run, metrics=args.show, log_y=args.log_y, title=args.title
    )
    if fmt == "html":
        title = args.title or f"warmup-viz: {config.lr_scheduler_type}"
        _write(args.output, [static.html_bytes(figure, title)])
    else:
        _write(args.output, [static.image_bytes(figure, fmt, args.width, args.height, args.scale)])
    return 0


def _log(args: argparse.Namespace) -> int:
    log = _read(args.file)
    table = log.table
    if args.format == "csv":
        out = table.to_csv(index=False, float_format=None).encode()
    else:
        out = table.to_json(orient="records", double_precision=15).encode()
    _write(args.output, [out])
    if log.replaced or log.non_finite:
        print(
            f"note: {log.replaced} repeated steps replaced by later ones, {log.non_finite} non-finite values left out",
            file=sys.stderr,
        )
    return 0


_GC_THRESHOLD = gc.get_threshold()  # Python's, before run() raises it for a short command


def _serve(args: argparse.Namespace) -> int:
    """Start the dashboard as `make run` does (`python -m warmup_viz.ui.serve`), with Streamlit's
    options; the one subcommand that imports streamlit. Runs until the server is stopped."""
    gc.set_threshold(*_GC_THRESHOLD)  # a server runs with the collector as `make run` has it
    from .ui import serve

    return serve.main(args.streamlit_options)


# -- shared by the subcommands ------------------------------------------------------------------


def _run(args: argparse.Namespace, config, log=None, log_run: str | None = None):
    """The run the flags describe (`api.build_run`): resumed (`--resume_from_checkpoint`), under
    DeepSpeed (`--deepspeed`), replayed from `log_run`'s metric in `log` (a metric-driven type),
    or a plain Trainer run; each logged with `--logging_convention`."""
    from .api import build_run

    kind = {key: getattr(args, key) for key in ("resume_from_checkpoint", "deepspeed", "skipped_steps")}
    kind = {key: value for key, value in kind.items() if value} | {"logging_convention": args.logging_convention}
    if config.info.metric_driven and log is None and not (args.deepspeed or args.resume_from_checkpoint):
        raise UsageError(f"{config.lr_scheduler_type} follows a metric: give --log LOG (and --metric NAME)")
    try:
        return build_run(config, kind, log, args.metric, log_run)
    except UsageError as e:
        if log_run is None and e.choices:  # the log holds several runs: name the flag that picks one
            raise UsageError(f"{e} with --run NAME", e.choices) from None
        raise


def _read(path: str):
    """The log at `path`; `InputError` naming it when it cannot be read."""
    from .api import read_log

    return read_log(path)  # its LogError is an InputError naming the file


def _learning_rate(log) -> str:
    from .logs import learning_rate_metric

    metric = learning_rate_metric(log.metrics)
    if metric is None:
        raise InputError(f"{log.name} has no learning_rate values (metrics: {', '.join(log.metrics[:10])})", log.name)
    return metric


def _series(log, metric: str, run: str | None):
    """`metric` of `run`, as the page reads it (`logs.series`); a missing run choice names --run."""
    from .logs import series

    try:
        return series(log, metric, run)
    except UsageError as e:
        if run is not None:
            raise
        raise UsageError(f"{e} with --run NAME", e.choices) from None


def _write(output: str, chunks: Iterable[bytes]) -> None:
    """Write `chunks` one after another to the file `output`, or to standard output for "-"."""
    if output == "-":
        sys.stdout.buffer.writelines(chunks)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as f:
            f.writelines(chunks)
    except OSError as e:
        raise InputError(f"cannot write {output}: {e.strerror or e}", output) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit status (0 ok, 1 mismatch or no exact fit, 2 bad input).
    The `warmup-viz` console script exits with it."""
    args = _parser().parse_args(argv)
    try:
        commands = {"schedule": _schedule, "plot": _plot, "log": _log, "check": _check, "infer": _infer}
        commands["serve"] = _serve
        return commands[args.command](args)
    except (ConfigError, InputError, UsageError) as e:
        print(f"error: {said_with_file(e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output stopped reading (`| head`): it has what it wanted
        return 0
    except OSError as e:  # standard output closed, say: no file of ours to name
        print(f"error: {e.strerror or e}", file=sys.stderr)
        return 2


def run() -> NoReturn:
    """`main()` as a process of its own (`python -m warmup_viz`): flush the output and end the
    process with main's status, without tearing the interpreter down."""
    # Importing torch and transformers makes ~300k objects and no garbage; at the default threshold
    # of 700 allocations the collector walks them ~500 times (~0.1 s of CPU).
    gc.set_threshold(20_000)
    status = main()
    try:
        if sys.stdout is not None:  # (None when the process was started with it closed)
            sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading (`| head`)
        pass
    except OSError as e:  # standard output closed; status 2 says main has reported it already
        if status != 2:
            print(f"error: {e.strerror or e}", file=sys.stderr)
            status = 2
    with contextlib.suppress(OSError, AttributeError):  # nowhere left to report it
        sys.stderr.flush()
    # Tearing down torch and transformers (freeing each object, running their atexit hooks) takes
    # over half a second and changes nothing: every file is written and closed by now.
    os._exit(status)
