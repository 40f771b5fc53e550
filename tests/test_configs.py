"""Real configs from public repositories (tests/data/configs, sources in sources.json), one per
tool and kind: each is read as its tool's config, with the settings that tool hands its trainer
(its defaults for what a config leaves out), or refused with the reason. The expected values
were checked against each file and each tool's code (tools.py records where each fact is from)."""

import json
import pathlib

import pytest

from warmup_viz import lr_schedule
from warmup_viz.config import from_mapping
from warmup_viz.importer import SettingsError, read_settings

CONFIGS = pathlib.Path(__file__).parent / "data" / "configs"
SOURCES = json.loads((CONFIGS / "sources.json").read_text())

# file -> (tool, learning_rate, lr_scheduler_type, warmup_steps, max_steps), or ("error", the reason's key).
# warmup_steps -1: axolotl's own (none given: 3 %, at most 100); max_steps -1: from epochs (dataset_size asked).
EXPECTED = {
    "axolotl__Warrongo__warrungu-trainer__axolotl_config.yml": ("axolotl", 2e-05, "cosine", -1, -1),
    "axolotl__axolotl-ai-cloud__axolotl__3b-fp8-fsdp2.yaml": ("axolotl", 2e-05, "cosine", 10.0, -1),
    "axolotl__axolotl-ai-cloud__axolotl__relora.yml": ("axolotl", 0.0002, "cosine", 10.0, -1),
    "axolotl__axolotl-ai-cloud__axolotl__gpt-oss-20b-fft-deepspeed-zero3.yaml": (
        "axolotl",
        2e-05,
        "constant_with_warmup",
        0.03,
        -1,
    ),
    "axolotl__johnlund__epistemic-stance__axolotl_config.yaml": ("axolotl", 2e-05, "cosine", 0.1, -1),
    "axolotl__long-olivia__subliminal_reimplementation__axolotl_config.yaml": ("axolotl", 0.0002, "linear", 5.0, -1),
    "axolotl__thepowerfuldeez__qwen2_1_5b_summarize__axolotl_config.yaml": ("axolotl", 5e-05, "cosine", 10.0, -1),
    "axolotl__yxzwayne__Medilora__qlora.yml": ("axolotl", 0.0002, "cosine", 50.0, -1),
    "deepspeed__DeL-TaiseiOzaki__multi-gpu-sft__ds_config.json": ("error", "import.deepspeed_config"),
    "deepspeed__bobo0810__LearnDeepSpeed__ds_config.json": ("error", "import.unreadable"),
    "deepspeed__nickrosh__evol-teacher__default_offload_opt_param.json": ("error", "import.deepspeed_config"),
    "deepspeed__yangjianxin1__Firefly__ds_z3_config.json": ("error", "import.deepspeed_config"),
    "firefly__1309059267__TODAY-LLM__qwen-7b-sft-qlora.json": (
        "TrainingArguments",
        0.0002,
        "constant_with_warmup",
        800.0,
        -1,
    ),
    "firefly__Asimok__KGLQA-model__ncr_ft.json": ("TrainingArguments", 0.0001, "constant_with_warmup", 0.1, -1),
    "firefly__Shajiu__Tibetan_Mental_Health_Chat__llama2-sft-qlora.json": (
        "TrainingArguments",
        0.0001,
        "constant_with_warmup",
        3000.0,
        -1,
    ),
    "firefly__augusyan__LLM_Eval__qwen7b_sft.json": ("TrainingArguments", 1e-05, "cosine", 3000.0, -1),
    "firefly__yangjianxin1__Firefly__qwen-7b-sft-full.json": ("TrainingArguments", 1e-05, "cosine", 100.0, -1),
    "firefly__yangjianxin1__Firefly__qwen1.5-7b-dpo-lora.json": (
        "DPOConfig",
        0.0002,
        "constant_with_warmup",
        100.0,
        -1,
    ),
    "hf_training_args__SlangLab-NU__torgo_inference_on_cluster__training_args.json": (
        "TrainingArguments",
        0.0001,
        "linear",
        1000.0,
        -1,
    ),
    "hf_training_args__adityaxdubey__grpo-accounting-finetune__training_args.json": (
        "GRPOConfig",
        0.0002,
        "cosine",
        0.1,
        100,
    ),
    "hf_training_args__lhyscau__DRMOE__training_args.json": ("TrainingArguments", 0.0004, "linear", 0, -1),
    "hf_training_args__rajputnavya__food-classification-language-model__training_args.json": (
        "TrainingArguments",
        5e-05,
        "linear",
        0.0,
        -1,
    ),
    "llamafactory__1000111-1000111__llm-cybersecurity__llama3_full_sft.yaml": (
        "llamafactory",
        7e-06,
        "cosine",
        0.1,
        -1,
    ),
    "llamafactory__aa-n__Qwen3_Lora__training_args.yaml": ("llamafactory", 5e-05, "cosine", 0.0, -1),
    "llamafactory__alvin-susu__prevent_fraud__qwen2_lora_sft.yaml": ("llamafactory", 0.0001, "cosine", 0.05, -1),
    "llamafactory__ardafincan__m3a-finetune__llama3_lora_sft.yaml": ("llamafactory", 0.0001, "linear", 0.1, -1),
    "llamafactory__chenlong164__PEIT__llama3_lora_sft.yaml": ("llamafactory", 5e-05, "cosine", 0, -1),
    "llamafactory__hiyouga__LLaMA-Factory__llama3_lora_sft.yaml": ("llamafactory", 0.0001, "cosine", 0.1, -1),
    "llamafactory__hiyouga__LLaMA-Factory__qwen3_lora_sft_ds3.yaml": ("llamafactory", 0.0001, "cosine", 0.1, -1),
    "llamafactory__pang-jh__Qwen_Law_-Fine-Tuning__llama3_lora_sft.yaml": ("error", "import.unreadable"),
    "llamafactory__zxzx011127__continuous-casting-crack-LLM__training_args.yaml": (
        "llamafactory",
        3e-05,
        "cosine",
        17.0,
        -1,
    ),
    "ms-swift__HuangHaoyu1997__Ad-Detect-LLM__train_sft.sh": ("ms-swift", 0.0001, "cosine", 0.05, -1),
    "ms-swift__YyWooo__LMME3DHF__train_LLM.sh": ("ms-swift", 0.0001, "cosine", 0.05, -1),
    "ms-swift__ligw1998__PRIV-QA__finetune_recover.sh": ("ms-swift", 0.0001, "cosine", 0.05, -1),  # 2.x: 0.05
    "ms-swift__modelscope__ms-swift__lora.sh": ("ms-swift", 0.0001, "cosine", 0.05, -1),
    "ms-swift__modelscope__ms-swift__qwen2_5_32b.sh": ("ms-swift", 1e-05, "cosine", 0.05, 2000),
    "ms-swift__puzhiyuan__AiO__train_ddp.sh": ("ms-swift", 0.0001, "cosine", 0.05, -1),
    "trl__OncoReason__Clinical-Reasoning-LLMs__sft_config.yaml": ("SFTConfig", 0.0001, "cosine_with_min_lr", 0.05, -1),
    "trl__eliashossain001__Gemma3N-4B-Multimodal__sft_config.py": ("SFTConfig", 0.0002, "linear", 5.0, 60),
    "trl__huggingface__trl__example_config.yaml": ("TrainingArguments", 0.0001, "cosine", 0, -1),
    "trl__nappeheimer__codeforces-sft__sft_config.yaml": ("SFTConfig", 4e-05, "cosine_with_min_lr", 0.03, -1),
    "trl__whu-pzhang__post_training_of_LLMs__sft_config.yaml": ("SFTConfig", 8e-05, "linear", 0, -1),
    "trl__zenoy802__My-Open-LLM__train_dpo.py": ("DPOConfig", 1e-06, "linear", 0, -1),
}


