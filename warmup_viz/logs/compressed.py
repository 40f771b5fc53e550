"""gzip, a wrapper rather than a format: the file inside is recognised and read as any other, under
the name without `.gz` (`log.tsv.gz` is read as `log.tsv`), decompressed up to a limit."""

from __future__ import annotations

import zlib

from ..messages import Note, english
from ._tables import LogError
from .formats import File, Format, register

MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024

english(
    {
        "log.gzip": "{name} is not a readable gzip file ({problem})",
        "log.gzip_bomb": "{name} decompresses to more than {limit} MB; not read",
        "log.gzip_cut": "{name} is a cut-off gzip file",
    }
)


def gunzip(file: File) -> tuple[bytes, str]:
    """The bytes and name of the file inside a gzip file."""
    out = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        result = out.decompress(file.data, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as e:
        raise LogError(Note("log.gzip", {"name": file.name, "problem": str(e)})) from None
    if len(result) > MAX_DECOMPRESSED_BYTES:
        raise LogError(Note("log.gzip_bomb", {"name": file.name, "limit": MAX_DECOMPRESSED_BYTES // 2**20}))
    if not out.eof:
        raise LogError(Note("log.gzip_cut", {"name": file.name}))
    return result, file.name.removesuffix(".gz")


register(Format("gzip", priority=0, recognises=lambda file: file.data[:2] == b"\x1f\x8b", unwrap=gunzip))
