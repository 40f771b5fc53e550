"""Training runs under a log directory, as `warmup-viz serve --logdir DIR` watches them (like
`tensorboard --logdir`): where they are, what each has logged so far, and its verdict.

A run is a directory under DIR that holds a log: an HF output directory (its own
`trainer_state.json`, else its latest `checkpoint-N`'s, as `files.log_file` picks), LLaMA-Factory's
`trainer_log.jsonl`, or TensorBoard event files (`events.out.tfevents.*`). Its name is its path
relative to DIR. Its plan is the first found in it or the two directories above it (within DIR; a
TensorBoard run sits in its output directory's `runs/<stamp>/`): `warmup_viz_plan.json`
(`plan.read`), else a training config (`training_args.yaml`, `training_args.json`), else none, and
then its settings are recovered from the logged LR (`infer`). `training_args.bin` is never read.

The walk does not follow symbolic links to directories, takes a linked file only when it resolves
inside DIR, and stops at `MAX_DEPTH` levels and `MAX_DIRECTORIES` directories. A `Watcher` reads a
file again only when its size or modification time changed; a log being appended to is read up to
its last whole line (or whole record), a rewritten one that cannot be read just now keeps what was
read before, with a note naming it. Step `s` logs the LR update `s` trained with, as Trainer does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from . import plan as plans
from .config import ScheduleConfig
from .errors import InputError
from .files import TRAINER_STATE, log_file, read_capped
from .messages import Note, english
from .steps import CHECKPOINT_PREFIX, checkpoint_step

TRAINER_LOG = "trainer_log.jsonl"  # LLaMA-Factory's, appended at every logging step
EVENTS_PREFIX = "events.out.tfevents."
CONFIG_FILES = ("training_args.yaml", "training_args.json")  # LLaMA-Factory writes the first beside its logs
MAX_DEPTH = 6
MAX_DIRECTORIES = 2000
MAX_LOG_BYTES = 256 * 2**20
MAX_CONFIG_BYTES = 2**20
PLAN_LEVELS = 3  # the run's directory and the two above it

english(
    {
        "rundir.too_many": "stopped looking after {count} directories under {root}; runs further in are not shown",
        "rundir.gone": "{name}: the run's files are gone",
        "rundir.kept": "{name}: {path} could not be read just now ({problem}); showing what was read before",
        "rundir.no_lr": "{name}: no learning_rate logged yet",
        "rundir.unchecked": "{name}: not checked ({problem})",
        "rundir.no_recovery": "{name}: no plan, and the logged LR gives no settings yet ({problem})",
        "rundir.source_plan": "its plan ({file})",
        "rundir.source_config": "its config ({file})",
        "rundir.source_exact": "recovered from the logged LR (exact)",
        "rundir.source_fit": "recovered from the logged LR (best fit, largest relative error {error})",
        "rundir.source_none": "no plan",
    }
)


@dataclass(frozen=True)
class Found:
    """A run under the log directory: its `name` (its path relative to it, `.` for itself), its
    directory, its log files (absolute paths) and the plan or config file it is checked against."""

    name: str
    directory: str
    logs: tuple[str, ...]
    settings: str | None = None


@dataclass(frozen=True)
class Live:
    """What a run has logged so far (`steps`, `lrs`: its learning rate, read from `log`), what it
    is checked against (`source`, a Note; `run`, the planned or recovered `run.Run`), its verdict
    (`verdict.Verdict`, for a plan or config) and what could not be read (`problems`). `stamp`: the
    files' (path, size, mtime) it was read at."""

    found: Found
    stamp: tuple
    steps: tuple[int, ...] = ()
    lrs: tuple[float, ...] = ()
    log: str | None = None
    facts: dict = field(default_factory=dict)
    # the evaluated metric a metric-driven type is replayed with (`simulate.DEFAULT_METRIC`): steps, values
    metric: tuple[tuple[int, ...], tuple[float, ...]] = ((), ())
    source: Note = Note("rundir.source_none")
    run: object = None  # run.Run
    recovered: object = None  # fit.Fit, when the settings came from the logged LR
    verdict: object = None  # verdict.Verdict
    problems: tuple[Note, ...] = ()

    @property
    def table(self) -> pd.DataFrame:
        """The logged LR as a log's tidy table, its run named by the run's name (for `logview.lines`)."""
        n = len(self.steps)
        return pd.DataFrame(
            {
                "run": pd.Categorical([self.found.name] * n),
                "step": list(self.steps),
                "metric": ["learning_rate"] * n,
                "value": list(self.lrs),
                "epoch": [float("nan")] * n,
                "wall_time": [float("nan")] * n,
            }
        )


