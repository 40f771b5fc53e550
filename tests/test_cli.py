"""`python -m warmup_viz schedule`: exact tables on good input; status 2 and one line on bad."""

import io
import json
import os
import pathlib
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from warmup_viz import export, lr_schedule
from warmup_viz.cli import main
from warmup_viz.config import ScheduleConfig, from_mapping

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "trainer_state.json"


def run(argv, capfd):
    code = main(argv)
    out, err = capfd.readouterr()
    return code, out, err


def test_csv_reads_back_exactly(capfd):
    code, out, err = run(
        [
            "schedule",
            "--lr_scheduler_type",
            "cosine",
            "--learning_rate",
            "3e-4",
            "--warmup_steps",
            "0.07",
            "--max_steps",
            "100",
        ],
        capfd,
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "step,learning_rate"
    expected = lr_schedule.full_table(
        ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.07, max_steps=100)
    )[1]
    rows = [line.split(",") for line in lines[1:]]
    assert [int(s) for s, _ in rows] == list(range(1, 101))
    assert [float(v) for _, v in rows] == expected
    assert rows[0][1] == "0.0"


def test_epochs_flags_derive_max_steps(capfd):
    code, out, _ = run(
        [
            "schedule",
            "--num_train_epochs",
            "2",
            "--dataset_size",
            "1000",
            "--per_device_train_batch_size",
            "8",
            "--gradient_accumulation_steps",
            "4",
            "--world_size",
            "3",
            "--dataloader_drop_last",
            "--format",
            "json",
        ],
        capfd,
    )
    assert code == 0
    data = json.loads(out)
    assert data["step"][-1] == 22 and len(data["learning_rate"]) == 22


def test_parquet_to_a_file(tmp_path, capfd):
    path = tmp_path / "lr.parquet"
    code, out, _ = run(
        ["schedule", "--max_steps", "50", "--warmup_steps", "5", "--format", "parquet", "--output", str(path)], capfd
    )
    assert code == 0 and out == ""
    table = pq.read_table(path).to_pydict()
    assert table["step"] == list(range(1, 51))
    assert table["learning_rate"] == lr_schedule.full_table(ScheduleConfig(max_steps=50, warmup_steps=5))[1]


def test_kwargs_and_legacy_warmup_ratio(capfd):
    code, out, _ = run(
        [
            "schedule",
            "--lr_scheduler_type",
            "warmup_stable_decay",
            "--lr_scheduler_kwargs",
            '{"num_decay_steps": 10}',
            "--warmup_ratio",
            "0.1",
            "--max_steps",
            "40",
        ],
        capfd,
    )
    assert code == 0 and len(out.splitlines()) == 41


@pytest.mark.parametrize(
    "argv,fragment",
    [
        (["schedule", "--max_steps", "-3"], "max_steps=-3"),
        (["schedule", "--max_steps", "abc"], "max_steps='abc' is not a whole number"),
        (["schedule", "--learning_rate", "nan"], "finite"),
        (["schedule", "--lr_scheduler_type", "nope"], "'nope' is not one of"),
        (["schedule", "--lr_scheduler_kwargs", "{bad"], "not valid JSON"),
        (["schedule", "--lr_scheduler_type", "cosine", "--lr_scheduler_kwargs", '{"power": 2}'], "does not take"),
        (["schedule", "--max_steps", "100000000"], "too many to export"),
        (["schedule", "--warmup_steps", "-5"], "warmup_steps=-5 must be at least 0"),
        (["schedule", "--lr_scheduler_type", "reduce_lr_on_plateau"], "follows a metric"),
        (["schedule", "--log", "x.json"], "--log, --metric and --run are for metric-driven types"),
        (["schedule", "--max_steps", "1,000", "--warmup_steps", "x"], "warmup_steps='x' is not a number"),
        (["schedule", "--format", "xml"], "invalid choice"),
        (["schedule", "--bogus"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
        (["schedule", "--output", "/nonexistent/dir/x.csv"], "cannot write /nonexistent/dir/x.csv"),
        (["log", "/nonexistent/log.json"], "cannot read /nonexistent/log.json"),
        (["check", "/nonexistent/log.json"], "cannot read /nonexistent/log.json"),
        (["infer", "/nonexistent/log.json"], "cannot read /nonexistent/log.json"),
        (["log", str(EXAMPLE), "--output", "/nonexistent/t.csv"], "cannot write /nonexistent/t.csv"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, fragment, capfd):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors exit directly, with our one-line message
        code = e.code
    out, err = capfd.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err and "Traceback" not in err


def test_real_process_bad_input_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "schedule", "--lr_scheduler_kwargs", "[" * 5000],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_real_process_writes_csv_to_stdout():
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "schedule", "--max_steps", "3"], capture_output=True, timeout=120
    )
    assert proc.returncode == 0
    assert io.BytesIO(proc.stdout).read().decode().splitlines()[0] == "step,learning_rate"


# -- several runs in one log: every subcommand reads them as the page does (logs.series) ----------

TWO_RUNS = "step,a - learning_rate,b - learning_rate,a - eval_loss,b - eval_loss\n" + "".join(
    f"{s},{1e-3 * (1 - (s - 1) / 10)!r},{2e-3 * (1 - (s - 1) / 10)!r},{1.0},{1.0}\n" for s in range(1, 11)
)


@pytest.fixture
def two_runs(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text(TWO_RUNS)
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ["infer", "{log}"],
        ["schedule", "--lr_scheduler_type", "reduce_lr_on_plateau", "--max_steps", "10", "--log", "{log}"],
    ],
)
def test_several_runs_and_none_chosen_is_a_usage_error_listing_them(argv, two_runs, capfd):
    code, out, err = run([a.format(log=two_runs) for a in argv], capfd)
    assert code == 2 and out == ""
    assert "holds 2 runs" in err and "(a, b)" in err and "--run NAME" in err


