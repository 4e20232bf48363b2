"""Phrase lists kept as data files in ``vocab/``, loaded once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


@cache
def phrases(name: str) -> tuple[str, ...]:
    """The non-comment lines of ``vocab/<name>.txt``, lowercased, longest first."""
    text = (resources.files("newsmill.segment") / "vocab" / f"{name}.txt").read_text("utf-8")
    items = {
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    return tuple(sorted(items, key=lambda item: (-len(item), item)))


@cache
def alternation(name: str) -> str:
    """A regex alternation of a phrase list, spaces matching any whitespace."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases(name))
