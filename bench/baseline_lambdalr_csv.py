"""Baseline for bench_schedule.py: step a real LambdaLR and write the same CSV, the slow way."""

import sys

import torch
from transformers.optimization import get_scheduler


def stepped_csv(max_steps: int, warmup: int) -> bytes:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=3e-4)
    scheduler = get_scheduler("cosine", optimizer, num_warmup_steps=warmup, num_training_steps=max_steps)
    rows = []
    for step in range(1, max_steps + 1):
        rows.append(f"{step},{scheduler.get_last_lr()[0]!r}\n")
        optimizer.step()
        scheduler.step()
    return ("step,learning_rate\n" + "".join(rows)).encode()


if __name__ == "__main__":
    max_steps, warmup, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with open(out, "wb") as f:
        f.write(stepped_csv(max_steps, warmup))
