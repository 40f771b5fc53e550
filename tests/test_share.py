"""Links: config -> query parameters -> config is the identity; bad links warn and fall back."""

from hypothesis import given, settings
from hypothesis import strategies as st

from warmup_viz import registry, share
from warmup_viz.config import DEFAULTS, ConfigError, ScheduleConfig
from warmup_viz.share import View

KWARGS = {
    "linear": st.just({}),
    "cosine": st.fixed_dictionaries({}, optional={"num_cycles": st.floats(0.05, 5)}),
    "cosine_with_restarts": st.fixed_dictionaries({}, optional={"num_cycles": st.integers(1, 20)}),
    "polynomial": st.fixed_dictionaries({}, optional={"power": st.floats(0.1, 4), "lr_end": st.floats(0, 1e-9)}),
    "warmup_stable_decay": st.fixed_dictionaries(
        {"num_decay_steps": st.integers(1, 50)},
        optional={"decay_type": st.sampled_from(["linear", "cosine", "1-sqrt"]), "min_lr_ratio": st.floats(0, 1)},
    ),
    "cosine_with_min_lr": st.fixed_dictionaries({"min_lr_rate": st.floats(0, 1)}),
}


@st.composite
def configs(draw):
    name = draw(st.sampled_from(sorted(KWARGS)))
    epochs = draw(st.booleans())
    values = dict(
        learning_rate=draw(st.floats(1e-8, 10)),
        lr_scheduler_type=name,
        lr_scheduler_kwargs=draw(KWARGS[name]),
        warmup_steps=draw(st.one_of(st.floats(0, 0.99), st.integers(0, 50), st.floats(1, 50))),
    )
    if epochs:
        values.update(
            max_steps=-1,
            dataset_size=draw(st.integers(100, 10**6)),
            num_train_epochs=draw(st.floats(0.5, 10)),
            per_device_train_batch_size=draw(st.integers(1, 64)),
            gradient_accumulation_steps=draw(st.integers(1, 16)),
            world_size=draw(st.integers(1, 8)),
            dataloader_drop_last=draw(st.booleans()),
        )
    else:
        values["max_steps"] = draw(st.integers(60, 10**9))
    try:
        return ScheduleConfig(**values)
    except ConfigError:
        return DEFAULTS


@settings(max_examples=300, deadline=None)
@given(configs())
def test_link_round_trips_exactly(config):
    params = share.encode(config)
    assert all(isinstance(v, str) for v in params.values())
    decoded, warnings = share.decode(params)
    assert warnings == []
    assert decoded == config


def test_links_are_short_and_readable():
    config = ScheduleConfig(lr_scheduler_type="cosine", learning_rate=3e-4, warmup_steps=0.05, max_steps=20000)
    assert share.encode(config) == {
        "learning_rate": "0.0003",
        "lr_scheduler_type": "cosine",
        "warmup_steps": "0.05",
        "max_steps": "20000",
    }
    assert share.encode(DEFAULTS) == {}


def test_bad_link_values_warn_and_fall_back_to_defaults():
    config, warnings = share.decode(
        {
            "max_steps": "-3",
            "learning_rate": "abc",
            "lr_scheduler_type": "nope",
            "lr_scheduler_kwargs": "{x",
            "zzz": "1",
        }
    )
    assert config == DEFAULTS
    text = " ".join(map(str, warnings))
    for name in ("max_steps", "learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "'zzz'"):
        assert name in text


def test_a_bad_value_does_not_lose_the_good_ones():
    config, warnings = share.decode({"lr_scheduler_type": "cosine", "warmup_steps": "-5", "max_steps": "100"})
    assert config.lr_scheduler_type == "cosine" and config.max_steps == 100 and config.warmup_steps == 0
    assert len(warnings) == 1 and "warmup_steps" in str(warnings[0])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                *registry.scheduler_names(),
                "max_steps",
                "learning_rate",
                "warmup_steps",
                "lr_scheduler_kwargs",
                "lr_scheduler_type",
                "x",
            ]
        ),
        st.text(max_size=30),
        max_size=6,
    )
)
def test_decode_never_raises(params):
    config, warnings = share.decode(params)
    assert isinstance(config, ScheduleConfig)
    assert all(isinstance(str(w), str) and w.key.startswith("link.") for w in warnings)


METRIC_NAMES = st.text(st.characters(categories=["L", "N"], include_characters="_/-"), min_size=1, max_size=12)


@st.composite
def views(draw):
    return View(
        metrics=draw(st.none() | st.lists(METRIC_NAMES, max_size=3, unique=True).map(tuple)),
        layout=draw(st.sampled_from(["stacked", "overlay"])),
        smoothing=draw(st.floats(0, 0.99)),
        x_axis=draw(st.sampled_from(["step", "epoch"])),
        log_y=tuple(draw(st.lists(st.sampled_from(["learning_rate", "loss", "grad_norm"]), max_size=3, unique=True))),
        ignore_outliers=draw(st.booleans()),
        diff=draw(st.sampled_from(["off", "difference", "ratio"])),
        logging_convention=draw(st.sampled_from(["since_4.51", "before_4.51"])),
        **draw(lr_y_ranges()),
    )


LR_BOUNDS = st.none() | st.floats(0, 10) | st.floats(1e-300, 1e-6)


@st.composite
def lr_y_ranges(draw):
    low, high = draw(LR_BOUNDS), draw(LR_BOUNDS)
    if low is not None and high is not None and low >= high:
        low, high = (None, high) if draw(st.booleans()) else (low, None)
    return {"lr_y_min": low, "lr_y_max": high}


