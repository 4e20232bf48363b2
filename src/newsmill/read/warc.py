"""WARC and WARC.gz archives: one page per HTML or text response record, streamed."""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from fastwarc.stream_io import BrotliReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newsmill.model import Page, Skip
from newsmill.options import ReadOptions
from newsmill.read.errors import BadInput
from newsmill.read.html import html_page
from newsmill.read.site import site_of
from newsmill.read.text import text_page

LOGGER = logging.getLogger(__name__)

#: HTTP content types read as HTML, and as plain text; other payloads are not pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)


def _dechunk(body: bytes) -> bytes:
    """Undo HTTP chunked transfer encoding; BadInput when the chunks are cut short."""
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            raise BadInput("bad_warc", "chunked body ends inside a chunk header")
        try:
            size = int(body[pos:end].split(b";")[0].strip() or b"0", 16)
        except ValueError as e:
            raise BadInput("bad_warc", "invalid chunk size") from e
        if size == 0:
            return bytes(out)
        chunk = body[end + 2 : end + 2 + size]
        if len(chunk) < size:
            raise BadInput("bad_warc", "chunked body is truncated")
        out += chunk
        pos = end + 2 + size + 2


def _inflate(body: bytes, encoding: str) -> bytes:
    try:
        if encoding in ("gzip", "x-gzip", "deflate"):
            return zlib.decompress(body, wbits=47)  # gzip or zlib header, detected
        if encoding == "br":
            return bytes(BrotliReader(io.BytesIO(body)).read())
    except (zlib.error, OSError) as e:
        raise BadInput("bad_warc", f"cannot decode content-encoding {encoding}: {e}") from e
    return body


def http_body(record: WarcRecord, raw: bytes) -> bytes:
    """The HTTP payload with transfer and content encodings undone."""
    headers = record.http_headers
    if headers is None:
        return raw
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        raw = _dechunk(raw)
    for encoding in reversed((headers.get("Content-Encoding") or "").lower().split(",")):
        raw = _inflate(raw, encoding.strip())
    return raw


def _record_source(path: str, record: WarcRecord) -> str:
    return f"{path}#{(record.record_id or '').strip('<>')}"


def record_page(record: WarcRecord, path: str, options: ReadOptions) -> Page | Skip | None:
    """A page for an HTML/text response, a Skip for a bad one, None for other payloads."""
    source = _record_source(path, record)
    content_type = (record.http_content_type or "").lower()
    is_html = content_type.startswith(HTML_TYPES)
    if not is_html and not content_type.startswith(TEXT_TYPES):
        return None
    if record.content_length > options.max_bytes:
        return Skip(source, "too_large", f"{record.content_length} bytes")
    raw = record.reader.read()
    if len(raw) < record.content_length:
        return Skip(source, "bad_warc", "record is truncated")
    url = record.headers.get("WARC-Target-URI")
    try:
        body = http_body(record, raw)
        if not body.strip():
            raise BadInput("empty", "empty HTTP body")
        if is_html:
            page = html_page(body, source, options, url=url, charset=record.http_charset)
        else:
            page = text_page(body, source, site_of(url, path), options, url=url)
    except BadInput as bad:
        return bad.skip(source)
    page.kind = "warc"
    page.record_id = record.record_id
    page.captured_at = record.headers.get("WARC-Date")
    return page


def iter_warc(stream: BinaryIO, path: str, options: ReadOptions) -> Iterator[Page | Skip]:
    """Stream the response records; a cut or corrupt archive ends with one bad_warc Skip."""
    records = ArchiveIterator(
        stream, record_types=WarcRecordType.response, parse_http=True, auto_decode="none"
    )
    found = yielded = 0
    try:
        for record in records:
            if not record.record_id or record.http_headers is None:
                yield Skip(path, "bad_warc", f"unreadable record after {found} records")
                return
            found += 1
            result = record_page(record, path, options)
            if result is None:
                continue
            yielded += 1
            yield result
            if isinstance(result, Skip) and result.reason == "bad_warc":
                return
    except OSError as e:
        yield Skip(path, "bad_warc", f"archive unreadable after {found} records: {e}")
        return
    if yielded == 0:
        yield Skip(path, "no_inputs", f"no HTML or text responses among {found} records")
