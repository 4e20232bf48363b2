"""Using an HTML extractor's metadata on pages that came from HTML."""

from __future__ import annotations

from collections.abc import Sequence

from newsmill.model import Article, HtmlMeta, Line


def apply_html_meta(meta: HtmlMeta, lines: Sequence[Line], articles: list[Article]) -> None:
    """On a single-article page, the extractor's title, authors and date win when present."""
    if len(articles) != 1:
        return
    article = articles[0]
    if meta.title:
        article.title = meta.title
    if meta.authors:
        article.authors = list(meta.authors)
    if meta.date:
        article.published = meta.date
