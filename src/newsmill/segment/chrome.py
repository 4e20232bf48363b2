"""Learning site chrome across pages.

A short line that repeats on several pages of one site is site chrome (navigation, footers),
unless it is part of an article that itself repeats. To tell the two apart, a page
contributes two kinds of keys:

- each short line;
- each long line close to a short line (within ``REACH`` lines before or after).

A repeated short line close to a long line that repeats too belongs to a repeated article
(its title, dek, section label or a short paragraph); one that repeats next to varying
text, or only among other short lines, is chrome. So is one that repeats on many more
pages than the repeated article beside it (`OUTNUMBER` times): a navigation label that
happens to stand next to an article shown on a few pages.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Final

import xxhash

from newsmill.model import Line
from newsmill.segment.patterns import word_count

_SEED = 0x6E6D  # fixed, so keys are stable across processes and runs


@lru_cache(maxsize=65536)
def _key(*texts: str) -> int:
    """Stable 64-bit key of whitespace- and case-normalised text (cached: chrome lines
    repeat from page to page)."""
    normalised = b"\x00".join(map(_normalised, texts))
    # signed 64-bit so it fits an SQLite INTEGER
    return xxhash.xxh64_intdigest(normalised, seed=_SEED) - (1 << 63)


# Whitespace that str.split() splits at besides the plain space: as ASCII bytes, and as a
# pattern for any text.
_ODD_ASCII_SPACES: Final = bytes(c for c in range(128) if chr(c).isspace() and c != 32)
_OTHER_SPACE: Final = re.compile(r"[^\S ]")


def _normalised(text: str) -> bytes:
    """``" ".join(text.split()).lower()``, UTF-8 encoded. A text already spaced that way
    (no space at either end, no two in a row, no other whitespace: most lines) is only
    lower-cased, which spares making and joining its words."""
    if text[:1] != " " and text[-1:] != " " and "  " not in text:
        if text.isascii():
            raw = text.encode("ascii")
            if len(raw.translate(None, _ODD_ASCII_SPACES)) == len(raw):
                return raw.lower()
        elif _OTHER_SPACE.search(text) is None:
            return text.lower().encode("utf-8")
    return " ".join(text.split()).lower().encode("utf-8")


#: How close to a short line a repeated long line must be to vouch for it.
REACH = 3
#: A short line on this many times more pages than any repeated long line near it repeats
#: on its own account, as site chrome does.
OUTNUMBER = 3


#: Packed keys (`LineKeys.pack`): the ``max_words`` they were made with and their number of
#: lines, then a flag byte per line (1: short, 2: has a key), then a 64-bit key per line.
_PACKED_HEADER: Final = struct.Struct("<II")
_PACKED_PER_LINE: Final = 1 + array("q").itemsize
_SHORT, _KEYED = 1, 2


@dataclass(frozen=True, slots=True)
class LineKeys:
    """A page's repetition keys, line by line, computed once per page: the key of each
    short line, and of each long line with a short line within `REACH` lines (else None)."""

    short: list[bool]
    keys: list[int | None]

    def distinct(self) -> set[int]:
        """The keys the page contributes to its site's counts (each once per page)."""
        return {key for key in self.keys if key is not None}

    def pack(self, max_words: int) -> bytes:
        """These keys as bytes, kept with a pending page so that segmenting it need not
        make them again (`unpack`)."""
        flags = bytes(
            (_SHORT if is_short else 0) | (0 if key is None else _KEYED)
            for is_short, key in zip(self.short, self.keys, strict=True)
        )
        keys = array("q", [0 if key is None else key for key in self.keys])
        if sys.byteorder == "big":
            keys.byteswap()
        return _PACKED_HEADER.pack(max_words, len(flags)) + flags + keys.tobytes()

    @classmethod
    def unpack(cls, packed: bytes | None, max_words: int, lines: int) -> LineKeys | None:
        """The keys `pack` wrote, if they were made with this ``max_words`` for a page of
        this many lines; otherwise None (they are made again)."""
        size = _PACKED_HEADER.size
        if packed is None or len(packed) != size + _PACKED_PER_LINE * lines:
            return None
        if _PACKED_HEADER.unpack_from(packed) != (max_words, lines):
            return None
        flags = packed[size : size + lines]
        keys = array("q", packed[size + lines :])
        if sys.byteorder == "big":
            keys.byteswap()
        return cls(
            [bool(flag & _SHORT) for flag in flags],
            [
                key if flag & _KEYED else None
                for flag, key in zip(flags, keys.tolist(), strict=True)
            ],
        )


def line_keys(lines: Sequence[Line], max_words: int) -> LineKeys:
    texts = [line.text for line in lines]
    short = [word_count(text) <= max_words for text in texts]  # cached: role rules ask too
    # short lines before each line, to tell whether one lies within REACH of a long line
    before = [0, *accumulate(short)]
    n = len(texts)
    keys: list[int | None] = [
        _key(text)
        if is_short
        else _key("\x01", text)
        if before[min(n, j + 1 + REACH)] > before[max(0, j - REACH)]
        else None
        for j, (text, is_short) in enumerate(zip(texts, short, strict=True))
    ]
    return LineKeys(short, keys)


def page_keys(lines: Sequence[Line], max_words: int) -> set[int]:
    """The repetition keys one page contributes (each counted once per page): every short
    line, and every long line with a short line within `REACH` lines of it."""
    return line_keys(lines, max_words).distinct()


def repeated_chrome(
    lines: Sequence[Line],
    counts: Mapping[int, int],
    max_words: int,
    min_pages: int,
    keys: LineKeys | None = None,
) -> list[bool]:
    """For each line: is it a short line repeated across pages outside a repeated article?

    ``keys`` may pass in ``line_keys(lines, max_words)`` when the caller has them already.
    """
    keys = line_keys(lines, max_words) if keys is None else keys
    short, key = keys.short, keys.keys
    n = len(short)
    flags = [False] * n
    for i, (is_short, own) in enumerate(zip(short, key, strict=True)):
        pages = counts.get(own, 0) if is_short and own is not None else 0
        if pages < min_pages:
            continue
        # every long line within REACH of a short line has a key
        near = (
            key[j]
            for j in (*range(max(0, i - REACH), i), *range(i + 1, min(n, i + 1 + REACH)))
            if not short[j]
        )
        in_article = any(
            min_pages <= count and pages <= OUTNUMBER * count
            for count in (counts.get(k, 0) for k in near if k is not None)
        )
        flags[i] = not in_article
    return flags
