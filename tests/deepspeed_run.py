"""One real Trainer + DeepSpeed run on CPU, in its own process: `python -m tests.deepspeed_run SPEC.json`.

SPEC is `{"args": {TrainingArguments...}, "ds_config": {...}, "dataset_size": N}`; prints
`{"logged": {step: learning_rate}, "max_steps": n, "warmup": w}` as JSON on the last line of stdout.
The parent sets DS_ACCELERATOR=cpu, RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT.
"""

import json
import sys
import tempfile

import torch
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments

from tests.test_trainer import ByteDataset


def main(spec_path: str) -> None:
    with open(spec_path) as f:
        spec = json.load(f)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_head=2, n_embd=32, vocab_size=256, n_positions=32))
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out,
            logging_steps=1,
            report_to="none",
            save_strategy="no",
            disable_tqdm=True,
            dataloader_num_workers=0,
            deepspeed=spec["ds_config"],
            **spec["args"],
        )
        trainer = Trainer(model=model, args=args, train_dataset=ByteDataset(spec.get("dataset_size", 32)))
        trainer.train()
    logged = {e["step"]: e["learning_rate"] for e in trainer.state.log_history if "learning_rate" in e}
    result = {"logged": logged, "max_steps": trainer.state.max_steps, "warmup": args.get_warmup_steps(trainer.state.max_steps)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
