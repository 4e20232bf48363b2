"""Ingest: read captures, store pages, segment them, then link duplicates and enrich.

Two passes over the new pages so that segmentation can learn site chrome from the whole
batch: the first stores each page and counts its short lines per site, the second segments
every page still pending. A crash anywhere leaves pending pages that the next run finishes.

Pages stored by earlier runs were segmented with the counts of their time. When this run
takes a line of theirs to the number of pages that makes it a candidate for site chrome
(``chrome_min_pages``), those pages are segmented again, and written again where their
segmentation changed (`recheck_earlier`). `resegment` does the same for any stored pages,
whatever changed (counts, options or the body model).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsmill.dedup import update_clusters
from newsmill.enrich.run import enrich_articles
from newsmill.model import Page, Segmented, Skip
from newsmill.options import Options
from newsmill.read import count_inputs, iter_inputs
from newsmill.segment import LineKeys, line_keys, segment_page
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
    pages_rechecked: int = 0  # pages of earlier runs segmented again
    pages_changed: int = 0  # ... and written again, their segmentation having changed
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
    reached = store_pages(db, sources, options, stats, progress)
    earlier = write.segmented_pages(db, sorted(reached))
    segment_pending(db, options, stats, progress)
    recheck_earlier(db, earlier, options, stats, progress, reached)
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


#: Per site, the repetition keys this run took to ``chrome_min_pages`` pages.
Reached = dict[str, set[int]]


@dataclass(slots=True)
class _Watch:
    """Keys reaching the chrome threshold, kept only for sites with pages segmented by an
    earlier run (none in a first ingest): what is kept grows with the run, not the store."""

    reached: Reached = field(default_factory=dict)
    earlier: dict[str, bool] = field(default_factory=dict)  # site -> has earlier pages

    def note(self, db: sqlite3.Connection, site: str, keys: list[int]) -> None:
        if site not in self.earlier:
            self.earlier[site] = write.has_segmented_pages(db, site)
        if self.earlier[site]:
            self.reached.setdefault(site, set()).update(keys)


def store_pages(
    db: sqlite3.Connection,
    sources: Sequence[str],
    options: Options,
    stats: IngestStats,
    progress: Progress = _quiet,
) -> Reached:
    """Store every new page of ``sources``; return, for sites with pages from earlier
    runs, the keys whose counts reached the chrome threshold on the way."""
    total = count_inputs(sources)
    stats.inputs = total
    watch = _Watch()
    with write.batch(db) as pages:
        for done, item in enumerate(iter_inputs(sources, options.read), start=1):
            if isinstance(item, Skip):
                write.record_skip(db, item)
                stats.skipped.append(item)
                log.info("skipped %s: %s %s", item.source, item.reason, item.detail)
            else:
                _store(db, item, options, stats, watch)
            pages.done()
            progress("read", done, max(total, done))
    return watch.reached


def _store(
    db: sqlite3.Connection, page: Page, options: Options, stats: IngestStats, watch: _Watch
) -> None:
    if write.page_exists(db, page.sha256):
        stats.pages_known += 1
        return
    max_words = options.segment.chrome_max_words
    keys = line_keys(split_lines(page.text), max_words)
    stored = write.store_page(db, page, keys.distinct(), keys.pack(max_words))
    if stored is None:
        stats.pages_known += 1
        return
    stats.pages_new += 1
    threshold = options.segment.chrome_min_pages
    crossed = [key for key, pages in stored.counts.items() if pages == threshold]
    if crossed:
        watch.note(db, page.site, crossed)


def segment_pending(
    db: sqlite3.Connection,
    options: Options,
    stats: IngestStats,
    progress: Progress = _quiet,
) -> None:
    pending = write.pending_pages(db)
    with write.batch(db) as pages:
        for done, page_id in enumerate(pending, start=1):
            page, packed = write.load_pending(db, page_id)
            lines = split_lines(page.text)
            max_words = options.segment.chrome_max_words
            keys = LineKeys.unpack(packed, max_words, len(lines)) or line_keys(lines, max_words)
            counts = write.site_counts(db, page.site, keys.distinct())
            segmented = segment_page(page, counts, options.segment, lines, keys)
            stats.article_ids.extend(write.write_segmented(db, page_id, segmented))
            pages.done()
            stats.pages_segmented += 1
            _count(stats, segmented)
            progress("segment", done, len(pending))


def _count(stats: IngestStats, segmented: Segmented) -> None:
    stats.articles += len(segmented.articles)
    stats.partial += sum(article.partial for article in segmented.articles)
    stats.roles.update(line.role for line in segmented.lines)


def recheck_earlier(
    db: sqlite3.Connection,
    page_ids: Sequence[int],
    options: Options,
    stats: IngestStats,
    progress: Progress = _quiet,
    reached: Reached | None = None,
) -> None:
    """Segment the given stored pages again with their sites' current counts, and write
    those whose segmentation changed (their articles are then linked and enriched anew).

    With ``reached``, only pages holding one of their site's reached keys are segmented
    again: no other line of theirs can have crossed the chrome threshold. (A run stopped
    before this step ends leaves some of those pages as they were, and a later run does
    not know them: `resegment` brings them up to date.)
    """
    if not page_ids:
        return
    with write.batch(db) as pages:
        for done, page_id in enumerate(page_ids, start=1):
            progress("recheck", done, len(page_ids))
            page = write.load_page(db, page_id)
            lines = split_lines(page.text)
            keys = line_keys(lines, options.segment.chrome_max_words)
            distinct = keys.distinct()
            if reached is not None and distinct.isdisjoint(reached.get(page.site, ())):
                continue
            counts = write.site_counts(db, page.site, distinct)
            segmented = segment_page(page, counts, options.segment, lines, keys)
            stats.pages_rechecked += 1
            if write.same_as_stored(db, page_id, segmented):
                continue
            stats.article_ids.extend(write.write_segmented(db, page_id, segmented))
            pages.done()
            stats.pages_changed += 1
            _count(stats, segmented)


def resegment(
    db: sqlite3.Connection,
    options: Options,
    sites: Sequence[str] = (),
    progress: Progress = _quiet,
    *,
    enrich: bool = True,
) -> IngestStats:
    """Segment stored pages again (all, or those of ``sites``) with the current counts and
    options; write, link and enrich again the pages whose segmentation changed."""
    stats = IngestStats()
    stored = write.segmented_pages(db, sites or None)  # listed first: not the pending ones
    segment_pending(db, options, stats, progress)  # a crashed run's pages, with today's counts
    recheck_earlier(db, stored, options, stats, progress)
    link_duplicates(db, options, stats, progress)
    if enrich:
        enrich_pending(db, options, stats, progress)
    return stats
