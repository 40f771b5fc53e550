"""The teacher's lesson, end to end in a real Chromium: a class in 中文 on a 1280×720 projector
compares cosine with warmup 0 / 10 % / 30 %, plays the playhead, stops it, and shares the link;
students open it on a 1400×900 laptop and a 390×844 phone and see the same view at the same step,
every schedule on the playhead, no English prose, nothing overlapping or cut."""

import re

import pytest

from warmup_viz import lr_schedule
from warmup_viz.config import ScheduleConfig

from .browser import overlap, settle

pytestmark = pytest.mark.browser

WARMUPS = ("0", "0.1", "0.3")
CONFIGS = [ScheduleConfig(lr_scheduler_type="cosine", warmup_steps=float(w), max_steps=1000) for w in WARMUPS]

# what plotly drew in the schedule chart: the playhead's markers, its read-out, and every text box
VIEW_JS = """() => {
    const chart = document.querySelector('.st-key-lr_chart [data-testid=stPlotlyChart]');
    const plot = chart.querySelector('.js-plotly-plot');
    const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
    const texts = Array.from(chart.querySelectorAll(
        '.xtick text, .ytick text, .annotation-text, .updatemenu-button, .g-xtitle text, .g-ytitle text,'
        + ' .legendtext, .gtitle'))
        .filter(e => e.textContent.trim() && box(e).r > box(e).l);
    const labels = Array.from(chart.querySelectorAll('.slider-label'))
        .filter(e => e.textContent.trim() && getComputedStyle(e).display !== 'none');
    const notes = plot.layout.annotations || [];
    return {
        chart: box(chart),
        width: window.innerWidth,
        scroll: document.scrollingElement.scrollWidth,
        markers: plot._fullData.filter(t => t.name === 'playhead').map(t => [t.x[0], t.y[0]]),
        schedules: plot._fullData.filter(t => /^[A-F]：/.test(t.name) && t.mode === 'lines').map(t => Array.from(t.y)),
        readout: notes.length ? notes[notes.length - 1].text : '',
        active: plot.layout.sliders[0].active,
        texts: texts.map(e => ({...box(e), text: e.textContent})),
        labels: labels.map(e => ({...box(e), text: e.textContent})),
    };
}"""

# English a person could read on the slide: a word of 3+ Latin letters that is not a library's
# name (TrainingArguments' and transformers' names stay as they are in every language)
NAMES = {"cosine", "learning_rate", "warmup_steps", "max_steps", "Trainer", "transformers", "lr_scheduler_type"}


def _english(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z_]{3,}", text)
    return [w for w in words if w not in NAMES and not re.fullmatch(r"e|[A-F]", w)]


def _clashes(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlap(a, b, slack=1)]


def _view(page):
    page.wait_for_function("document.querySelector('.st-key-lr_chart .slider-rail-rect') !== null")
    settle(page)
    return page.evaluate(VIEW_JS)


def _checked(view, height):
    """The view as a person sees it: the whole chart on the screen's width, every schedule with
    its marker, no English, no text box over another."""
    assert view["scroll"] <= view["width"], "the page scrolls sideways"
    assert view["chart"]["l"] >= 0 and view["chart"]["r"] <= view["width"]
    assert len(view["markers"]) == 3 and all(x is not None for x, _ in view["markers"])
    assert _english(view["readout"]) == [], view["readout"]
    assert [t for t in view["texts"] if _english(t["text"])] == []
    assert _clashes(view["texts"]) == [] and _clashes(view["labels"]) == []
    inside = [t for t in view["texts"] if t["l"] < view["chart"]["l"] - 1 or t["r"] > view["chart"]["r"] + 1]
    assert inside == [], "a text is cut at the chart's edge"
    return view


def test_the_teachers_lesson_and_the_students_link(server, browser):
    teacher = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    teacher.on("pageerror", lambda e: errors.append(str(e)))
    teacher.goto(f"{server}/?lang=zh&lr_scheduler_type=cosine&warmup_steps=0&max_steps=1000")
    settle(teacher)
    for letter, warmup in zip("BC", WARMUPS[1:], strict=True):  # two more schedules, as the sidebar makes them
        teacher.get_by_role("button", name="与另一个调度比较").click()
        teacher.wait_for_url(f"**{letter.lower()}.lr_scheduler_type=cosine**")
        settle(teacher)
        tab = teacher.get_by_role("tab", name=letter, exact=True)
        assert tab.get_attribute("aria-selected") == "true"  # the sidebar opens on the new schedule
        field = teacher.get_by_role("tabpanel").get_by_role("textbox", name="warmup_steps", exact=True)
        field.fill(warmup)
        field.press("Enter")
        teacher.wait_for_url(f"**{letter.lower()}.warmup_steps={warmup}**")
        settle(teacher)
    teacher.get_by_text("演示模式", exact=True).click()
    teacher.wait_for_url("**present=true**")
    settle(teacher)
    teacher.get_by_text("播放头", exact=True).click()
    teacher.wait_for_url("**playhead=true**")
    view = _view(teacher)
    expected = [lr_schedule.display_curve(c).lrs for c in CONFIGS]
    assert view["schedules"] == [list(lrs) for lrs in expected]
    teacher.locator(".st-key-lr_chart .updatemenu-button").first.click()  # play…
    teacher.wait_for_function(
        "document.querySelector('.st-key-lr_chart .js-plotly-plot').layout.sliders[0].active > 5", timeout=30000
    )
    teacher.locator(".st-key-lr_chart .updatemenu-button").nth(1).click()  # …and pause
    teacher.wait_for_url(re.compile(r".*playhead=\d+.*"), timeout=30000)  # the step reaches the link
    step = int(re.search(r"playhead=(\d+)", teacher.url).group(1))
    assert 1 < step < 1000
    view = _checked(_view(teacher), 720)
    assert view["chart"]["t"] >= 0 and view["chart"]["b"] <= 720, "the chart runs below a projector's screen"
    assert view["readout"].startswith(f"第 {step:,} 步")
    for (x, y), config in zip(view["markers"], CONFIGS, strict=True):  # each schedule's own LR at that step
        assert (x, y) == (step, lr_schedule.build(config).lr(step))
    link = teacher.url
    teacher.screenshot(path="/tmp/warmup_viz_lesson_teacher.png")
    teacher.close()
    # plotly.js rejects a playing animation's promise, with no reason, when Pause interrupts it
    # (its own buttons leave it unhandled); nothing else may fail on the page
    assert [e for e in errors if e != "undefined"] == []

    for name, size in (("laptop", (1400, 900)), ("phone", (390, 844))):
        student = browser.new_page(viewport={"width": size[0], "height": size[1]})
        student.goto(link)
        if name == "phone":  # drawn again for a narrow window once the browser says it is one
            student.wait_for_function("(document.querySelector('.js-plotly-plot')?.layout?.margin?.r ?? 99) <= 20")
        seen = _checked(_view(student), size[1])
        student.wait_for_function(
            f"document.querySelector('.js-plotly-plot').layout.annotations.slice(-1)[0].text.startsWith('第 {step:,} 步')"
        )
        seen = student.evaluate(VIEW_JS)
        assert seen["schedules"] == view["schedules"], name  # the same schedules
        assert seen["markers"] == view["markers"] and seen["active"] == view["active"], name  # at the same step
        assert student.url == link, name  # and the same address: nothing the link said was changed
        student.screenshot(path=f"/tmp/warmup_viz_lesson_{name}.png", full_page=True)
        student.close()
