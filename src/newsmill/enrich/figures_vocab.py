"""The figures extractor's vocabularies, read once from the data files in ``vocab/``.

Each file is tab-separated: a kind, then one or two fields. Lines starting with ``#`` are
comments. Keeping words in data files lets a reader extend them without touching rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

VOCAB = Path(__file__).parent / "vocab"


def read_rows(name: str) -> list[list[str]]:
    rows = []
    for line in (VOCAB / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any space."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)


@dataclass(slots=True)
class FigureVocab:
    numbers: dict[str, float] = field(default_factory=dict)  # "seven" -> 7
    scales: dict[str, float] = field(default_factory=dict)  # "million" -> 1e6
    fractions: dict[str, float] = field(default_factory=dict)  # "thirds" -> 3
    vague: dict[str, float] = field(default_factory=dict)  # "thousands" -> 1000
    prefixes: dict[str, str] = field(default_factory=dict)  # "$" -> dollar
    unit_scales: dict[str, float] = field(default_factory=dict)  # after-number scale words
    short_scales: dict[str, float] = field(default_factory=dict)  # "m", "bn" against a number
    percents: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # lowercase surface -> canonical
    suffixes: dict[str, str] = field(default_factory=dict)
    cues: dict[str, list[str]] = field(default_factory=dict)  # kind -> phrases
    sources: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # lower name -> all spellings


@cache
def figure_vocab() -> FigureVocab:
    vocab = FigureVocab()
    number_tables = {
        "unit": vocab.numbers,
        "scale": vocab.scales,
        "fraction": vocab.fractions,
        "vague": vocab.vague,
    }
    for kind, word, value in read_rows("figures_numbers.txt"):
        number_tables[kind][word] = float(value)
    for kind, surface, canonical in read_rows("figures_units.txt"):
        if kind == "prefix":
            vocab.prefixes[surface] = canonical
        elif kind == "scale":
            vocab.unit_scales[surface] = float(canonical)
        elif kind == "short":
            vocab.short_scales[surface] = float(canonical)
        elif kind == "percent":
            vocab.percents[surface.lower()] = canonical
        elif kind == "unit":
            vocab.units[surface.lower()] = canonical
        elif kind == "suffix":
            vocab.suffixes[surface] = canonical
    vocab.cues = _grouped(read_rows("figures_cues.txt"))
    source_rows = [row for row in read_rows("figures_sources.txt") if row[0] != "alias"]
    vocab.sources = _grouped(source_rows)
    vocab.aliases = _aliases([row for row in read_rows("figures_sources.txt") if row[0] == "alias"])
    return vocab


def _grouped(rows: list[list[str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for kind, phrase in rows:
        grouped[kind].append(phrase)
    return dict(grouped)


def _aliases(rows: list[list[str]]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for _, canonical, alias in rows:
        groups[canonical].update({canonical, alias})
    aliases: dict[str, set[str]] = {}
    for names in groups.values():
        for name in names:
            aliases.setdefault(name.lower(), set()).update(names)
    return aliases
