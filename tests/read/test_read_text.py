from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from readkit import SEEDS, pages, skips

from newsmill.options import ReadOptions
from newsmill.read import read_file
from newsmill.read.decode import decode_bytes

#: Lines (split on \n) of each seed page; the files have no trailing newline.
SEED_LINES = {
    "000_6d123157b1660c19.txt": 51,
    "001_112b11433423daaf.txt": 79,
    "004_53b6b318504ed18c.txt": 48,
}


def test_seed_pages_read_with_their_line_counts(read_all):
    found = pages(read_all(SEEDS))
    assert [Path(page.source).name for page in found] == sorted(SEED_LINES)
    for page in found:
        assert len(page.text.split("\n")) == SEED_LINES[Path(page.source).name]
        assert page.kind == "text"
        assert page.site == "pages"
        assert page.html is None
        assert not page.lossy
        assert page.sha256 == hashlib.sha256(Path(page.source).read_bytes()).hexdigest()


def test_seed_starting_with_blink_is_not_taken_for_binary(read_all):
    # `file` calls 000_... "Blink archive data": magic-number sniffing must not.
    (page,) = pages(read_all(SEEDS / "000_6d123157b1660c19.txt"))
    assert page.text.startswith("Blinken's response")


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_give_identical_text(tmp_path, read_all, newline):
    for name in SEED_LINES:
        raw = (SEEDS / name).read_bytes()
        converted = tmp_path / name
        converted.write_bytes(raw.replace(b"\n", newline))
        (original,) = pages(read_all(SEEDS / name))
        (page,) = pages(read_all(converted))
        assert page.text == original.text
        assert page.sha256 != original.sha256  # the hash is of the raw bytes


def test_bom_utf16_and_legacy_encodings(tmp_path, read_all):
    text = "Café society returns — naïve or not, the señor said.\nSecond line."
    (tmp_path / "utf16.txt").write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    (tmp_path / "bom8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "latin.txt").write_bytes(("Le café est fermé. " * 20).encode("cp1252"))
    by_name = {Path(p.source).name: p for p in pages(read_all(tmp_path))}
    assert by_name["utf16.txt"].text == text
    assert by_name["utf16.txt"].encoding == "utf-16-le"
    assert by_name["bom8.txt"].text == text
    assert by_name["latin.txt"].text.startswith("Le café est fermé.")
    assert not any(page.lossy for page in by_name.values())


def test_invalid_utf8_is_kept_lossy(tmp_path, read_all):
    raw = "Zürich talks resume — “progress” expected.\n".encode() * 5 + b"bad \xff\xfe byte\n"
    (tmp_path / "mixed.txt").write_bytes(raw)
    (page,) = pages(read_all(tmp_path / "mixed.txt"))
    assert page.lossy
    assert page.encoding == "utf-8"
    assert "Zürich" in page.text and "\ufffd" in page.text


def test_extensionless_text_file_is_read(tmp_path, read_all):
    (tmp_path / "README").write_text("Plain words in a file with no extension.\n")
    (page,) = pages(read_all(tmp_path / "README"))
    assert page.text == "Plain words in a file with no extension.\n"


def test_decode_prefers_declared_charset_over_guessing():
    raw = "Grüße aus Köln".encode("iso-8859-1")
    assert decode_bytes(raw, "iso-8859-1").text == "Grüße aus Köln"


def test_read_file_yields_one_page_per_text_file():
    items = list(read_file(str(SEEDS / "001_112b11433423daaf.txt"), ReadOptions()))
    assert len(items) == 1 and not skips(items)