def inside(root: str, path: str) -> bool:
    """Whether `path`, its links resolved, is `root` (a real path) or in it."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def find(root: str, max_depth: int = MAX_DEPTH, max_directories: int = MAX_DIRECTORIES) -> tuple[list[Found], bool]:
    """The runs under `root` (a real path), by name; and whether the walk stopped at
    `max_directories` before seeing every directory. Checkpoint directories belong to their run."""
    runs, queue, seen = [], [(root, 0)], 0
    while queue:
        directory, depth = queue.pop(0)
        seen += 1
        if seen > max_directories:
            return sorted(runs, key=lambda r: r.name), True
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:  # removed or unreadable since it was listed
            continue
        files = {e.name for e in entries if _file(root, e)}
        subdirectories = [e for e in entries if e.is_dir(follow_symlinks=False)]
        logs = [os.path.join(directory, TRAINER_LOG)] if TRAINER_LOG in files else []
        checkpoints = [e for e in subdirectories if _is_checkpoint(e.name)]
        if TRAINER_STATE in files or any(os.path.isfile(os.path.join(e.path, TRAINER_STATE)) for e in checkpoints):
            try:
                state = log_file(directory)
                if inside(root, state):
                    logs.append(state)
            except InputError:
                pass
        logs += [os.path.join(directory, name) for name in sorted(files) if name.startswith(EVENTS_PREFIX)]
        if logs:
            name = os.path.relpath(directory, root).replace(os.sep, "/")
            runs.append(Found(name, directory, tuple(logs), _settings_file(root, directory)))
        if depth < max_depth:
            queue += [(e.path, depth + 1) for e in subdirectories if not _is_checkpoint(e.name)]
    return sorted(runs, key=lambda r: r.name), False


def _file(root: str, entry: os.DirEntry) -> bool:
    """A regular file, or a link to one inside `root`."""
    try:
        if entry.is_symlink():
            return inside(root, entry.path) and os.path.isfile(entry.path)
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _is_checkpoint(name: str) -> bool:
    if not name.startswith(CHECKPOINT_PREFIX):
        return False
    try:
        return checkpoint_step(name) > 0
    except ValueError:
        return False


def _settings_file(root: str, directory: str) -> str | None:
    """The plan, else the config, in `directory` or the directories above it, within `root`."""
    for _ in range(PLAN_LEVELS):
        for name in (plans.PLAN_FILE, *CONFIG_FILES):
            path = os.path.join(directory, name)
            if os.path.isfile(path) and inside(root, path):
                return path
        if os.path.realpath(directory) == root:
            break
        directory = os.path.dirname(directory)
    return None


def stamp(paths) -> tuple:
    """(path, size, mtime in ns) of each path; (path, None, None) for one that is gone."""
    out = []
    for path in paths:
        try:
            s = os.stat(path)
            out.append((path, s.st_size, s.st_mtime_ns))
        except OSError:
            out.append((path, None, None))
    return tuple(out)


def run_stamp(found: Found) -> tuple:
    """What a run's files are now: the stamps of its logs and its plan or config."""
    return stamp([*found.logs, *([found.settings] if found.settings else [])])


