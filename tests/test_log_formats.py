"""The table of log formats (`warmup_viz.logs.formats`): its order, its rules, and a format
registered from outside going wherever a log goes (read_log, series, the CLI, an upload on the
page), and nowhere once it is taken out again."""

import gzip

import pandas as pd
import pytest

from warmup_viz.cli import main
from warmup_viz.logs import LogError, read_log, series
from warmup_viz.logs.formats import Format, formats, register, unregister

from .test_app import app, shown

# a made-up format: a "steps: lr" header, then "<step>: <learning rate>" lines; the values are a
# linear schedule with 2 warmup steps, learning_rate 0.001 and max_steps 4
TOY = b"steps: lr\n1: 0.0\n2: 0.0005\n3: 0.001\n4: 0.0005\n"
TOY_LR = {1: 0.0, 2: 0.0005, 3: 0.001, 4: 0.0005}


def read_steps(file):
    pairs = [line.split(":") for line in file.text.splitlines()[1:] if line.strip()]
    steps, values = [int(s) for s, _ in pairs], [float(v) for _, v in pairs]
    return pd.DataFrame({"run": file.run, "step": steps, "metric": "learning_rate", "value": values}), {}


@pytest.fixture
def steps_lr():
    fmt = register(
        Format(
            "steps_lr",
            priority=95,  # a text format, asked before csv (which takes any text)
            recognises=lambda file: file.stripped.startswith("steps: lr\n"),
            read=read_steps,
        )
    )
    yield fmt
    unregister(fmt.name)


def test_formats_are_asked_wrappers_and_refusals_first_and_csv_last():
    assert [f.name for f in formats()] == [
        "gzip",
        "pickle",
        "tensorboard",
        "not_text",
        "json_nested",
        "llamafactory",  # before trainer_state: its log of one line is one JSON object too
        "trainer_state",
        "json_value",
        "json_invalid",
        "jsonl",
        "json_list",
        "csv",
    ]


def test_a_name_or_a_priority_is_taken_once_and_a_format_reads_or_unwraps():
    with pytest.raises(ValueError, match="'csv'"):
        register(Format("csv", priority=5, recognises=bool, read=print))
    with pytest.raises(ValueError, match="'jsonl'"):
        register(Format("other", priority=80, recognises=bool, read=print))
    with pytest.raises(ValueError, match="either read or unwrap"):
        Format("both", priority=5, recognises=bool, read=print, unwrap=print)
    with pytest.raises(ValueError, match="either read or unwrap"):
        Format("neither", priority=5, recognises=bool)
    with pytest.raises(KeyError):
        unregister("nothing")


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"\xff\xfe\x00\xd8a\x00", b"\xfe\xff\xdc\x00"])
def test_a_utf16_bom_before_bytes_that_are_not_utf16_is_refused_as_an_encoding(data):
    with pytest.raises(LogError, match="not text in UTF-8, UTF-16 or GB18030"):
        read_log(data, "x.csv")


def test_without_its_format_the_file_is_no_log():
    assert "steps_lr" not in [f.name for f in formats()]  # the fixture takes it out again
    with pytest.raises(LogError, match="no column named like a step"):
        read_log(TOY, "mine.txt")


def test_a_registered_format_is_read_by_read_log_and_series_and_through_gzip(steps_lr):
    log = read_log(TOY, "mine.txt")
    assert (log.format, log.metrics) == ("steps_lr", ["learning_rate"])
    lr = series(log, "learning_rate")
    assert (lr.run, dict(zip(lr.steps, lr.values, strict=True))) == ("mine", TOY_LR)
    assert read_log(gzip.compress(TOY), "mine.txt.gz").format == "steps_lr"


def test_a_registered_format_is_read_by_the_cli(steps_lr, tmp_path, capfd):
    path = tmp_path / "mine.txt"
    path.write_bytes(TOY)
    assert main(["log", str(path)]) == 0
    out, err = capfd.readouterr()
    rows = [f"mine,{step},learning_rate,{lr},," for step, lr in TOY_LR.items()]
    assert out.splitlines() == ["run,step,metric,value,epoch,wall_time", *rows]
    assert err == ""


def test_a_registered_format_is_uploaded_on_the_schedule_page(steps_lr):
    at = app(max_steps="4", warmup_steps="2", learning_rate="0.001")
    at.checkbox(key="example").uncheck()
    at.file_uploader(key="log_files").upload("mine.txt", TOY, "text/plain").run()
    assert not at.exception and not at.error
    assert "mine.txt (steps_lr): 4 values of 1 metric" in shown(at.markdown)
    assert shown(at.success) == ["mine logged learning_rate matches at all 4 logged steps"]
