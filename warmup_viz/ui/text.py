"""Text that may carry user input, made safe to show through Streamlit's markdown."""

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: str) -> str:
    """`text` with every markdown (and HTML) special character escaped, so it shows as typed."""
    return _MARKDOWN.sub(r"\\\1", text)
