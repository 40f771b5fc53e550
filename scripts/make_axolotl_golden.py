"""Run axolotl's own code for the LR schedule and write what it gives to
tests/data/axolotl/golden.json, for tests/test_tools.py.

axolotl needs Python >= 3.12 and a GPU stack, too heavy to depend on; the two pieces that decide
the schedule need neither: `_configure_warmup_and_logging` (core/builders/base.py, the warmup it
hands TrainingArguments), utils/schedulers.py (its own schedulers, torch only) and
`SchedulerMixin.create_scheduler` (core/trainers/mixins/scheduler.py, which of them a run gets).
This script takes all three from the wheel as published, without installing it:

    pip download axolotl==0.21.0 --no-deps --python-version 3.12 --only-binary=:all: -d /tmp/axo/dl
    .venv/bin/python scripts/make_axolotl_golden.py /tmp/axo/dl/axolotl-0.21.0-py3-none-any.whl

Each method is read out of its file with `ast`, written to a module of its own and run: the warmup
on a stand-in for the builder (its `cfg`); create_scheduler in a subclass of transformers' real
Trainer (whose create_scheduler it falls back on), with real TrainingArguments carrying axolotl's
own fields (core/training_args_base.py) and a real AdamW, stepped as Trainer steps it. Nothing else
of axolotl is imported (its plugin manager is a stand-in that creates no scheduler).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pathlib
import sys
import tempfile
import types
import zipfile

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "axolotl" / "golden.json"

# (warmup_steps, warmup_ratio, total_num_steps): no key, a ratio, a count, 1 (made 2), unknown total
WARMUPS = [
    (None, None, 5000),
    (None, None, 1000),
    (None, None, 33),
    (None, None, None),
    (None, 0.05, 1000),
    (None, 0.03, 99),
    (None, 0.1, 7),
    (None, 0.1, None),
    (10, None, 1000),
    (1, None, 1000),
    (0, None, 1000),
]
# (scheduler, learning_rate, warmup, total, extra): each stepped for `total` updates
SCHEDULERS = [
    ("min_lr", 2e-4, 10, 120, {"min_lr_ratio": 0.1}),
    ("min_lr", 3e-5, 0, 57, {"min_lr_ratio": 0.25}),
    ("min_lr", 1e-3, 7, 7, {"min_lr_ratio": 0.5}),
]
# what axolotl hands TrainingArguments (`lr_scheduler_type`, `warmup_steps`, `learning_rate`, its
# own fields; `lr_scheduler_kwargs`) and the run's length: create_scheduler picks the scheduler
AXOLOTL_ARGS = ("alternate_lr_scheduler_type", "lr_quadratic_warmup", "cosine_min_lr_ratio",
                "cosine_constant_lr_ratio", "jagged_restart_steps", "jagged_restart_warmup_steps",
                "jagged_restart_anneal_steps")  # fmt: skip
TRAINER_RUNS = [
    ({"lr_quadratic_warmup": True}, 2e-4, 10, 120, {}),
    ({"lr_quadratic_warmup": True}, 3e-5, 0, 57, {}),
    ({"lr_quadratic_warmup": True, "cosine_min_lr_ratio": 0.1}, 1e-4, 7, 40, {}),
    ({"cosine_min_lr_ratio": 0.1, "cosine_constant_lr_ratio": 0.8}, 2e-4, 10, 120, {}),
    ({"cosine_min_lr_ratio": 0.05, "cosine_constant_lr_ratio": 0.5}, 1e-3, 0, 33, {}),
    ({"cosine_min_lr_ratio": 0.3, "cosine_constant_lr_ratio": 0.9}, 5e-5, 4, 9, {}),
    ({"cosine_constant_lr_ratio": 0.8}, 2e-4, 10, 50, {}),
    ({"alternate_lr_scheduler_type": "rex"}, 2e-4, 10, 120, {}),
    ({"alternate_lr_scheduler_type": "rex", "cosine_min_lr_ratio": 0.1}, 3e-5, 0, 57, {}),
    ({"alternate_lr_scheduler_type": "rex", "cosine_min_lr_ratio": 0.2}, 1e-3, 7, 7, {}),
    ({"alternate_lr_scheduler_type": "one_cycle"}, 2e-4, 10, 120, {}),
    ({"alternate_lr_scheduler_type": "one_cycle"}, 3e-5, 0, 57, {}),
    ({"alternate_lr_scheduler_type": "one_cycle"}, 1e-4, 30, 100, {"div_factor": 10.0, "final_div_factor": 100.0}),
    ({"alternate_lr_scheduler_type": "one_cycle"}, 1e-4, 5, 64, {"anneal_strategy": "linear", "three_phase": True}),
    ({"alternate_lr_scheduler_type": "one_cycle"}, 1e-4, 5, 64, {"pct_start": 0.25}),
    ({"jagged_restart_steps": 20}, 2e-4, 10, 120, {}),
    (
        {"jagged_restart_steps": 25, "jagged_restart_warmup_steps": 5, "jagged_restart_anneal_steps": 3},
        1e-4,
        0,
        100,
        {},
    ),
    ({"jagged_restart_steps": 16, "cosine_min_lr_ratio": 0.1}, 1e-4, 4, 70, {}),
    ({"jagged_restart_steps": 30, "alternate_lr_scheduler_type": "rex"}, 2e-4, 10, 95, {}),
    ({"jagged_restart_steps": 30, "lr_quadratic_warmup": True, "jagged_restart_warmup_steps": 7}, 2e-4, 10, 95, {}),
    ({"jagged_restart_steps": 12, "jagged_restart_anneal_steps": 4}, 1e-4, 3, 50, {"lr_scheduler_type": "linear"}),
    ({"jagged_restart_steps": 20, "cosine_min_lr_ratio": 0.1, "cosine_constant_lr_ratio": 0.6}, 1e-4, 5, 80, {}),
]


def load(wheel: pathlib.Path):
    with zipfile.ZipFile(wheel) as z:
        schedulers = z.read("axolotl/utils/schedulers.py").decode()
        builder = z.read("axolotl/core/builders/base.py").decode()
    tmp = pathlib.Path(tempfile.mkdtemp()) / "axolotl_schedulers.py"
    tmp.write_text(schedulers)
    spec = importlib.util.spec_from_file_location("axolotl_schedulers", tmp)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    method = next(
        n
        for n in ast.walk(ast.parse(builder))
        if isinstance(n, ast.FunctionDef) and n.name == "_configure_warmup_and_logging"
    )
    # the method as axolotl wrote it, in a module of its own beside the schedulers
    (tmp.parent / "axolotl_warmup.py").write_text(ast.get_source_segment(builder, method) + "\n")
    spec = importlib.util.spec_from_file_location("axolotl_warmup", tmp.parent / "axolotl_warmup.py")
    warmup_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(warmup_module)
    return module, warmup_module._configure_warmup_and_logging, tmp


def load_create_scheduler(wheel: pathlib.Path, schedulers_path: pathlib.Path):
    """axolotl's create_scheduler, in a subclass of transformers' Trainer, in a module of its own
    beside axolotl's schedulers (what it imports from axolotl: its schedulers, a plugin manager
    that creates no scheduler, a logger)."""
    with zipfile.ZipFile(wheel) as z:
        mixin = z.read("axolotl/core/trainers/mixins/scheduler.py").decode()
    method = next(
        n for n in ast.walk(ast.parse(mixin)) if isinstance(n, ast.FunctionDef) and n.name == "create_scheduler"
    )
    header = (
        "import types\nimport torch\nfrom torch.optim.lr_scheduler import LRScheduler, OneCycleLR\n"
        "from transformers import Trainer\nfrom axolotl_schedulers import *  # noqa\n"
        "PluginManager = types.SimpleNamespace(get_instance=lambda: types.SimpleNamespace("
        "create_lr_scheduler=lambda **_: None))\n"
        "LOG = types.SimpleNamespace(info=print, warning=print)\n\n"
        "class Mixin(Trainer):\n"
    )
    body = "\n".join("    " + line for line in ast.get_source_segment(mixin, method, padded=True).splitlines())
    path = schedulers_path.parent / "axolotl_create_scheduler.py"
    path.write_text(header + body + "\n")
    sys.path.insert(0, str(schedulers_path.parent))
    spec = importlib.util.spec_from_file_location("axolotl_create_scheduler", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Mixin


def trainer_run(mixin, extra, lr, warmup, total, kwargs):
    """The LR each of `total` updates trains with, as Trainer steps axolotl's scheduler."""
    import dataclasses

    from transformers import TrainingArguments

    fields = [(name, object, dataclasses.field(default=None)) for name in AXOLOTL_ARGS]
    args_cls = dataclasses.make_dataclass("AxolotlArgs", fields, bases=(TrainingArguments,))
    settings = dict(kwargs)
    scheduler_type = settings.pop("lr_scheduler_type", "cosine")
    args = args_cls(
        output_dir=tempfile.mkdtemp(), learning_rate=lr, warmup_steps=warmup, lr_scheduler_type=scheduler_type,
        lr_scheduler_kwargs=settings, report_to=[], **extra,
    )  # fmt: skip
    trainer = mixin.__new__(mixin)
    trainer.args, trainer.lr_scheduler, trainer.optimizer = args, None, None
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = trainer.create_scheduler(total, optimizer)
    lrs = []
    for _ in range(total):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return {"scheduler": type(scheduler).__name__, "lrs": lrs}