@settings(max_examples=200, deadline=None)
@given(st.lists(configs(), min_size=1, max_size=6), views())
def test_a_whole_link_round_trips_exactly(schedules, view):
    link = share.Link(tuple(schedules), view)
    params = share.encode_link(link)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert share.decode_link(params) == (link, [])


def test_links_stay_readable():
    link = share.Link(
        (ScheduleConfig(max_steps=20000), ScheduleConfig(lr_scheduler_type="cosine", max_steps=20000)),
        View(metrics=("loss", "eval_loss"), log_y=("loss",), diff="ratio"),
    )
    assert share.encode_link(link) == {
        "max_steps": "20000",
        "b.lr_scheduler_type": "cosine",
        "b.max_steps": "20000",
        "metrics": "loss,eval_loss",
        "log_y": "loss",
        "diff": "ratio",
    }
    assert share.encode_link(share.Link()) == {}
    assert share.encode_link(share.Link((DEFAULTS, DEFAULTS))) == {"b.lr_scheduler_type": "linear"}


def test_bad_links_warn_by_name_and_keep_the_rest():
    link, warnings = share.decode_link(
        {
            "max_steps": "500",
            "b.learning_rate": "abc",
            "c.lr_scheduler_type": "cosine",
            "smoothing": "2",
            "layout": "<script>",
            "ignore_outliers": "maybe",
            "q": "1",
            **{f"junk{i}": "x" for i in range(20)},
        }
    )
    assert [c.max_steps for c in link.configs] == [500, 1000, 1000]
    assert link.configs[2].lr_scheduler_type == "cosine" and link.view == View()
    text = " ".join(map(str, warnings))
    for name in ("b.learning_rate", "smoothing", "layout", "ignore_outliers", "'q'", "and 16 more"):
        assert name in text
    assert len(warnings) == 5


def test_links_read_booleans_by_the_same_rule_as_settings():
    for text, value in (("yes", True), ("On", True), ("1", True), ("no", False), ("off", False), ("false", False)):
        params = {"ignore_outliers": text, "dataloader_drop_last": text, "max_steps": "-1", "dataset_size": "100"}
        link, warnings = share.decode_link(params)
        assert warnings == [] and link.view.ignore_outliers is value and link.configs[0].dataloader_drop_last is value
    _, warnings = share.decode_link({"ignore_outliers": "maybe"})
    assert list(map(str, warnings)) == [
        "ignore_outliers: ignore_outliers='maybe' must be true or false; using the default"
    ]


def test_the_library_knows_no_page_parameters():
    """A page's own parameters (its language, say) are the page's: the library calls them unknown
    unless the page names them."""
    _, warnings = share.decode_link({"lang": "zh", "present": "true", "gallery.max_steps": "5"})
    assert list(map(str, warnings)) == ["ignored unknown parameters: 'lang', 'present', 'gallery.max_steps'"]


def test_a_page_gets_its_own_parameters_parsed_in_the_links_order_and_warned_about_as_the_view_is():
    page = share.PageParams({"level": int, "mode": lambda text: share.one_of("mode", text, ("a", "b"))}, ("other.",))
    params = {
        "other.x": " kept as given ",
        "mode": "c",
        "smoothing": "2",
        "level": " 3 ",
        "layout": "overlay",
        "other.y": "1",
        "zz": "1",
        "level2": "1",
    }
    link, own, warnings = share.decode_page_link(params, page)
    assert link == share.Link(view=View(layout="overlay"))
    assert list(own.items()) == [("other.x", " kept as given "), ("level", 3), ("other.y", "1")]
    assert list(map(str, warnings)) == [
        "ignored unknown parameters: 'zz', 'level2'",
        "mode: mode='c' must be one of: a, b; using the default",
        "smoothing: smoothing=2.0 must be a number from 0 to 0.99; using the default",
    ]
    link, own, warnings = share.decode_page_link({"level": "x" * (share.MAX_PARAM_CHARS + 1)}, page)
    assert own == {} and list(map(str, warnings)) == ["level is too long or not text; using the default"]


def test_the_lr_panels_y_range_travels_in_the_link_under_its_own_names():
    view = View(log_y=("learning_rate",), lr_y_min=1e-7, lr_y_max=0.0003)
    params = share.encode_link(share.Link(view=view))
    assert params == {"log_y": "learning_rate", "lr_y_min": "1e-07", "lr_y_max": "0.0003"}
    assert share.decode_link(params) == (share.Link(view=view), [])
    assert share.decode_link({"lr_y_max": "1"})[0].view.lr_y_max == 1.0


def test_a_bad_lr_y_range_is_warned_about_by_name_and_left_out():
    for params, shown, kept in (
        ({"lr_y_min": "abc"}, "lr_y_min: lr_y_min='abc' is not a number", None),
        ({"lr_y_max": "-1"}, "lr_y_max: lr_y_max=-1.0 must be a learning rate: a number, 0 or more", None),
        ({"lr_y_min": "inf"}, "lr_y_min: lr_y_min=inf must be a learning rate: a number, 0 or more", None),
        ({"lr_y_min": "0.1", "lr_y_max": "0.01"}, "lr_y_min: lr_y_min=0.1 must be below lr_y_max=0.01", 0.01),
    ):
        link, warnings = share.decode_link(params)
        assert [str(w) for w in warnings] == [f"{shown}; using the default"]
        assert link.view.lr_y_min is None and link.view.lr_y_max == kept
