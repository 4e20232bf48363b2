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

from collections.abc import Mapping, Sequence
from functools import lru_cache

import xxhash

from newsmill.model import Line
from newsmill.segment.patterns import more_words_than

_SEED = 0x6E6D  # fixed, so keys are stable across processes and runs


@lru_cache(maxsize=65536)
def _key(*texts: str) -> int:
    """Stable 64-bit key of whitespace- and case-normalised text (cached: a page's lines
    are keyed when it is stored and again when it is segmented)."""
    normalised = "\x00".join(" ".join(t.split()).lower() for t in texts)
    # signed 64-bit so it fits an SQLite INTEGER
    return xxhash.xxh64_intdigest(normalised.encode("utf-8"), seed=_SEED) - (1 << 63)


def is_short(text: str, max_words: int) -> bool:
    return not more_words_than(text, max_words)


#: How close to a short line a repeated long line must be to vouch for it.
REACH = 3
#: A short line on this many times more pages than any repeated long line near it repeats
#: on its own account, as site chrome does.
OUTNUMBER = 3


def _long_near(texts: Sequence[str], short: Sequence[bool], i: int) -> list[str]:
    lo, hi = max(0, i - REACH), i + 1 + REACH
    return [texts[j] for j in (*range(lo, i), *range(i + 1, min(hi, len(texts)))) if not short[j]]


def _short_flags(lines: Sequence[Line], max_words: int) -> tuple[list[str], list[bool]]:
    texts = [line.text for line in lines]
    return texts, [is_short(text, max_words) for text in texts]


def page_keys(lines: Sequence[Line], max_words: int) -> set[int]:
    """The repetition keys one page contributes (each counted once per page): every short
    line, and every long line with a short line within `REACH` lines of it."""
    texts, short = _short_flags(lines, max_words)
    keys = {_key(text) for text, is_short_line in zip(texts, short, strict=True) if is_short_line}
    n = len(texts)
    for j, text in enumerate(texts):
        if not short[j] and (
            any(short[max(0, j - REACH) : j]) or any(short[j + 1 : min(n, j + 1 + REACH)])
        ):
            keys.add(_key("\x01", text))
    return keys


def repeated_chrome(
    lines: Sequence[Line], counts: Mapping[int, int], max_words: int, min_pages: int
) -> list[bool]:
    """For each line: is it a short line repeated across pages outside a repeated article?"""
    texts, short = _short_flags(lines, max_words)
    flags = []
    for i, text in enumerate(texts):
        pages = counts.get(_key(text), 0) if short[i] else 0
        if pages < min_pages:
            flags.append(False)
            continue
        in_article = any(
            min_pages <= count and pages <= OUTNUMBER * count
            for count in (counts.get(_key("\x01", near), 0) for near in _long_near(texts, short, i))
        )
        flags.append(not in_article)
    return flags
