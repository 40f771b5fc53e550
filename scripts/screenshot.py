"""Take the README's screenshots in Debian's Chromium (install fonts-noto-cjk and
fonts-noto-color-emoji first, so no glyph is missing): the first visit, and a 中文 presentation
at a projector's 1280×720 with the playhead on."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, settle, streamlit_server  # noqa: E402

SHOTS = [
    # (file, link, viewport): the first visit (the example run beside the first schedule)
    ("screenshot.png", "/", (1400, 1100)),
    ("presentation_zh.png", "/?lang=zh&present=1&playhead=1&warmup_steps=0.1&example=false", (1280, 720)),
]

if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(exist_ok=True)
    with streamlit_server() as url, chromium() as browser:
        for name, link, (width, height) in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url + link)
            settle(page)
            page.screenshot(path=str(out / name))
            page.close()
            print(out / name)
