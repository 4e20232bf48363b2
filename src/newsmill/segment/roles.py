"""Giving every non-empty line a role.

Two passes. ``line_cues`` says what each line looks like on its own (a marker, a credit,
a bio, body-like text, a short label...). ``assign_roles`` then reads the cues in context:
a short line is a title only if an article body follows it, a label is a section only
next to a title, a short sentence is body only between body paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsmill.model import Line
from newsmill.segment import patterns as pat
from newsmill.segment.textcache import per_text

#: Cues a header may hold between a title and the body it introduces. (Image alt text
#: starts a new block, so it never sits between a title and its body.) A "label" is a
#: section-like line repeated across the site: a section in a header, chrome elsewhere.
HEADER_CUES = frozenset({"credit", "caption", "byline", "dateline", "section", "label"})
SECTION_CUES = frozenset({"section", "label"})
#: How far after a title the body must start for the title to count.
TITLE_REACH = 6
DEK_MAX_WORDS = 60
DEK_UNPUNCTUATED_WORDS = 12
TITLE_MAX_WORDS = 30
CAPTION_MAX_WORDS = 80
#: A body-like line this short, not ending in a full stop and not right after body text,
#: may still be a headline ("Why didn't he?").
BODY_TITLE_MAX_WORDS = 20
ALT_MAX_WORDS = 20
SECTION_TITLE_MIN_WORDS = 3
#: A line ending a sentence between two body paragraphs is body from this many words on.
SANDWICH_MIN_WORDS = 3
#: At most this many heading-like lines in a row inside a run of paragraphs are body.
MAX_HEADING_RUN = 2
#: Chrome phrases of one word ("Home", "Latest") only count on lines this short.
SHORT_CHROME_WORDS = 4
OPENING_QUOTES = "\"'“‘„«‹(["
LONG_CHROME_WORDS = 45
#: A list item: a bullet or a small number, then a space.
LIST_ITEM = re.compile(r"^(?:[•·▪◦‣∙*\-–—]|\d{1,2}[.)])\s")
LIST_CUES = frozenset({"short", "title", "section", "body"})
#: Cues of the lines a "read more" marker may close as a teaser, when none is body yet.
TEASER_CUES = frozenset({"short", "title", "section"})
#: A teaser line is prose from this many words on, or from 4 when it ends a sentence.
TEASER_PROSE_WORDS = 10


def line_cues(
    lines: Sequence[Line], body_scores: Sequence[float], repeated: Sequence[bool], threshold: float
) -> list[str]:
    return [
        _cue(line.text, score, again, threshold)
        for line, score, again in zip(lines, body_scores, repeated, strict=True)
    ]


def _cue(text: str, body_score: float, repeated: bool, threshold: float) -> str:
    """The first matching cue, cheapest and most specific checks first."""
    own, section_like, wire_lede, title_like = _text_cues(text)
    if own is not None:
        return own
    if repeated:
        # site chrome, unless it is a label that sits in an article's header
        return "label" if section_like else "chrome"
    if body_score >= threshold or wire_lede:
        return "body"
    if section_like:
        return "section"
    return "title" if title_like else "short"


@per_text
def _text_cues(text: str) -> tuple[str | None, bool, bool, bool]:
    """What `_cue` reads from the text alone: the cue the text decides by itself (or None),
    whether it is section-like, opens wire copy, and is title-like. Cached: lines repeat
    across pages."""
    n_words = pat.word_count(text)
    own = _own_cue(text, n_words)
    if own is not None:
        return own, False, False, False  # `_cue` reads nothing else then
    return (
        own,
        pat.is_section_like(text),
        pat.WIRE_LEDE.match(text) is not None,
        _title_like(text, n_words),
    )


def _own_cue(text: str, n_words: int) -> str | None:
    """The cue a line's text settles whatever the page says about it, if any."""
    if n_words <= pat.MARKER_MAX_WORDS and pat.is_marker(text):
        return "marker"
    if pat.is_credit(text):
        return "credit"
    if n_words <= CAPTION_MAX_WORDS and pat.credit_tail(text) is not None:
        return "caption"
    if n_words <= pat.BYLINE_MAX_WORDS and pat.byline_names(text) is not None:
        return "byline"
    if n_words <= pat.DATELINE_MAX_WORDS and pat.is_dateline(text):
        return "dateline"
    if pat.bio_name(text) is not None:
        return "bio"
    if _chrome_words(text, n_words):
        return "chrome"
    if n_words == 1 and pat.IMAGE_SLUG.match(text):
        return "image_alt"  # even repeated: an article's picture repeats with the article
    return None


