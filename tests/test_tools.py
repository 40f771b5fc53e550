"""Each tool's config imports to what the tool hands its trainer: TRL's config classes (their
defaults read from the installed trl), DeepSpeed configs told apart from TrainingArguments dumps,
the call in a .py file that builds the training config; the CLI reads the same configs."""

import json
import pathlib
import subprocess
import sys

import pytest
import trl
from transformers import TrainingArguments

from warmup_viz import lr_schedule, snippets, tools
from warmup_viz.config import ConfigError, ScheduleConfig, from_mapping
from warmup_viz.importer import SettingsError, looks_like_ds_config, read_settings

from .test_schedule import stepped
from .test_snippets import trainer_schedule

# TRL's config classes set gradient_checkpointing, which transformers 5 calls deprecated
TRL_WARNS = pytest.mark.filterwarnings("ignore:`gradient_checkpointing` is deprecated:FutureWarning")


@TRL_WARNS
@pytest.mark.parametrize("name", tools.TRL_CONFIGS)
def test_trl_defaults_are_the_real_config_classes(name, tmp_path):
    real = getattr(trl, name)(output_dir=str(tmp_path), use_cpu=True, bf16=False)
    defaults = tools.tool(name).defaults()
    for setting in ("learning_rate", "lr_scheduler_type", "warmup_steps", "num_train_epochs", "max_steps"):
        ours, theirs = defaults[setting], getattr(real, setting)
        assert ours == getattr(theirs, "value", theirs), (name, setting)
    # a TRL config is told by its call, or by the fields it adds to TrainingArguments
    assert tools.detect(set(), name).name == name
    assert tools.detect(set(tools.trl_own_keys(name))).name == name


@TRL_WARNS
def test_a_pasted_sft_config_without_a_rate_gets_trls_and_the_real_trainers_schedule(tmp_path):
    code = 'args = SFTConfig(output_dir="out", max_steps=120, warmup_steps=0.05, lr_scheduler_type="cosine")'
    imported = read_settings(code)
    assert imported.tool == "SFTConfig" and imported.settings["learning_rate"] == 2e-5
    assert imported.defaults_that_matter() == {"learning_rate": 2e-5}
    config = from_mapping(imported.settings)
    real = trl.SFTConfig(
        output_dir=str(tmp_path), max_steps=120, warmup_steps=0.05, lr_scheduler_type="cosine", use_cpu=True, bf16=False
    )
    lam, lr = trainer_schedule(real, config)
    assert [lr * lam(s - 1) for s in range(1, 121)] == lr_schedule.full_table(config)[1]


def test_settings_left_out_take_the_tools_defaults_not_the_pages():
    # a few settings alone change only those (a person editing one value); a whole config is what its tool runs
    fragment = read_settings("learning_rate: 1.0e-4\nlr_scheduler_kwargs: {num_cycles: 2}\n")
    assert not fragment.whole and fragment.settings == {
        "learning_rate": 1e-4,
        "lr_scheduler_kwargs": {"num_cycles": 2.0},
    }
    imported = read_settings("model_name_or_path: gpt2\noutput_dir: out\nlearning_rate: 1.0e-4\n", "train.yaml")
    assert imported.tool == "TrainingArguments"
    real = TrainingArguments(output_dir="unused", use_cpu=True)
    assert imported.settings["warmup_steps"] == real.warmup_steps == 0
    assert imported.settings["lr_scheduler_type"] == real.lr_scheduler_type.value
    # no max_steps: Trainer runs num_train_epochs (3.0), which needs the dataset's size
    assert imported.settings["max_steps"] == -1 and imported.settings["num_train_epochs"] == 3.0
    assert [n.key for n in imported.notes] == ["import.epochs_need_dataset"]


def test_a_training_arguments_dump_with_fp16_is_not_a_deepspeed_config(tmp_path):
    dump = json.loads(
        TrainingArguments(
            output_dir=str(tmp_path), fp16=False, bf16=False, learning_rate=1e-4, use_cpu=True
        ).to_json_string()
    )
    dump.update(fp16=True, deepspeed="./train_args/ds_z3_config.json")  # as Firefly's train_args/*.json
    assert not looks_like_ds_config(dump)
    imported = read_settings(json.dumps(dump), "sft.json")
    assert imported.values["learning_rate"] == 1e-4
    assert imported.ignored["deepspeed"].key == "import.deepspeed_file"
    ds = {"fp16": {"enabled": "auto"}, "gradient_accumulation_steps": "auto"}
    assert looks_like_ds_config(ds)
    assert looks_like_ds_config({"scheduler": {"type": "WarmupLR", "params": {}}})


