"""HTML captures: a block-per-line text rendering plus the page's metadata."""

from __future__ import annotations

import hashlib
import re

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from newsmill.model import Page
from newsmill.options import ReadOptions
from newsmill.read.decode import decode_bytes
from newsmill.read.errors import BadInput
from newsmill.read.htmlmeta import html_meta
from newsmill.read.site import site_of
from newsmill.read.text import check_text

#: How far into the document a <meta charset> declaration is looked for.
CHARSET_WINDOW = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_BLANK_RUNS = re.compile(r"\n{3,}")


def declared_charset(raw: bytes) -> str | None:
    """The charset a <meta> tag near the top declares, if any."""
    match = _META_CHARSET.search(raw[:CHARSET_WINDOW])
    return match.group(1).decode("ascii") if match else None


def render(html: str) -> str:
    """Visible text, one block per line, navigation and footers kept, blank runs collapsed."""
    text = extract_plain_text(HTMLTree.parse(html), main_content=False, preserve_formatting=True)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def html_page(
    raw: bytes,
    source: str,
    options: ReadOptions,
    *,
    url: str | None = None,
    charset: str | None = None,
    kind: str = "html",
    path: str = "",
) -> Page:
    """One HTML page: BadInput when nothing readable is left after rendering."""
    decoded = decode_bytes(raw, charset or declared_charset(raw))
    text = render(decoded.text)
    if not text.strip():
        raise BadInput("no_text", "HTML renders to no visible text")
    check_text(text, options)
    meta, canonical = html_meta(decoded.text, url, fallbacks=options.html_fallbacks)
    page_url = url or canonical
    return Page(
        sha256=hashlib.sha256(raw).hexdigest(),
        source=source,
        text=text,
        kind=kind,
        site=site_of(page_url, path or source),
        url=page_url,
        encoding=decoded.encoding,
        lossy=decoded.lossy,
        html=meta,
    )