def _chrome_words(text: str, n_words: int) -> bool:
    """Starts with a chrome phrase: one of several words on a line of any length up to
    `LONG_CHROME_WORDS` ("Sign up for our newsletter to ..."), a one-word phrase only on a
    short line ("Home", but not "Home prices rose ...")."""
    if n_words > LONG_CHROME_WORDS:
        return False
    phrase = pat.chrome_phrase(text)
    return phrase > 1 or (phrase == 1 and n_words <= SHORT_CHROME_WORDS)


def _title_like(text: str, n_words: int) -> bool:
    if not 2 <= n_words <= TITLE_MAX_WORDS:
        return False
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return False
    first = text.lstrip(OPENING_QUOTES)[:1]
    # capitalised, a number, or a script without case (Korean, Hindi, Chinese, Arabic...)
    return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())


def assign_roles(lines: Sequence[Line], cues: list[str]) -> None:
    """Set ``role`` and ``reason`` on every line from the cues in context."""
    roles: list[str | None] = [None] * len(lines)
    _teasers(lines, cues)
    _image_alts(lines, cues, roles)
    _titles(lines, cues, roles)
    _lists(lines, cues, roles)
    _bodies(lines, cues, roles)
    _bios(cues, roles)
    _trailing_sections(cues, roles)
    for i, line in enumerate(lines):
        role = roles[i] or _fallback(cues[i])
        line.role = role
        line.reason = line.reason or (cues[i] if role == cues[i] else f"{cues[i]}->{role}")


def _fallback(cue: str) -> str:
    if cue in {"marker", "credit", "caption", "byline", "dateline", "bio", "body"}:
        return cue
    return "chrome"


def _teasers(lines: Sequence[Line], cues: list[str]) -> None:
    """A "read more" marker closes a teaser: the prose lines right above it are body even
    when, alone between chrome lines, they did not look like body on their own."""
    for i, cue in enumerate(cues):
        if cue != "marker":
            continue
        start = i
        while start > 0 and cues[start - 1] in TEASER_CUES:
            start -= 1
        if start > 0 and cues[start - 1] == "body":
            continue  # the marker ends an article that has a body already
        for j in range(start, i):
            first_title = j == start and cues[j] == "title" and j + 1 < i
            if not first_title and _prose(lines[j].text):
                cues[j] = "body"


def _prose(text: str) -> bool:
    n_words = pat.word_count(text)
    return n_words >= TEASER_PROSE_WORDS or (n_words >= 4 and pat.ends_sentence(text))


def _image_alts(lines: Sequence[Line], cues: list[str], roles: list[str | None]) -> None:
    """A short line right before a credit, and not after body text, is the image's alt text."""
    for i, cue in enumerate(cues):
        if cue == "image_alt":
            roles[i] = "image_alt"
        elif (
            i + 1 < len(cues)
            and cues[i + 1] == "credit"
            and cue in {"title", "section", "short", "body"}
            and pat.word_count(lines[i].text) <= ALT_MAX_WORDS
            and (i == 0 or cues[i - 1] != "body")
        ):
            roles[i] = cues[i] = "image_alt"


