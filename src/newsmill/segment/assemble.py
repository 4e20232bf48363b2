"""Assembling lines with roles into articles.

An article is a run of lines: an optional header (image alt text, credit, section, title,
dek, byline, dateline), body paragraphs, then closers (bio, caption, marker). A new
article starts when a header line or a lead-image credit follows body text, when body
text follows a closer, or after a "read more" marker, which also marks the article
partial. Lines that end up in no article are chrome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil import parser as date_parser

from newsmill.model import Article, Line, Page, Part
from newsmill.segment import patterns as pat

OPENERS = frozenset({"title", "dek", "image_alt"})
#: Bullets and arrows around a section label, left out of the article's `section` field.
LABEL_DECORATION = " •·|>»›-–—*#"
CLOSERS = frozenset({"bio", "caption", "marker"})
#: This many chrome lines in a row between two body runs separate two articles.
CHROME_BREAK = 2
#: Topic cohesion across one chrome line between two body runs: paragraphs compared on
#: each side, word length that counts as a content word (a language-independent stand-in
#: for stop-word lists), and the overlap below which the runs are two articles.
COHESION_SPAN = 3
CONTENT_WORD_CHARS = 5
TOPIC_CHANGE = 0.02
#: Where dateutil would take a missing date part from (by default, the day of the run).
NO_DAY = datetime(2000, 1, 1)


@dataclass(slots=True)
class _Group:
    members: list[int] = field(default_factory=list)
    has_body: bool = False
    closed: bool = False  # a closer (bio, caption) came after the body
    cut: bool = False  # a "read more" marker ended it: nothing more belongs to it
    section: str | None = None


def group_lines(lines: Sequence[Line]) -> list[list[int]]:
    """Indices of the lines of each article, in page order."""
    groups: list[_Group] = []
    current = _Group()
    chrome_run = 0
    pending_section: int | None = None
    for i, line in enumerate(lines):
        role = line.role
        if role == "chrome":
            chrome_run += 1
            continue
        if role == "section" and current.closed:
            if current.section == line.text:
                current.members.append(i)
            else:
                pending_section = i
            continue
        if role == "title" and _subheading(lines, i, current, chrome_run):
            _make_body(lines, i)
            role = "body"
        if current.members and _opens(lines, i, current, chrome_run):
            groups.append(current)
            current = _Group()
            if pending_section is not None:
                current.members.append(pending_section)
                current.section = lines[pending_section].text
        elif pending_section is not None:
            current.members.append(pending_section)
        pending_section = None
        chrome_run = 0
        current.members.append(i)
        current.has_body |= role == "body"
        current.closed |= (role in CLOSERS and current.has_body) or role == "marker"
        current.cut |= role == "marker"
        if role == "section" and current.section is None:
            current.section = line.text
    groups.append(current)
    if pending_section is not None:
        lines[pending_section].role = "chrome"
        lines[pending_section].reason = "section->chrome: no article follows"
    return [group.members for group in groups if _keep(lines, group.members)]


def _subheading(lines: Sequence[Line], i: int, current: _Group, chrome_run: int) -> bool:
    """A bare title right after body text heads a section of the same article.

    A title after a break (a closer, chrome, a marker) or with a section, byline or
    dateline of its own starts a new article; one directly under a paragraph, followed by
    paragraphs, is a subheading (what looks like a standfirst under it is then just a
    short paragraph).
    """
    if current.closed or not current.has_body or chrome_run:
        return False
    if i == 0 or lines[i - 1].role != "body":
        return False
    return bool(_run_after(lines, i))


def _run_after(lines: Sequence[Line], i: int) -> list[str]:
    """Body paragraphs right after line ``i`` (a short first one may have been taken for a
    dek); empty if another header line comes first."""
    texts: list[str] = []
    for k, line in enumerate(lines[i + 1 :]):
        continues = line.role == "body" or (k == 0 and line.role == "dek")
        if len(texts) == COHESION_SPAN or not continues:
            break
        texts.append(line.text)
    return texts


def _make_body(lines: Sequence[Line], i: int) -> None:
    """A subheading and the short paragraph after it (if taken for a dek) are body."""
    lines[i].role, lines[i].reason = "body", "title->subheading"
    if i + 1 < len(lines) and lines[i + 1].role == "dek":
        lines[i + 1].role, lines[i + 1].reason = "body", "dek->body: after a subheading"


def cohesion(before: Sequence[str], after: Sequence[str]) -> float:
    """Share of the content words after that were used before (overlap coefficient)."""
    a, b = _content_words(before), _content_words(after)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _content_words(texts: Sequence[str]) -> set[str]:
    return {
        word.lower()
        for text in texts
        for word in pat.WORD.findall(text)
        if len(word) >= CONTENT_WORD_CHARS
    }


def _opens(lines: Sequence[Line], i: int, current: _Group, chrome_run: int) -> bool:
    """Does line ``i`` start a new article rather than continue the current one?"""
    line = lines[i]
    role = line.role
    if current.cut:
        return True
    if current.closed:
        return role not in CLOSERS | {"credit"} or _credit_opens(lines, i, chrome_run)
    if not current.has_body:
        return False
    if role in OPENERS or role == "section":
        return True
    if role == "credit":
        return _credit_opens(lines, i, chrome_run)
    if role == "body" and chrome_run:
        return chrome_run >= CHROME_BREAK or _topic_changes(lines, i, current)
    return False


def _credit_opens(lines: Sequence[Line], i: int, chrome_run: int) -> bool:
    """A lead-image credit, or one set off by chrome or followed by a title, heads an
    article; other credits belong to a picture inside the current one."""
    if pat.LEAD_IMAGE.match(lines[i].text) or chrome_run:
        return True
    following = next((line.role for line in lines[i + 1 :] if line.role != "chrome"), None)
    return following in OPENERS


def _topic_changes(lines: Sequence[Line], i: int, current: _Group) -> bool:
    before = [lines[k].text for k in current.members if lines[k].role == "body"][-COHESION_SPAN:]
    after = [lines[i].text, *_run_after(lines, i)][:COHESION_SPAN]
    return cohesion(before, after) < TOPIC_CHANGE


def _keep(lines: Sequence[Line], members: list[int]) -> bool:
    """An article needs body text, or at least a title over a "read more" marker."""
    roles = {lines[i].role for i in members}
    if "body" in roles or {"title", "marker"} <= roles:
        return True
    for i in members:
        lines[i].reason = f"{lines[i].role}->chrome: no article body"
        lines[i].role = "chrome"
    return False


def build_article(page: Page, index: int, lines: Sequence[Line], members: list[int]) -> Article:
    article = Article(id=article_id(page.sha256, index), page_sha256=page.sha256, index=index)
    for i in members:
        line = lines[i]
        line.article = index
        if line.role == "caption":
            article.parts.extend(_parts(line))
        else:  # what `_parts` gives, spared the call: one part, the whole line
            article.parts.append(
                Part(line.role, line.number, line.number, line.start, line.end, line.text)
            )
    _fill(article, [lines[i] for i in members], page.captured_at)
    return article


def article_id(sha256: str, index: int) -> str:
    return f"{sha256[:12]}-{index + 1}"


def _parts(line: Line) -> list[Part]:
    """One part per line; a caption with a trailing credit becomes caption + credit."""
    whole = Part(line.role, line.number, line.number, line.start, line.end, line.text)
    if line.role != "caption":
        return [whole]
    cut = pat.credit_tail(line.text)
    if cut is None:
        return [whole]
    caption = line.text[:cut].rstrip(" ,;:-–—")
    credit = line.text[cut:].strip()
    credit_start = line.start + line.text.index(credit, cut)
    return [
        Part("caption", line.number, line.number, line.start, line.start + len(caption), caption),
        Part("credit", line.number, line.number, credit_start, credit_start + len(credit), credit),
    ]


def _fill(article: Article, lines: list[Line], captured_at: str | None) -> None:
    first: dict[str, str] = {}  # the text of the first line of each role, in one pass
    for line in lines:
        first.setdefault(line.role, line.text)
    article.title = first.get("title")
    article.dek = first.get("dek")
    section = first.get("section")
    article.section = section.strip(LABEL_DECORATION) if section else None
    article.bio = first.get("bio")
    article.partial = "marker" in first
    authors: list[str] = []
    for line in lines if "byline" in first or "bio" in first else ():
        if line.role == "byline":
            authors.extend(pat.byline_names(line.text) or [])
        elif line.role == "bio":
            name = pat.bio_name(line.text)
            authors.extend([name] if name else [])
    article.authors = list(dict.fromkeys(authors))
    dateline = first.get("dateline")
    article.published = dateline_date(dateline, captured_at) if dateline else None


def dateline_date(text: str, captured_at: str | None) -> str | None:
    """yyyy-mm-dd of the first date in a dateline, else None.

    A relative date ("3 hours ago") counts back from the page's capture time; with no
    capture time it gives None. Never the day the ingest runs: the same page must give
    the same record on any day.
    """
    match = pat.DATE.search(text)
    if match is None:
        return None
    found = match.group(0)
    if found.lower().endswith("ago"):  # the relative form of `DATE`: "<number> <unit> ago"
        captured = _timestamp(captured_at)
        if captured is None:
            return None
        count, unit = found.split()[:2]
        try:
            back = timedelta(**{unit.lower().rstrip("s") + "s": int(count)})
            return (captured - back).date().isoformat()
        except OverflowError:
            return None
    try:  # every absolute form of `DATE` names day, month and year: no part is filled in
        return date_parser.parse(found, default=NO_DAY, fuzzy=True).date().isoformat()
    except (ValueError, OverflowError):
        return None


def _timestamp(value: str | None) -> datetime | None:
    """A capture time as given by WARC-Date or a JSONL `captured_at`, else None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
