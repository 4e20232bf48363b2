"""Helpers that build small inputs (WARC records, HTML pages) for the reader tests."""

from __future__ import annotations

import gzip
from pathlib import Path

from newsmill.model import Page, Skip

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
META = Path(__file__).resolve().parent.parent / "fixtures" / "read" / "meta"

ARTICLE_HTML = b"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Council approves new budget | Town Crier</title>
<meta property="og:site_name" content="Town Crier">
<meta name="author" content="By Sam Reed">
</head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<h1>Council approves new budget</h1>
<p>The town council approved next year's budget on Monday after a debate that lasted
late into the evening and ended with a narrow vote.</p>
<p>Spending on roads and schools will rise, while the parks department faces a small
cut that several members said they regretted.</p>
<footer>Town Crier, 1 High Street</footer>
</body></html>"""


def warc_record(
    url: str,
    body: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    extra_headers: bytes = b"",
    record_id: str = "<urn:uuid:00000000-0000-0000-0000-000000000001>",
) -> bytes:
    """One WARC/1.0 response record, written by hand."""
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + content_type.encode()
        + b"\r\n"
        + extra_headers
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: {record_id}\r\nWARC-Target-URI: {url}\r\n"
        "WARC-Date: 2024-01-02T03:04:05Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def pages(items: list[Page | Skip]) -> list[Page]:
    return [item for item in items if isinstance(item, Page)]


def skips(items: list[Page | Skip]) -> list[Skip]:
    return [item for item in items if isinstance(item, Skip)]