def _titles(lines: Sequence[Line], cues: list[str], roles: list[str | None]) -> None:
    for i, cue in enumerate(cues):
        if roles[i] is not None or not _title_candidate(lines, cues, i):
            continue
        if i > 0 and roles[i - 1] == "title" and cue == "body":
            continue  # the opening paragraph right under a title, however short
        body_at = _body_follows(lines, cues, i)
        if body_at is None:
            continue
        if cue == "section" and _kicker(cues, i):
            continue  # a label above a title: handled as that title's section
        roles[i] = "title"
        _header(lines, cues, roles, i, body_at)
        if roles[body_at] is None:
            roles[body_at] = "body"  # a short opening sentence (see `_opening_sentence`)


def _title_candidate(lines: Sequence[Line], cues: list[str], i: int) -> bool:
    if cues[i] == "title":
        return True
    if cues[i] == "section":  # a label-like line heads an article only if it is not a bare label
        return pat.word_count(lines[i].text) >= SECTION_TITLE_MIN_WORDS
    if cues[i] != "body" or (i > 0 and cues[i - 1] == "body"):
        return False
    text = lines[i].text
    return pat.word_count(text) <= BODY_TITLE_MAX_WORDS and not text.endswith((".", ":", ","))


def _kicker(cues: list[str], i: int) -> bool:
    """A section label directly above a title-like line."""
    return i + 1 < len(cues) and cues[i + 1] == "title"


def _body_follows(lines: Sequence[Line], cues: list[str], i: int) -> int | None:
    """Index of the body line a title at ``i`` introduces, if one starts soon enough.

    Between them may stand header cues, a dek right under the title, and one stray short
    line ("Listen to this article", "Key points:").
    """
    stray_allowed = True
    for j in range(i + 1, min(len(cues), i + 1 + TITLE_REACH)):
        if cues[j] == "body":
            if j == i + 1 and _dek_over_body(lines, cues, j, i):
                return _next_body(cues, j)
            return j
        if cues[j] in HEADER_CUES:
            continue
        if j == i + 1 and cues[j] in {"title", "short"} and _dek_like(lines[j], lines[i]):
            if _opening_sentence(lines, cues, j):
                return j
            continue
        if stray_allowed and cues[j] in {"short", "chrome"}:
            stray_allowed = False
            continue
        return None
    return None


def _dek_over_body(lines: Sequence[Line], cues: list[str], j: int, title: int) -> bool:
    """A body-like line right under a title is its dek when the body starts after it, but
    not when it is a sentence with the next paragraph right under it: that is the opening
    paragraph (on aeb pages, seven words in eight of such "deks" were in the gold body)."""
    if not _dek_like(lines[j], lines[title]) or _next_body(cues, j) is None:
        return False
    return not _opening_sentence(lines, cues, j)


def _opening_sentence(lines: Sequence[Line], cues: list[str], j: int) -> bool:
    """A sentence right over a body paragraph."""
    return pat.ends_sentence(lines[j].text) and j + 1 < len(cues) and cues[j + 1] == "body"


def _next_body(cues: list[str], j: int) -> int | None:
    for k in range(j + 1, min(len(cues), j + 1 + TITLE_REACH)):
        if cues[k] == "body":
            return k
        if cues[k] not in HEADER_CUES:
            return None
    return None


def _dek_like(line: Line, title: Line) -> bool:
    """A standfirst: a sentence, or a line much longer than the title above it."""
    n_words = pat.word_count(line.text)
    if not 4 <= n_words <= DEK_MAX_WORDS or pat.WIRE_LEDE.match(line.text):
        return False
    if pat.ends_sentence(line.text):
        return True
    return n_words >= DEK_UNPUNCTUATED_WORDS and n_words > pat.word_count(title.text)


def _header(
    lines: Sequence[Line], cues: list[str], roles: list[str | None], title: int, body: int
) -> None:
    """Roles between a title and its body: dek, section, byline, dateline, credits."""
    if _kicker_above(cues, roles, title):
        roles[title - 1] = "section"
    for j in range(title + 1, body):
        if cues[j] in SECTION_CUES:
            roles[j] = "section"
        elif (
            j == title + 1
            and cues[j] in {"body", "title", "short"}
            and _dek_like(lines[j], lines[title])
        ):
            roles[j] = "dek"
        elif cues[j] in HEADER_CUES:
            roles[j] = cues[j]


