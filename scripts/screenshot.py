"""Take the README's screenshot: the dashboard in Debian's Chromium, at a link with settings."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chart_data, chromium, streamlit_server  # noqa: E402

LINK = "/"  # the first visit: default settings and the example run beside them

if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url + LINK)
        chart_data(page)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out))
    print(out)
