"""Pages that came from HTML: the extractor's main text and metadata.

On a single-article page the extractor (trafilatura) knows which text is the article; the
segmenter may still cut that text at subheadings, inline image credits or pull quotes.
The groups holding main text are joined back into one article, and the page's metadata
(title, authors, date) goes to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsmill.model import Article, HtmlMeta, Line
from newsmill.segment.scoring import IN_MAIN_TEXT

#: Roles the text rules may give a main-text line that the extractor counts as text.
MAIN_TEXT_ROLES = frozenset({"title", "dek"})


def main_article_groups(
    lines: Sequence[Line], groups: list[list[int]], scores: Sequence[float]
) -> int | None:
    """Join the groups that hold main text (unless one is a teaser cut by a marker, as on a
    listing page); return the index of the main article's group, if any."""
    holding = [
        k for k, members in enumerate(groups) if any(scores[i] >= IN_MAIN_TEXT for i in members)
    ]
    if not holding:
        return None
    if any(lines[i].role == "marker" for k in holding for i in groups[k]):
        return max(holding, key=lambda k: sum(scores[i] >= IN_MAIN_TEXT for i in groups[k]))
    first = holding[0]
    joined = sorted({i for k in range(first, holding[-1] + 1) for i in groups[k]})
    groups[first : holding[-1] + 1] = [joined]
    _follow_main_text(lines, joined, scores)
    return first


def _follow_main_text(lines: Sequence[Line], members: list[int], scores: Sequence[float]) -> None:
    """Inside the main article the extractor decides what is text: its lines that the
    text rules took for a title or dek are subheadings and standfirsts (the page title
    is seldom part of the main text), and body-like lines it left out are page furniture."""
    last_body = max((i for i in members if scores[i] >= IN_MAIN_TEXT), default=-1)
    for i in members:
        line = lines[i]
        if scores[i] >= IN_MAIN_TEXT and line.role in MAIN_TEXT_ROLES:
            line.role, line.reason = "body", f"{line.role}->body: in main text"
        elif scores[i] < IN_MAIN_TEXT and line.role == "body":
            line.role, line.reason = "chrome", "body->chrome: not in main text"
        elif line.role == "marker" and i < last_body:
            # a "read more" link inside the text the extractor kept does not cut it off
            line.role, line.reason = "chrome", "marker->chrome: main text goes on after it"
    members[:] = [i for i in members if lines[i].role != "chrome"]


def apply_html_meta(meta: HtmlMeta, article: Article) -> None:
    """The extractor's title, authors and date win over what the text alone suggests."""
    if meta.title:
        article.title = meta.title
    if meta.authors:
        article.authors = list(meta.authors)
    if meta.date:
        article.published = meta.date
    if meta.section:
        article.section = meta.section
