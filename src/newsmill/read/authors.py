"""Author names from JSON-LD, meta tags or a byline: split, cleaned, junk dropped.

A byline string may hold several names ("By A and B", "A, B & C", "A; B"), a prefix
("By", "Von", "Por") and junk that is no name at all ("Email the author", a URL, a job
title). Names are kept as written (case and punctuation), only trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsmill.read.titles import clean_space, key

#: Words that join two names in a byline, in the languages the corpus has most.
CONJUNCTIONS = ("and", "und", "og", "och", "en", "et", "y", "e", "i", "ve", "és", "ja")
#: Byline prefixes, matched case-insensitively at the start of a name.
PREFIXES = (
    "written by",
    "reported by",
    "posted by",
    "story by",
    "text by",
    "by",
    "von",
    "por",
    "par",
    "di",
    "door",
    "av",
    "autor",
    "autorin",
    "author",
    "text",
)
#: Whole entries that are never a name (compared case-folded, letters and digits only).
JUNK = frozenset(
    key(phrase)
    for phrase in (
        "email the author",
        "email",
        "follow",
        "follow author",
        "contact",
        "contact the author",
        "share",
        "more from author",
        "view all posts",
        "read more",
        "staff",
        "admin",
        "author",
        "editor",
        "journalist",
        "reporter",
        "correspondent",
        "contributor",
        "guest",
        "anonymous",
        "unknown",
        "none",
        "null",
    )
)
#: Job-title words: an entry made only of these ("Staff Writer", "Senior Editor") is a role.
ROLE_WORDS = frozenset(
    {
        "staff",
        "writer",
        "reporter",
        "editor",
        "correspondent",
        "contributor",
        "contributing",
        "columnist",
        "journalist",
        "senior",
        "chief",
        "deputy",
        "political",
        "news",
        "desk",
        "freelance",
        "photographer",
        "redaktion",
        "redakteur",
        "redakteurin",
    }
)
#: A name with more words than this is a sentence or a job description.
MAX_WORDS = 6

#: Conjunctions split only in lower case, so initials ("John Y. Smith") stay.
_SPLIT = re.compile(r"\s*[;,|/\n]\s*|\s+&\s+|\s+(?:" + "|".join(CONJUNCTIONS) + r")\s+")
_PREFIX = re.compile(r"^(?:" + "|".join(PREFIXES) + r")\b[\s:]*", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\.(?:com|html?)\b|\d{3,}", re.IGNORECASE)


def split_byline(byline: str) -> list[str]:
    """Names in one byline string, prefixes removed."""
    parts = _SPLIT.split(clean_space(byline))
    return [clean_name(part) for part in parts if clean_name(part)]


def clean_name(name: str) -> str:
    name = clean_space(name).strip(" .,;:-–—·|()[]\"'")
    previous = None
    while previous != name:
        previous = name
        name = _PREFIX.sub("", name).strip(" .,;:-–—·|")
    return name


def is_name(name: str) -> bool:
    """False for junk: URLs, e-mail, long phrases, known non-names, no letters."""
    if not name or key(name) in JUNK or _NOT_A_NAME.search(name):
        return False
    words = name.casefold().split()
    if len(words) > MAX_WORDS or all(word in ROLE_WORDS for word in words):
        return False
    return any(ch.isalpha() for ch in name)


def clean_authors(raw: Iterable[str], site: set[str] | None = None) -> list[str]:
    """Split, clean and de-duplicate; drop the site itself when real names remain."""
    names: list[str] = []
    seen: set[str] = set()
    for entry in raw:
        for name in split_byline(entry):
            if is_name(name) and key(name) not in seen:
                seen.add(key(name))
                names.append(name)
    if site:
        people = [name for name in names if key(name) not in site]
        if people:
            return people
    return names
