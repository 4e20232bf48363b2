"""The headline of a page: candidates from h1, JSON-LD, OpenGraph and <title>, site names cut.

Publishers decorate their <title> and og:title with the site name (" | Site", " - Site",
"：Site") and sometimes a date; the page's own h1 and the JSON-LD headline usually do not.
We strip trailing or leading segments that name the site (compared loosely, letters and
digits only) or are dates, then take the candidate most others agree with.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

#: Separators publishers put between a headline and the site or section name.
SEPARATORS = re.compile(r"\s+[|\-–—·•*/~»:]\s+|\s*[｜ㅣ：|]\s*")
#: A segment that is only a date ("28.04.2023", "2023-04-28", "13/06/2023").
DATE_SEGMENT = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*$")
#: Candidate order when agreement ties: the visible headline first, then structured data.
CANDIDATE_ORDER = ("h1", "ld", "og", "twitter", "title")
#: Site names shorter than this must match a segment exactly, never as a substring.
MIN_SUBSTRING_KEY = 4
#: Host labels that name a registry, not a site ("co" in metro.co.uk).
SECOND_LEVEL_LABELS = frozenset({"co", "com", "org", "net", "gov", "ac", "or", "ne", "go"})
#: Invisible characters that differ between copies of the same headline.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})


def clean_space(text: str | None) -> str:
    """NFC, invisible characters removed, white space collapsed."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def key(text: str) -> str:
    """Letters and digits only, case-folded: how site names are compared."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def site_keys(names: Iterable[str | None], host: str | None) -> set[str]:
    """Comparable keys for every name the site goes by, its host and host labels included."""
    keys = {key(name) for name in names if name}
    if host:
        labels = host.split(".")
        keys.add(key(host))
        keys.update(key(label) for label in labels[:-1] if label not in SECOND_LEVEL_LABELS)
    keys.discard("")
    return keys


def _names_site(segment: str, keys: set[str]) -> bool:
    seg = key(segment)
    if not seg:
        return True
    if DATE_SEGMENT.match(segment):
        return True
    return any(_matches(seg, site) for site in keys)


def _matches(segment_key: str, site: str) -> bool:
    """Equal; or the segment is part of the site name; or a short segment holds the name."""
    if segment_key == site:
        return True
    if len(segment_key) >= MIN_SUBSTRING_KEY and segment_key in site:
        return True
    return (
        len(site) >= MIN_SUBSTRING_KEY
        and site in segment_key
        and len(segment_key) <= 2 * len(site) + 4
    )


def strip_site(title: str, keys: set[str]) -> str:
    """Cut leading and trailing separator-delimited segments that name the site or a date."""
    title = clean_space(title)
    while True:
        parts = SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        if _names_site(parts[-1], keys):
            title = title[: _last_separator(title).start()].strip()
        elif _names_site(parts[0], keys):
            title = title[_first_separator(title).end() :].strip()
        else:
            return title


def _last_separator(title: str) -> re.Match[str]:
    return list(SEPARATORS.finditer(title))[-1]


def _first_separator(title: str) -> re.Match[str]:
    match = SEPARATORS.search(title)
    if match is None:  # pragma: no cover - callers split first
        raise ValueError(title)
    return match


def _agreement_key(title: str) -> str:
    return clean_space(title).translate(_QUOTES).casefold()


def choose_title(candidates: dict[str, str | None], keys: set[str]) -> str | None:
    """The cleaned candidate that most other candidates agree with; ties go by CANDIDATE_ORDER."""
    cleaned = [
        (name, strip_site(value, keys))
        for name in CANDIDATE_ORDER
        if (value := candidates.get(name)) and clean_space(value)
    ]
    cleaned = [(name, value) for name, value in cleaned if value]
    if not cleaned:
        return None
    votes = [_agreement_key(value) for _, value in cleaned]
    best = max(range(len(cleaned)), key=lambda i: (votes.count(votes[i]), -i))
    return cleaned[best][1]


def single_h1(texts: Sequence[str]) -> str | None:
    """The page's headline element when it has exactly one distinct non-empty h1."""
    distinct = list(dict.fromkeys(clean_space(text) for text in texts if clean_space(text)))
    return distinct[0] if len(distinct) == 1 else None
