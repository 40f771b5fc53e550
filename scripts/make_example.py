"""Train a tiny GPT-2 with transformers.Trainer on CPU and write its trainer_state.json.

The dashboard opens with this run loaded, so a first visitor sees LR and loss together. It is
trained with the settings a bare address opens on (TrainingArguments' learning_rate=5e-05 and
linear decay, with the rule-of-thumb warmup_steps=0.1) and max_steps=1000, so its logged LR
matches the first schedule a visitor sees. Nothing is
downloaded: the model is built from a config; the text it learns is the source of the installed
transformers' optimization module (fixed by the pinned version, so the run is reproducible).

    python scripts/make_example.py [--output examples/trainer_state.json]
"""

from __future__ import annotations

import argparse
import inspect
import os
import pathlib
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import transformers.optimization  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEXT = inspect.getsource(transformers.optimization).encode()
LENGTH = 32


class ByteDataset(torch.utils.data.Dataset):
    """Windows of LENGTH bytes of TEXT as token ids (a byte-level language model)."""

    def __init__(self, offsets: range):
        self.offsets = offsets

    def __len__(self):
        return len(self.offsets)

    def __getitem__(self, i):
        start = self.offsets[i]
        ids = torch.tensor(list(TEXT[start : start + LENGTH]), dtype=torch.long)
        return {"input_ids": ids, "labels": ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "examples" / "trainer_state.json"))
    parser.add_argument("--max_steps", type=int, default=1000)
    args = parser.parse_args()

    torch.manual_seed(0)
    split = int(len(TEXT) * 0.9)
    train = ByteDataset(range(0, split - LENGTH, 3))
    held_out = ByteDataset(range(split, len(TEXT) - LENGTH, 16))
    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_head=2, n_embd=64, vocab_size=256, n_positions=LENGTH))
    with tempfile.TemporaryDirectory() as out:
        training_args = TrainingArguments(
            output_dir=out,
            max_steps=args.max_steps,
            warmup_steps=0.1,  # the first visit's warmup (warmup_viz.ui.page_link.FIRST_VISIT)
            per_device_train_batch_size=16,
            logging_steps=10,
            eval_strategy="steps",
            eval_steps=100,
            save_strategy="no",
            report_to="none",
            use_cpu=True,
            disable_tqdm=True,
            dataloader_num_workers=0,
            seed=0,
        )
        trainer = Trainer(model=model, args=training_args, train_dataset=train, eval_dataset=held_out)
        trainer.train()
    pathlib.Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    trainer.state.save_to_json(args.output)
    print(f"wrote {args.output}: {len(trainer.state.log_history)} log entries, max_steps={trainer.state.max_steps}")


if __name__ == "__main__":
    main()
