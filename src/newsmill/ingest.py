"""Ingest: read captures, store pages, segment them, then link duplicates and enrich.

Two passes over the new pages so that segmentation can learn site chrome from the whole
batch: the first stores each page and counts its short lines per site, the second segments
every page still pending. A crash anywhere leaves pending pages that the next run finishes.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsmill.dedup import update_clusters
from newsmill.enrich.run import enrich_articles
from newsmill.model import Page, Skip
from newsmill.options import Options
from newsmill.read import count_inputs, iter_inputs
from newsmill.segment import line_keys, page_keys, segment_page
from newsmill.segment.lines import split_lines
from newsmill.store import write

log = logging.getLogger(__name__)

#: progress(stage, done, total): total is None when unknown
Progress = Callable[[str, int, int | None], None]


@dataclass(slots=True)
class IngestStats:
    inputs: int = 0
    pages_new: int = 0
    pages_known: int = 0  # same bytes already stored: a no-op
    pages_segmented: int = 0
    articles: int = 0
    partial: int = 0
    roles: Counter[str] = field(default_factory=Counter)
    skipped: list[Skip] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # later stages report here

    @property
    def ingested_anything(self) -> bool:
        return self.pages_new > 0 or self.pages_segmented > 0 or self.pages_known > 0


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


def ingest(
    db: sqlite3.Connection,
    sources: Sequence[str],
    options: Options,
    progress: Progress = _quiet,
    *,
    enrich: bool = True,
) -> IngestStats:
    """Read ``sources`` into the store; return what was read, kept and skipped, and why."""
    stats = IngestStats()
    store_pages(db, sources, options, stats, progress)
    segment_pending(db, options, stats, progress)
    link_duplicates(db, options, stats, progress)
    if enrich:
        enrich_pending(db, options, stats, progress)
    return stats


def link_duplicates(
    db: sqlite3.Connection, options: Options, stats: IngestStats, progress: Progress = _quiet
) -> None:
    """Add every article not yet in a cluster to the duplicate clusters (incremental)."""
    progress("dedup", 0, None)
    found = update_clusters(db, None, options.dedup)
    progress("dedup", found.articles, found.articles)
    stats.extra["duplicates"] = (
        f"{found.new_duplicates} new copies of stored articles "
        f"({found.exact} exact, {found.near} near, {found.contained} contained links)"
    )


def enrich_pending(
    db: sqlite3.Connection, options: Options, stats: IngestStats, progress: Progress = _quiet
) -> None:
    """Entities, quotes and figures for every article not enriched yet."""
    progress("enrich", 0, None)
    found = enrich_articles(db, None, options.enrich)
    progress("enrich", found.articles, found.articles)
    if found.articles:
        stats.extra["enriched"] = (
            f"{found.articles} articles: {found.quotes} quotes, {found.figures} figures, "
            f"{found.entities} entities"
        )


def store_pages(
    db: sqlite3.Connection,
    sources: Sequence[str],
    options: Options,
    stats: IngestStats,
    progress: Progress = _quiet,
) -> None:
    total = count_inputs(sources)
    stats.inputs = total
    with write.batch(db) as pages:
        for done, item in enumerate(iter_inputs(sources, options.read), start=1):
            if isinstance(item, Skip):
                write.record_skip(db, item)
                stats.skipped.append(item)
                log.info("skipped %s: %s %s", item.source, item.reason, item.detail)
            else:
                _store(db, item, options, stats)
            pages.done()
            progress("read", done, max(total, done))


def _store(db: sqlite3.Connection, page: Page, options: Options, stats: IngestStats) -> None:
    if write.page_exists(db, page.sha256):
        stats.pages_known += 1
        return
    keys = page_keys(split_lines(page.text), options.segment.chrome_max_words)
    if write.store_page(db, page, keys) is None:
        stats.pages_known += 1
    else:
        stats.pages_new += 1


def segment_pending(
    db: sqlite3.Connection,
    options: Options,
    stats: IngestStats,
    progress: Progress = _quiet,
) -> None:
    pending = write.pending_pages(db)
    with write.batch(db) as pages:
        for done, page_id in enumerate(pending, start=1):
            page = write.load_page(db, page_id)
            lines = split_lines(page.text)
            keys = line_keys(lines, options.segment.chrome_max_words)
            counts = write.site_counts(db, page.site, keys.distinct())
            segmented = segment_page(page, counts, options.segment, lines, keys)
            stats.article_ids.extend(write.write_segmented(db, page_id, segmented))
            pages.done()
            stats.pages_segmented += 1
            stats.articles += len(segmented.articles)
            stats.partial += sum(article.partial for article in segmented.articles)
            stats.roles.update(line.role for line in segmented.lines)
            progress("segment", done, len(pending))