def test_a_python_file_yields_the_call_that_builds_the_training_config():
    code = (
        'MODEL = {"name": "x", "revision": "main"}\n'
        'print("starting", MODEL)\n'
        "peft = LoraConfig(r=16, lora_alpha=32)\n"
        'args = SFTConfig(output_dir="o", learning_rate=1e-4, max_steps=300, warmup_steps=30)\n'
        "trainer = SFTTrainer(model=m, args=args)\n"
    )
    imported = read_settings(code, "train.py")
    assert imported.source == "SFTConfig(...)" and imported.values["max_steps"] == 300
    # a dict of settings, when no training config call is there
    imported = read_settings('print("x")\nconfig = {"model": "x"}\ntrain = {"learning_rate": 3e-4, "max_steps": 9}\n')
    assert imported.source == "dict" and imported.values == {"learning_rate": 3e-4, "max_steps": 9}


def test_the_cli_reads_a_config_and_its_flags_override_it(tmp_path):
    path = tmp_path / "train.py"
    path.write_text('args = SFTConfig(output_dir="o", max_steps=50, warmup_steps=5, lr_scheduler_type="linear")\n')
    cli = [sys.executable, "-m", "warmup_viz", "schedule", "--config", str(path)]
    done = subprocess.run(cli, capture_output=True, text=True, check=True)
    rows = done.stdout.splitlines()
    assert rows[0] == "step,learning_rate" and len(rows) == 51
    assert float(rows[6].split(",")[1]) == 2e-5  # step 6 trains with the peak: SFTConfig's 2e-05
    assert "SFTConfig" in done.stderr and "learning_rate=2e-05" in done.stderr
    done = subprocess.run([*cli, "--learning_rate", "1e-3"], capture_output=True, text=True, check=True)
    assert float(done.stdout.splitlines()[6].split(",")[1]) == 1e-3


AXOLOTL = json.loads((pathlib.Path(__file__).parent / "data" / "axolotl" / "golden.json").read_text())


@pytest.mark.parametrize("case", [c for c in AXOLOTL["warmups"] if c["total_num_steps"]], ids=str)
def test_axolotls_warmup_is_what_its_own_code_hands_trainer(case):
    # scripts/make_axolotl_golden.py ran axolotl 0.21.0's _configure_warmup_and_logging
    w, r, total = case["warmup_steps"], case["warmup_ratio"], case["total_num_steps"]
    given = w if w is not None else r if r is not None else tools.TOOL_WARMUP
    config = ScheduleConfig(tool="axolotl", warmup_steps=given, max_steps=total)
    real = TrainingArguments(output_dir="unused", warmup_steps=case["handed"], use_cpu=True)
    assert config.num_warmup_steps == real.get_warmup_steps(total)


@pytest.mark.parametrize("run", AXOLOTL["runs"], ids=lambda r: f"{r['scheduler']}-{r['total']}")
def test_axolotls_min_lr_cosine_is_drawn_bit_for_bit_and_is_transformers_cosine_with_min_lr(run):
    yaml = (
        f"base_model: x\nlearning_rate: {run['learning_rate']}\nlr_scheduler: cosine\n"
        f"cosine_min_lr_ratio: {run['min_lr_ratio']}\nwarmup_steps: {run['warmup']}\nmax_steps: {run['total']}\n"
    )
    imported = read_settings(yaml, "axolotl.yml")
    assert imported.tool == "axolotl" and not [k for k, why in imported.ignored.items() if k != "base_model"]
    config = from_mapping(imported.settings)
    assert dict(config.tool_args) == {"cosine_min_lr_ratio": run["min_lr_ratio"]}
    assert config.lr_scheduler_type == "cosine" and config.num_warmup_steps == (run["warmup"] or 0)
    assert lr_schedule.full_table(config)[1] == run["lrs"]
    # the same floats as transformers' own cosine_with_min_lr (infer and the gallery know that type)
    twin = config.replace(tool_args={}, lr_scheduler_type="cosine_with_min_lr",
                          lr_scheduler_kwargs={"min_lr_rate": run["min_lr_ratio"]})  # fmt: skip
    assert lr_schedule.full_table(twin)[1] == run["lrs"]


