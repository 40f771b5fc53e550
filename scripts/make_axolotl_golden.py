"""Run axolotl's own code for the LR schedule and write what it gives to
tests/data/axolotl/golden.json, for tests/test_tools.py.

axolotl needs Python >= 3.12 and a GPU stack, too heavy to depend on; the two pieces that decide
the schedule need neither: `_configure_warmup_and_logging` (core/builders/base.py, the warmup it
hands TrainingArguments) and utils/schedulers.py (its own schedulers, torch only). This script
takes both from the wheel as published, without installing it:

    pip download axolotl==0.21.0 --no-deps --python-version 3.12 --only-binary=:all: -d /tmp/axo/dl
    .venv/bin/python scripts/make_axolotl_golden.py /tmp/axo/dl/axolotl-0.21.0-py3-none-any.whl

The method is read out of base.py with `ast`, written to a module of its own and run on a
stand-in for the builder (its `cfg`); nothing else of axolotl is imported.
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
    return module, warmup_module._configure_warmup_and_logging


def warmup(configure, warmup_steps, warmup_ratio, total):
    cfg = types.SimpleNamespace(warmup_steps=warmup_steps, warmup_ratio=warmup_ratio, logging_steps=None)
    kwargs: dict = {}
    configure(types.SimpleNamespace(cfg=cfg), total, kwargs)
    return kwargs["warmup_steps"]


def main(wheel: str) -> None:
    schedules, configure = load(pathlib.Path(wheel))
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
    OUT.parent.mkdir(parents=True, exist_ok=True)
    record = {"axolotl": pathlib.Path(wheel).name, "torch": torch.__version__, "warmups": warmups, "runs": runs}
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
