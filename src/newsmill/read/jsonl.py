"""JSON Lines: one object per line with `text` or `html`, optional `url` and `captured_at`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from newsmill.model import Page, Skip
from newsmill.options import ReadOptions
from newsmill.read.errors import BadInput
from newsmill.read.html import html_page
from newsmill.read.site import site_of
from newsmill.read.text import text_page

#: Bytes read at a time when draining an over-long line.
DRAIN_CHUNK = 1 << 20


def _drain(stream: BinaryIO) -> None:
    """Skip the rest of an over-long line without holding it in memory."""
    while True:
        chunk = stream.readline(DRAIN_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _field(record: dict[str, Any], name: str) -> str | None:
    """A string field; blank strings count as present (a blank page is `empty`)."""
    value = record.get(name)
    return value if isinstance(value, str) else None


def _parse(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError
        raise BadInput("bad_json", f"not JSON: {e}") from e
    if not isinstance(record, dict):
        raise BadInput("bad_json", "not a JSON object")
    return record


def record_page(line: bytes, source: str, path: str, options: ReadOptions) -> Page:
    """One page from one JSON line; BadInput when it has neither text nor html."""
    record = _parse(line)
    url = (_field(record, "url") or "").strip() or None
    html, text = _field(record, "html"), _field(record, "text")
    if html is not None and html.strip():
        page = html_page(html.encode("utf-8"), source, options, url=url, path=path)
    elif text is not None:
        page = text_page(text.encode("utf-8"), source, site_of(url, path), options, url=url)
    else:
        raise BadInput("bad_json", "no string `text` or `html` field")
    page.kind = "jsonl"
    page.captured_at = _field(record, "captured_at") or None
    return page


def iter_jsonl(stream: BinaryIO, path: str, options: ReadOptions) -> Iterator[Page | Skip]:
    """A page per good line, a Skip (source path:LINENO) per bad one; blank lines ignored."""
    number = 0
    while line := stream.readline(options.max_bytes + 1):
        number += 1
        source = f"{path}:{number}"
        if len(line) > options.max_bytes and not line.endswith(b"\n"):
            _drain(stream)
            yield Skip(source, "too_large", f"line longer than {options.max_bytes} bytes")
            continue
        if not line.strip():
            continue
        try:
            yield record_page(line, source, path, options)
        except BadInput as bad:
            yield bad.skip(source)
