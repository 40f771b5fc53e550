"""Config -> code that reproduces it: TrainingArguments, TRL's SFTConfig, get_scheduler, CLI flags,
and the schedule part of a LLaMA-Factory or axolotl YAML and of a `swift sft` command.

Every schedule setting is written out, defaults included: TRL's configs have defaults of their
own (SFTConfig's learning_rate is 2e-05), so leaving one out would change the schedule.
"""

from __future__ import annotations

import json
import shlex

from . import tools
from .config import ScheduleConfig

FORMS = (
    "TrainingArguments",
    "SFTConfig",
    "get_scheduler",
    "no_trainer",
    "flags",
    "llamafactory",
    "axolotl",
    "ms-swift",
)


def arguments(config: ScheduleConfig) -> dict[str, object]:
    """The TrainingArguments keywords that fix the schedule, in a readable order: for a tool with
    rules of its own (axolotl's warmup and count of epochs, LLaMA-Factory's kwargs), what it hands
    TrainingArguments."""
    if tools.by_name(config.tool) is not tools.PLAIN:
        config = config.replace(
            warmup_steps=config.num_warmup_steps,
            max_steps=config.total_steps,
            lr_scheduler_kwargs=config.scheduler_kwargs,
            tool=tools.TRAINING_ARGUMENTS,
            tool_args={},  # none that changes the schedule: `snippet` says so where one does
        )
    out: dict[str, object] = {
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler_type,
        "warmup_steps": config.warmup_steps,
    }
    if config.scheduler_kwargs:  # with those the tool fills itself (LLaMA-Factory's), which Trainer needs
        out["lr_scheduler_kwargs"] = dict(config.scheduler_kwargs)
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
    kwargs = f"    scheduler_specific_kwargs={dict(config.scheduler_kwargs)!r},\n" if config.scheduler_kwargs else ""
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


def no_trainer(config: ScheduleConfig) -> str:
    """A loop of one's own under accelerate (transformers' `*_no_trainer.py` examples) that trains
    each update at the LR Trainer would: accelerate steps a prepared scheduler once per process at
    each update (`loop.py`), so the step counts given to `get_scheduler` — warmup, the run, and
    the kwargs counted in steps — are multiplied by `num_processes`. Runnable as it is (a stand-in
    model and data); it prints each update's LR."""
    from .scheduler_types import of

    counted = of(config.lr_scheduler_type).step_kwargs
    kwargs = []
    for name, value in {**dict(config.scheduler_kwargs)}.items():
        kwargs.append(
            f"{name!r}: {value!r} * accelerator.num_processes" if name in counted and value else f"{name!r}: {value!r}"
        )
    for name, default in counted.items():
        value = default(config.num_warmup_steps)
        if name not in config.scheduler_kwargs and value is not None:
            kwargs.append(f"{name!r}: {value!r} * accelerator.num_processes")
    specific = f"    scheduler_specific_kwargs={{{', '.join(kwargs)}}},\n" if kwargs else ""
    return (
        "import torch\n"
        "from accelerate import Accelerator\n"
        "from transformers import get_scheduler\n\n"
        f"accelerator = Accelerator(gradient_accumulation_steps={config.gradient_accumulation_steps})\n"
        "model = torch.nn.Linear(4, 1)  # your model\n"
        "data = torch.utils.data.TensorDataset(torch.randn(64, 4), torch.randn(64, 1))  # your dataset\n"
        "train_dataloader = torch.utils.data.DataLoader(data, batch_size=1)\n"
        f"optimizer = torch.optim.AdamW(model.parameters(), lr={config.learning_rate!r})\n"
        f"max_train_steps = {config.total_steps}  # optimizer updates\n"
        "# accelerate steps a prepared scheduler once per process at every update (unless split_batches):\n"
        "# give get_scheduler its step counts × num_processes\n"
        "lr_scheduler = get_scheduler(\n"
        f"    {config.lr_scheduler_type!r},\n"
        "    optimizer=optimizer,\n"
        f"    num_warmup_steps={config.num_warmup_steps} * accelerator.num_processes,\n"
        "    num_training_steps=max_train_steps * accelerator.num_processes,\n"
        f"{specific}"
        ")\n"
        "model, optimizer, train_dataloader, lr_scheduler = accelerator.prepare(\n"
        "    model, optimizer, train_dataloader, lr_scheduler\n"
        ")\n"
        "update = 0\n"
        "while update < max_train_steps:\n"
        "    for x, y in train_dataloader:\n"
        "        with accelerator.accumulate(model):\n"
        "            loss = torch.nn.functional.mse_loss(model(x), y)\n"
        "            accelerator.backward(loss)\n"
        "            if accelerator.sync_gradients:  # this batch ends an update: the LR it trains with\n"
        "                update += 1\n"
        "                accelerator.print(f\"update {update}: learning_rate {optimizer.param_groups[0]['lr']!r}\")\n"
        "            optimizer.step()\n"
        "            lr_scheduler.step()\n"
        "            optimizer.zero_grad()\n"
        "        if update == max_train_steps and accelerator.sync_gradients:\n"
        "            break\n"
        "accelerator.end_training()  # every process done; the process group torn down"
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


def _counts(config: ScheduleConfig) -> dict[str, object]:
    """The schedule as step counts, which every tool hands Trainer unchanged: the warmup resolved
    (no tool's ratio rounding in between), max_steps resolved (no tool's count of epochs)."""
    out: dict[str, object] = {"learning_rate": config.learning_rate}
    out["lr_scheduler_type"] = config.lr_scheduler_type
    if config.scheduler_kwargs:
        out["lr_scheduler_kwargs"] = dict(config.scheduler_kwargs)
    out["warmup_steps"] = config.num_warmup_steps
    out["max_steps"] = config.total_steps
    return out


def _yaml(values: dict[str, object], names: dict[str, str]) -> str:
    lines = []
    for key, value in values.items():
        if isinstance(value, dict):
            text = "{" + ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in value.items()) + "}"
        else:
            text = _yaml_scalar(value)
        lines.append(f"{names.get(key, key)}: {text}")
    return "\n".join(lines)


