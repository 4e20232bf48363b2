"""Reading articles back: listing, one article with its parts, full-text search."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsmill.errors import QueryError, StoreError

SNIPPET_OPEN = "\x02"  # highlight delimiters inside snippets; the CLI and web style them
SNIPPET_CLOSE = "\x03"


@dataclass(slots=True)
class ArticleRow:
    id: str
    cluster: str
    copies: int  # articles in its duplicate cluster, itself included
    title: str | None
    first_words: str
    section: str | None
    authors: list[str]
    source: str
    site: str
    partial: bool
    words: int
    published: str | None


@dataclass(slots=True)
class SearchHit:
    article: ArticleRow
    snippet: str
    score: float


_LIST_COLUMNS = """a.id, a.title, substr(a.body, 1, 160) AS head, a.section, a.authors,
    p.source, p.site, a.partial, a.words, a.published, c.cluster,
    (SELECT count(*) FROM cluster_members m WHERE m.cluster_id = c.cluster)
        + (c.kind = 'first') AS copies"""
# copies: the cluster's members by their index, plus the article itself when it is in no
# cluster yet (kind 'first'). Counted through the article_clusters view instead, SQLite
# scanned every article for each row listed.
_LIST_FROM = """articles a JOIN pages p ON p.id = a.page_id
    JOIN article_clusters c ON c.article_id = a.id"""


def _row(row: sqlite3.Row) -> ArticleRow:
    head = " ".join(row["head"].split()[:12])
    return ArticleRow(
        id=row["id"],
        cluster=row["cluster"],
        copies=row["copies"],
        title=row["title"],
        first_words=head,
        section=row["section"],
        authors=json.loads(row["authors"]),
        source=row["source"],
        site=row["site"],
        partial=bool(row["partial"]),
        words=row["words"],
        published=row["published"],
    )


def list_articles(
    db: sqlite3.Connection,
    limit: int | None = None,
    offset: int = 0,
    *,
    all_copies: bool = False,
) -> Iterator[ArticleRow]:
    """Articles in page order; one row per duplicate cluster (its canonical copy) unless
    ``all_copies``."""
    where = "" if all_copies else "WHERE c.canonical = 1"
    sql = f"""SELECT {_LIST_COLUMNS} FROM {_LIST_FROM} {where}
              ORDER BY p.id, a.idx LIMIT ? OFFSET ?"""
    for row in db.execute(sql, (-1 if limit is None else limit, offset)):
        yield _row(row)


def count_articles(db: sqlite3.Connection, *, all_copies: bool = True) -> int:
    where = "" if all_copies else "WHERE canonical = 1"
    return int(db.execute(f"SELECT count(*) FROM article_clusters {where}").fetchone()[0])


def has_site(db: sqlite3.Connection, site: str) -> bool:
    return db.execute("SELECT 1 FROM pages WHERE site = ? LIMIT 1", (site,)).fetchone() is not None


def sites(db: sqlite3.Connection, limit: int) -> list[str]:
    """Sites with the most pages first."""
    rows = db.execute(
        "SELECT site FROM pages GROUP BY site ORDER BY count(*) DESC, site LIMIT ?", (limit,)
    )
    return [row[0] for row in rows]


def find_article(db: sqlite3.Connection, article_id: str) -> str:
    """The full id of an article from its id or an unambiguous prefix of it."""
    rows = db.execute(
        "SELECT id FROM articles WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 2",
        (article_id, _like_prefix(article_id)),
    ).fetchall()
    exact = [row[0] for row in rows if row[0] == article_id]
    if exact:
        return exact[0]
    if not rows:
        raise StoreError(f"no article {article_id!r}: `newsmill articles` lists them")
    if len(rows) > 1:
        raise StoreError(f"article id {article_id!r} is ambiguous: give more of it")
    return str(rows[0][0])


def _like_prefix(text: str) -> str:
    return re.sub(r"([%_\\])", r"\\\1", text) + "%"


def page_text(db: sqlite3.Connection, sha256: str) -> str:
    row = db.execute("SELECT text FROM pages WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        raise StoreError(f"no page {sha256}")
    return str(row[0])


def article_record(db: sqlite3.Connection, article_id: str) -> dict[str, Any]:
    """One article in the export schema, with its parts' text."""
    row = db.execute(
        """SELECT a.*, p.sha256, p.source, p.url, p.site, p.text AS page_text
           FROM articles a JOIN pages p ON p.id = a.page_id WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    if row is None:
        raise StoreError(f"no article {article_id!r}")
    return _record(db, row)


def iter_article_records(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every article in the export schema, page by page, without loading all pages at once."""
    page_ids = [r[0] for r in db.execute("SELECT id FROM pages ORDER BY id")]
    for page_id in page_ids:
        rows = db.execute(
            """SELECT a.*, p.sha256, p.source, p.url, p.site, p.text AS page_text
               FROM articles a JOIN pages p ON p.id = a.page_id
               WHERE a.page_id = ? ORDER BY a.idx""",
            (page_id,),
        ).fetchall()
        for row in rows:
            yield _record(db, row)


def _record(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    text = row["page_text"]
    parts = [
        {
            "role": p["role"],
            "first_line": p["first_line"],
            "last_line": p["last_line"],
            "start": p["start"],
            "end": p["end"],
        }
        for p in db.execute(
            'SELECT role, first_line, last_line, start, "end" FROM parts '
            "WHERE article_id = ? ORDER BY seq",
            (row["id"],),
        )
    ]

    def texts(role: str) -> list[str]:
        return [text[p["start"] : p["end"]] for p in parts if p["role"] == role]

    record: dict[str, Any] = {
        "id": row["id"],
        "page": {
            "sha256": row["sha256"],
            "source": row["source"],
            "url": row["url"],
            "site": row["site"],
        },
        "title": row["title"],
        "dek": row["dek"],
        "section": row["section"],
        "authors": json.loads(row["authors"]),
        "bio": row["bio"],
        "published": row["published"],
        "paragraphs": texts("body"),
        "captions": texts("caption"),
        "credits": texts("credit"),
        "partial": bool(row["partial"]),
        "parts": parts,
    }
    cluster = db.execute(
        "SELECT cluster, canonical FROM article_clusters WHERE article_id = ?", (row["id"],)
    ).fetchone()
    record["cluster"] = cluster["cluster"]
    record["canonical"] = bool(cluster["canonical"])
    return record


def iter_line_records(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """One record per non-empty line of every page: {page, source, line, role, article}."""
    sql = """SELECT p.sha256, p.source, l.line, l.role, l.article_id, l.reason
             FROM lines l JOIN pages p ON p.id = l.page_id ORDER BY l.page_id, l.line"""
    for row in db.execute(sql):
        yield {
            "page": row["sha256"],
            "source": row["source"],
            "line": row["line"],
            "role": row["role"],
            "article": row["article_id"],
            "reason": row["reason"],
        }


def search(
    db: sqlite3.Connection,
    query: str,
    limit: int = 20,
    offset: int = 0,
    *,
    all_copies: bool = False,
) -> list[SearchHit]:
    """Full-text search over title, dek and body, ranked by BM25 (title weighted highest).

    One hit per duplicate cluster (its best-ranked copy) unless ``all_copies``. Matches
    are ranked on their scores alone; the listed columns and the snippets are made for
    the hits returned only (a snippet re-reads and re-tokenizes the article: made for
    every match, a common word took seconds on a large store).
    """
    if not query.strip():
        raise QueryError("empty search query")
    matches = """SELECT articles_fts.rowid AS hit, bm25(articles_fts, 5.0, 2.0, 1.0) AS score
                 FROM articles_fts WHERE articles_fts MATCH ?1"""
    if all_copies:
        best = f"SELECT hit, score FROM ({matches})"
    else:
        best = f"""SELECT hit, score FROM (
                       SELECT m.hit, m.score, row_number() OVER (
                           PARTITION BY c.cluster ORDER BY m.score, m.hit) AS nth
                       FROM ({matches}) m JOIN articles a ON a.rowid = m.hit
                       JOIN article_clusters c ON c.article_id = a.id)
                   WHERE nth = 1"""
    sql = f"""SELECT {_LIST_COLUMNS}, b.hit, b.score
              FROM ({best}) b JOIN articles a ON a.rowid = b.hit
              JOIN pages p ON p.id = a.page_id JOIN article_clusters c ON c.article_id = a.id
              ORDER BY b.score, b.hit LIMIT ?2 OFFSET ?3"""
    try:
        rows = db.execute(sql, (query, limit, offset)).fetchall()
        found = snippets(db, query, [row["hit"] for row in rows])
    except sqlite3.OperationalError as e:
        if not _fts_syntax(e):
            raise StoreError(f"search failed: {e}") from e
        raise QueryError(_explain_fts_error(query, e)) from e
    return [
        SearchHit(article=_row(r), snippet=found.get(r["hit"], ""), score=-r["score"]) for r in rows
    ]


def snippets(
    db: sqlite3.Connection, query: str, rowids: list[int], column: int = 2
) -> dict[int, str]:
    """The highlighted snippet of each hit (by articles rowid) for ``query``: from the body
    (column 2) by default, -1 for the column that matches best."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    rows = db.execute(
        f"""SELECT rowid, snippet(articles_fts, ?, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 24)
            FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})""",
        (column, query, *rowids),
    )
    return {row[0]: row[1] for row in rows}


def _fts_syntax(error: sqlite3.OperationalError) -> bool:
    """Errors the query text causes (as opposed to a broken store)."""
    message = str(error)
    return message.startswith(
        ("fts5:", "no such column", "unknown special query", "unterminated string")
    ) or ("syntax error" in message and "fts5" in message)


def _explain_fts_error(query: str, error: sqlite3.OperationalError) -> str:
    hint = (
        'Use plain words, "quoted phrases", AND / OR / NOT between terms, prefix*; '
        "balance your quotes and brackets."
    )
    return f"invalid search query {query!r} ({error}). {hint}"
