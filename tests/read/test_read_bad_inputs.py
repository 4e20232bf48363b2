"""Every kind of bad input becomes a Skip with a reason code; nothing raises."""

from __future__ import annotations

import io
import zipfile

import pytest
from readkit import ARTICLE_HTML, gz, pages, skips

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", "A story inside an archive.")
    return buffer.getvalue()


def only_skip(items):
    assert not pages(items)
    (skip,) = skips(items)
    return skip


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\r\n\t\n", "empty"),
        ("image.png", PNG, "binary"),
        ("photo", PNG, "binary"),  # no extension: sniffed
        ("archive.zip", zip_bytes(), "binary"),
        ("nuls.txt", b"abc\x00\x00\x00def\x00" * 100, "binary"),
        ("garbage.txt", bytes(range(1, 32)) * 50, "garbage"),
        ("cut.html.gz", gz(ARTICLE_HTML)[:-12], "bad_gzip"),
        ("cut.txt.gz", gz(b"some text " * 500)[:40], "bad_gzip"),
        ("empty.html", b"<html><head><title></title></head><body></body></html>", "no_text"),
    ],
)
def test_bad_file_gives_one_skip(tmp_path, read_all, name, data, reason):
    (tmp_path / name).write_bytes(data)
    skip = only_skip(read_all(tmp_path / name))
    assert skip.reason == reason
    assert skip.source == str(tmp_path / name)
    assert skip.detail


def test_too_large_is_checked_before_reading(tmp_path, read_all):
    (tmp_path / "big.txt").write_bytes(b"word " * 400)  # 2000 bytes, one line
    skip = only_skip(read_all(tmp_path / "big.txt", max_bytes=1000))
    assert skip.reason == "too_large"
    assert "2000" in skip.detail


def test_gzip_that_inflates_past_the_limit_is_too_large(tmp_path, read_all):
    (tmp_path / "bomb.txt.gz").write_bytes(gz(b"a" * 50_000))
    assert only_skip(read_all(tmp_path / "bomb.txt.gz", max_bytes=10_000)).reason == "too_large"


def test_overlong_line_is_too_large(tmp_path, read_all):
    (tmp_path / "line.txt").write_bytes(b"x" * 5000 + b"\nshort\n")
    skip = only_skip(read_all(tmp_path / "line.txt", max_line_chars=1000))
    assert skip.reason == "too_large"
    assert "5000" in skip.detail


def test_missing_path(read_all, tmp_path):
    skip = only_skip(read_all(tmp_path / "nowhere.txt"))
    assert (skip.reason, skip.source) == ("missing", str(tmp_path / "nowhere.txt"))


def test_empty_folder_is_no_inputs(tmp_path, read_all):
    (tmp_path / "empty").mkdir()
    skip = only_skip(read_all(tmp_path / "empty"))
    assert (skip.reason, skip.source) == ("no_inputs", str(tmp_path / "empty"))


def test_folder_of_unreadable_files_reports_each_then_no_inputs(tmp_path, read_all):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.png").write_bytes(PNG)
    (folder / "b.txt").write_bytes(b"")
    items = read_all(folder)
    assert [(s.reason, s.source) for s in skips(items)] == [
        ("binary", str(folder / "a.png")),
        ("empty", str(folder / "b.txt")),
        ("no_inputs", str(folder)),
    ]


def test_one_bad_file_does_not_stop_the_run(tmp_path, read_all):
    (tmp_path / "1.txt").write_text("First good page.\n")
    (tmp_path / "2.png").write_bytes(PNG)
    (tmp_path / "3.txt.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    (tmp_path / "4.txt").write_text("Last good page.\n")
    items = read_all(tmp_path, tmp_path / "missing")
    assert [p.text for p in pages(items)] == ["First good page.\n", "Last good page.\n"]
    assert [s.reason for s in skips(items)] == ["binary", "bad_gzip", "missing"]


def test_mostly_invalid_utf8_is_not_skipped_when_it_decodes(tmp_path, read_all):
    # Latin-1 bytes are invalid UTF-8, but a legacy encoding reads them without loss.
    (tmp_path / "legacy.txt").write_bytes("Für Größe und Übermaß. ".encode("latin-1") * 10)
    (page,) = pages(read_all(tmp_path / "legacy.txt"))
    assert "Größe" in page.text and not page.lossy


def test_malformed_html_still_renders(tmp_path, read_all):
    broken = b"<html><body><div><p>Unclosed paragraph one<p>Second <b>bold <i>nested</div>"
    (tmp_path / "broken.html").write_bytes(broken + b"<p>Tail text after junk </span></td>")
    (page,) = pages(read_all(tmp_path / "broken.html"))
    assert page.kind == "html"
    assert "Unclosed paragraph one" in page.text
    assert "Tail text after junk" in page.text
