"""Hostile and broken input of every kind, each with its expected outcome: a clear message naming
the problem, the rest of the page working, no traceback, nothing the user entered lost, and user
text never rendered as HTML."""

import ast
import gzip
import pathlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmup_viz import share
from warmup_viz.cli import main
from warmup_viz.config import ConfigError, from_mapping
from warmup_viz.logs import LogError, read_log

from .test_app import app

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"

LINKS = [
    # (query parameters, the parameter a message must name; None: the page simply works)
    ({"max_steps": str(10**15)}, "max_steps"),
    ({"max_steps": "1e15"}, "max_steps"),
    ({"max_steps": "-3"}, "max_steps"),
    ({"max_steps": "0"}, "max_steps"),
    ({"max_steps": "1.5"}, "max_steps"),
    ({"learning_rate": "abc"}, "learning_rate"),
    ({"learning_rate": "nan"}, "learning_rate"),
    ({"learning_rate": "-inf"}, "learning_rate"),
    ({"learning_rate": "1e400"}, "learning_rate"),
    ({"learning_rate": "0"}, "learning_rate"),
    ({"warmup_steps": "inf"}, "warmup_steps"),
    ({"warmup_steps": "-1"}, "warmup_steps"),
    ({"warmup_steps": "-5000"}, "warmup_steps"),
    ({"lr_scheduler_type": "nope"}, "lr_scheduler_type"),
    ({"lr_scheduler_type": SCRIPT}, "lr_scheduler_type"),
    ({"lr_scheduler_kwargs": "{x"}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_kwargs": "[1]"}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_kwargs": "[" * 5000}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_kwargs": '{"a": {"b": {"c": 1}}}'}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_type": "cosine", "lr_scheduler_kwargs": '{"num_cycles": "' + SCRIPT + '"}'}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_type": "polynomial", "lr_scheduler_kwargs": '{"power": -5}'}, None),
    ({"lr_scheduler_type": "inverse_sqrt", "lr_scheduler_kwargs": '{"timescale": 0}'}, "lr_scheduler_kwargs"),
    ({"lr_scheduler_type": "reduce_lr_on_plateau", "lr_scheduler_kwargs": '{"factor": 5}'}, "lr_scheduler_kwargs"),
    (
        {"lr_scheduler_type": "warmup_stable_decay", "lr_scheduler_kwargs": '{"num_decay_steps": 1e300}'},
        "num_decay_steps",
    ),
    (
        {
            "lr_scheduler_type": "cosine_with_restarts",
            "lr_scheduler_kwargs": '{"num_cycles": 1e9}',
            "max_steps": str(10**12),
        },
        None,
    ),
    ({"max_steps": "-1"}, "dataset_size"),
    ({"max_steps": "-1", "dataset_size": "1e12", "num_train_epochs": "1e6"}, "num_train_epochs"),
    ({"max_steps": "-1", "dataset_size": "nan"}, "dataset_size"),
    ({"per_device_train_batch_size": "0", "max_steps": "-1", "dataset_size": "10"}, "per_device_train_batch_size"),
    ({"x" * 100_000: "1"}, "xxxx"),
    ({"learning_rate": "1" * 100_000}, "learning_rate"),
    ({f"p{i}": SCRIPT * 4 for i in range(900)}, "and 895 more"),  # ~100 KB of query string
    ({f"p{i}": "1" for i in range(2000)}, None),  # past Streamlit's own 1000-parameter limit: dropped
    ({"b.max_steps": "abc", "c.lr_scheduler_kwargs": "{"}, "b.max_steps"),
    ({"metrics": "<b>x</b>," * 1000, "log_y": SCRIPT}, None),
    ({"smoothing": "nan"}, "smoothing"),
    ({"layout": SCRIPT}, "layout"),
    ({"lang": "xx"}, "lang"),
    ({"present": "maybe"}, "present"),
    ({"diff": "-1"}, "diff"),
]


