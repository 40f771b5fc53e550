"""Start the dashboard with its heavy first uses done before the server answers anyone.

    python -m warmup_viz.ui.serve [streamlit options]     (what `make run` does)

is `streamlit run app.py [options]` in a process that has already imported torch, transformers,
plotly and the pages, built one schedule and one figure, and frozen what they loaded out of the
garbage collector's way (`warm.once()`). Streamlit runs project code only when a browser opens a
session, so under a bare `streamlit run app.py` the first visitor's run pays for all of that
(seconds); here the server's health check answers only once it is done. `streamlit run app.py`
still works: app.py then warms in the first run. `warmup-viz serve [streamlit options]` (or
`python -m warmup_viz serve`) is the same from an installed package.

The dashboard's files (app.py, pages/, examples/, .streamlit/config.toml) are at the root of a
source checkout; a wheel carries copies in warmup_viz/ui/dashboard/ (setup.py), and Streamlit reads
the config.toml beside app.py, so the installed dashboard runs with the same settings from any
directory.

`--logdir DIR` (anywhere among the options) watches the training runs under DIR on a page of their
own, as `tensorboard --logdir` does: DIR is resolved to its real path once, here, and handed to
the app in the server's environment (`LOGDIR_ENV`), where no browser can change it. Without it
the app has no runs page.
"""

from __future__ import annotations

import os
import pathlib
import sys

_PACKAGED = pathlib.Path(__file__).resolve().with_name("dashboard")
# where app.py, pages/ and examples/ are: the wheel's copies, else the source checkout's root
DASHBOARD = _PACKAGED if (_PACKAGED / "app.py").is_file() else _PACKAGED.parents[2]
APP = DASHBOARD / "app.py"
LOGDIR_ENV = "WARMUP_VIZ_LOGDIR"
LOGDIR_FLAG = "--logdir"


def logdir() -> str | None:
    """The log directory this server watches (its real path), or None."""
    return os.environ.get(LOGDIR_ENV) or None


def split_logdir(options: list[str]) -> tuple[str | None, list[str]]:
    """`--logdir DIR` (or `--logdir=DIR`) taken out of `options`: DIR as a real path (None when
    not given) and Streamlit's options. `ValueError` for a DIR missing or not a directory."""
    rest, given = [], None
    i = 0
    while i < len(options):
        option = options[i]
        if option == LOGDIR_FLAG or option.startswith(f"{LOGDIR_FLAG}="):
            if option == LOGDIR_FLAG:
                if i + 1 == len(options):
                    raise ValueError(f"{LOGDIR_FLAG} needs a directory")
                given, i = options[i + 1], i + 2
            else:
                given, i = option.split("=", 1)[1], i + 1
            continue
        rest.append(option)
        i += 1
    if given is None:
        return None, rest
    real = os.path.realpath(os.path.expanduser(given))
    if not os.path.isdir(real):
        problem = "is not a directory" if os.path.exists(real) else "does not exist"
        raise ValueError(f"{LOGDIR_FLAG} {given}: {problem}")
    return real, rest


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    from . import warm

    try:
        watched, options = split_logdir(list(sys.argv[1:] if argv is None else argv))
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if watched is None:
        os.environ.pop(LOGDIR_ENV, None)  # only --logdir turns the runs page on
    else:
        os.environ[LOGDIR_ENV] = watched
    warm.once()
    sys.argv = ["streamlit", "run", str(APP), *options]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
