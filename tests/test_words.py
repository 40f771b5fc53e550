"""Everything the library says is registered by `words.english()`, whatever was imported first;
checked in a fresh interpreter, where nothing else has been imported yet."""

import json
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[1]
_PROBE = """
import importlib, json, pkgutil, sys
{first}
from warmup_viz import messages
seen = dict(messages.ENGLISH)
import warmup_viz
for module in pkgutil.walk_packages(warmup_viz.__path__, "warmup_viz."):
    if not module.name.startswith(("warmup_viz.ui", "warmup_viz.__main__")):
        importlib.import_module(module.name)
print(json.dumps({{"first": seen, "all": dict(messages.ENGLISH), "report": report}}))
"""


def registered(first: str) -> dict:
    """Run `first` in a fresh interpreter (it sets `report` to what the caller wants back), then
    import every library module. Returns `first`: the templates registered after `first`; `all`:
    those registered once every library module is imported; and `report`."""
    code = _PROBE.format(first=textwrap.dedent(first))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_english_has_every_message_of_every_module():
    found = registered("from warmup_viz import words\nreport = dict(words.english())")
    missed = set(found["all"]) - set(found["report"])
    assert found["all"] and missed == set(), "english() does not import the modules that register these"
    assert found["report"] == found["all"]


def test_the_check_sees_a_module_that_english_would_miss():
    """Without `english()`, the fresh interpreter has registered nothing: the check above would
    see a module it leaves out."""
    found = registered("import warmup_viz.messages\nreport = None")
    assert found["first"] == {} and {"link.bad", "import.pickle", "config.not_number"} <= set(found["all"])
