"""The page's part of a link: page -> query parameters -> page is the identity, and the link is the
one the page has always written (its parameters, their order); bad values warn and fall back."""

from hypothesis import given, settings
from hypothesis import strategies as st

from warmup_viz import share
from warmup_viz.config import DEFAULTS, ScheduleConfig
from warmup_viz.share import View
from warmup_viz.ui import page_link, pages
from warmup_viz.ui.page_link import Page

from .test_share import configs, views

OTHER_PAGES = pages.LINK_PREFIXES


@st.composite
def page_parts(draw):
    playhead = draw(st.booleans())
    others = draw(
        st.dictionaries(
            st.sampled_from(["gallery.max_steps", "gallery.warmup_steps", "learn.warmup", "learn.kwarg.cosine.x"]),
            st.text(st.characters(codec="utf-8"), max_size=12),
            max_size=3,
        )
    )
    return Page(
        example=draw(st.booleans()),
        lang=draw(st.sampled_from(["en", "zh"])),
        present=draw(st.booleans()),
        playhead=playhead,
        playhead_step=draw(st.none() | st.integers(1, 10**9)) if playhead else None,
        others=others,
    )


@st.composite
def resumes(draw, count):
    """A checkpoint step for some compared schedules (A itself is never resumed)."""
    steps = (None, *(draw(st.none() | st.integers(1, 10**6)) for _ in range(count - 1)))
    return steps if any(s is not None for s in steps) else ()


@settings(max_examples=300, deadline=None)
@given(st.lists(configs(), min_size=1, max_size=6), views(), page_parts(), st.data())
def test_a_whole_page_round_trips_exactly(schedules, view, page, data):
    link = share.Link(tuple(schedules), view, data.draw(resumes(len(schedules))))
    params = page_link.encode(link, page)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert page_link.decode(params, OTHER_PAGES) == (link, page, [])


def test_a_page_writes_its_link_in_the_order_it_always_has():
    """Schedules, the other pages' settings, then the view's and the page's options interleaved as
    they were when one dataclass held them all (an address stays the same text)."""
    link = share.Link(
        (ScheduleConfig(max_steps=2000), ScheduleConfig(lr_scheduler_type="cosine")),
        View(
            metrics=("loss",),
            layout="overlay",
            smoothing=0.3,
            x_axis="epoch",
            log_y=("loss",),
            ignore_outliers=True,
            diff="ratio",
            logging_convention="before_4.51",
            lr_y_min=1e-6,
            lr_y_max=0.001,
        ),
        (None, 500),
    )
    page = Page(example=True, lang="zh", present=True, playhead=True, playhead_step=700, others={"learn.warmup": "0.2"})
    params = page_link.encode(link, page)
    assert list(params.items()) == [
        ("max_steps", "2000"),
        ("b.lr_scheduler_type", "cosine"),
        ("b.resume_from_checkpoint", "checkpoint-500"),
        ("learn.warmup", "0.2"),
        ("metrics", "loss"),
        ("layout", "overlay"),
        ("smoothing", "0.3"),
        ("x_axis", "epoch"),
        ("log_y", "loss"),
        ("ignore_outliers", "true"),
        ("lr_y_min", "1e-06"),
        ("lr_y_max", "0.001"),
        ("example", "true"),
        ("diff", "ratio"),
        ("lang", "zh"),
        ("present", "true"),
        ("playhead", "700"),
        ("logging_convention", "before_4.51"),
    ]
    # every option the view and the page have is in that order: a new one must be placed in it
    assert {k for k, _ in list(params.items())[4:]} == {*share.VIEW_KEYS, *page_link.PAGE_KEYS}


def test_page_links_stay_readable():
    link = share.Link(
        (ScheduleConfig(max_steps=20000), ScheduleConfig(lr_scheduler_type="cosine", max_steps=20000)),
        View(metrics=("loss", "eval_loss"), log_y=("loss",), diff="ratio"),
    )
    # a page at its defaults adds nothing to the library's link (test_share reads that link)
    assert page_link.encode(link, Page(example=False)) == share.encode_link(link)
    assert page_link.encode(share.Link(), Page()) == {}
    assert page_link.encode(share.Link((DEFAULTS, DEFAULTS)), Page(example=False)) == {"b.lr_scheduler_type": "linear"}
    assert page_link.encode(share.Link(), Page(playhead=True)) == {"playhead": "true"}
    assert page_link.encode(share.Link(), Page(playhead=True, playhead_step=500)) == {"playhead": "500"}


