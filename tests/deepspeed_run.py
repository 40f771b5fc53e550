"""One real Trainer + DeepSpeed run on CPU, in a process of its own:

    DS_ACCELERATOR=cpu RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=PORT \\
        python -m tests.deepspeed_run SPEC.json

SPEC is `{"args": {TrainingArguments}, "ds_config": {...}, "dataset_size": N, "output": DIR}`.
The run writes DIR/trainer_state.json and DIR/ds_config.json (the config as given). The model is
tests/test_trainer.py's tiny GPT-2, built from a config; nothing is downloaded. With `"callback":
true` in SPEC, `ScheduleCheck` watches the run with DIR as its output_dir, and DIR/callback.json
holds what it found and said.
"""

import importlib
import json
import pathlib
import sys
import tempfile

import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments

from tests.test_trainer import ByteDataset

# DeepSpeed compiles a shared-memory all-reduce kernel for CPU at start-up (minutes, and a C++
# compiler); one process never reduces across processes, and the LR does not depend on it.
# (`deepspeed.comm.torch` as an attribute is torch itself, re-exported: take the module.)
importlib.import_module("deepspeed.comm.torch").build_shm_op = lambda: None


def main(spec_path: str) -> None:
    spec = json.loads(pathlib.Path(spec_path).read_text())
    out = pathlib.Path(spec["output"])
    (out / "ds_config.json").write_text(json.dumps(spec["ds_config"]))
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    watched = spec.get("callback", False)
    with tempfile.TemporaryDirectory() as scratch:
        args = TrainingArguments(
            output_dir=str(out) if watched else scratch,
            logging_steps=1,
            report_to="none",
            save_strategy="no",
            disable_tqdm=True,
            dataloader_num_workers=0,
            deepspeed=str(out / "ds_config.json"),
            **spec["args"],
        )
        trainer = Trainer(model=model, args=args, train_dataset=ByteDataset(spec.get("dataset_size", 32)))
        said = _watch(trainer) if watched else None
        trainer.train()
    trainer.state.save_to_json(str(out / "trainer_state.json"))
    if said is not None:
        check = trainer.callback_handler.callbacks[-1]
        found = {"first_difference": check.first_difference, "problem": check.problem, "said": said}
        (out / "callback.json").write_text(json.dumps(found))


def _watch(trainer) -> list[str]:
    """ScheduleCheck added to `trainer`; the list its warnings are appended to."""
    import logging

    from warmup_viz.callback import ScheduleCheck

    said: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: said.append(record.getMessage())
    logging.getLogger("warmup_viz.callback").addHandler(handler)
    trainer.add_callback(ScheduleCheck())
    return said


if __name__ == "__main__":
    main(sys.argv[1])
