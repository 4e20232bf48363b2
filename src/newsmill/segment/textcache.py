"""A bounded cache of per-line results keyed by the line's text.

Lines repeat from page to page (site chrome, copies of an article on several pages), and a
line's own features and cues depend on its text alone, so they are computed once per
distinct text while it stays in the cache. Long lines are not kept: they rarely repeat,
and a handful of them would hold far more memory than thousands of short ones.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

#: Distinct texts kept per cached function (least recently used ones go first): about
#: 10 MB for line features, 3 MB for cues on pages of long lines.
CACHE_TEXTS = 8192
#: Texts longer than this are computed every time, never kept.
CACHE_MAX_CHARS = 1000


def per_text(compute: Callable[[str], T]) -> Callable[[str], T]:
    """``compute(text)``, cached for texts up to `CACHE_MAX_CHARS` characters. ``compute``
    must depend on its argument only."""
    cached = lru_cache(maxsize=CACHE_TEXTS)(compute)

    def get(text: str) -> T:
        return cached(text) if len(text) <= CACHE_MAX_CHARS else compute(text)

    return get
