"""What each page and API route shows, computed from the store; no HTTP in here.

The HTML pages and the JSON API call the same functions, so they always agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from newsmill.dedup.query import ClusterRow, CopyRow, copies_of
from newsmill.enrich.figures_store import iter_figure_records
from newsmill.enrich.query import iter_entity_records, iter_quote_records
from newsmill.errors import StoreError
from newsmill.model import Entity, Mention, Quote
from newsmill.store.query import article_record, find_article
from newsmill.web import queries
from newsmill.web.queries import CoMention, QuoteRow, table_exists


class NotFound(StoreError):
    """The asked article, entity or cluster is not in the store."""


def resolve_article(db: sqlite3.Connection, article_id: str) -> str:
    try:
        return find_article(db, article_id)
    except StoreError as e:
        raise NotFound(str(e)) from e


@dataclass(slots=True)
class ArticleView:
    record: dict[str, Any]  # the export schema of store.query.article_record
    date: str | None
    quotes: list[Quote]
    mentions: list[Mention]
    figures: list[dict[str, Any]]
    cluster: str | None  # id of its cluster of copies, once duplicates are checked
    copies: list[CopyRow]  # the other copies, canonical first


def article_view(db: sqlite3.Connection, article_id: str) -> ArticleView:
    full_id = resolve_article(db, article_id)
    return ArticleView(
        record=article_record(db, full_id),
        date=queries.article_date(db, full_id),
        quotes=queries.article_quotes(db, full_id),
        mentions=queries.article_mentions(db, full_id),
        figures=article_figures(db, full_id),
        cluster=(cluster := queries.cluster_id_of(db, full_id)),
        copies=copies_of(db, full_id) if cluster else [],
    )


def article_figures(db: sqlite3.Connection, article_id: str) -> list[dict[str, Any]]:
    if not table_exists(db, "figures"):
        return []
    return list(iter_figure_records(db, article=article_id))


def page_source(db: sqlite3.Connection, article_id: str) -> tuple[str, queries.PageSource]:
    full_id = resolve_article(db, article_id)
    source = queries.page_source(db, full_id)
    if source is None:
        raise NotFound(f"no page for article {article_id!r}")
    return full_id, source


def _page(
    records: Iterator[dict[str, Any]], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of a filtered record stream, and how many records there are in all."""
    skipped = sum(1 for _ in islice(records, offset))
    items = list(islice(records, limit))
    return items, skipped + len(items) + sum(1 for _ in records)


def _contains(value: object, needle: str | None) -> bool:
    return not needle or needle.lower() in str(value or "").lower()


def quotes_page(
    db: sqlite3.Connection,
    speaker: str | None,
    speaker_type: str | None,
    text: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Quotes filtered by speaker (name or alias), speaker type and text, in article order."""
    if not table_exists(db, "quotes"):
        return [], 0
    records = (
        r
        for r in iter_quote_records(db, speaker=speaker or None, about=text or None)
        if not speaker_type or r["speaker_type"] == speaker_type
    )
    return _page(records, limit, offset)


def speaker_types(db: sqlite3.Connection) -> list[str]:
    if not table_exists(db, "quotes"):
        return []
    return [r[0] for r in db.execute("SELECT DISTINCT speaker_type FROM quotes ORDER BY 1")]


def figure_records(
    db: sqlite3.Connection, source: str | None, unit: str | None, text: str | None
) -> Iterator[dict[str, Any]]:
    if not table_exists(db, "figures"):
        return iter(())
    return (
        r
        for r in iter_figure_records(db, source=source or None, about=text or None)
        if _contains(r["unit"], unit)
    )


def figures_page(
    db: sqlite3.Connection,
    source: str | None,
    unit: str | None,
    text: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    return _page(figure_records(db, source, unit, text), limit, offset)


def entities_page(
    db: sqlite3.Connection, type_: str | None, name: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    if not table_exists(db, "entities"):
        return [], 0
    records = (
        r
        for r in iter_entity_records(db, type_ or None)
        if _contains(r["name"], name) or any(_contains(a, name) for a in r["aliases"])
    )
    return _page(records, limit, offset)


@dataclass(slots=True)
class EntityView:
    entity: Entity
    quotes: list[QuoteRow]
    quotes_total: int
    timeline: list[tuple[str, int]]
    co_mentioned: list[CoMention]


def entity_view(db: sqlite3.Connection, entity_id: str, limit: int, offset: int) -> EntityView:
    entity = queries.entity_detail(db, entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id!r}: /entities lists them")
    quotes, total = queries.entity_quotes(db, entity_id, limit, offset)
    return EntityView(
        entity=entity,
        quotes=quotes,
        quotes_total=total,
        timeline=queries.mentions_over_time(db, entity_id),
        co_mentioned=queries.co_mentioned(db, entity_id),
    )


def cluster_view(db: sqlite3.Connection, cluster_id: str) -> ClusterRow:
    cluster = queries.get_cluster(db, cluster_id)
    if cluster is None:
        raise NotFound(f"no cluster {cluster_id!r}: /duplicates lists them")
    return cluster