def raw_html_free(at):
    """No element renders user text as HTML: every markdown-ish element has HTML off, and the
    script tag only ever appears escaped."""
    for element in [*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.success]:
        proto = element.proto
        assert not getattr(proto, "allow_html", False), element.value[:80]
        assert SCRIPT not in element.value and "<b>x</b>" not in element.value


@pytest.mark.parametrize("params, named", LINKS, ids=lambda v: str(v)[:40] if isinstance(v, dict) else str(v))
def test_hostile_links(params, named):
    at = app(**params)
    assert not at.exception, at.exception[0].value if at.exception else ""
    messages = " ".join(e.value.replace("\\", "") for e in [*at.warning, *at.error, *at.info])
    if named:
        assert named in messages
    assert at.get("plotly_chart") or at.error or at.info  # a chart, or the reason there is none
    assert at.selectbox(key="lr_scheduler_type").value  # the sidebar works
    raw_html_free(at)


def test_a_bad_entry_stays_in_the_field_and_the_link_keeps_the_last_good_one():
    at = app(max_steps="300")
    at.text_input(key="max_steps").set_value(SCRIPT).run()
    assert not at.exception and at.text_input(key="max_steps").value == SCRIPT
    assert at.query_params["max_steps"] == "300"
    raw_html_free(at)


def event_file(tmp_path, cut=False):
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(tmp_path)) as writer:
        for step in range(1, 50):
            writer.add_scalar("train/loss", 1.0 / step, step)
    data = next(tmp_path.glob("events.out.tfevents.*")).read_bytes()
    return data[: len(data) // 2] if cut else data


FILES = [
    ("empty.csv", b"", "is empty"),
    ("one.csv", b"x", "step"),
    ("noise.bin", bytes(range(256)) * 40, "pickle|binary"),
    ("noise.csv", b"\x00\xff" * 2000, "binary"),
    ("trainer_state.json", b'{"log_history": [{"step": 1, "loss"', "cut off"),
    ("list.json", b"[1, 2]", "JSON list"),
    ("number.json", b"3.14", "single JSON value"),
    ("header.csv", b"step,loss\n", "no numeric"),
    ("words.csv", b"step,name\n1,a\n", "no numeric metric column"),
    ("wide.csv", b",".join([b"c"] * 1_000_001) + b"\n", "columns"),
    ("bomb.json.gz", None, "decompresses to more than"),
    ("<b>x</b>.csv", b"a,b\n1,2\n", "no column named like a step"),
    ("training_args.bin", b"\x80\x04K\x01.", "unpickling runs code"),
]


@pytest.mark.parametrize("name, data, fragment", FILES, ids=[f[0] for f in FILES])
def test_hostile_files_on_the_page(name, data, fragment):
    if data is None:
        data = gzip.compress(b" " * (600 * 2**20), compresslevel=9)
    at = app()
    at.file_uploader(key="log_files").upload(name, data).run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any(name in e for e in errors), errors
    assert any(re.search(fragment, e) for e in errors), errors
    assert at.get("plotly_chart") and not at.warning  # the rest works (the upload retired the example run)
    at.checkbox(key="example").check().run()
    assert any("matches at all 100" in s.value for s in at.success)
    raw_html_free(at)


def test_utf16_gbk_and_html_column_names_read(tmp_path):
    at = app()
    uploader = at.file_uploader(key="log_files")
    uploader.upload("utf16.csv", "step,loss\n1,2.5\n2,2.0\n".encode("utf-16"))
    uploader.upload("gbk.csv", "step,损失\n1,2.5\n2,2.0\n".encode("gbk"))
    uploader.upload(f"{SCRIPT}.csv", f"step,{SCRIPT}\n1,2.5\n2,2.0\n".encode())
    uploader.upload("events.out.tfevents.cut", event_file(tmp_path, cut=True)).run()
    assert not at.exception and not at.error
    assert set(at.multiselect(key="metrics").options) >= {"loss", "损失", SCRIPT}  # train/loss reads as loss
    raw_html_free(at)


CLI_CASES = [
    ["schedule", "--max_steps", str(10**15)],
    ["schedule", "--max_steps", "-3"],
    ["schedule", "--learning_rate", "nan"],
    ["schedule", "--learning_rate", "abc"],
    ["schedule", "--warmup_steps", "inf"],
    ["schedule", "--lr_scheduler_type", SCRIPT],
    ["schedule", "--lr_scheduler_kwargs", "[" * 5000],
    ["schedule", "--lr_scheduler_kwargs", "x" * 100_000],
    ["schedule", "--max_steps", "20000000"],
    ["schedule", "--lr_scheduler_type", "reduce_lr_on_plateau"],
    ["log", "/nonexistent"],
    ["check", "/nonexistent"],
    ["infer", "/nonexistent"],
    ["schedule", "--format", "xlsx"],
    ["schedule", "--bogus", "1"],
]


@pytest.mark.parametrize("argv", CLI_CASES, ids=lambda a: " ".join(a)[:40])
def test_hostile_flags_exit_2_with_one_line(argv, capfd):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors (unknown flag, bad choice) exit directly
        code = e.code
    assert code == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "name, data, fragment", [f for f in FILES if f[1] is not None], ids=[f[0] for f in FILES if f[1] is not None]
)
def test_hostile_files_on_the_command_line(tmp_path, name, data, fragment, capfd):
    path = tmp_path / "upload"
    path.write_bytes(data)
    assert main(["log", str(path)]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and re.search(fragment, err), err


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [*share.VIEW_KEYS, "learning_rate", "max_steps", "b.warmup_steps", "c.lr_scheduler_kwargs", "zz"]
        ),
        st.text(max_size=40),
        max_size=8,
    )
)
def test_link_decoding_never_raises(params):
    link, warnings = share.decode_link(params)
    assert link.configs and all(isinstance(str(w), str) for w in warnings)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "learning_rate",
                "max_steps",
                "warmup_steps",
                "warmup_ratio",
                "dataset_size",
                "num_train_epochs",
                "lr_scheduler_type",
                "lr_scheduler_kwargs",
            ]
        ),
        st.text(max_size=30),
        max_size=6,
    )
)
def test_config_parsing_only_raises_config_error(values):
    try:
        from_mapping(values)
    except ConfigError as e:
        assert str(e)