def _kicker_above(cues: list[str], roles: list[str | None], title: int) -> bool:
    """A label right above a title, and not the last of a row of navigation labels."""
    k = title - 1
    if k < 0 or cues[k] not in SECTION_CUES or roles[k] is not None:
        return False
    return k == 0 or cues[k - 1] not in {"chrome", "label", "section", "short", "title"}


def _lists(lines: Sequence[Line], cues: list[str], roles: list[str | None]) -> None:
    """A run of list items under a paragraph is part of the body when a paragraph follows
    it, or when the paragraph above introduces it (ends with a colon)."""
    i, n = 0, len(lines)
    while i < n:
        if not _list_item(lines, cues, roles, i):
            i += 1
            continue
        end = i
        while end + 1 < n and _list_item(lines, cues, roles, end + 1):
            end += 1
        before = i > 0 and cues[i - 1] == "body" and roles[i - 1] in {None, "body"}
        after = end + 1 < n and cues[end + 1] == "body"
        if before and (after or lines[i - 1].text.endswith(":")):
            for k in range(i, end + 1):
                roles[k] = "body"
        i = end + 1


def _list_item(lines: Sequence[Line], cues: list[str], roles: list[str | None], i: int) -> bool:
    return roles[i] is None and cues[i] in LIST_CUES and LIST_ITEM.match(lines[i].text) is not None


def _bodies(lines: Sequence[Line], cues: list[str], roles: list[str | None]) -> None:
    """Body cues are body; a short sentence between two body paragraphs is body too."""
    for i, cue in enumerate(cues):
        if roles[i] is not None:
            continue
        if cue == "body" or (cue in {"short", "title", "section"} and _sandwiched(lines, cues, i)):
            roles[i] = "body"


def _sandwiched(lines: Sequence[Line], cues: list[str], i: int) -> bool:
    """Short lines inside a run of paragraphs: a short sentence, or up to two heading-like
    lines (subheadings, interview questions) under a paragraph and over the next one."""
    if i == 0 or i + 1 >= len(cues) or cues[i - 1] not in {"body", "title", "short"}:
        return False
    if cues[i + 1] == "body" and cues[i - 1] == "body":
        text = lines[i].text
        return pat.word_count(text) >= SANDWICH_MIN_WORDS and (
            pat.ends_sentence(text) or text.endswith((":", ","))
        )
    return _heading_in_run(cues, i)


def _heading_in_run(cues: list[str], i: int) -> bool:
    """Heading-like lines between paragraphs: body before the run, body after it."""
    start = i
    while start > 0 and cues[start - 1] in {"title", "short"}:
        start -= 1
    end = i
    while end + 1 < len(cues) and cues[end + 1] in {"title", "short"}:
        end += 1
    run = end - start + 1
    before = start > 0 and cues[start - 1] == "body"
    after = end + 1 < len(cues) and cues[end + 1] == "body"
    return before and after and run <= MAX_HEADING_RUN


def _trailing_sections(cues: list[str], roles: list[str | None]) -> None:
    """A label right after an article's closing caption or bio may repeat its section;
    assembly keeps it with that article or the next one, or makes it chrome."""
    for i, cue in enumerate(cues):
        if (
            cue in SECTION_CUES
            and roles[i] is None
            and i > 0
            and roles[i - 1] in {"caption", "bio"}
        ):
            roles[i] = "section"


def _bios(cues: list[str], roles: list[str | None]) -> None:
    """A bio-like line in the middle of a body run is a body paragraph about someone."""
    for i, cue in enumerate(cues):
        if cue != "bio" or roles[i] is not None:
            continue
        before = i > 0 and cues[i - 1] == "body"
        after = i + 1 < len(cues) and cues[i + 1] == "body"
        roles[i] = "body" if (before and after) or (after and not before) else "bio"
