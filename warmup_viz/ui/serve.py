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
"""

from __future__ import annotations

import pathlib
import sys

_PACKAGED = pathlib.Path(__file__).resolve().with_name("dashboard")
# where app.py, pages/ and examples/ are: the wheel's copies, else the source checkout's root
DASHBOARD = _PACKAGED if (_PACKAGED / "app.py").is_file() else _PACKAGED.parents[2]
APP = DASHBOARD / "app.py"


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    from . import warm

    warm.once()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
