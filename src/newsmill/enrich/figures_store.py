"""Storing figures and reading them back as JSON-ready records."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from newsmill.enrich.figures_vocab import figure_vocab
from newsmill.errors import StoreError
from newsmill.model import Figure

COLUMNS = 'id, article_id, seq, value, unit, text, start, "end", measure, source, period, sentence'


def write_figures(db: sqlite3.Connection, article_id: str, figures: list[Figure]) -> int:
    """Replace an article's figures with `figures` (idempotent); returns how many were written."""
    rows = [
        (
            figure.id or f"{article_id}:fig{seq}",
            article_id,
            seq,
            figure.value,
            figure.unit,
            figure.text,
            figure.start,
            figure.end,
            figure.measure,
            figure.source,
            figure.period,
            figure.sentence,
        )
        for seq, figure in enumerate(figures)
    ]
    try:
        db.execute("SAVEPOINT write_figures")
        db.execute("DELETE FROM figures WHERE article_id = ?", (article_id,))
        db.executemany(f"INSERT INTO figures ({COLUMNS}) VALUES ({', '.join('?' * 12)})", rows)
        db.execute("RELEASE write_figures")
    except sqlite3.Error as e:
        db.execute("ROLLBACK TO write_figures")
        db.execute("RELEASE write_figures")
        raise StoreError(f"cannot store figures of article {article_id}: {e}") from e
    return len(rows)


def iter_figure_records(
    db: sqlite3.Connection,
    source: str | None = None,
    about: str | None = None,
    article: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored figures as records, in article order; filters match case-insensitively.

    `source` matches any spelling listed as an alias in vocab/figures_sources.txt
    ("KIIS" finds "Kyiv International Institute of Sociology"); `about` matches the
    figure's sentence or measure, or the article's title or body (full-text search).
    """
    where, params = [], []
    if source:
        names = sorted(figure_vocab().aliases.get(source.lower(), {source}))
        where.append("(" + " OR ".join("f.source LIKE ?" for _ in names) + ")")
        params += [f"%{name}%" for name in names]
    if about:
        where.append(
            "(f.sentence LIKE ? OR f.measure LIKE ? OR a.rowid IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
        )
        # one FTS5 phrase; SQLite reads the query as a C string, so a NUL would cut it
        # short ("unterminated string"): no indexed text holds one anyway
        phrase = '"' + about.replace("\x00", "").replace('"', '""') + '"'
        params += [f"%{about}%", f"%{about}%", phrase]
    if article:
        where.append("f.article_id = ?")
        params.append(article)
    sql = (
        "SELECT f.*, p.sha256, p.source AS page_source FROM figures f "
        "JOIN articles a ON a.id = f.article_id JOIN pages p ON p.id = a.page_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY p.id, a.idx, f.seq"
    )
    try:
        rows = db.execute(sql, params)
    except sqlite3.OperationalError as e:
        raise StoreError(f"cannot read figures: {e} (run `newsmill enrich` first?)") from e
    for row in rows:
        yield _record(row)


def _record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "article": row["article_id"],
        "page": {"sha256": row["sha256"], "source": row["page_source"]},
        "value": row["value"],
        "unit": row["unit"],
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "measure": row["measure"],
        "source": row["source"],
        "period": row["period"],
        "sentence": row["sentence"],
    }
