"""Search and listing read back what a plain (slow) query over the store would give."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsmill.ingest import ingest
from newsmill.options import Options
from newsmill.store import query
from newsmill.store.db import connect

QUERIES = ["Ukraine", "NATO", "war OR election", '"the United States"', "Biden", "said"]


@pytest.fixture()
def seeds(tmp_path: Path, seed_dir: Path) -> sqlite3.Connection:
    db = connect(tmp_path / "seeds.db")
    ingest(db, [str(seed_dir)], Options(), enrich=False)
    return db


def _plain_search(
    db: sqlite3.Connection, text: str, *, all_copies: bool
) -> list[tuple[str, int, float, str]]:
    """Every match with its snippet, copies counted through the view, ranked, then
    collapsed to one per cluster in Python (the best-scored copy; rowid breaks ties)."""
    rows = db.execute(
        f"""SELECT a.rowid, a.id, c.cluster,
                   (SELECT count(*) FROM article_clusters c2 WHERE c2.cluster = c.cluster),
                   bm25(articles_fts, 5.0, 2.0, 1.0) AS score,
                   snippet(articles_fts, 2, '{query.SNIPPET_OPEN}', '{query.SNIPPET_CLOSE}',
                           '…', 24)
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            JOIN article_clusters c ON c.article_id = a.id
            WHERE articles_fts MATCH ? ORDER BY score, a.rowid""",
        (text,),
    ).fetchall()
    seen: set[str] = set()
    out = []
    for _rowid, article_id, cluster, copies, score, snippet in rows:
        if not all_copies and cluster in seen:
            continue
        seen.add(cluster)
        out.append((article_id, copies, -score, snippet))
    return out


@pytest.mark.parametrize("all_copies", [False, True])
def test_search_equals_the_plain_query(seeds: sqlite3.Connection, all_copies: bool) -> None:
    found_any = False
    for text in QUERIES:
        expected = _plain_search(seeds, text, all_copies=all_copies)
        got = query.search(seeds, text, limit=1000, all_copies=all_copies)
        assert [(h.article.id, h.article.copies, h.score, h.snippet) for h in got] == expected
        found_any = found_any or bool(got)
        # a page of hits is the same slice of the ranking
        page = query.search(seeds, text, limit=2, offset=1, all_copies=all_copies)
        assert [h.article.id for h in page] == [e[0] for e in expected[1:3]]
    assert found_any


def test_seed_copies_are_counted(seeds: sqlite3.Connection) -> None:
    rows = list(query.list_articles(seeds, all_copies=True))
    by_cluster: dict[str, int] = {}
    for row in rows:
        by_cluster[row.cluster] = by_cluster.get(row.cluster, 0) + 1
    assert any(count > 1 for count in by_cluster.values())  # the seeds repeat articles
    assert all(row.copies == by_cluster[row.cluster] for row in rows)
