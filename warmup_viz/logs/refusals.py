"""Files refused unread: pickles, because unpickling runs code, and files that are not text."""

from __future__ import annotations

from typing import NoReturn

from ..messages import Note, english
from ..parse import looks_like_pickle
from ._tables import LogError
from .formats import File, Format, refuse, register

english(
    {
        "log.pickle": (
            "{name} looks like a pickle (training_args.bin and other torch.save files are): it is not read, "
            "because unpickling runs code. Upload the run's trainer_state.json instead."
        ),
        "log.binary": "{name} is binary data, not a training log this tool reads",
        "log.encoding": "{name} is not text in UTF-8, UTF-16 or GB18030",
    }
)


def _not_text(file: File) -> NoReturn:
    raise LogError(Note(file.not_text, {"name": file.name}))


register(
    Format(
        "pickle",
        priority=10,
        recognises=lambda file: looks_like_pickle(file.data, file.name),
        read=refuse("log.pickle"),
    )
)
# after the formats that read bytes (TensorBoard's), before those that read text
register(Format("not_text", priority=30, recognises=lambda file: not file.is_text, read=_not_text))
