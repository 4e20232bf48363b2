"""Reading the enrichment vocabularies (data files in `enrich/vocab/`)."""

from __future__ import annotations

from functools import cache
from importlib import resources


def _rows(name: str) -> list[str]:
    text = (resources.files("newsmill.enrich") / "vocab" / name).read_text(encoding="utf-8")
    return [
        line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@cache
def words(name: str) -> frozenset[str]:
    """A one-item-per-line list, lowercased."""
    return frozenset(row.strip().lower() for row in _rows(name))


@cache
def ordered(name: str) -> tuple[str, ...]:
    """A one-item-per-line list, lowercased, longest first (for phrase matching)."""
    return tuple(sorted(words(name), key=lambda item: (-len(item), item)))


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """A tab-separated table, each row as a tuple of stripped cells."""
    return tuple(tuple(cell.strip() for cell in row.split("\t")) for row in _rows(name))


@cache
def mapping(name: str) -> dict[str, str]:
    """A two-column table as a dict from the first (lowercased) to the second column."""
    return {row[0].lower(): row[1] for row in table(name) if len(row) >= 2}
