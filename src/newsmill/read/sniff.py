"""What kind of input is this: by name first, then by its first bytes."""

from __future__ import annotations

import re
from pathlib import PurePath

#: Magic numbers of common binary formats that must never be read as text.
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP, WAV, AVI)"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "empty zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"BZh", "bzip2 stream"),
    (b"\xfd7zXZ\x00", "xz stream"),
    (b"\x28\xb5\x2f\xfd", "zstd stream"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"wOF2", "web font"),
    (b"wOFF", "web font"),
)
#: ISO base media (mp4, mov, heic, avif) carry their magic at offset 4.
FTYP = b"ftyp"
#: Share of NUL bytes in the head above which a file without a UTF-16/32 BOM is binary.
NUL_RATIO = 0.01
#: How many leading bytes sniffing looks at.
HEAD = 4096

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
TEXT_SUFFIXES = (".txt", ".text", ".md")

_HTML_HEAD = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(rb"<(?:p|div|br|span|a|h[1-6]|article|section|table|li)\b[^>]*>", re.I)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def suffix(path: str) -> str:
    """Lower-cased suffix, keeping a trailing .gz with the suffix before it."""
    parts = PurePath(path).suffixes
    if not parts:
        return ""
    if parts[-1].lower() == ".gz" and len(parts) > 1:
        return (parts[-2] + parts[-1]).lower()
    return parts[-1].lower()


def kind_by_name(path: str, html_extensions: tuple[str, ...]) -> str | None:
    """'warc', 'jsonl', 'html', 'text', or None when the name says nothing."""
    end = suffix(path)
    if end in WARC_SUFFIXES:
        return "warc"
    if end in JSONL_SUFFIXES:
        return "jsonl"
    bare = end.removesuffix(".gz")
    if bare in html_extensions:
        return "html"
    if bare in TEXT_SUFFIXES:
        return "text"
    return None


def binary_kind(head: bytes) -> str | None:
    """A description of the binary format `head` starts with, or None if it may be text."""
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            return what
    if head[4:8] == FTYP:
        return "ISO media (mp4, mov, heic)"
    if head.startswith(_UTF16_32_BOMS):
        return None
    sample = head[:HEAD]
    if sample and sample.count(0) / len(sample) > NUL_RATIO:
        return "NUL bytes"
    return None


def looks_like_warc(head: bytes) -> bool:
    return head.startswith(b"WARC/")


def looks_like_html(head: bytes) -> bool:
    """Starts like an HTML document, or is dense with common block tags."""
    sample = head[:HEAD].lstrip(b"\xef\xbb\xbf")
    if _HTML_HEAD.match(sample):
        return True
    return len(_HTML_TAGS.findall(sample)) >= 3