class Watcher:
    """The runs under one log directory, each file read once per (path, size, mtime) and each run
    worked out once per stamp of its files. Safe to share between the server's sessions."""

    def __init__(self, root: str, reader: Callable[[str, int], bytes] = read_capped):
        self.root = os.path.realpath(root)
        self._read = reader
        self._files: dict[str, tuple[tuple, object]] = {}
        self._runs: dict[str, Live] = {}
        self._lock = threading.Lock()

    def find(self) -> tuple[list[Found], bool]:
        """`find(root)`: the runs there now, and whether the walk stopped early. What was kept
        of runs and files no longer there is let go."""
        found, stopped = find(self.root)
        names = {f.name for f in found}
        paths = {p for f in found for p in (*f.logs, f.settings)}
        with self._lock:
            self._runs = {k: v for k, v in self._runs.items() if k in names}
            self._files = {k: v for k, v in self._files.items() if k in paths}
        return found, stopped

    def stamp(self) -> tuple:
        """What every run's files are now: changes when a run comes, goes or writes."""
        found, _ = self.find()
        return tuple((f.name, run_stamp(f)) for f in found)

    def live(self, found: Found) -> Live:
        """What `found` has logged so far, read again only where a file changed."""
        now = run_stamp(found)
        with self._lock:
            last = self._runs.get(found.name)
            if last is not None and last.stamp == now and last.found == found:
                return last
        live = self._work_out(found, now, last)
        with self._lock:
            self._runs[found.name] = live
        return live

    def _cached(self, name: str, path: str, parse: Callable[[str, bytes], object]) -> tuple[object, Note | None]:
        """`parse(path, bytes)` of run `name`'s file at `path`, reused while its size and mtime stay;
        when it cannot be read or parsed, what was read before (if anything) and a note naming it."""
        (now,) = stamp([path])
        with self._lock:
            kept = self._files.get(path)
        if kept is not None and kept[0] == now:
            return kept[1], None
        try:
            if not inside(self.root, path):
                raise InputError(f"{path} is outside the log directory", path)
            value = parse(path, self._read(path, MAX_LOG_BYTES))
        except ValueError as e:  # InputError, ConfigError, a LogError: bad input, said by name
            problem = getattr(e, "note", None) or str(e)
            shown = os.path.relpath(path, self.root)
            return (kept[1] if kept else None), Note("rundir.kept", {"name": name, "path": shown, "problem": problem})
        with self._lock:
            self._files[path] = (now, value)
        return value, None

    def _work_out(self, found: Found, now: tuple, last: Live | None) -> Live:
        if all(size is None for _, size, _ in now[: len(found.logs)]):
            return Live(found, now, problems=(Note("rundir.gone", {"name": found.name}),))
        problems, best = [], None
        for path in found.logs:
            series, problem = self._cached(found.name, path, _read_lr)
            if problem is not None:
                problems.append(problem)
            if series is not None and (best is None or _reach(series) > _reach(best)):
                best = series
        if (best is None or not best[0]) and problems and last is not None and last.steps:
            # a new checkpoint's trainer_state.json caught mid-write: the run as it was read before
            best = (last.steps, last.lrs, last.facts, last.log, last.metric)
        if best is None or not best[0]:
            return Live(found, now, problems=(*problems, Note("rundir.no_lr", {"name": found.name})))
        steps, lrs, facts, log, metric = best
        live = Live(found, now, tuple(steps), tuple(lrs), log, facts, metric, problems=tuple(problems))
        try:
            return self._checked(live)
        except ValueError as e:  # settings that read but cannot be built (a ConfigError): said, the log still drawn
            note = Note("rundir.unchecked", {"name": found.name, "problem": getattr(e, "note", None) or str(e)})
            return replace(live, problems=(*live.problems, note))

    def _checked(self, live: Live) -> Live:
        """`live` with what it is checked against: its plan or config and the verdict, else the
        settings recovered from its logged LR."""

        from .verdict import compare

        found = live.found
        if found.settings is not None:
            run, problem = self._cached(found.name, found.settings, lambda path, data: _planned(path, data, live.facts))
            if problem is not None:
                live = replace(live, problems=(*live.problems, problem))
            if isinstance(run, ScheduleConfig):  # a metric-driven type: replayed with the metric logged so far
                from .simulate import simulate

                run = simulate(run, *live.metric)
            if run is not None:
                key = "rundir.source_plan" if found.settings.endswith(plans.PLAN_FILE) else "rundir.source_config"
                source = Note(key, {"file": os.path.relpath(found.settings, self.root)})
                verdict = compare(run, live.steps, live.lrs, facts=live.facts)
                return replace(live, source=source, run=run, verdict=verdict)
        from .fit import NoFit
        from .inference import infer

        try:
            fit = infer(live.steps, live.lrs, max_steps=live.facts.get("max_steps"))
        except NoFit as e:
            note = Note("rundir.no_recovery", {"name": found.name, "problem": e.note})
            return replace(live, problems=(*live.problems, note))
        source = (
            Note("rundir.source_exact") if fit.exact else Note("rundir.source_fit", {"error": fit.max_relative_error})
        )
        return replace(live, source=source, run=fit.run(), recovered=fit)


def _reach(series) -> tuple:
    steps = series[0]
    return (max(steps) if steps else 0, len(steps))


def _read_lr(path: str, data: bytes):
    """(steps, lrs, facts, path, metric) of the learning rate the log at `path` holds, `metric` the
    (steps, values) of its evaluated metric (`simulate.DEFAULT_METRIC`, empty without one); ([], ...)
    when it holds no learning rate yet. A file still being appended to is read up to its last
    whole line."""
    from .logs import learning_rate_metric, read_log, runs, series
    from .simulate import DEFAULT_METRIC

    if path.endswith(".jsonl"):
        data = data[: data.rfind(b"\n") + 1]  # the last line may be half written
    if not data.strip():
        return [], [], {}, path, ((), ())
    log = read_log(data, path)
    metric = learning_rate_metric(log.metrics)
    if metric is None:
        return [], [], dict(log.facts), path, ((), ())
    run = runs(log, metric)[0]
    logged = series(log, metric, run)
    evaluated = ((), ())
    if DEFAULT_METRIC in log.metrics and run in runs(log, DEFAULT_METRIC):
        observed = series(log, DEFAULT_METRIC, run)
        evaluated = (tuple(observed.steps), tuple(observed.values))
    return logged.steps, logged.values, dict(log.facts), path, evaluated


def _planned(path: str, data: bytes, facts: dict):
    """The run a plan or config file describes; a config without max_steps takes the log's. For a
    metric-driven type, its config: the run is replayed with the log's metric as it grows."""
    import json

    from .config import FROM_EPOCHS, from_mapping
    from .importer import read_settings
    from .run import Planned

    if path.endswith(plans.PLAN_FILE):
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise InputError(f"{path} is not JSON: {e}", path) from None
        plan = plans.from_dict(parsed, path)
        replayed = plan.config.info.metric_driven and plan.deepspeed is None and plan.resumed is None
        return plan.config if replayed else plan.run()
    values = dict(read_settings(data, path).settings)
    if values.get("max_steps") in (None, FROM_EPOCHS) and facts.get("max_steps"):
        values["max_steps"] = facts["max_steps"]  # the epochs' arithmetic needs the dataset; the log states it
    config = from_mapping(values)
    return config if config.info.metric_driven else Planned(config)
