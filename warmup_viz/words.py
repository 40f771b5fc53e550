"""Everything the library says, whichever of its modules were imported before.

Each module registers its English templates where it defines them (`messages.english`), when it is
imported. `english()` imports every module that registers any, so a catalogue built from it (the
page's, `ui/strings.py`) or checked against it holds every key, not only those of the modules that
happened to be imported first.
"""

from __future__ import annotations

from collections.abc import Mapping

from .messages import ENGLISH


def english() -> Mapping[str, str]:
    """Every English template the library registers: key -> `str.format` text."""
    # each registers its templates on import (tests/test_words.py checks that none is missing)
    from . import (  # noqa: F401
        comparison,
        config,
        ds_schedule,
        files,
        fit,
        groups,
        importer,
        logs,
        loop,
        lr_schedule,
        resume,
        run,
        run_kind,
        rundir,
        share,
        simulate,
        tools,
        verdict,
    )

    return ENGLISH
