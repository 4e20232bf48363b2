"""Plain-text captures: decode, normalise line endings, check line length."""

from __future__ import annotations

import hashlib

from newsmill.model import Page
from newsmill.options import ReadOptions
from newsmill.read.decode import decode_bytes
from newsmill.read.errors import BadInput


def longest_line(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def check_text(text: str, options: ReadOptions) -> None:
    """BadInput when the text is blank or has a line over the limit."""
    if not text.strip():
        raise BadInput("empty", "only white space")
    longest = longest_line(text)
    if longest > options.max_line_chars:
        raise BadInput("too_large", f"a line of {longest} characters")


def text_page(
    raw: bytes,
    source: str,
    site: str,
    options: ReadOptions,
    *,
    kind: str = "text",
    url: str | None = None,
) -> Page:
    """One text page from raw bytes; BadInput when it is empty, garbage or too long."""
    decoded = decode_bytes(raw)
    check_text(decoded.text, options)
    return Page(
        sha256=hashlib.sha256(raw).hexdigest(),
        source=source,
        text=decoded.text,
        kind=kind,
        site=site,
        url=url,
        encoding=decoded.encoding,
        lossy=decoded.lossy,
    )
