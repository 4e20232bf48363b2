from __future__ import annotations

import zlib

import pytest
from readkit import ARTICLE_HTML, gz, pages, skips, warc_record


def three_records() -> list[bytes]:
    chunked = b"6\r\nHello \r\n6\r\nchunks\r\n0\r\n\r\n"
    return [
        warc_record("https://www.example.com/a", ARTICLE_HTML, record_id="<urn:uuid:a>"),
        warc_record(
            "https://news.example.org/b",
            gz(b"<html><body><p>Gzipped body text here.</p></body></html>"),
            extra_headers=b"Content-Encoding: gzip\r\n",
            record_id="<urn:uuid:b>",
        ),
        warc_record(
            "https://example.org/c",
            chunked,
            content_type="text/plain",
            extra_headers=b"Transfer-Encoding: chunked\r\n",
            record_id="<urn:uuid:c>",
        ),
    ]


@pytest.mark.parametrize("compress", [False, True])
def test_warc_records_become_pages(tmp_path, read_all, compress):
    records = three_records()
    data = b"".join(gz(r) for r in records) if compress else b"".join(records)
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    items = read_all(path)
    assert not skips(items)
    a, b, c = pages(items)
    assert a.source == f"{path}#urn:uuid:a"
    assert (a.record_id, a.url, a.site) == (
        "<urn:uuid:a>",
        "https://www.example.com/a",
        "example.com",
    )
    assert a.captured_at == "2024-01-02T03:04:05Z"
    assert a.kind == "warc"
    assert a.html is not None and a.html.title == "Council approves new budget"
    assert b.text == "Gzipped body text here."
    assert b.site == "news.example.org"
    assert c.text == "Hello chunks"
    assert c.html is None


def test_deflate_content_encoding(tmp_path, read_all):
    body = zlib.compress(b"<html><body><p>Deflated words.</p></body></html>")
    record = warc_record(
        "https://x.example/d", body, extra_headers=b"Content-Encoding: deflate\r\n"
    )
    (tmp_path / "d.warc").write_bytes(record)
    (page,) = pages(read_all(tmp_path / "d.warc"))
    assert page.text == "Deflated words."


@pytest.mark.parametrize("cut", [40, 300])
def test_truncated_warc_yields_good_records_and_one_skip(tmp_path, read_all, cut):
    records = three_records()
    data = b"".join(records)
    keep = len(records[0]) + len(records[1]) + cut
    (tmp_path / "cut.warc").write_bytes(data[:keep])
    items = read_all(tmp_path / "cut.warc")
    assert [p.record_id for p in pages(items)] == ["<urn:uuid:a>", "<urn:uuid:b>"]
    (skip,) = skips(items)
    assert skip.reason == "bad_warc"


def test_truncated_warc_gz(tmp_path, read_all):
    data = b"".join(gz(r) for r in three_records())
    (tmp_path / "cut.warc.gz").write_bytes(data[:-30])
    items = read_all(tmp_path / "cut.warc.gz")
    assert len(pages(items)) == 2
    assert [s.reason for s in skips(items)] == ["bad_warc"]


def test_non_page_payloads_are_ignored_and_empty_archive_reported(tmp_path, read_all):
    image = warc_record("https://x.example/i.png", b"\x89PNG....", content_type="image/png")
    (tmp_path / "img.warc").write_bytes(image)
    items = read_all(tmp_path / "img.warc")
    assert not pages(items)
    assert [s.reason for s in skips(items)] == ["no_inputs"]


def test_warc_without_extension_is_sniffed(tmp_path, read_all):
    (tmp_path / "capture").write_bytes(three_records()[0])
    (page,) = pages(read_all(tmp_path / "capture"))
    assert page.record_id == "<urn:uuid:a>"
