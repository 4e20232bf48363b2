"""The article object of a page's JSON-LD (schema.org), read tolerantly."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)

#: schema.org types that describe the article itself (anything ending in "Article" also counts).
ARTICLE_TYPES = frozenset(
    {"BlogPosting", "LiveBlogPosting", "Report", "SocialMediaPosting", "DiscussionForumPosting"}
)
_COMMENTS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


@dataclass(slots=True)
class ArticleLd:
    """What the page's own structured data says about the article."""

    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    publisher: str | None = None


def _load(script: str) -> Any:
    text = _COMMENTS.sub("", script.strip())
    try:
        return json.loads(text, strict=False)
    except ValueError:
        LOGGER.debug("unreadable JSON-LD block")
        return None


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD value, @graph members included."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk(node["@graph"])
        main = node.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main)


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(k) for k in kinds]


def _is_article(node: dict[str, Any]) -> bool:
    return any(k.endswith("Article") or k in ARTICLE_TYPES for k in _types(node))


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and value.strip():
        return " ".join(unescape(value).split())
    return None


def _person_name(node: Any, index: dict[str, dict[str, Any]]) -> str | None:
    if isinstance(node, str):
        return _text(node)
    if not isinstance(node, dict):
        return None
    if "name" not in node and node.get("@id") in index:
        node = index[node["@id"]]
    name = _text(node.get("name"))
    if name:
        return name
    given, family = _text(node.get("givenName")), _text(node.get("familyName"))
    if given or family:
        return " ".join(part for part in (given, family) if part)
    return None


def _authors(value: Any, index: dict[str, dict[str, Any]]) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [_person_name(item, index) for item in values]
    return [name for name in names if name]


def article_ld(tree: HtmlElement) -> ArticleLd:
    """The first article object's headline, authors, published date and publisher."""
    nodes = [
        node
        for script in tree.xpath('//script[@type="application/ld+json"]/text()')
        for node in _walk(_load(script))
    ]
    index = {str(node["@id"]): node for node in nodes if "@id" in node and len(node) > 1}
    for node in nodes:
        if _is_article(node):
            return ArticleLd(
                headline=_text(node.get("headline")),
                authors=_authors(node.get("author"), index),
                published=_text(node.get("datePublished")),
                publisher=_person_name(node.get("publisher"), index),
            )
    return ArticleLd()
