"""Reading clusters back: the list for `newsmill dups`, and the copies of one article."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class CopyRow:
    article_id: str
    title: str | None
    page: str  # page source
    kind: str
    score: float | None
    matched_with: str | None
    canonical: bool
    partial: bool
    words: int
    first_words: str


@dataclass(slots=True)
class ClusterRow:
    id: str
    canonical: str
    title: str | None
    size: int
    pages: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # link kind -> members
    copies: list[CopyRow] = field(default_factory=list)


_COPIES = """
SELECT m.article_id, a.title, p.source, m.kind, m.score, m.matched_with, m.canonical,
       a.partial, a.words, m.cluster_id, substr(a.body, 1, 120)
FROM cluster_members m JOIN articles a ON a.id = m.article_id JOIN pages p ON p.id = a.page_id
"""


def _copy(row: sqlite3.Row | tuple[Any, ...]) -> CopyRow:
    return CopyRow(
        article_id=row[0],
        title=row[1],
        page=row[2],
        kind=row[3],
        score=row[4],
        matched_with=row[5],
        canonical=bool(row[6]),
        partial=bool(row[7]),
        words=row[8],
        first_words=" ".join(str(row[10] or "").split()[:12]),
    )


def list_clusters(
    db: sqlite3.Connection, *, min_size: int = 2, limit: int | None = None
) -> list[ClusterRow]:
    """Clusters with at least ``min_size`` copies, largest first."""
    sql = "SELECT id, canonical, size FROM clusters WHERE size >= ? ORDER BY size DESC, id"
    params: list[object] = [min_size]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    clusters = {
        cid: ClusterRow(id=cid, canonical=canonical, title=None, size=size)
        for cid, canonical, size in db.execute(sql, params).fetchall()
    }
    ids = list(clusters)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            _COPIES + f" WHERE m.cluster_id IN ({marks}) ORDER BY m.canonical DESC, a.rowid", chunk
        )
        for row in rows:
            cluster = clusters[row[9]]
            copy = _copy(row)
            cluster.copies.append(copy)
            if copy.canonical:
                cluster.title = copy.title or copy.first_words + "…"
            if copy.page not in cluster.pages:
                cluster.pages.append(copy.page)
            cluster.kinds[copy.kind] = cluster.kinds.get(copy.kind, 0) + 1
    return list(clusters.values())


def copies_of(db: sqlite3.Connection, article_id: str) -> list[CopyRow]:
    """The other copies of an article (canonical first); empty if it has none."""
    row = db.execute(
        "SELECT cluster_id FROM cluster_members WHERE article_id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return []
    rows = db.execute(
        _COPIES
        + " WHERE m.cluster_id = ? AND m.article_id != ? ORDER BY m.canonical DESC, a.rowid",
        (row[0], article_id),
    )
    return [_copy(r) for r in rows]


def cluster_json(cluster: ClusterRow) -> dict[str, object]:
    """A cluster as plain JSON-ready data, copies included."""
    return asdict(cluster)
