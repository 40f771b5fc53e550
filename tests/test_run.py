"""The run model: one invariant suite over every scheduler type × every kind of run, with golden
values from the real thing (a `LambdaLR` from `get_scheduler`, stepped and resumed as Trainer does).
A new scheduler type or a new kind of run is tested here for free."""

import ast
import pathlib

import pytest

from warmup_viz import registry, scheduler_types
from warmup_viz.config import ConfigError, ScheduleConfig
from warmup_viz.ds_schedule import resolve
from warmup_viz.resume import Checkpoint, resume, resumed_from
from warmup_viz.run import Convention, Planned, Run, Shifted, curve, table, with_convention
from warmup_viz.simulate import simulate

from .test_schedule import real_scheduler, stepped

LIBRARY = pathlib.Path(__file__).resolve().parents[1] / "warmup_viz"
STEP_BASED = [n for n, i in registry.schedulers().items() if not i.metric_driven]
METRIC_DRIVEN = [n for n, i in registry.schedulers().items() if i.metric_driven]
N, WARMUP, LR, K = 60, 7, 3e-4, 25


def settings(name: str, max_steps: int = N, learning_rate: float = LR) -> ScheduleConfig:
    kwargs = scheduler_types.of(name).suggested(max_steps, learning_rate, showcase=True)
    return ScheduleConfig(
        lr_scheduler_type=name,
        learning_rate=learning_rate,
        warmup_steps=WARMUP,
        max_steps=max_steps,
        lr_scheduler_kwargs=kwargs,
    )


def resumed_stepped(first: ScheduleConfig, second: ScheduleConfig, k: int) -> list[float]:
    """What Trainer trains with when `second` resumes `first` from checkpoint-k: the first run's
    scheduler stepped k times and saved; then, as Trainer does, a new optimizer and scheduler made
    with the new settings, the optimizer's state loaded, then the scheduler's, and stepped on
    (the optimizer's LR before each update)."""
    out = stepped(first)[:k]
    optimizer, one = real_scheduler(first)
    for _ in range(k):
        optimizer.step()
        one.step()
    new_optimizer, two = real_scheduler(second)
    new_optimizer.load_state_dict(optimizer.state_dict())
    two.load_state_dict(one.state_dict())
    for _ in range(k, second.total_steps):
        out.append(new_optimizer.param_groups[0]["lr"])
        new_optimizer.step()
        two.step()
    return out


def stepped_first(config: ScheduleConfig) -> list[float]:
    """What transformers before 4.51 logged: `get_last_lr()` after each `step()`."""
    optimizer, scheduler = real_scheduler(config)
    out = []
    for _ in range(config.total_steps):
        optimizer.step()
        scheduler.step()
        out.append(scheduler.get_last_lr()[0])
    return out


def kinds(name: str) -> dict[str, tuple[Run, list[float], list[float]]]:
    """Every kind of run of type `name`: (the run, what each update used, what was logged), the
    last two from a real LambdaLR."""
    config = settings(name)
    plain, shifted = stepped(config), stepped_first(config)
    longer = settings(name, N + 20, LR / 2)
    resumed = resumed_stepped(config, longer, K)
    return {
        "plain": (Planned(config), plain, plain),
        "before_4.51": (Shifted(Planned(config), Convention.BEFORE_4_51), plain, shifted),
        "resumed": (resumed_from(config, longer, K), resumed, resumed),
        "deepspeed_engine": (resolve(config, {"optimizer": {"type": "AdamW"}}), plain, shifted),
    }