def _yaml_scalar(value: object) -> str:
    """A value as YAML 1.1 (PyYAML, the tools' reader) reads it back: a float's exponent needs a
    dot in its mantissa (1.0e-06; 1e-06 would be text), a bool is true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    return _scalar(value)


def _scalar(value: object) -> str:
    return value if isinstance(value, str) else repr(value)  # floats as repr: they read back exactly


def _counted_note(config: ScheduleConfig) -> str:
    return (
        f"# max_steps and warmup_steps as counts: {config.total_steps:,} updates, {config.num_warmup_steps:,} "
        "of warmup (the tool's own rounding and count of epochs left out)\n"
    )


def llamafactory(config: ScheduleConfig) -> str:
    """The schedule part of a LLaMA-Factory training YAML (its keys are TrainingArguments')."""
    return "### train (LLaMA-Factory)\n" + _counted_note(config) + _yaml(_counts(config), {})


def axolotl(config: ScheduleConfig) -> str:
    """The schedule part of an axolotl YAML (`lr_scheduler`, and its own scheduler arguments: a
    `lr_scheduler: rex` or `one_cycle` for alternate_lr_scheduler_type); a warmup of 1 step is one
    axolotl cannot give (it makes it 2)."""
    note = "# axolotl makes a warmup of 1 step 2: this schedule's warmup cannot be set there\n"
    values = _counts(config)
    own = dict(config.tool_args) if config.tool == tools.AXOLOTL else {}
    alternate = own.pop("alternate_lr_scheduler_type", None)
    if alternate:
        values["lr_scheduler_type"] = alternate
    values.update(own)
    return (
        "# axolotl\n"
        + _counted_note(config)
        + (note if config.num_warmup_steps == 1 else "")
        + _yaml(values, {"lr_scheduler_type": "lr_scheduler"})
    )


def ms_swift(config: ScheduleConfig) -> str:
    """`swift sft` with the schedule's flags (ms-swift's own defaults differ: every one is given)."""
    parts = ["swift", "sft"]
    for key, value in _counts(config).items():
        text = json.dumps(value, separators=(",", ":")) if isinstance(value, dict) else _scalar(value)
        parts += [f"--{key}", text]
    return _counted_note(config) + shlex.join(parts)


def snippet(config: ScheduleConfig, form: str) -> str:
    """The code of `form` (one of FORMS) for `config`."""
    makers = {
        "TrainingArguments": training_arguments,
        "SFTConfig": sft_config,
        "get_scheduler": get_scheduler,
        "no_trainer": no_trainer,
        "llamafactory": llamafactory,
        "axolotl": axolotl,
        "ms-swift": ms_swift,
    }
    if form not in makers and form != "flags":
        raise ValueError(f"form={form!r} must be one of: {', '.join(FORMS)}")
    tool = tools.by_name(config.tool)
    if form != config.tool and tool.builds_own(config.tool_args, config.lr_scheduler_type):
        args = json.dumps(dict(config.tool_args), separators=(", ", ": "))
        return (
            f"# {config.tool} builds this scheduler itself from its own arguments ({args}):\n"
            f"# {form} has no such scheduler. The {config.tool} form writes it."
        )
    if form == "flags":
        return flags(config)
    return makers[form](config)
