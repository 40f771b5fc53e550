import os

# Nothing in the tests may reach a hub: every model is built from a config.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


import pytest  # noqa: E402  (after the environment above is set)

from .browser import chromium, streamlit_server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """A real Streamlit server of the dashboard, one per test module that asks for it."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium, one per test module that asks for it."""
    with chromium() as b:
        yield b
