"""Learning site chrome across pages.

A short line that repeats on several pages of one site is site chrome (navigation, footers),
unless it is part of an article that itself repeats. To tell the two apart, a page
contributes two kinds of keys:

- the short line itself;
- the short line together with the long line that follows it.

A short line that repeats with the same following paragraph on as many pages belongs to
a repeated article (a title, a section label); one that repeats before different text, or
before other short lines, is chrome.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import xxhash

from newsmill.model import Line
from newsmill.segment.patterns import words

_SPACES = re.compile(r"\s+")
_SEED = 0x6E6D  # fixed, so keys are stable across processes and runs


def _key(*texts: str) -> int:
    normalised = "\x00".join(_SPACES.sub(" ", t).strip().lower() for t in texts)
    # signed 64-bit so it fits an SQLite INTEGER
    return xxhash.xxh64_intdigest(normalised.encode("utf-8"), seed=_SEED) - (1 << 63)


def is_short(text: str, max_words: int) -> bool:
    return len(words(text)) <= max_words


def page_keys(lines: Sequence[Line], max_words: int) -> set[int]:
    """The repetition keys one page contributes (each counted once per page)."""
    keys: set[int] = set()
    for i, line in enumerate(lines):
        if not is_short(line.text, max_words):
            continue
        keys.add(_key(line.text))
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        if following and not is_short(following, max_words):
            keys.add(_key(line.text, following))
    return keys


def repeated_chrome(
    lines: Sequence[Line], counts: Mapping[int, int], max_words: int, min_pages: int
) -> list[bool]:
    """For each line: is it a short line repeated across pages outside a repeated article?"""
    flags = []
    for i, line in enumerate(lines):
        if not is_short(line.text, max_words) or counts.get(_key(line.text), 0) < min_pages:
            flags.append(False)
            continue
        following = lines[i + 1].text if i + 1 < len(lines) else ""
        in_article = (
            bool(following)
            and not is_short(following, max_words)
            and counts.get(_key(line.text, following), 0) >= min_pages
        )
        flags.append(not in_article)
    return flags
