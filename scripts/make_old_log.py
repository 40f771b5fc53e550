"""Train tiny GPT-2 runs with transformers 4.50 (before 4.51's change to what Trainer logs) and
write their trainer_state.json files under tests/data/, for tests/test_old_convention.py.

Transformers before 4.51 logged, at global step `s`, the LR of the *next* update,
`learning_rate * lambda(s)`. Run it once in a separate venv that has that version:

    python3 -m venv /tmp/tf450 && /tmp/tf450/bin/pip install transformers==4.50.0 torch==2.13.0 accelerate
    /tmp/tf450/bin/python scripts/make_old_log.py

The model is built from a config and learns bytes of a fixed text: nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from packaging.version import Version  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data"
TEXT = b"Before 4.51, Trainer logged the learning rate of the next update at every step. " * 16
LENGTH = 16

# file name -> TrainingArguments of the run (names as transformers 4.50 spells them)
RUNS = {
    "transformers-4.50-cosine.json": dict(lr_scheduler_type="cosine", warmup_steps=4, max_steps=24, learning_rate=1e-3),
    "transformers-4.50-linear.json": dict(
        lr_scheduler_type="linear", warmup_ratio=0.1, max_steps=30, learning_rate=5e-4
    ),
}


class ByteDataset(torch.utils.data.Dataset):
    def __init__(self, size: int):
        self.size = size

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        start = (i * 7) % (len(TEXT) - LENGTH)
        ids = torch.tensor(list(TEXT[start : start + LENGTH]), dtype=torch.long)
        return {"input_ids": ids, "labels": ids}


def main() -> None:
    if Version(transformers.__version__) >= Version("4.51"):
        raise SystemExit(f"this needs transformers < 4.51, not {transformers.__version__}")
    for name, settings in RUNS.items():
        torch.manual_seed(0)
        model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
        with tempfile.TemporaryDirectory() as out:
            args = TrainingArguments(
                output_dir=out,
                logging_steps=1,
                report_to="none",
                save_strategy="no",
                use_cpu=True,
                disable_tqdm=True,
                **settings,
            )
            trainer = Trainer(model=model, args=args, train_dataset=ByteDataset(32))
            trainer.train()
            trainer.state.save_to_json(f"{out}/trainer_state.json")
            state = json.loads(pathlib.Path(f"{out}/trainer_state.json").read_text())
        state["transformers_version"] = transformers.__version__  # which Trainer wrote it
        state["training_arguments"] = settings
        (OUT / name).write_text(json.dumps(state, indent=1) + "\n")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
