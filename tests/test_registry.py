"""The registry is read from transformers, so it follows the installed version."""

import inspect

from transformers.optimization import TYPE_TO_SCHEDULER_FUNCTION
from transformers.trainer_utils import SchedulerType

from warmup_viz import registry


def test_every_scheduler_type_is_listed():
    assert registry.scheduler_names() == tuple(t.value for t in SchedulerType)


def test_kwargs_are_the_function_parameters_get_scheduler_does_not_fill():
    for name, info in registry.schedulers().items():
        if info.metric_driven:
            continue
        params = set(inspect.signature(TYPE_TO_SCHEDULER_FUNCTION[SchedulerType(name)]).parameters)
        params -= {"optimizer", "num_warmup_steps", "num_training_steps", "last_epoch"}
        assert {k.name for k in info.kwargs} == params


def test_defaults_and_help_come_from_transformers():
    cosine = registry.info("cosine").kwarg("num_cycles")
    assert cosine.default == 0.5 and "cosine" in cosine.help
    wsd = registry.info("warmup_stable_decay")
    assert wsd.required == ("num_decay_steps",)
    assert wsd.kwarg("decay_type").choices == ("linear", "cosine", "1-sqrt")
    assert registry.info("reduce_lr_on_plateau").kwarg("mode").choices == ("min", "max")
    assert {i.name for i in registry.schedulers().values() if i.metric_driven} == {"reduce_lr_on_plateau", "greedy"}
    assert all(i.summary for i in registry.schedulers().values())
