"""The headline of a page: candidates from h1, JSON-LD, OpenGraph and <title>, site names cut.

Publishers decorate their <title> and og:title with the site name (" | Site", " - Site",
"：Site") and sometimes a date; the page's own h1 and the JSON-LD headline usually do not.
We strip trailing or leading segments that name the site (compared loosely, letters and
digits only) or are dates, cut any candidate that is another one plus a decoration
("Headline | Section"), then take the first candidate in CANDIDATE_ORDER.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

#: Separators publishers put between a headline and the site or section name.
SEPARATORS = re.compile(r"\s+[|\-–—·•*/~»:]\s+|\s*[｜ㅣ：|]\s*")
#: A segment that is only a date ("28.04.2023", "2023-04-28", "13/06/2023").
DATE_SEGMENT = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*$")
#: Candidate order: the title the publisher declares for sharing (og:title), then JSON-LD,
#: then the visible headline.
CANDIDATE_ORDER = ("og", "ld", "h1", "twitter", "title")
#: Longest decoration (site, section, date) one candidate may add to another.
MAX_DECORATION = 60
#: Separators strong enough that a leading segment before them is decoration, not headline.
STRONG_SEPARATORS = "|｜·•»~"
#: Site names shorter than this must match a segment exactly, never as a substring.
MIN_SUBSTRING_KEY = 4
#: Host labels that name a registry, not a site ("co" in metro.co.uk).
SECOND_LEVEL_LABELS = frozenset({"co", "com", "org", "net", "gov", "ac", "or", "ne", "go"})
#: How a decoration behind a headline starts: a separator, or a colon and a space.
_TRAILING_DECORATION = re.compile(r"\s*(?:[|｜\-–—·•*/~»]|:\s)")
#: Invisible characters that differ between copies of the same headline.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


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


def _cut_at_boundary(longer: str, shorter: str) -> bool:
    """`longer` is `shorter` plus decoration behind a separator ("T | Site", "T - Section")."""
    if longer == shorter:
        return False
    if longer.startswith(shorter):
        rest = longer[len(shorter) :]
        return len(rest) <= MAX_DECORATION and bool(_TRAILING_DECORATION.match(rest))
    if longer.endswith(shorter):
        head = longer[: -len(shorter)].rstrip()
        return len(head) <= MAX_DECORATION and bool(head) and head[-1] in STRONG_SEPARATORS
    return False


def _cross_strip(titles: list[str]) -> list[str]:
    """Cut each candidate down to another candidate it merely decorates."""
    out = []
    for title in titles:
        inner = [other for other in titles if other and _cut_at_boundary(title, other)]
        out.append(min(inner, key=len) if inner else title)
    return out


def choose_title(candidates: dict[str, str | None], keys: set[str]) -> str | None:
    """The first candidate in CANDIDATE_ORDER, after cutting site names and decorations.

    Every candidate (those outside the order too) serves as evidence of decoration.
    """
    names = [name for name in candidates if candidates[name]]
    cleaned = _cross_strip([strip_site(candidates[name] or "", keys) for name in names])
    by_name = dict(zip(names, cleaned, strict=True))
    return next((by_name[name] for name in CANDIDATE_ORDER if by_name.get(name)), None)


def single_h1(texts: Sequence[str]) -> str | None:
    """The page's headline element when it has exactly one distinct non-empty h1."""
    distinct = list(dict.fromkeys(clean_space(text) for text in texts if clean_space(text)))
    return distinct[0] if len(distinct) == 1 else None
