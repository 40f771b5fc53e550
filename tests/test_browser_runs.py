"""`warmup-viz serve --logdir DIR` in a real Chromium while a real Trainer writes into DIR: the runs
page draws each checkpoint's new steps, with the exact LRs Trainer logged, and the verdict."""

import threading
import time

import pytest
from transformers import TrainerCallback

from warmup_viz import plan
from warmup_viz.config import from_mapping

from .browser import TIMEOUT_MS, settle, streamlit_server
from .test_trainer import run_trainer

pytestmark = [pytest.mark.browser, pytest.mark.trainer]

SETTINGS = dict(lr_scheduler_type="cosine", learning_rate=1e-3, warmup_steps=2, max_steps=8)
SAVE_STEPS = 2
GATE_SECONDS = 120  # a test that fails never leaves training waiting longer than this
TRACE_JS = """(name) => {
    const t = Array.from(document.querySelector('.js-plotly-plot')?._fullData || []).find(t => t.name === name);
    return t ? {x: Array.from(t.x), y: Array.from(t.y)} : null;
}"""


class Gate(TrainerCallback):
    """Holds training after each checkpoint until the test lets it go on; says which step it
    saved and what Trainer had logged by then."""

    def __init__(self):
        self.saved: list[tuple[int, dict[int, float]]] = []
        self.changed = threading.Condition()
        self.go_on = threading.Semaphore(0)

    def on_save(self, args, state, control, **kwargs):
        logged = {e["step"]: e["learning_rate"] for e in state.log_history if "learning_rate" in e}
        with self.changed:
            self.saved.append((state.global_step, logged))
            self.changed.notify_all()
        self.go_on.acquire(timeout=GATE_SECONDS)

    def wait_for_save(self, count: int) -> tuple[int, dict[int, float]]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.saved) >= count, timeout=GATE_SECONDS)
            return self.saved[count - 1]


@pytest.fixture
def training(tmp_path):
    """A Trainer run into DIR/hf, with its plan beside it (as ScheduleCheck writes it), held at each
    checkpoint by a `Gate`; the gate and the log directory."""
    root = tmp_path / "logdir"
    out = root / "hf"
    plan.write(str(out), plan.Plan(from_mapping(SETTINGS)))
    gate = Gate()
    failed = []

    def train():
        try:
            run_trainer(
                out,
                save_strategy="steps",
                save_steps=SAVE_STEPS,
                prepare=lambda trainer: trainer.add_callback(gate),
                **SETTINGS,
            )
        except BaseException as e:  # said by the test, not lost in the thread
            failed.append(e)

    thread = threading.Thread(target=train, daemon=True)
    thread.start()
    yield gate, root
    for _ in range(SETTINGS["max_steps"]):
        gate.go_on.release()
    thread.join(timeout=GATE_SECONDS)
    assert not failed, failed


def test_the_runs_page_follows_a_training_run_as_it_writes(training, browser):
    gate, root = training
    step, logged = gate.wait_for_save(1)
    assert step == SAVE_STEPS
    with streamlit_server("app.py", "--logdir", str(root)) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/runs")
        settle(page)
        name = "hf · logged LR"
        assert page.evaluate(TRACE_JS, name) == {"x": sorted(logged), "y": [logged[s] for s in sorted(logged)]}
        page.get_by_text(f"matches at all {SAVE_STEPS} logged steps").wait_for(timeout=TIMEOUT_MS)
        planned = page.evaluate(TRACE_JS, "hf · planned")
        assert planned["x"][-1] == SETTINGS["max_steps"]  # the whole plan, ahead of the run
        waits = []
        for count in range(2, SETTINGS["max_steps"] // SAVE_STEPS + 1):
            gate.go_on.release()  # on to the next checkpoint
            step, logged = gate.wait_for_save(count)
            written = time.monotonic()
            expected = {"x": sorted(logged), "y": [logged[s] for s in sorted(logged)]}
            page.wait_for_function(
                f"(name) => ({TRACE_JS})(name)?.x?.length === {len(logged)}", arg=name, timeout=TIMEOUT_MS
            )
            waits.append(time.monotonic() - written)
            assert page.evaluate(TRACE_JS, name) == expected  # exactly what Trainer logged
            page.get_by_text(f"matches at all {step} logged steps").wait_for(timeout=TIMEOUT_MS)
        print(f"new steps on the page after {', '.join(f'{w:.1f}' for w in waits)} s")  # measured, not asserted
        body = page.inner_text("body")
        assert "Traceback" not in body and "hf" in body
        context.close()
        assert errors == [], f"JavaScript errors on the page: {errors}"
