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
    return first


def apply_html_meta(meta: HtmlMeta, article: Article) -> None:
    """The extractor's title, authors and date win over what the text alone suggests."""
    if meta.title:
        article.title = meta.title
    if meta.authors:
        article.authors = list(meta.authors)
    if meta.date:
        article.published = meta.date
