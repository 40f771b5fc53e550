"""Take the README's screenshot: the dashboard in Debian's Chromium, at a link with settings."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chart_data, chromium, streamlit_server  # noqa: E402

LINK = "/?lr_scheduler_type=cosine_with_restarts&learning_rate=0.0003&warmup_steps=0.05&max_steps=20000&lr_scheduler_kwargs=%7B%22num_cycles%22%3A3%7D"

if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + LINK)
        chart_data(page)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out))
    print(out)