def test_the_corpus_is_what_its_sources_say():
    files = {p.name for p in CONFIGS.iterdir() if p.name != "sources.json"}
    assert files == set(SOURCES) == set(EXPECTED)
    assert {SOURCES[name]["tool"] for name in files} >= {"axolotl", "llamafactory", "ms-swift", "trl", "deepspeed"}
    for name in files:
        assert SOURCES[name]["repo"] and SOURCES[name]["path"] and len(SOURCES[name]["commit"]) == 40, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_config_is_read_as_its_tool_hands_it_to_the_trainer(name):
    expected = EXPECTED[name]
    data = (CONFIGS / name).read_bytes()
    if expected[0] == "error":
        with pytest.raises(SettingsError) as caught:
            read_settings(data, name)
        assert caught.value.note.key == expected[1]
        return
    imported = read_settings(data, name)
    s = imported.settings
    assert (imported.tool, s["learning_rate"], s["lr_scheduler_type"], s["warmup_steps"], s["max_steps"]) == expected
    # with a dataset's size, every one is a schedule that can be drawn
    config = from_mapping({**s, "dataset_size": 10_000} if s["max_steps"] == -1 else s)
    assert config.total_steps >= 1 and config.num_warmup_steps >= 0


def test_axolotls_own_scheduler_arguments_are_handed_on_by_its_names():
    # cosine_min_lr_ratio: 1.0 — axolotl's get_cosine_schedule_with_min_lr, flat at the peak after warmup
    name = "axolotl__axolotl-ai-cloud__axolotl__3b-fp8-fsdp2.yaml"
    imported = read_settings((CONFIGS / name).read_bytes(), name)
    # both as the config gives them: axolotl hands on every one that is not None
    assert imported.settings["tool_args"] == {"cosine_min_lr_ratio": 1.0, "cosine_constant_lr_ratio": 0}
    assert imported.used["cosine_min_lr_ratio"] == "tool_args"
    config = from_mapping({**imported.settings, "dataset_size": 10_000})
    lrs = lr_schedule.full_table(config)[1]
    assert lrs[config.num_warmup_steps :] == [2e-05] * (config.total_steps - config.num_warmup_steps)