@settings(max_examples=400, deadline=None)
@given(
    st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
    st.sampled_from(["a.csv", "a.json", "a.jsonl", "a.tsv", "a.gz", "events.out.tfevents.1", "x"]),
)
def test_every_reader_only_raises_log_error(data, name):
    try:
        log = read_log(data, name)
    except LogError as e:
        assert str(e)
    else:
        assert list(log.table.columns)[:4] == ["run", "step", "metric", "value"]


def ours(path, arg) -> bool:
    """ui/chrome.py's stylesheet: the catalogue's own words (never a user's), each a quoted CSS
    string; ui/summary.py's grid: the catalogue's words and our numbers, each escaped (tested below)."""
    made = isinstance(arg, ast.Call) and ast.unparse(arg.func)
    return (path.name, made) in (("chrome.py", "_style"), ("summary.py", "grid"))


def test_the_summary_grid_escapes_every_text_in_it(monkeypatch):
    from warmup_viz import lr_schedule
    from warmup_viz.config import ScheduleConfig
    from warmup_viz.ui import summary

    monkeypatch.setattr(summary, "t", lambda key, **values: f'<img src=x onerror="alert(1)"> {key}')
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=10, max_steps=100)
    block = summary.grid(lr_schedule.summarize(config, lr_schedule.display_curve(config)))
    assert "<img" not in block and 'onerror="' not in block
    assert block.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 8 + 2  # 8 labels, 2 hovers


