"""Bytes to text: BOM, then strict UTF-8, then a declared charset, then charset-normalizer."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

import charset_normalizer

from newsmill.read.errors import BadInput

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: A decoded text with more than this share of replacement/control characters is garbage.
GARBAGE_RATIO = 0.2

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
#: The bytes of _CONTROL's characters below U+0080: in UTF-8 no other character has them.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_NEWLINES = re.compile(r"\r\n?")


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    lossy: bool = False


def all_bytes_but(chosen: bytes) -> bytes:
    """Every other byte value. Deleting them leaves only the ``chosen`` bytes: an empty result
    says there are none, for two thirds of the time deleting the chosen ones takes."""
    return bytes(sorted(set(range(256)) - set(chosen)))


_NOT_CONTROL_BYTES = all_bytes_but(_CONTROL_BYTES)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets mean the same on every platform."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def _bom(raw: bytes) -> tuple[str, int] | None:
    for mark, encoding in BOMS:
        if raw.startswith(mark):
            return encoding, len(mark)
    return None


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(raw: bytes) -> bool:
    """Valid multi-byte UTF-8 sequences outnumber the bytes UTF-8 cannot decode."""
    good = len(_UTF8_MULTIBYTE.findall(raw))
    bad = raw.decode("utf-8", errors="replace").count("\ufffd")
    return good > bad


def _detect(raw: bytes) -> Decoded | None:
    best = charset_normalizer.from_bytes(raw).best()
    if best is None or best.encoding is None:
        return None
    return Decoded(str(best), best.encoding)


def decode_bytes(raw: bytes, declared: str | None = None) -> Decoded:
    """Decode raw bytes; replacement characters mean `lossy`. Line endings are normalised."""
    decoded = _decode(raw, declared)
    decoded.text = normalise_newlines(decoded.text)
    if (
        decoded.text
        and not clean_utf8(raw, decoded)
        and garbage_ratio(decoded.text) > GARBAGE_RATIO
    ):
        raise BadInput("garbage", f"{garbage_ratio(decoded.text):.0%} control characters")
    return decoded


def clean_utf8(raw: bytes, decoded: Decoded) -> bool:
    """Whether ``decoded`` is ``raw`` read as UTF-8 without a replacement or control
    character: its garbage ratio is 0. Looking at the bytes costs half of counting."""
    return (
        decoded.encoding == "utf-8"  # strict UTF-8, or UTF-8 behind its BOM
        and not decoded.lossy
        and "\ufffd" not in decoded.text
        and not raw.translate(None, _NOT_CONTROL_BYTES)
    )


def _decode(raw: bytes, declared: str | None) -> Decoded:
    bom = _bom(raw)
    if bom is not None:
        encoding, skip = bom
        replaced = raw[skip:].decode(encoding, errors="replace")
        return Decoded(replaced, encoding, lossy="\ufffd" in replaced)
    text = _strict(raw, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    text = _strict(raw, declared) if declared else None
    if text is not None and declared:
        return Decoded(text, codecs.lookup(declared).name)
    if not _mostly_utf8(raw):
        detected = _detect(raw)
        if detected is not None:
            return detected
    return Decoded(raw.decode("utf-8", errors="replace"), "utf-8", lossy=True)


def garbage_ratio(text: str) -> float:
    """Share of characters that are control or replacement characters."""
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def gunzip(raw: bytes, limit: int) -> bytes:
    """Decompress every gzip member; BadInput on a corrupt or truncated stream or over `limit`."""
    out: list[bytes] = []
    size = 0
    data = raw
    while data:
        inflater = zlib.decompressobj(wbits=31)
        try:
            chunk = inflater.decompress(data, limit + 1 - size)
        except zlib.error as e:
            raise BadInput("bad_gzip", str(e)) from e
        size += len(chunk)
        out.append(chunk)
        if size > limit:
            raise BadInput("too_large", f"decompresses to more than {limit} bytes")
        if not inflater.eof:
            raise BadInput("bad_gzip", "compressed stream ends before its end marker")
        data = inflater.unused_data.lstrip(b"\x00")
    return b"".join(out)


def is_gzip(raw: bytes) -> bool:
    return raw[:2] == b"\x1f\x8b"