def test_older_axolotls_relora_keys_are_said_for_what_they_were():
    name = "axolotl__axolotl-ai-cloud__axolotl__relora.yml"
    imported = read_settings((CONFIGS / name).read_bytes(), name)
    assert imported.settings["tool_args"] == {}  # axolotl 0.21.0 draws no restarts from them
    for key in ("relora_steps", "relora_warmup_steps"):
        assert imported.ignored[key].key == "import.relora_renamed", key


def test_a_config_naming_a_deepspeed_file_says_so():
    for name in (
        "axolotl__axolotl-ai-cloud__axolotl__gpt-oss-20b-fft-deepspeed-zero3.yaml",
        "llamafactory__hiyouga__LLaMA-Factory__qwen3_lora_sft_ds3.yaml",
        "firefly__yangjianxin1__Firefly__qwen-7b-sft-full.json",
    ):
        imported = read_settings((CONFIGS / name).read_bytes(), name)
        assert imported.ignored["deepspeed"].key == "import.deepspeed_file", name


@pytest.mark.parametrize(
    "name, key",
    [
        ("llamafactory__hiyouga__LLaMA-Factory__llama3_lora_sft.yaml", "loraplus_lr_ratio"),
        ("llamafactory__hiyouga__LLaMA-Factory__llama3_lora_sft.yaml", "finetuning_type"),
    ],
)
def test_a_tools_own_key_that_changes_the_lr_is_named_with_what_it_does(name, key):
    imported = read_settings((CONFIGS / name).read_bytes(), name)
    why = imported.ignored[key]
    if key == "loraplus_lr_ratio":  # LoRA+: LoRA B trains at learning_rate × the ratio (issue 23 draws the groups)
        assert why.key == "import.loraplus" and "16" in str(why) and "group" in str(why)
    else:
        assert why.key == "import.not_a_setting"
