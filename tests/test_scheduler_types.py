"""One record per scheduler type: every type of the installed transformers has one, and what it
says agrees with transformers (kwargs it names exist, suggestions draw, search starts at defaults)."""

import pytest

from warmup_viz import lr_schedule, registry, scheduler_types, teach
from warmup_viz.config import ScheduleConfig
from warmup_viz.registry import REQUIRED

TYPES = registry.scheduler_names()


def test_every_installed_type_has_a_record():
    missing = [name for name in TYPES if scheduler_types.record(name) is None]
    assert missing == [], f"no record in warmup_viz/scheduler_types.py for: {', '.join(missing)}"


def test_no_record_for_a_type_transformers_does_not_have():
    assert set(scheduler_types.RECORDS) <= set(TYPES)


@pytest.mark.parametrize("name", TYPES)
def test_record_names_only_real_kwargs(name):
    record = scheduler_types.of(name)
    kwargs = {spec.name for spec in registry.info(name).kwargs}
    named = {*record.kwargs, *record.needs, *record.showcase, *record.one_of, *(p.name for p in record.search)}
    assert named <= kwargs, named - kwargs


@pytest.mark.parametrize("name", TYPES)
def test_every_kwarg_has_facts(name):
    record = scheduler_types.of(name)
    assert {spec.name for spec in registry.info(name).kwargs} <= set(record.kwargs)


@pytest.mark.parametrize("name", TYPES)
def test_search_starts_at_transformers_default(name):
    info = registry.info(name)
    for param in scheduler_types.of(name).search:
        default = info.kwarg(param.name).default
        if default not in (None, REQUIRED):
            assert param.grid[0] == default, param.name


@pytest.mark.parametrize("name", [n for n in TYPES if not registry.info(n).metric_driven])
@pytest.mark.parametrize("max_steps", [10, 100, 1000, 12_345])
@pytest.mark.parametrize("showcase", [False, True])
def test_suggested_kwargs_draw(name, max_steps, showcase):
    """What the form prefills (needs) and what the gallery shows (needs + showcase) is accepted by
    transformers and gives a finite curve."""
    lr = 3e-4
    kwargs = scheduler_types.of(name).suggested(max_steps, lr, showcase=showcase)
    config = ScheduleConfig(
        lr_scheduler_type=name, learning_rate=lr, warmup_steps=0.05, max_steps=max_steps, lr_scheduler_kwargs=kwargs
    )
    assert len(lr_schedule.display_curve(config).lrs) > 0


def test_required_kwargs_are_suggested():
    """A type that cannot be built without a kwarg gets a suggestion for it, so the form and the
    gallery draw it at once."""
    for name in TYPES:
        info = registry.info(name)
        record = scheduler_types.of(name)
        needed = set(info.required) | ({info.one_of[0]} if info.one_of else set())
        if needed and not info.metric_driven:
            assert needed & set(record.needs) or set(info.one_of) & set(record.needs), name


@pytest.mark.parametrize("name", TYPES)
def test_every_step_based_type_has_a_complete_formula(name):
    record = scheduler_types.of(name)
    if registry.info(name).metric_driven:
        assert teach.formula(name) is None
        return
    assert record.formula, name
    assert all(branch.expression and branch.condition for branch in record.formula)
    text = teach.formula(name)
    assert text.startswith(r"\lambda(k) = ")
    if len(record.formula) > 1:
        assert text.count("&") == len(record.formula)


def test_gallery_showcase_shows_character():
    """cosine_with_restarts restarts, polynomial bends with a floor: what the gallery promises."""
    restarts = scheduler_types.of("cosine_with_restarts").suggested(1000, 1e-3, showcase=True)
    config = ScheduleConfig(lr_scheduler_type="cosine_with_restarts", max_steps=1000, lr_scheduler_kwargs=restarts)
    assert sum(b.kind == "restart" for b in lr_schedule.breakpoints(config)) >= 2
    poly = scheduler_types.of("polynomial").suggested(1000, 1e-3, showcase=True)
    assert poly["power"] != 1.0 and 0 < poly["lr_end"] < 1e-3


def test_unknown_type_falls_back_to_an_empty_record():
    assert scheduler_types.record("not_a_type") is None
    empty = scheduler_types.of("not_a_type")
    assert empty.formula == () and empty.suggested(100, 1e-3) == {}
    assert empty.kwarg_text_key("x") == "kwarg.x"
