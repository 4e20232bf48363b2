"""Names: title stripping, name keys, and which surface forms are the same entity.

Within an article a surname refers back to the full name it shortens; across the corpus
a person is keyed by surname and kept apart from others with that surname unless the
first names agree (Jaro-Winkler, so "Antony" and "Anthony" agree, "Joe" and "Hunter" do
not). Place and organisation variants come from `vocab/places.tsv`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler
from unidecode import unidecode

from newsmill.enrich import vocab

#: First names at least this similar (Jaro-Winkler) are spelling variants of one name.
FIRST_NAME_SIMILARITY = 0.9
#: Possessive endings cut from names ("Blinken’s" is Blinken).
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
#: Name suffixes that are not surnames.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


@lru_cache(maxsize=1)
def title_pattern() -> re.Pattern[str]:
    """Titles at the start of a string, any number of them ("Former Sen.", "then-U.S.")."""
    alternatives = "|".join(
        re.escape(t).replace(r"\.", r"\.?") for t in vocab.ordered("titles.txt")
    )
    return re.compile(rf"^(?:(?:then-|former\s+)?(?:{alternatives})(?:\s+|$))+", re.IGNORECASE)


@lru_cache(maxsize=1)
def title_anywhere() -> re.Pattern[str]:
    """Multi-word titles anywhere in a text ("Secretary of State"), to drop cut entities."""
    multi = [t for t in vocab.ordered("titles.txt") if " " in t]
    alternatives = "|".join(re.escape(t) for t in multi)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def strip_title(name: str) -> tuple[str, str]:
    """Split a leading title off a name: ("Sen. Rand Paul") -> ("Sen.", "Rand Paul")."""
    match = title_pattern().match(name)
    if not match or match.end() >= len(name):
        return "", name
    return name[: match.end()].strip(), name[match.end() :].strip()


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    name = POSSESSIVE.sub("", name).strip(" ,.;:-–—\"“”'‘’()")
    return name


def fold(text: str) -> str:
    """Accent-free, lowercase, letters and spaces only: the comparison form of a name."""
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", unidecode(text).lower()).split())


@dataclass(frozen=True, slots=True)
class PersonName:
    first: str | None  # folded first name, None when only a surname is known
    last: str  # folded surname
    tokens: int


def person_name(name: str) -> PersonName:
    words = [w for w in fold(name).split() if w not in NAME_SUFFIXES]
    if not words:
        return PersonName(None, "", 0)
    first = words[0] if len(words) > 1 else None
    if first is not None and len(first) == 1 and len(words) > 2:
        first = words[1] if len(words[1]) > 1 else first
    return PersonName(first, words[-1], len(words))


def same_first(a: str | None, b: str | None) -> bool:
    """First names agree: equal, spelling variants, or an initial of the other."""
    if a is None or b is None:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return bool(JaroWinkler.similarity(a, b) >= FIRST_NAME_SIMILARITY)


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in vocab.table("places.tsv"):
        for cell in row:
            table[fold(cell)] = row[0]
    return table


def canonical_place(name: str) -> str:
    """The data table's canonical spelling of a place or body, else the cleaned name."""
    cleaned = clean_name(name)
    folded = fold(cleaned)
    if folded in _variants():
        return _variants()[folded]
    without_the = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    return _variants().get(fold(without_the), without_the)


def entity_key(name: str, type_: str) -> str:
    """What entities are looked up by: a person's surname, else the folded canonical name."""
    if type_ == "person":
        return person_name(name).last
    return fold(canonical_place(name))


def best_name(forms: Counter[str]) -> str:
    """The canonical spelling among surface forms: most frequent full form, then longest."""
    full = [form for form in forms if person_name(form).tokens > 1] or list(forms)
    return max(full, key=lambda form: (forms[form], len(form), form))


def resolve_people(names: list[str]) -> dict[str, str]:
    """Within one article, map each person's surface name to its fullest name.

    A surname (or first name) alone maps to the one full name it shortens; when two full
    names share it and their first names differ, it stays as it is.
    """
    full: dict[str, list[str]] = {}
    for name in names:
        parsed = person_name(name)
        if parsed.tokens > 1:
            full.setdefault(parsed.last, []).append(name)
    resolved: dict[str, str] = {}
    for name in names:
        parsed = person_name(name)
        candidates = full.get(parsed.last, [])
        if parsed.tokens == 1 and not candidates:
            candidates = _by_first_name(parsed.last, full)
        people = _distinct_people(candidates, parsed.first)
        resolved[name] = best_name(Counter(people[0])) if len(people) == 1 else name
    return resolved


def _by_first_name(first: str, full: dict[str, list[str]]) -> list[str]:
    return [n for forms in full.values() for n in forms if person_name(n).first == first]


def _distinct_people(forms: list[str], first: str | None) -> list[list[str]]:
    """Group full-name forms sharing a surname into people by compatible first names."""
    people: list[list[str]] = []
    for form in forms:
        parsed = person_name(form)
        if not same_first(parsed.first, first):
            continue
        for person in people:
            if same_first(person_name(person[0]).first, parsed.first):
                person.append(form)
                break
        else:
            people.append([form])
    return people
