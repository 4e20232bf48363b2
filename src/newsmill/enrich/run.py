"""Enriching stored articles: entities, quotes and figures, one transaction per batch.

`enrich_articles` is the one entry point for ingest and for `newsmill enrich`. It is safe
to run again: an article's old mentions, quotes and figures are replaced, never doubled.
Articles stream from the store to one worker process per CPU when there are enough of them
(`nlp.processes_for`), which parse them and find what is in them (`extract`); this process
reads the store and writes what comes back. One article is parsed right here.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsmill.enrich import store
from newsmill.enrich.extract import Findings, find_in_articles
from newsmill.enrich.figures_store import write_figures
from newsmill.enrich.nlp import load_pipeline, processes_for
from newsmill.enrich.pool import batched
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
    touched: set[str] = set()
    articles = _read_articles(db, ids, stats)
    processes = processes_for(len(ids), options.processes)
    findings = find_in_articles(nlp, articles, processes, count=len(ids), figures=True)
    for batch in batched(findings, BATCH_SIZE):
        with transaction(db):
            for found in batch:
                write_figures(db, found.article.id, found.figures)
                count = len(found.figures)
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


def _count(stats: EnrichStats, found: Findings, figures: int) -> None:
    stats.articles += 1
    stats.empty += not any(part.role == "body" for part in found.article.parts)
    stats.mentions += len(found.mentions)
    stats.quotes += len(found.quotes)
    stats.figures += figures
    for quote in found.quotes:
        setattr(stats, quote.kind, getattr(stats, quote.kind) + 1)
