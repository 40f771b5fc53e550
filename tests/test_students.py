"""Students speaking Streamlit's protocol (bench/students.py) against a real server: the chart of
a shared link holds the exact values a stepped LambdaLR gives, a setting change redraws it, an
uploaded log is drawn, and a few students at once are all served."""

import asyncio

import pytest
import torch
from transformers import get_scheduler

from bench.students import student
from tests.browser import streamlit_server

LINK = "learning_rate=0.0003&warmup_steps=20&lr_scheduler_type=cosine"


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


def stepped(steps: int, name: str = "cosine", lr: float = 3e-4, warmup: int = 20) -> list[float]:
    """The LR each update 1..`steps` uses, read from a real LambdaLR stepped as Trainer steps it."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = get_scheduler(name, optimizer, num_warmup_steps=warmup, num_training_steps=steps)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def test_a_student_gets_the_links_exact_chart_then_the_changed_one(server):
    visit = asyncio.run(student(server, 200, 240, upload="tiny", query=LINK))
    assert visit.errors == []
    assert visit.chart.x == list(range(1, 201))
    assert visit.chart.y == stepped(200)
    assert visit.changed.x == list(range(1, 241))
    assert visit.changed.y == stepped(240)  # the link's other settings kept
    assert visit.to_upload is not None  # the uploaded log's trace was drawn


def test_five_students_at_once_are_all_served(server):
    async def class_of_five():
        return await asyncio.gather(*(student(server, 150 + i, 160 + i) for i in range(5)))

    visits = asyncio.run(class_of_five())
    assert [v.errors for v in visits] == [[]] * 5
    assert [v.changed.x[-1] for v in visits] == [160 + i for i in range(5)]
    assert [v.chart.y for v in visits] == [stepped(150 + i, "linear", 5e-5, 0) for i in range(5)]