def test_a_chosen_run_is_read(two_runs, capfd):
    code, out, _ = run(["infer", two_runs, "--run", "b"], capfd)
    assert code == 0 and json.loads(out)["learning_rate"] == 2e-3
    code, _, err = run(["infer", two_runs, "--run", "c"], capfd)
    assert code == 2 and "no run 'c'" in err and "a, b" in err


def test_check_checks_every_run_or_the_chosen_one(two_runs, capfd):
    flags = ["--learning_rate", "1e-3", "--max_steps", "10"]
    code, out, _ = run(["check", two_runs, *flags], capfd)
    assert code == 1 and out.startswith("a: matches") and "\nb: differs" in out
    code, out, _ = run(["check", two_runs, *flags, "--run", "a"], capfd)
    assert code == 0 and out.splitlines() == ["a: matches at all 10 logged steps"]


def test_metric_driven_check_replays_each_runs_own_metric(two_runs, capfd):
    flags = ["--lr_scheduler_type", "reduce_lr_on_plateau", "--learning_rate", "1e-3", "--max_steps", "10"]
    code, out, _ = run(["check", two_runs, *flags, "--run", "a"], capfd)
    assert code == 1 and out.startswith("a: differs from step 2")  # the logged LR decays; a plateau LR does not
    code, _, err = run(["check", two_runs, "--max_steps", "10", "--metric", "eval_loss"], capfd)
    assert code == 2 and "--metric is for metric-driven types" in err


def test_log_command_imports_neither_torch_nor_transformers():
    # the whole process as people run it; -X importtime lists on stderr every module it imports
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "warmup_viz", "log", str(EXAMPLE), "--output", os.devnull],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0] for line in proc.stderr.splitlines() if line.startswith("import")
    }
    assert {"warmup_viz", "pandas"} <= imported  # the probe sees what the command does import
    assert imported & {"torch", "transformers", "tensorboard", "yaml", "plotly", "streamlit"} == set()


def test_serve_hands_every_argument_after_it_to_streamlit(monkeypatch):
    """`warmup-viz serve ...` is `python -m warmup_viz.ui.serve ...` (tests/test_install.py starts
    it for real): Streamlit's options, `--help` included, reach it as they were given."""
    from warmup_viz.ui import serve

    given = []
    monkeypatch.setattr(serve, "main", lambda argv: given.append(argv) or 0)
    options = ["--server.port", "8502", "--server.headless", "true", "--theme.base", "dark", "--help"]
    assert main(["serve", *options]) == 0 and main(["serve"]) == 0
    assert given == [options, []]


def stepped_csv(config):
    """The oracle: a real LambdaLR from transformers' get_scheduler, stepped, each LR by `repr`."""
    from .test_schedule import stepped

    rows = (f"{step},{lr!r}\n" for step, lr in enumerate(stepped(config), start=1))
    return ("step,learning_rate\n" + "".join(rows)).encode()


@pytest.mark.parametrize("output", ["-", "file"])
def test_real_process_csv_equals_a_stepped_lambdalr_byte_for_byte(output, tmp_path):
    # two full CSV chunks and part of a third, written by the whole process (flushed, then ended)
    flags = {"lr_scheduler_type": "cosine_with_restarts", "learning_rate": "3e-4", "warmup_steps": "0.05"}
    flags |= {"max_steps": str(2 * export.CSV_CHUNK_ROWS + 123), "lr_scheduler_kwargs": '{"num_cycles": 3}'}
    argv = [sys.executable, "-m", "warmup_viz", "schedule", *(x for k, v in flags.items() for x in (f"--{k}", v))]
    path = tmp_path / "lr.csv"
    argv += ["--output", "-" if output == "-" else str(path)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as most people run it
    proc = subprocess.run(argv, capture_output=True, timeout=300, cwd=ROOT, env=env)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    written = proc.stdout if output == "-" else path.read_bytes()
    assert written == stepped_csv(from_mapping(flags))


def test_real_process_prints_text_output_in_full():
    # check and infer print through Python's stdout, buffered when it is a pipe: the process
    # flushes it before it ends
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "infer", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["exact"] is True
    proc = subprocess.run(
        [sys.executable, "-m", "warmup_viz", "check", str(EXAMPLE), "--max_steps", "5"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 1 and proc.stdout.startswith("trainer_state: ") and "Likely cause" in proc.stdout
    assert proc.stdout.endswith("\n") and proc.stdout.count("\n") == 1  # the whole line, once


def test_a_reader_that_stops_early_and_a_closed_standard_output_are_not_errors(tmp_path):
    """`warmup-viz schedule ... | head -1` ends quietly with 0, as the reader has what it wanted;
    with standard output closed, `--output` still writes the file and ends with 0."""
    cmd = [sys.executable, "-m", "warmup_viz", "schedule", "--max_steps", "200000"]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"step,learning_rate\n"
    proc.stdout.close()  # as `head -1` does
    with proc.stderr:
        assert proc.wait(timeout=120) == 0 and proc.stderr.read() == b""
    out = tmp_path / "lr.csv"
    closed = subprocess.run(
        [*cmd[:-1], "20", "--output", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(),
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 0 and closed.stderr == b"" and len(out.read_text().splitlines()) == 21
