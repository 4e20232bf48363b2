"""Enriching stored articles: entities, quotes and figures, one transaction per batch.

`enrich_articles` is the one entry point for ingest and for `newsmill enrich`. It is safe
to run again: an article's old mentions, quotes and figures are replaced, never doubled.
Articles stream from the store through one `nlp.pipe`, run in one worker process per CPU
when there are enough of them (`nlp.processes_for`); one article is parsed right here.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from newsmill.enrich import store
from newsmill.enrich.extract import Findings, find_in_articles
from newsmill.enrich.nlp import load_pipeline, processes_for
from newsmill.model import Article
from newsmill.options import EnrichOptions
from newsmill.store.write import transaction

log = logging.getLogger(__name__)

#: Articles per transaction (and per read from the store).
BATCH_SIZE = 32


@dataclass(slots=True)
class EnrichStats:
    """What one enrichment run read and wrote."""

    articles: int = 0  # articles enriched
    empty: int = 0  # articles with no body text (marked enriched, nothing found)
    missing: int = 0  # ids asked for that are not in the store
    mentions: int = 0
    quotes: int = 0
    direct: int = 0
    indirect: int = 0
    mixed: int = 0
    figures: int = 0
    entities: int = 0  # distinct entities touched

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


def enrich_articles(
    db: sqlite3.Connection, article_ids: Sequence[str] | None, options: EnrichOptions
) -> EnrichStats:
    """Enrich the given articles (None: every article not enriched yet)."""
    stats = EnrichStats()
    ids = list(article_ids) if article_ids is not None else store.pending_articles(db)
    if not ids or not options.enabled:
        return stats
    nlp = load_pipeline(options.spacy_model)
    figures = _figures_plugin()
    touched: set[str] = set()
    articles = _read_articles(db, ids, stats)
    findings = find_in_articles(
        nlp, articles, processes_for(len(ids), options.processes), count=len(ids)
    )
    for batch in _batches(findings, BATCH_SIZE):
        with transaction(db):
            for found in batch:
                count = _store_figures(db, figures, found.article)
                touched |= store.write_findings(db, found, options.spacy_model, count)
                _count(stats, found, count)
            store.refresh_names(db, touched)
    stats.entities = len(touched)
    log.info("enrich: %s", stats.as_dict())
    return stats


def _read_articles(
    db: sqlite3.Connection, ids: Sequence[str], stats: EnrichStats
) -> Iterator[Article]:
    """The stored articles, read `BATCH_SIZE` at a time as the parser asks for them."""
    for first in range(0, len(ids), BATCH_SIZE):
        batch = ids[first : first + BATCH_SIZE]
        articles = store.load_articles(db, batch)
        stats.missing += len(batch) - len(articles)
        yield from articles


def _batches(items: Iterable[Findings], size: int) -> Iterator[list[Findings]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _count(stats: EnrichStats, found: Findings, figures: int) -> None:
    stats.articles += 1
    stats.empty += not any(part.role == "body" for part in found.article.parts)
    stats.mentions += len(found.mentions)
    stats.quotes += len(found.quotes)
    stats.figures += figures
    for quote in found.quotes:
        setattr(stats, quote.kind, getattr(stats, quote.kind) + 1)


# --- figures (another module; used when it is installed) -----------------------------

FiguresPlugin = tuple[Callable[..., list[Any]], Callable[..., Any] | None]


def _figures_plugin() -> FiguresPlugin | None:
    """`enrich.figures.extract_figures` and `figures_store.write_figures`, when they exist."""
    try:
        module = importlib.import_module("newsmill.enrich.figures")
    except ImportError:
        return None
    extract = getattr(module, "extract_figures", None)
    if extract is None:
        return None
    writer = getattr(module, "write_figures", None)
    if writer is None:
        try:
            writer = getattr(
                importlib.import_module("newsmill.enrich.figures_store"), "write_figures", None
            )
        except ImportError:
            writer = None
    return extract, writer


def _store_figures(db: sqlite3.Connection, plugin: FiguresPlugin | None, article: Article) -> int:
    if plugin is None:
        return 0
    extract, writer = plugin
    page = db.execute("SELECT text FROM pages WHERE sha256 = ?", (article.page_sha256,)).fetchone()
    figures = extract(article, page[0] if page else "")
    if writer is not None:
        writer(db, article.id, figures)
    return len(figures)