def _axolotl_yaml(run: dict) -> str:
    """An axolotl config for one of the golden trainer runs, in axolotl's own keys."""
    lines = ["base_model: x", f"learning_rate: {run['learning_rate']}", f"warmup_steps: {run['warmup_steps']}",
             f"max_steps: {run['max_steps']}"]  # fmt: skip
    kwargs = dict(run["lr_scheduler_kwargs"])
    args = dict(run["args"])
    scheduler = args.pop("alternate_lr_scheduler_type", None) or kwargs.pop("lr_scheduler_type", "cosine")
    lines.append(f"lr_scheduler: {scheduler}")
    lines += [f"{k}: {json.dumps(v)}" for k, v in args.items()]
    if kwargs:
        lines.append(f"lr_scheduler_kwargs: {json.dumps(kwargs)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("run", AXOLOTL["trainer_runs"], ids=lambda r: f"{r['scheduler']}-{r['max_steps']}")
def test_axolotls_own_schedulers_are_drawn_as_its_create_scheduler_builds_them(run):
    # scripts/make_axolotl_golden.py ran axolotl 0.21.0's create_scheduler in a real Trainer and
    # stepped what it built (RexLR, OneCycleLR, jagged restarts, quadratic warmup, constant ratio)
    imported = read_settings(_axolotl_yaml(run), "axolotl.yml")
    assert imported.tool == "axolotl" and set(imported.ignored) == {"base_model"}
    config = from_mapping(imported.settings)
    assert dict(config.tool_args) == run["args"]
    steps_, lrs = lr_schedule.full_table(config)
    assert lrs == run["lrs"]
    built = lr_schedule.build(config)
    if run["scheduler"] != "LambdaLR":
        assert built.scheduler.split("(")[0].endswith(run["scheduler"]), built.scheduler
    # any point on its own, as a chart asks for it, is the same float
    assert built.lrs([run["max_steps"], 1, run["max_steps"] // 2]) == [lrs[-1], lrs[0], lrs[run["max_steps"] // 2 - 1]]


def test_axolotls_own_arguments_are_checked_with_its_names():
    with pytest.raises(ConfigError, match="alternate_lr_scheduler_type='cosine' must be one of: one_cycle, rex"):
        ScheduleConfig(tool="axolotl", lr_scheduler_type="cosine", tool_args={"alternate_lr_scheduler_type": "cosine"})
    with pytest.raises(ConfigError, match="cosine_min_lr_ratio=1.5 must be a number from 0 to 1"):
        ScheduleConfig(tool="axolotl", lr_scheduler_type="cosine", tool_args={"cosine_min_lr_ratio": 1.5})
    with pytest.raises(ConfigError, match="with lr_scheduler_type=cosine, not linear"):
        ScheduleConfig(tool="axolotl", tool_args={"alternate_lr_scheduler_type": "rex"})
    with pytest.raises(ConfigError, match="TrainingArguments has no training argument 'jagged_restart_steps'"):
        ScheduleConfig(tool_args={"jagged_restart_steps": 10})
    # RexLR's own refusal: a warmup longer than the run
    rex = ScheduleConfig(tool="axolotl", lr_scheduler_type="cosine", warmup_steps=20, max_steps=10,
                         tool_args={"alternate_lr_scheduler_type": "rex"})  # fmt: skip
    with pytest.raises(ConfigError, match=r"must be less than or equal to total_steps \(10\)"):
        lr_schedule.build(rex)
    # OneCycleLR reads lr_scheduler_kwargs: its own arguments, checked by torch
    cycle = rex.replace(warmup_steps=2, tool_args={"alternate_lr_scheduler_type": "one_cycle"})
    assert lr_schedule.build(cycle.replace(lr_scheduler_kwargs={"div_factor": 5.0})).lr(1) == pytest.approx(1e-5)
    with pytest.raises(ConfigError, match="torch OneCycleLR does not take 'num_cycles'"):
        cycle.replace(lr_scheduler_kwargs={"num_cycles": 2})
    with pytest.raises(ConfigError, match="OneCycleLR refuses them"):  # torch's own check: pct_start in [0, 1]
        lr_schedule.build(cycle.replace(lr_scheduler_kwargs={"pct_start": 2.0}))


def test_an_axolotl_config_gets_axolotls_defaults_and_run_length():
    imported = read_settings(
        "base_model: x\nmicro_batch_size: 2\ngradient_accumulation_steps: 4\nnum_epochs: 2\nwarmup_ratio: 0.05\n",
        "axolotl.yml",
    )
    assert imported.tool == "axolotl" and imported.settings["lr_scheduler_type"] == "cosine"
    assert [n.key for n in imported.notes] == ["import.required", "import.epochs_need_dataset"]
    config = from_mapping({**imported.settings, "learning_rate": 1e-4, "dataset_size": 1001})
    # axolotl: total_num_steps = ceil(1001 × 2 / (2 × 4)) = 251 (Trainer would count 2 × 126 = 252),
    # warmup int(0.05 × 251) = 12 (Trainer's ceil would give 13)
    assert (config.total_steps, config.num_warmup_steps) == (251, 12)
    # no warmup key: min(int(0.03 × total), 100), on the page as warmup_steps=-1
    none = from_mapping({**imported.settings, "warmup_steps": -1, "learning_rate": 1e-4, "max_steps": 5000})
    assert none.num_warmup_steps == 100


@pytest.mark.filterwarnings("ignore:Both num_training_steps and num_stable_steps")
def test_llamafactorys_warmup_stable_decay_gets_the_kwargs_it_fills_and_transformers_curve():
    # LLaMA-Factory 0.9.5 create_custom_scheduler: a third of the steps after warmup stable, the rest decay
    config = ScheduleConfig(
        tool="llamafactory", lr_scheduler_type="warmup_stable_decay", warmup_steps=0.1, max_steps=1000
    )
    assert dict(config.scheduler_kwargs) == {"num_stable_steps": 300, "num_decay_steps": 600}
    given = config.replace(lr_scheduler_kwargs={"num_decay_steps": 100})
    assert dict(given.scheduler_kwargs) == {"num_stable_steps": 300, "num_decay_steps": 100}
    real = ScheduleConfig(
        lr_scheduler_type="warmup_stable_decay",
        warmup_steps=0.1,
        max_steps=1000,
        lr_scheduler_kwargs=config.scheduler_kwargs,
    )
    assert lr_schedule.full_table(config)[1] == stepped(real)
    # TrainingArguments itself fills nothing: transformers needs num_decay_steps
    with pytest.raises(ConfigError):
        config.replace(tool="TrainingArguments")


TOOL_CONFIGS = [
    ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=2000),
    ScheduleConfig(tool="llamafactory", lr_scheduler_type="warmup_stable_decay", warmup_steps=0.1, max_steps=1000),
    ScheduleConfig(tool="axolotl", warmup_steps=-1, lr_scheduler_type="cosine", max_steps=5000, learning_rate=2e-4),
    ScheduleConfig(
        tool="axolotl", warmup_steps=0.05, max_steps=-1, dataset_size=1001, num_train_epochs=2,
        per_device_train_batch_size=2, gradient_accumulation_steps=4, lr_scheduler_type="cosine_with_min_lr",
        lr_scheduler_kwargs={"min_lr_rate": 0.1},
    ),
    ScheduleConfig(tool="ms-swift", lr_scheduler_type="polynomial", learning_rate=1e-4, warmup_steps=7, max_steps=90,
                   lr_scheduler_kwargs={"power": 2.0, "lr_end": 1e-6}),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore:Both num_training_steps and num_stable_steps")
@pytest.mark.parametrize("form", ["llamafactory", "axolotl", "ms-swift", "TrainingArguments", "flags"])
@pytest.mark.parametrize("config", TOOL_CONFIGS, ids=lambda c: f"{c.tool}-{c.lr_scheduler_type}")
def test_each_tools_snippet_reads_back_as_that_tool_to_the_same_schedule(form, config):
    code = snippets.snippet(config, form)
    imported = read_settings(code)
    if form in ("axolotl", "ms-swift"):
        assert imported.tool == form
    back = from_mapping(imported.settings)
    assert (back.total_steps, back.num_warmup_steps) == (config.total_steps, config.num_warmup_steps)
    assert lr_schedule.full_table(back) == lr_schedule.full_table(config)


def test_a_one_step_warmup_is_said_to_be_one_axolotl_cannot_give():
    config = ScheduleConfig(warmup_steps=1, max_steps=100)
    assert "cannot be set there" in snippets.snippet(config, "axolotl")
    assert from_mapping(read_settings(snippets.snippet(config, "axolotl")).settings).num_warmup_steps == 2


def test_a_yaml_kwarg_written_1e_6_is_the_number_people_meant():
    # YAML 1.1 (PyYAML, what the tools read with) takes 1e-6 without a dot for text
    imported = read_settings(
        "lr_scheduler_type: polynomial\nlr_scheduler_kwargs: {lr_end: 1e-6, power: 2}\nmax_steps: 9\n"
    )
    assert imported.values["lr_scheduler_kwargs"] == {"lr_end": 1e-6, "power": 2.0}


def test_axolotls_sample_packing_is_said_plainly():
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nsample_packing: true\nnum_epochs: 1\n", "a.yml")
    assert imported.ignored["sample_packing"].key == "import.sample_packing"
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nsample_packing: false\nnum_epochs: 1\n", "a.yml")
    assert imported.ignored["sample_packing"].key == "import.not_a_setting"


def test_what_a_review_found_in_real_looking_configs():
    # axolotl: warmup_ratio 0 is no warmup (int(0 × N)), not its 3 % default
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nwarmup_ratio: 0\nmax_steps: 100\n", "a.yml")
    assert from_mapping(imported.settings).num_warmup_steps == 0
    # HF example-script keys (model_type, torch_dtype) are not ms-swift's
    run_clm = "model_name_or_path: gpt2\nmodel_type: gpt2\ntorch_dtype: bfloat16\nlearning_rate: 5e-5\n"
    assert read_settings(run_clm).tool == "TrainingArguments"
    # axolotl's batch_size is its global batch: accumulation = batch_size // micro_batch_size
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nmicro_batch_size: 4\nbatch_size: 32\n", "a.yml")
    assert imported.settings["gradient_accumulation_steps"] == 8
    # command lines: a quoted value with ': ' or '#', a shell variable, a launcher's process count
    one_line = "swift sft --learning_rate 1e-4 --system 'Answer: briefly' --max_steps 100"
    assert read_settings(one_line).values == {"learning_rate": 1e-4, "max_steps": 100}
    hashed = 'swift sft --system "You are #1" \\\n  --learning_rate 2e-4 \\\n  --max_steps 50 # the end\n'
    assert read_settings(hashed).values == {"learning_rate": 2e-4, "max_steps": 50}
    variable = read_settings("LR=1e-4\nswift sft --learning_rate $LR --max_steps 100\n")
    assert variable.ignored["learning_rate"].key == "import.shell_variable"
    assert "learning_rate" not in variable.settings  # given, though unknown: not a default in its place
    launched = read_settings("accelerate launch --num_processes 8 train.py --learning_rate 2e-5 --max_steps 9")
    assert launched.values["world_size"] == 8 and launched.source == "accelerate launch"
    # a .py call whose settings are none of them literal says so
    with pytest.raises(SettingsError, match="no setting in SFTConfig"):
        read_settings("args = SFTConfig(output_dir='o', learning_rate=args.lr)")


def test_the_cli_works_a_tools_defaults_out_again_with_its_flags(tmp_path):
    script = tmp_path / "train.sh"
    script.write_text("swift sft \\\n  --tuner_type lora \\\n  --num_train_epochs 1\n")
    cli = [sys.executable, "-m", "warmup_viz", "schedule", "--config", str(script), "--dataset_size", "1600"]
    # ms-swift's accumulation is ceil(16 / batch / world): batch 4 -> 4, so 1600 / 16 = 100 updates
    done = subprocess.run([*cli, "--per_device_train_batch_size", "4"], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1].startswith("100,") and "gradient_accumulation_steps=4" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "schedule", "--tool", "axolotl", "--warmup_steps", "-1", "--max_steps", "5000"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines()[101] == "101,5e-05"  # 100 warmup steps: the peak at update 101


def test_axolotl_reads_max_steps_0_as_not_given():
    imported = read_settings("base_model: x\nlearning_rate: 1e-4\nmax_steps: 0\nnum_epochs: 2\n", "a.yml")
    assert imported.ignored["max_steps"].key == "import.zero_unset" and imported.settings["max_steps"] == -1


# every run at OneCycleLR's own defaults, and jagged restarts over a schedule that shows before
# the first restart (over a cosine whose floor only shows later, not yet)
_INFERABLE = [
    r
    for r in AXOLOTL["trainer_runs"]
    if not (set(r["lr_scheduler_kwargs"]) - {"lr_scheduler_type"})
    and not ("jagged_restart_steps" in r["args"] and "cosine_min_lr_ratio" in r["args"])
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("run", _INFERABLE, ids=lambda r: f"{r['scheduler']}-{r['max_steps']}-{sorted(r['args'])}")
def test_axolotls_own_schedulers_are_inferred_and_checked_from_their_logs(run):
    from warmup_viz.inference import infer
    from warmup_viz.run import Planned
    from warmup_viz.verdict import compare

    n = run["max_steps"]
    steps_ = list(range(1, n + 1))
    fit = infer(steps_, run["lrs"], n)
    assert fit.exact
    # what infer found (a tool's scheduler, or a transformers type that gives the same values
    # read one way or the other) logs every value as axolotl's own code gave it
    assert fit.run().logged(steps_) == pytest.approx(run["lrs"], rel=1e-12, abs=0)
    if fit.config.tool_args:
        assert fit.config.tool == "axolotl"
    # check: the imported config matches its log, and a log of another scheduler does not
    config = from_mapping(read_settings(_axolotl_yaml(run), "axolotl.yml").settings)
    assert compare(Planned(config), steps_, run["lrs"]).matches
    plain = config.replace(tool_args={}, lr_scheduler_kwargs={})
    if lr_schedule.full_table(plain)[1] != run["lrs"]:
        assert not compare(Planned(plain), steps_, run["lrs"]).matches


def test_axolotls_own_arguments_travel_in_links_the_cli_and_snippets(tmp_path, capsys):
    from warmup_viz import share
    from warmup_viz.cli import main

    run = next(r for r in AXOLOTL["trainer_runs"] if r["args"] == {"alternate_lr_scheduler_type": "rex"})
    config = from_mapping(read_settings(_axolotl_yaml(run), "axolotl.yml").settings)
    params = share.encode(config)
    assert params["tool"] == "axolotl" and json.loads(params["tool_args"]) == run["args"]
    back = share.decode(params)[0]
    assert back.tool_args == config.tool_args and lr_schedule.full_table(back)[1] == run["lrs"]
    # the CLI, by the same name
    code = main([
        "schedule", "--tool", "axolotl", "--lr_scheduler_type", "cosine", "--learning_rate", str(run["learning_rate"]),
        "--warmup_steps", str(run["warmup_steps"]), "--max_steps", str(run["max_steps"]),
        "--tool_args", json.dumps(run["args"]), "--format", "json",
    ])  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["learning_rate"] == run["lrs"]
    # the axolotl snippet reads back to the same schedule; TrainingArguments cannot build it, and says so
    text = snippets.snippet(config, "axolotl")
    assert "lr_scheduler: rex" in text
    assert lr_schedule.full_table(from_mapping(read_settings(text, "axolotl.yml").settings))[1] == run["lrs"]
    said = snippets.snippet(config, "TrainingArguments")
    assert said.startswith("# axolotl builds this scheduler itself") and "TrainingArguments(" not in said
    # a config axolotl reads as transformers' cosine all the same: every form writes it
    unused = config.replace(tool_args={"cosine_constant_lr_ratio": 0.8})
    assert "TrainingArguments(" in snippets.snippet(unused, "TrainingArguments")
    notes = [n.key for n in lr_schedule.summarize(unused).notes]
    assert "note.tool_args_unused" in notes
    assert "note.tool_scheduler" in [n.key for n in lr_schedule.summarize(config).notes]


def test_jagged_restarts_are_marked_and_drawn_however_long_the_run():
    config = ScheduleConfig(
        tool="axolotl", lr_scheduler_type="cosine", learning_rate=1e-4, warmup_steps=100, max_steps=100_000,
        tool_args={"jagged_restart_steps": 1000, "cosine_min_lr_ratio": 0.1},
    )  # fmt: skip
    built = lr_schedule.build(config)
    curve = lr_schedule.display_curve(config)
    restarts = [p.step for p in curve.breakpoints if p.kind == "restart"]
    assert restarts == [1000 * j for j in range(1, 101)]
    drawn = dict(zip(curve.steps, curve.lrs, strict=True))
    for s in restarts:  # each dip is drawn at its lowest, with the steps either side
        assert drawn[s] == built.lr(s) < min(drawn[s - 1], drawn[s + 1]) if s < 100_000 else drawn[s] == built.lr(s)


def test_what_a_tool_argument_takes_is_a_note_each_language_says():
    """A tool argument's valid values are a Note (key and values), so a 中文 page says them in 中文."""
    from warmup_viz.messages import render
    from warmup_viz.ui.strings import ZH

    args = tools.by_name("axolotl").args
    ratio, kind = args["cosine_min_lr_ratio"].describe(), args["alternate_lr_scheduler_type"].describe()
    assert str(ratio) == "a number from 0 to 1" and str(kind) == "one of: one_cycle, rex"
    assert render(ZH[ratio.key], ratio.values) == "从 0 到 1 的数"
    assert render(ZH[kind.key], kind.values) == "以下之一：one_cycle, rex"
