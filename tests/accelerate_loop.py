"""A transformers `*_no_trainer.py`-style loop, run under `accelerate launch` by the tests: the
scheduler from `get_scheduler`, handed to `accelerator.prepare`, stepped after every batch inside
`accelerator.accumulate` as those examples do. Each process writes, per optimizer update, the LR
every param group of its optimizer trained with, to OUT.rank<N>.json.

    python tests/accelerate_loop.py OUT --num_warmup_steps W --num_training_steps N --max_steps U
        [--split_batches] [--step_scheduler_with_optimizer false] [--gradient_accumulation_steps G]
        [--lr_scheduler_type cosine] [--learning_rate 1e-3]
"""

import argparse
import json
import os
import sys

import torch
from accelerate import Accelerator
from accelerate.utils import DataLoaderConfiguration
from transformers import get_scheduler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--num_warmup_steps", type=int, required=True)
    parser.add_argument("--num_training_steps", type=int, required=True)
    parser.add_argument("--max_steps", type=int, required=True, help="optimizer updates the loop runs")
    parser.add_argument("--split_batches", action="store_true")
    parser.add_argument("--step_scheduler_with_optimizer", default="true")
    parser.add_argument("--gradient_accumulation_steps", type=int, default=1)
    parser.add_argument("--lr_scheduler_type", default="linear")
    parser.add_argument("--learning_rate", type=float, default=1e-3)
    parser.add_argument("--bias_lr", type=float, help="the bias in a param group of its own, first, at this LR")
    args = parser.parse_args()

    accelerator = Accelerator(
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        step_scheduler_with_optimizer=args.step_scheduler_with_optimizer == "true",
        dataloader_config=DataLoaderConfiguration(split_batches=args.split_batches),
        cpu=True,
    )
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    if args.bias_lr is None:
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    else:  # hand-made groups: the bias first (the group a Trainer would log), then the weight
        groups = [{"params": [model.bias], "lr": args.bias_lr}, {"params": [model.weight]}]
        optimizer = torch.optim.AdamW(groups, lr=args.learning_rate)
    scheduler = get_scheduler(
        args.lr_scheduler_type,
        optimizer=optimizer,
        num_warmup_steps=args.num_warmup_steps,
        num_training_steps=args.num_training_steps,
    )
    batches = args.max_steps * args.gradient_accumulation_steps
    per_process = 2 if args.split_batches else 1  # a batch of 2 split over 2 processes, or 1 each
    data = torch.utils.data.TensorDataset(
        torch.randn(batches * 2 * per_process, 4), torch.randn(batches * 2 * per_process, 1)
    )
    loader = torch.utils.data.DataLoader(data, batch_size=2 if args.split_batches else 1)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
    updates: list[list[float]] = []
    for x, y in loader:
        with accelerator.accumulate(model):
            loss = torch.nn.functional.mse_loss(model(x), y)
            accelerator.backward(loss)
            if accelerator.sync_gradients:
                # the LR this update trains with: what the optimizer holds when it steps
                updates.append([group["lr"] for group in optimizer.param_groups])
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
        if len(updates) >= args.max_steps and accelerator.sync_gradients:
            break
    record = {"num_processes": accelerator.num_processes, "updates": updates}
    with open(f"{args.out}.rank{accelerator.process_index}.json", "w") as f:
        json.dump(record, f)
    # leave at once: on this CPU/gloo setup, tearing the process group down sometimes aborts the
    # exit (SIGABRT, "terminate called without an active exception") or hangs in it, with both
    # records already written; the launcher waits for both processes either way
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