@pytest.mark.parametrize("name", STEP_BASED)
def test_every_kind_of_run_against_the_real_thing(name):
    for kind, (run, used, logged) in kinds(name).items():
        steps = range(1, run.max_steps + 1)
        assert run.used(steps) == used, f"{name} {kind}: used"
        assert run.logged(steps) == logged, f"{name} {kind}: logged"
        # the same floats asked for in any order and subset
        picked = [run.max_steps, 1, 2 * run.max_steps // 3, 2]
        assert run.logged(picked) == [logged[s - 1] for s in picked], f"{name} {kind}"


@pytest.mark.parametrize("name", STEP_BASED)
def test_every_kind_of_run_keeps_the_protocols_invariants(name):
    for kind, (run, _, logged) in kinds(name).items():
        known, values = table(run)
        assert list(known) == list(range(1, run.max_steps + 1)) and values == logged, f"{name} {kind}"
        drawn = curve(run)
        assert list(drawn.lrs) == run.logged(drawn.steps), f"{name} {kind}: the chart draws what was logged"
        assert list(drawn.steps) == sorted(set(drawn.steps)) and drawn.steps[-1] == run.max_steps
        marks = [b.step for b in run.breakpoints()]
        assert marks == sorted(marks) and all(1 <= s <= run.max_steps for s in marks), f"{name} {kind}"
        assert run.config.total_steps == run.max_steps
        assert (run.settings is not None) == (kind == "plain"), f"{name} {kind}: only a plain run is its settings"


@pytest.mark.parametrize("name", STEP_BASED)
def test_long_runs_are_drawn_exactly_at_every_breakpoint(name):
    config = settings(name, 50_000)
    for run in (Planned(config), resumed_from(config, settings(name, 60_000), 20_000)):
        drawn = curve(run)
        assert len(drawn.steps) < 2_000
        assert {b.step for b in run.breakpoints()} <= set(drawn.steps)
        assert list(drawn.lrs) == run.logged(drawn.steps)


def test_a_resume_is_a_join_with_its_own_breakpoint_and_notes():
    first, second = settings("cosine"), settings("linear", N + 20, LR / 2)
    run = resumed_from(first, second, K)
    assert [b.kind for b in run.breakpoints() if b.step in (K + 2,)] == ["resume"]
    assert {n.key for n in run.notes} == {"resume.jump", "resume.lr_ignored"}
    assert resumed_from(first, second.replace(learning_rate=LR), K).notes[0].key == "resume.jump"
    assert len(resumed_from(first, second.replace(learning_rate=LR), K).notes) == 1
    # a checkpoint is named as Trainer names its directory, however large its step
    long = resumed_from(settings("linear", 80_000), settings("linear", 90_000), 62_500)
    assert "checkpoint-62500:" in str(long.notes[0]) and "62,501" in str(long.notes[0])


@pytest.mark.parametrize("name", METRIC_DRIVEN)
def test_a_replay_is_a_run(name):
    config = ScheduleConfig(lr_scheduler_type=name, learning_rate=0.1, max_steps=50)
    run = simulate(config, list(range(5, 51, 5)), [1.0] * 10)
    steps = range(1, 51)
    assert run.used(steps) == run.logged(steps) == run.lrs_all()
    assert table(run)[1] == run.lrs_all() and run.settings is None
    assert list(curve(run).lrs) == run.logged(curve(run).steps)


def test_conventions():
    assert [c.value for c in Convention] == ["since_4.51", "before_4.51"]
    assert [c.shift for c in Convention] == [0, 1]
    plain = Planned(settings("linear"))
    assert with_convention(plain, "since_4.51") is plain
    assert with_convention(plain, Convention.BEFORE_4_51) == Shifted(plain, Convention.BEFORE_4_51)
    with pytest.raises(ConfigError, match="logging_convention='after' must be one of: since_4.51, before_4.51"):
        Convention.parse("after")


def test_runs_are_values():
    """Frozen and hashable: the page caches verdicts by them."""
    config = settings("cosine")
    assert hash(Planned(config)) == hash(Planned(settings("cosine")))
    assert resumed_from(config, config.replace(max_steps=80), 10) == resumed_from(
        config, config.replace(max_steps=80), 10
    )
    ds = resolve(config, {"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 7}}})
    assert hash(ds) == hash(resolve(config, {"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 7}}}))


# -- per-type behaviour lives in the records ---------------------------------------------------


def branches(source: str, names: set[str]) -> list[int]:
    """The lines of `source` that compare something with one of `names` (==, !=, in, not in),
    or hold a collection of them that a branch could test against (a tuple of type names)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            sides = [node]
        else:
            continue
        for side in sides:
            literals = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            if any(isinstance(x, ast.Constant) and x.value in names for x in literals):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_no_code_outside_the_records_branches_on_a_scheduler_types_name():
    """`if name == "warmup_stable_decay"` means a record lacks a hook: no comparison with a type's
    name, and no list of type names, anywhere in the library but scheduler_types.py."""
    names = set(registry.scheduler_names())
    offenders = [
        f"{path.relative_to(LIBRARY)}:{line}"
        for path in sorted(LIBRARY.rglob("*.py"))
        if path.name != "scheduler_types.py"
        for line in branches(path.read_text(), names)
    ]
    assert offenders == []


def test_the_branch_finder_sees_each_way_of_branching():
    source = 'if name == "cosine": pass\nif name in ("linear", "x"): pass\nT = ["greedy"]\nx = "cosine"\n'
    assert branches(source, {"cosine", "linear", "greedy"}) == [1, 2, 3]


def test_a_resume_from_a_sparse_log_is_drawn_from_the_steps_it_knows():
    """A first run logged every 10 steps (no step 1, no step k): the chart takes its logged steps."""
    config = ScheduleConfig(learning_rate=1e-3, warmup_steps=10, max_steps=5000)
    logged = Planned(config).logged([10, 20])
    run = resume(config, Checkpoint(25, 1e-3, Planned(config).used([26])[0], (10, 20), tuple(logged)))
    drawn = curve(run)
    assert list(drawn.steps[:2]) == [10, 20]
    assert list(drawn.lrs) == run.logged(drawn.steps) and list(drawn.lrs[:2]) == logged


def test_a_join_marks_each_step_once():
    """The resumed settings' own warmup end at the resume's step: the resume's mark alone."""
    first = ScheduleConfig(learning_rate=1e-3, max_steps=100)
    run = resumed_from(first, first.replace(warmup_steps=12.0), 10)
    assert [b.kind for b in run.breakpoints() if b.step == 12] == ["resume"]


def test_a_resumed_schedule_that_fails_names_its_setting():
    config = ScheduleConfig(lr_scheduler_type="inverse_sqrt", warmup_steps=5, max_steps=100)
    config = config.replace(lr_scheduler_kwargs={"timescale": 0})
    with pytest.raises(ConfigError, match="fails at step"):
        table(resume(config, Checkpoint(2, 1e-3, 1e-3)))


def test_deepspeeds_scheduler_is_drawn_whatever_type_it_replaces():
    config = ScheduleConfig(
        lr_scheduler_type="reduce_lr_on_plateau", learning_rate=1e-3, warmup_steps=10, max_steps=3000
    )
    run = resolve(config, {"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 10}}})
    drawn = curve(run)
    assert len(drawn.steps) < 2000 and list(drawn.lrs) == run.logged(drawn.steps)
    assert [n.key for n in run.warnings] == ["deepspeed.replaces"]


def test_deepspeed_says_who_steps_the_schedule():
    config = settings("cosine")
    engine = resolve(config, {"optimizer": {"type": "AdamW"}})
    trainer = resolve(config, {"zero_optimization": {"stage": 2}})
    assert [n.key for n in engine.notes] == ["deepspeed.keeps"] and engine.logged([1]) == Planned(config).logged([2])
    assert [n.key for n in trainer.notes] == ["deepspeed.trainer_steps"] and trainer.logged([1]) == [0.0]


@pytest.mark.parametrize("name", [n for n in STEP_BASED if scheduler_types.of(n).older_reading])
@pytest.mark.parametrize("kwargs", [{"min_lr_rate": 0.1}, {"min_lr": 1e-5, "num_cycles": 0.75}, {"min_lr_rate": 0.0}])
def test_an_older_reading_in_a_record_gives_the_same_values_as_a_real_scheduler(name, kwargs):
    """A record's `older_reading` claims: this type logged today equals that type logged the way
    transformers before 4.51 did (get_last_lr() after each step), value for value."""
    config = ScheduleConfig(
        lr_scheduler_type=name, learning_rate=LR, warmup_steps=WARMUP, max_steps=N, lr_scheduler_kwargs=kwargs
    )
    other, other_kwargs = scheduler_types.of(name).older_reading(kwargs)
    twin = config.replace(lr_scheduler_type=other, lr_scheduler_kwargs=other_kwargs)
    assert stepped_first(twin) == stepped(config)
