"""Config -> code that reproduces it: TrainingArguments, TRL's SFTConfig, get_scheduler, CLI flags.

Every schedule setting is written out, defaults included: TRL's configs have defaults of their
own (SFTConfig's learning_rate is 2e-05), so leaving one out would change the schedule.
"""

from __future__ import annotations

import json
import shlex

from . import tools
from .config import ScheduleConfig

FORMS = ("TrainingArguments", "SFTConfig", "get_scheduler", "flags")


def arguments(config: ScheduleConfig) -> dict[str, object]:
    """The TrainingArguments keywords that fix the schedule, in a readable order: for a tool that
    works out the warmup and the run's length itself (axolotl), what it hands TrainingArguments."""
    if tools.by_name(config.tool) is not tools.PLAIN:
        config = config.replace(
            warmup_steps=config.num_warmup_steps, max_steps=config.total_steps, tool=tools.TRAINING_ARGUMENTS
        )
    out: dict[str, object] = {
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler_type,
        "warmup_steps": config.warmup_steps,
    }
    if config.lr_scheduler_kwargs:
        out["lr_scheduler_kwargs"] = dict(config.lr_scheduler_kwargs)
    if config.uses_epochs:
        out["num_train_epochs"] = config.num_train_epochs
        out["per_device_train_batch_size"] = config.per_device_train_batch_size
        out["gradient_accumulation_steps"] = config.gradient_accumulation_steps
        out["dataloader_drop_last"] = config.dataloader_drop_last
    else:
        out["max_steps"] = config.max_steps
    return out


def _epochs_note(config: ScheduleConfig) -> str:
    if not config.uses_epochs:
        return ""
    return (
        f"# max_steps = {config.total_steps:,} from {config.dataset_size:,} examples on "
        f"{config.world_size} process{'es' if config.world_size > 1 else ''}\n"
    )


def _call(name: str, config: ScheduleConfig) -> str:
    lines = [f"    {key}={value!r}," for key, value in arguments(config).items()]
    return f"{name}(\n    output_dir='out',\n" + "\n".join(lines) + "\n)"


def training_arguments(config: ScheduleConfig) -> str:
    return (
        "from transformers import TrainingArguments\n\n"
        + _epochs_note(config)
        + "args = "
        + _call("TrainingArguments", config)
    )


def sft_config(config: ScheduleConfig) -> str:
    return "from trl import SFTConfig\n\n" + _epochs_note(config) + "args = " + _call("SFTConfig", config)


def get_scheduler(config: ScheduleConfig) -> str:
    """A plain `get_scheduler` call with the resolved step counts (warmup rounding applied)."""
    kwargs = (
        f"    scheduler_specific_kwargs={dict(config.lr_scheduler_kwargs)!r},\n" if config.lr_scheduler_kwargs else ""
    )
    return (
        "import torch\n"
        "from transformers import get_scheduler\n\n"
        "params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()\n"
        f"optimizer = torch.optim.AdamW(params, lr={config.learning_rate!r})\n"
        "scheduler = get_scheduler(\n"
        f"    {config.lr_scheduler_type!r},\n"
        "    optimizer=optimizer,\n"
        f"    num_warmup_steps={config.num_warmup_steps},\n"
        f"    num_training_steps={config.total_steps},\n"
        f"{kwargs}"
        ")\n"
        "# call scheduler.step() after each optimizer.step(); update s (1, 2, ...) uses\n"
        "# learning_rate * scheduler.lr_lambdas[0](s - 1), the LR Trainer logs at step s"
    )


def flags(config: ScheduleConfig) -> str:
    """The `--flag value` line for HF example scripts (HfArgumentParser over TrainingArguments)."""
    parts = []
    for key, value in arguments(config).items():
        if isinstance(value, dict):
            value = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, float):
            value = repr(value)
        parts += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    return shlex.join(parts)


def snippet(config: ScheduleConfig, form: str) -> str:
    """The code of `form` (one of FORMS) for `config`."""
    makers = {"TrainingArguments": training_arguments, "SFTConfig": sft_config, "get_scheduler": get_scheduler}
    if form == "flags":
        return flags(config)
    if form not in makers:
        raise ValueError(f"form={form!r} must be one of: {', '.join(FORMS)}")
    return makers[form](config)
