"""Ten browser sessions at once against one server: no errors, no cross-talk, bounded memory."""

import pytest

from .browser import rss_mb, streamlit_server
from .load import drive

pytestmark = pytest.mark.browser

SESSIONS = 10
SECONDS = 30
MEMORY_BOUND_MB = 1000  # the server after the run (torch + transformers alone take ~400 MB)


def test_ten_sessions_at_once():
    with streamlit_server() as server:
        before = rss_mb(server.pid)
        report = drive(server, SESSIONS, SECONDS)
        after = rss_mb(server.pid)
    print(f"\n{report.changes} changes in {SECONDS} s; server RSS {before:.0f} MB -> {after:.0f} MB")
    assert report.errors == []
    assert report.crosstalk == []
    assert sorted(report.per_session) == list(range(SESSIONS))  # every session changed its settings
    assert after < MEMORY_BOUND_MB
