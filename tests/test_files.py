"""Files named to the CLI: read with a cap, and a checkpoint or run directory taken for its log."""

import pathlib
import shutil

import pytest

from warmup_viz.cli import main
from warmup_viz.errors import InputError
from warmup_viz.files import checkpoint_directory, log_file, read_capped

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "trainer_state.json"


@pytest.fixture
def output_dir(tmp_path):
    """A run's output directory as Trainer leaves it: checkpoint-N directories (not in step order
    by name), one without a state, and files that are not checkpoints."""
    for step in (9, 100, 20):
        (tmp_path / f"checkpoint-{step}").mkdir()
        shutil.copy(EXAMPLE, tmp_path / f"checkpoint-{step}" / "trainer_state.json")
    (tmp_path / "checkpoint-500").mkdir()  # saving was cut short: no state
    (tmp_path / "checkpoint-final").mkdir()
    (tmp_path / "runs").mkdir()
    (tmp_path / "README.md").write_text("a model card")
    return tmp_path


def test_a_directory_names_its_latest_checkpoints_state(output_dir):
    assert log_file(str(output_dir)) == str(output_dir / "checkpoint-100" / "trainer_state.json")
    assert log_file(str(output_dir / "checkpoint-20")) == str(output_dir / "checkpoint-20" / "trainer_state.json")
    assert log_file(str(EXAMPLE)) == str(EXAMPLE)


def test_a_directory_without_a_log_is_named(output_dir):
    with pytest.raises(InputError, match="without a trainer_state.json or a checkpoint-N"):
        log_file(str(output_dir / "runs"))


def test_the_cli_reads_a_run_directory(output_dir, capfd):
    assert main(["log", str(output_dir)]) == 0
    from_dir = capfd.readouterr().out
    assert main(["log", str(EXAMPLE)]) == 0
    assert from_dir == capfd.readouterr().out  # the same log, the same run name (trainer_state)
    flags = ["--warmup_steps", "0.1", "--max_steps", "1000"]  # the example run's settings
    assert main(["check", str(output_dir / "checkpoint-9"), *flags]) == 0
    assert "matches at all" in capfd.readouterr().out
    assert main(["check", str(output_dir / "runs"), *flags]) == 2
    assert "without a trainer_state.json" in capfd.readouterr().err


def test_a_checkpoint_is_named_by_its_directory_or_a_file_in_it(output_dir):
    checkpoint = output_dir / "checkpoint-20"
    assert checkpoint_directory(str(checkpoint)) == str(checkpoint)
    assert checkpoint_directory(str(checkpoint / "trainer_state.json")) == str(checkpoint)
    assert checkpoint_directory(str(output_dir / "missing")) == str(output_dir / "missing")


def test_a_file_is_read_up_to_its_cap(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * (2**20 + 1))
    assert len(read_capped(str(path), 2**20 + 1)) == 2**20 + 1
    with pytest.raises(InputError, match="larger than 1 MB"):
        read_capped(str(path), 2**20)
    with pytest.raises(InputError, match="cannot read"):
        read_capped(str(tmp_path / "none.json"), 10)
