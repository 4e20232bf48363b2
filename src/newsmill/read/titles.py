"""The headline of a page: candidates from h1, JSON-LD, OpenGraph and <title>, site names cut.

Publishers decorate their <title> and og:title with the site name (" | Site", " - Site",
"：Site"), sometimes a date or the byline; the page's own h1 and the JSON-LD headline
usually do not. We strip trailing or leading segments that name the site (compared
loosely, letters and digits only), a date or one of the page's authors; cut any candidate
that is another one plus a decoration ("Headline | Section", "Kicker: Headline | Section");
cut two candidates that end in the same headline behind different kickers down to that
headline; then take the first candidate in CANDIDATE_ORDER, with its quote marks as most
candidates write them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence

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
#: Words a byline segment may put before the name ("by", "written by", "von").
MAX_BYLINE_LEAD_WORDS = 2
#: A headline two candidates share behind different kickers has at least this many words.
MIN_SHARED_WORDS = 4
#: How a decoration behind a headline starts: a separator, or a colon and a space.
_TRAILING_DECORATION = re.compile(r"\s*(?:[|｜\-–—·•*/~»]|:\s)")
#: How a kicker ends before the headline: a colon, or a spaced separator ("Kicker - Head").
_KICKER_END = re.compile(r"(?::|\s[|｜\-–—·•»])\s+")
_ENDS_IN_KICKER_END = re.compile(_KICKER_END.pattern + "$")
#: Typographic quote marks, each to the plain one that meta tags often carry instead.
PLAIN_QUOTES = str.maketrans("‘’‚‛“”„‟", "''''\"\"\"\"")
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


def _names_author(segment: str, authors: Collection[str]) -> bool:
    """The segment is a byline of the page: an author's name, maybe behind "by", "von"."""
    words = segment.split()
    leads = range(min(MAX_BYLINE_LEAD_WORDS, len(words) - 1) + 1)
    return any(key(" ".join(words[lead:])) in authors for lead in leads)


def strip_site(title: str, keys: set[str], authors: Collection[str] = ()) -> str:
    """Cut leading and trailing separator-delimited segments that name the site or a date,
    and trailing ones that are the byline of one of ``authors`` (names as `key` gives them)."""
    title = clean_space(title)
    while True:
        parts = SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        if _names_site(parts[-1], keys) or _names_author(parts[-1], authors):
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
    """`longer` is `shorter` plus decoration behind a separator ("T | Site", "T - Section"),
    before a strong one ("Site | T"), or on both sides ("Kicker: T | Section")."""
    if longer == shorter or not shorter:
        return False
    if longer.startswith(shorter):
        return _is_trailing_decoration(longer[len(shorter) :])
    if longer.endswith(shorter):
        return _is_leading_decoration(longer[: -len(shorter)], STRONG_SEPARATORS)
    at = longer.find(shorter)
    return (
        at > 0
        and _is_leading_decoration(longer[:at], STRONG_SEPARATORS + ":")
        and _is_trailing_decoration(longer[at + len(shorter) :])
    )


def _is_trailing_decoration(rest: str) -> bool:
    return len(rest) <= MAX_DECORATION and bool(_TRAILING_DECORATION.match(rest))


def _is_leading_decoration(head: str, separators: str) -> bool:
    head = head.rstrip()
    return bool(head) and len(head) <= MAX_DECORATION and head[-1] in separators


def shared_headline(title: str, other: str) -> str | None:
    """The headline two candidates share behind different kickers, if any.

    "Kicker one: Headline" and "Kicker two - Headline" share "Headline" when it has at least
    MIN_SHARED_WORDS words and is longer than either kicker, and the kickers have no word in
    common: leads that share words ("Joburg has failed: H" against "Johannesburg has failed:
    H", "In 2022: Report: H" against "Report: H") are the same headline reworded or the same
    kicker, and stay.
    """
    if title == other:
        return None
    for end in _KICKER_END.finditer(title):
        tail = title[end.end() :]
        if len(tail.split()) < MIN_SHARED_WORDS:
            return None
        lead, other_lead = title[: end.start()], other[: len(other) - len(tail)]
        if (
            other.endswith(tail)
            and _ENDS_IN_KICKER_END.search(other_lead) is not None
            and not _words(lead) & _words(other_lead)
            and len(tail) > max(len(lead), len(other_lead))
        ):
            return tail
    return None


def _words(text: str) -> set[str]:
    return {word for word in map(key, text.split()) if word}


def _cross_strip(titles: list[str]) -> list[str]:
    """Cut each candidate down to another candidate it merely decorates, or to the headline
    it shares with another behind a different kicker."""
    out = []
    for title in titles:
        inner = [other for other in titles if other and _cut_at_boundary(title, other)]
        inner += [shared for other in titles if (shared := shared_headline(title, other))]
        out.append(min(inner, key=len) if inner else title)
    return out


def choose_title(
    candidates: dict[str, str | None], keys: set[str], authors: Collection[str] = ()
) -> str | None:
    """The first candidate in CANDIDATE_ORDER, after cutting site names, bylines of
    ``authors`` (as `key` gives them) and decorations.

    Every candidate (those outside the order too) serves as evidence of decoration.
    """
    names = [name for name in candidates if candidates[name]]
    stripped = [strip_site(candidates[name] or "", keys, authors) for name in names]
    by_name = dict(zip(names, _cross_strip(stripped), strict=True))
    first = next((by_name[name] for name in CANDIDATE_ORDER if by_name.get(name)), None)
    return usual_spelling(first, list(by_name.values())) if first else None


def usual_spelling(title: str, candidates: list[str]) -> str:
    """The spelling of ``title`` most candidates use where they differ from it only in quote
    marks ("'" against "’"): a meta tag often carries a plain-quote copy of the headline the
    editor typed. Ties keep ``title``."""
    plain = title.translate(PLAIN_QUOTES)
    same = [other for other in candidates if other.translate(PLAIN_QUOTES) == plain]
    return max(dict.fromkeys([title, *same]), key=same.count)


def single_h1(texts: Sequence[str]) -> str | None:
    """The page's headline element when it has exactly one distinct non-empty h1."""
    distinct = list(dict.fromkeys(clean_space(text) for text in texts if clean_space(text)))
    return distinct[0] if len(distinct) == 1 else None
