"""Loading a dataset folder into the SQLite store, through the store's own writers.

Pages, lines and articles go through `store.write` (the same calls `ingest` makes),
enrichment through `enrich.store` and `enrich.figures` (the same calls `enrich` makes),
so the store has one schema whichever way it was filled. Loading is idempotent: a page
already stored is left as it is, and so is everything found in it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pyarrow.compute as pc

from newsmill.enrich import store as enrich_store
from newsmill.enrich.figures import write_figures
from newsmill.model import Article, Page, Segmented, Skip
from newsmill.options import Options
from newsmill.run import records as rec
from newsmill.run.dataset import Dataset, DatasetError, shard_name
from newsmill.segment import page_keys
from newsmill.segment.lines import split_lines
from newsmill.store import write


@dataclass(slots=True)
class LoadStats:
    pages_new: int = 0
    pages_known: int = 0
    articles: int = 0
    skipped: int = 0
    clusters: int = 0
    quotes: int = 0
    figures: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def load_dataset(db: sqlite3.Connection, out: str, options: Options) -> LoadStats:
    """Load every completed stage of the dataset ``out`` into ``db``."""
    dataset = Dataset(out)
    manifest = dataset.read_manifest()
    if manifest is None:
        raise DatasetError(f"no dataset at {out}: run `newsmill run SOURCES --out {out}` first")
    stats = LoadStats()
    shards = range(len(manifest["shards"]))
    for skip in manifest["skipped"]:
        _record_skip(db, Skip(**skip), stats)
    new_articles: set[str] = set()
    for shard in shards:
        _require(dataset, "segment", shard_name(shard))
        new_articles |= _load_shard(db, dataset, shard, options, stats)
    if dataset.done("clusters", "all") is not None:
        _load_clusters(db, dataset, new_articles, stats)
    for shard in shards:
        if dataset.done("enrich", shard_name(shard)) is not None:
            _load_enrichment(db, dataset, shard, new_articles, options, stats)
    return stats


def _require(dataset: Dataset, stage: str, unit: str) -> None:
    if dataset.done(stage, unit) is None:
        raise DatasetError(
            f"{dataset.uri}: {stage} of {unit} is not complete; run `newsmill run` again to finish"
        )


def _record_skip(db: sqlite3.Connection, skip: Skip, stats: LoadStats) -> None:
    known = db.execute(
        "SELECT 1 FROM skipped WHERE source = ? AND reason = ?", (skip.source, skip.reason)
    ).fetchone()
    if known is None:
        write.record_skip(db, skip)
        stats.skipped += 1


def _by_page(rows: Iterable[dict[str, Any]], key: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _load_shard(
    db: sqlite3.Connection, dataset: Dataset, shard: int, options: Options, stats: LoadStats
) -> set[str]:
    unit = shard_name(shard) + ".parquet"
    for folder in ("read", "segment"):
        for row in dataset.read_table(dataset.path("skipped", folder, unit)).to_pylist():
            _record_skip(db, Skip(**row), stats)
    articles = _by_page(
        dataset.read_table(dataset.path("articles", unit)).to_pylist(),
        lambda r: r["page"]["sha256"],
    )
    lines = _by_page(
        dataset.read_table(dataset.path("lines", unit)).to_pylist(), lambda r: r["page"]
    )
    failed = {
        r["source"]
        for r in dataset.read_table(dataset.path("skipped", "segment", unit)).to_pylist()
    }
    loaded: set[str] = set()
    for page in _pages(dataset, shard):
        if page.source in failed:
            continue
        keys = page_keys(split_lines(page.text), options.segment.chrome_max_words)
        stored = write.store_page(db, page, keys)
        if stored is None:
            stats.pages_known += 1
            continue
        segmented = _segmented(page, articles.get(page.sha256, []), lines.get(page.sha256, []))
        loaded.update(write.write_segmented(db, stored.id, segmented))
        stats.pages_new += 1
        stats.articles += len(segmented.articles)
    return loaded


def _pages(dataset: Dataset, shard: int) -> Iterator[Page]:
    dupes = dataset.read_folder(
        dataset.path("dupes"), rec.PAGE_INDEX_SCHEMA, filters=pc.field("shard") == shard
    )
    dropped = set(dupes.column("row").to_pylist())
    path = dataset.path("pages", shard_name(shard) + ".parquet")
    for row, values in enumerate(dataset.iter_batches(path, batch_size=200)):
        if row not in dropped:
            yield rec.row_page(values)


def _segmented(
    page: Page, article_rows: list[dict[str, Any]], line_rows: list[dict[str, Any]]
) -> Segmented:
    articles = [rec.row_article(row, page.text) for row in article_rows]
    index_of = {article.id: article.index for article in articles}
    lines = [rec.row_line(row, page.text, index_of) for row in line_rows]
    return Segmented(page=page, lines=lines, articles=articles)


# --- clusters --------------------------------------------------------------------------


def _load_clusters(
    db: sqlite3.Connection, dataset: Dataset, loaded: set[str], stats: LoadStats
) -> None:
    """Clusters of articles loaded now (the dedup writer's tables, see 0002_dedup.sql)."""
    members = [
        r
        for r in dataset.read_table(dataset.path("members", "members.parquet")).to_pylist()
        if r["article"] in loaded
    ]
    clusters = {r["cluster"] for r in members}
    with write.transaction(db):
        for row in dataset.read_table(dataset.path("clusters", "clusters.parquet")).to_pylist():
            if row["id"] in clusters:
                db.execute(
                    "INSERT OR REPLACE INTO clusters (id, canonical, size) VALUES (?, ?, ?)",
                    (row["id"], row["canonical"], row["size"]),
                )
                stats.clusters += 1
        db.executemany(
            "INSERT OR REPLACE INTO cluster_members (article_id, cluster_id, kind, score, "
            "matched_with, canonical) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    r["article"],
                    r["cluster"],
                    r["kind"],
                    r["score"],
                    r["matched_with"],
                    int(r["canonical"]),
                )
                for r in members
            ),
        )
        db.executemany(
            "INSERT OR REPLACE INTO dedup_links (article_id, other_id, kind, score, cover) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (r["article"], r["other"], r["kind"], r["score"], r["cover"])
                for r in dataset.read_table(dataset.path("links", "links.parquet")).to_pylist()
                if r["article"] in loaded and r["other"] in loaded
            ),
        )