def test_no_pickle_eval_exec_or_raw_html_anywhere_in_the_code():
    for path in [*(ROOT / "warmup_viz").rglob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                called = ast.unparse(node.func)
                builtin = isinstance(node.func, ast.Name)
                assert not (builtin and name in ("eval", "exec", "compile", "__import__")), f"{path.name}:{node.lineno}"
                safe = any(k.arg == "weights_only" and getattr(k.value, "value", None) is True for k in node.keywords)
                # torch.load only with weights_only=True: tensors and plain containers, no code
                assert not (name in ("load", "loads") and "pickle" in called), called
                assert not (name == "load" and "torch" in called and not safe), f"{path.name}:{node.lineno}"
                assert name != "unsafe_load", f"{path.name}:{node.lineno}"
                for keyword in node.keywords:
                    assert keyword.arg != "unsafe_allow_html", f"{path.name}:{node.lineno}"
                if name == "html":  # our own constant stylesheet only, never text from a user
                    assert all(isinstance(a, ast.Name) and a.id.isupper() or ours(path, a) for a in node.args), (
                        f"{path.name}:{node.lineno}"
                    )
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.split(".")[0] in ("pickle", "dill", "cloudpickle", "marshal") for n in names), (
                    path.name
                )


STREAMLIT_CACHES = {"st.cache_data", "st.cache_resource", "streamlit.cache_data", "streamlit.cache_resource"}
STREAMLIT_CACHES |= {name.rsplit(".", 1)[1] for name in STREAMLIT_CACHES}  # from streamlit import cache_data


def unbounded_caches(source: str) -> list[str]:
    """The caches in `source` whose bound is not written down, as "line: decorator". Streamlit's
    need `max_entries` and `ttl` (not None), so a bare `@st.cache_data` is one; `lru_cache` needs
    `maxsize=` (not None); `functools.cache` has no bound, unless its function takes no arguments
    (one entry)."""
    tree = ast.parse(source)
    decorated = {
        id(d): f
        for f in ast.walk(tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        for d in f.decorator_list
    }
    found = []
    for node in ast.walk(tree):
        called = isinstance(node, ast.Call)
        if not called and id(node) not in decorated:
            continue  # a cache is a decorator, or a call (`st.cache_data(ttl=...)(f)`)
        name = ast.unparse(node.func if called else node)
        keywords = node.keywords if called else []
        given = {k.arg for k in keywords if not (isinstance(k.value, ast.Constant) and k.value.value is None)}
        if name in STREAMLIT_CACHES:
            bounded = {"max_entries", "ttl"} <= given
        elif name in ("lru_cache", "functools.lru_cache"):
            bounded = "maxsize" in given
        elif name in ("cache", "functools.cache"):
            function = decorated.get(id(node))
            arguments = function.args if function else None
            bounded = arguments is not None and not (
                arguments.posonlyargs or arguments.args or arguments.vararg or arguments.kwonlyargs or arguments.kwarg
            )
        else:
            continue
        if not bounded:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "warmup_viz").rglob("*.py")), ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_caches_are_bounded(path):
    assert unbounded_caches(path.read_text()) == []


def test_the_cache_check_sees_every_way_of_writing_a_cache():
    source = """
@st.cache_data
def a(x): ...
@st.cache_resource()
def b(x): ...
@st.cache_data(max_entries=None, ttl=3600)
def c(x): ...
@cache_data(max_entries=8)
def d(x): ...
@functools.cache
def e(x): ...
@lru_cache
def f(x): ...
@functools.lru_cache(maxsize=None)
def g(x): ...
h = st.cache_data(show_spinner=False)(print)
@st.cache_data(max_entries=8, ttl=60)
def ok1(x): ...
@streamlit.cache_resource(max_entries=1, ttl=60)
def ok2(x): ...
@lru_cache(maxsize=16)
def ok3(x): ...
@cache
def ok4(): ...
st.cache_data.clear()
"""
    assert [line.split(":")[0] for line in unbounded_caches(source)] == [str(n) for n in (2, 4, 6, 8, 10, 12, 14, 16)]


def test_config_toml_keeps_the_safety_settings():
    text = (ROOT / ".streamlit" / "config.toml").read_text()
    for line in (
        "gatherUsageStats = false",
        "enableXsrfProtection = true",
        "maxUploadSize = 200",
        'showErrorDetails = "none"',
    ):
        assert line in text