def test_bad_page_links_warn_by_name_and_keep_the_rest():
    link, page, warnings = page_link.decode(
        {
            "max_steps": "500",
            "b.learning_rate": "abc",
            "c.lr_scheduler_type": "cosine",
            "smoothing": "2",
            "layout": "<script>",
            "example": "maybe",
            "q": "1",
            **{f"junk{i}": "x" for i in range(20)},
        },
        OTHER_PAGES,
    )
    assert [c.max_steps for c in link.configs] == [500, 1000, 1000]
    assert link.configs[2].lr_scheduler_type == "cosine" and link.view == View()
    assert page == Page(example=False)  # (own settings)
    text = " ".join(map(str, warnings))
    for name in ("b.learning_rate", "smoothing", "layout", "example", "'q'", "and 16 more"):
        assert name in text
    assert len(warnings) == 5


def test_the_page_and_the_view_are_warned_about_in_the_links_order():
    _, page, warnings = page_link.decode({"lang": "fr", "layout": "x", "present": "maybe", "playhead": "on"})
    assert page == Page(playhead=True)
    assert list(map(str, warnings)) == [
        "lang: lang='fr' must be one of: en, zh; using the default",
        "layout: layout='x' must be one of: stacked, overlay; using the default",
        "present: present='maybe' must be true or false; using the default",
    ]


def test_links_read_booleans_by_the_same_rule_as_settings():
    for text, value in (("yes", True), ("On", True), ("1", True), ("no", False), ("off", False), ("false", False)):
        params = {"present": text, "dataloader_drop_last": text, "max_steps": "-1", "dataset_size": "100"}
        link, page, warnings = page_link.decode(params)
        assert warnings == [] and page.present is value and link.configs[0].dataloader_drop_last is value
    _, _, warnings = page_link.decode({"present": "maybe"})
    assert list(map(str, warnings)) == ["present: present='maybe' must be true or false; using the default"]


def test_a_link_opens_the_playhead_at_a_step():
    assert page_link.decode({"playhead": "500"})[1] == Page(playhead=True, playhead_step=500)
    assert page_link.decode({"playhead": " 1 "})[1] == Page(playhead=True, playhead_step=1)
    assert page_link.decode({"playhead": "0"})[1] == Page(playhead=False)
    assert page_link.decode({"playhead": "true"})[1] == Page(playhead=True)


def test_the_example_run_comes_with_the_first_visit_only_unless_a_link_asks_for_it():
    """The example run is for a first visit (a bare address, or one with no settings of its own);
    a link of one's own settings shows them alone, and says `example=true` to bring it along."""
    for params in ({}, page_link.FIRST_VISIT, {"lang": "zh"}, {"warmup_steps": "0.1", "present": "true"}):
        assert page_link.decode(params)[1].example is True, params
    for params in ({"max_steps": "2000"}, {"b.lr_scheduler_type": "cosine"}, {"lr_scheduler_type": "cosine"}):
        assert page_link.decode(params)[1].example is False, params
    assert page_link.decode({"max_steps": "2000", "example": "true"})[1].example is True
    assert page_link.decode({"max_steps": "2000", "example": "maybe"})[1].example is False  # the default
    assert page_link.decode({"example": "false"})[1].example is False
    own = share.Link((ScheduleConfig(max_steps=2000),))
    assert page_link.encode(own, Page(example=True)) == {"max_steps": "2000", "example": "true"}
    assert page_link.encode(own, Page(example=False)) == {"max_steps": "2000"}
    first = share.Link(page_link.decode(page_link.FIRST_VISIT)[0].configs)
    assert page_link.encode(first, Page(example=False)) == {"warmup_steps": "0.1", "example": "false"}
    assert page_link.encode(first, Page(example=True)) == {"warmup_steps": "0.1"}


def test_the_other_pages_settings_are_kept_for_them_only_under_their_prefixes():
    params = {"gallery.max_steps": "50", "learn.warmup": "0.2", "galleryx": "1", "max_steps": "10"}
    link, page, warnings = page_link.decode(params, OTHER_PAGES)
    assert page.others == {"gallery.max_steps": "50", "learn.warmup": "0.2"}
    assert list(map(str, warnings)) == ["ignored unknown parameters: 'galleryx'"]
    assert link.configs == (ScheduleConfig(max_steps=10),)
    _, page, warnings = page_link.decode(params)  # a page that keeps none
    assert page.others == {} and "'gallery.max_steps'" in str(warnings[0])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [*share.VIEW_KEYS, *page_link.PAGE_KEYS, "learning_rate", "b.warmup_steps", "gallery.x", "learn.", "zz"]
        ),
        st.one_of(st.text(max_size=40), st.lists(st.text(max_size=5), max_size=2)),
        max_size=8,
    )
)
def test_decoding_never_raises(params):
    link, page, warnings = page_link.decode(params, OTHER_PAGES)
    assert link.configs and page.lang in ("en", "zh")
    assert all(w.key.startswith("link.") and isinstance(str(w), str) for w in warnings)