# --- enrichment ------------------------------------------------------------------------


def _load_enrichment(
    db: sqlite3.Connection,
    dataset: Dataset,
    shard: int,
    loaded: set[str],
    options: Options,
    stats: LoadStats,
) -> None:
    unit = shard_name(shard) + ".parquet"
    texts = {page.sha256: page.text for page in _pages(dataset, shard)}
    articles = [
        rec.row_article(row, texts[row["page"]["sha256"]])
        for row in dataset.read_table(dataset.path("articles", unit)).to_pylist()
        if row["id"] in loaded
    ]
    mentions = _by_page(dataset.read_table(dataset.path("mentions", unit)).to_pylist(), _article)
    quotes = _by_page(dataset.read_table(dataset.path("quotes", unit)).to_pylist(), _article)
    figures = _by_page(dataset.read_table(dataset.path("figures", unit)).to_pylist(), _article)
    touched: set[str] = set()
    with write.transaction(db):
        for article in articles:
            touched |= _write_article(db, article, mentions, quotes, figures, options)
            stats.quotes += len(quotes.get(article.id, []))
            stats.figures += len(figures.get(article.id, []))
        enrich_store.refresh_names(db, touched)


def _article(row: Mapping[str, Any]) -> str:
    return str(row["article"])


def _write_article(
    db: sqlite3.Connection,
    article: Article,
    mentions: Mapping[str, list[dict[str, Any]]],
    quotes: Mapping[str, list[dict[str, Any]]],
    figures: Mapping[str, list[dict[str, Any]]],
    options: Options,
) -> set[str]:
    found = rec.row_findings(article, mentions.get(article.id, []), quotes.get(article.id, []))
    count = write_figures(db, article.id, [rec.row_figure(r) for r in figures.get(article.id, [])])
    return enrich_store.write_findings(db, found, options.enrich.spacy_model, count)