def warmup(configure, warmup_steps, warmup_ratio, total):
    cfg = types.SimpleNamespace(warmup_steps=warmup_steps, warmup_ratio=warmup_ratio, logging_steps=None)
    kwargs: dict = {}
    configure(types.SimpleNamespace(cfg=cfg), total, kwargs)
    return kwargs["warmup_steps"]


def main(wheel: str) -> None:
    schedules, configure, schedulers_path = load(pathlib.Path(wheel))
    warmups = [
        {"warmup_steps": w, "warmup_ratio": r, "total_num_steps": t, "handed": warmup(configure, w, r, t)}
        for w, r, t in WARMUPS
    ]
    runs = []
    for kind, lr, w, total, extra in SCHEDULERS:
        optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=lr)
        if kind == "min_lr":
            scheduler = schedules.get_cosine_schedule_with_min_lr(optimizer, w, total, extra["min_lr_ratio"])
        lrs = []
        for _ in range(total):
            lrs.append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
        runs.append({"scheduler": kind, "learning_rate": lr, "warmup": w, "total": total, **extra, "lrs": lrs})
    mixin = load_create_scheduler(pathlib.Path(wheel), schedulers_path)
    trainer_runs = [
        {"args": extra, "learning_rate": lr, "warmup_steps": w, "max_steps": total, "lr_scheduler_kwargs": kwargs,
         **trainer_run(mixin, extra, lr, w, total, kwargs)}
        for extra, lr, w, total, kwargs in TRAINER_RUNS
    ]  # fmt: skip
    import transformers

    OUT.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "axolotl": pathlib.Path(wheel).name, "torch": torch.__version__, "transformers": transformers.__version__,
        "warmups": warmups, "runs": runs, "trainer_runs": trainer_runs,
    }  # fmt: skip
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
