"""Writing pages, their line roles and their articles.

A page is stored in one transaction (with its contribution to the site's repetition
counts), and its segmentation in a second one; ingest groups many pages under one commit
(`batch`). A page whose segmentation has not been written is *pending*; the next ingest
finishes it. The store is consistent after a crash
at any point: no half-written page, no article without its parts.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Final

from newsmill.model import Article, HtmlMeta, Line, Page, Segmented, Skip


def page_exists(db: sqlite3.Connection, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM pages WHERE sha256 = ?", (sha256,)).fetchone() is not None


@dataclass(frozen=True, slots=True)
class StoredPage:
    id: int
    counts: dict[int, int]  # each repetition key of the page: on how many of its site's pages


def store_page(
    db: sqlite3.Connection, page: Page, keys: Iterable[int], line_keys: bytes | None = None
) -> StoredPage | None:
    """Insert a page and count its repetition keys; None if these bytes are already stored.
    ``line_keys`` (packed, see `LineKeys.pack`) are kept until the page is segmented."""
    with transaction(db):
        cursor = db.execute(
            """INSERT INTO pages (sha256, source, url, site, captured_at, kind, encoding, lossy,
                                  record_id, text, n_lines, html_meta, line_keys)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(sha256) DO NOTHING""",
            (
                page.sha256,
                page.source,
                page.url,
                page.site,
                page.captured_at,
                page.kind,
                page.encoding,
                int(page.lossy),
                page.record_id,
                page.text,
                page.text.count("\n") + 1,
                json.dumps(asdict(page.html), ensure_ascii=False) if page.html else None,
                line_keys,
            ),
        )
        if cursor.rowcount == 0 or cursor.lastrowid is None:
            return None
        # one statement for all keys, returning the new counts ("WHERE true" tells SQLite's
        # parser that ON CONFLICT belongs to the INSERT, not to a join)
        rows = db.execute(
            """INSERT INTO site_lines (site, hash, pages)
               SELECT ?, value, 1 FROM json_each(?) WHERE true
               ON CONFLICT(site, hash) DO UPDATE SET pages = pages + 1
               RETURNING hash, pages""",
            (page.site, json.dumps(list(keys))),
        )
        return StoredPage(cursor.lastrowid, dict(rows.fetchall()))


def site_counts(db: sqlite3.Connection, site: str, keys: Iterable[int]) -> dict[int, int]:
    """How many pages of ``site`` each of ``keys`` appeared on."""
    wanted = list(keys)
    counts: dict[int, int] = {}
    cursor = db.cursor()
    cursor.row_factory = None  # (hash, pages) tuples, read straight into the dict
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        counts.update(
            cursor.execute(
                f"SELECT hash, pages FROM site_lines WHERE site = ? AND hash IN ({marks})",
                (site, *chunk),
            )
        )
    return counts


def pending_pages(db: sqlite3.Connection) -> list[int]:
    """Ids of pages whose segmentation is not stored yet."""
    rows = db.execute("SELECT id FROM pages WHERE segmented = 0 ORDER BY id")
    return [row[0] for row in rows]


def has_segmented_pages(db: sqlite3.Connection, site: str) -> bool:
    row = db.execute("SELECT 1 FROM pages WHERE site = ? AND segmented = 1 LIMIT 1", (site,))
    return row.fetchone() is not None


def segmented_pages(db: sqlite3.Connection, sites: Sequence[str] | None) -> list[int]:
    """Ids of the segmented pages of ``sites`` (of every site when None)."""
    if sites is None:
        return [
            row[0] for row in db.execute("SELECT id FROM pages WHERE segmented = 1 ORDER BY id")
        ]
    ids: list[int] = []
    for site in sites:
        rows = db.execute(
            "SELECT id FROM pages WHERE site = ? AND segmented = 1 ORDER BY id", (site,)
        )
        ids.extend(row[0] for row in rows)
    return ids


def load_page(db: sqlite3.Connection, page_id: int) -> Page:
    return load_pending(db, page_id)[0]


def load_pending(db: sqlite3.Connection, page_id: int) -> tuple[Page, bytes | None]:
    """A page and the line keys kept with it until it is segmented (None if none are)."""
    row = db.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
    return page_from_row(row), row["line_keys"]


def page_from_row(row: sqlite3.Row) -> Page:
    html = HtmlMeta(**json.loads(row["html_meta"])) if row["html_meta"] else None
    return Page(
        sha256=row["sha256"],
        source=row["source"],
        text=row["text"],
        kind=row["kind"],
        site=row["site"],
        url=row["url"],
        captured_at=row["captured_at"],
        encoding=row["encoding"],
        lossy=bool(row["lossy"]),
        record_id=row["record_id"],
        html=html,
    )


def write_segmented(db: sqlite3.Connection, page_id: int, segmented: Segmented) -> list[str]:
    """Replace a page's lines and articles in one transaction; return the article ids."""
    with transaction(db):
        if _segmented_before(db, page_id):
            db.execute("DELETE FROM articles WHERE page_id = ?", (page_id,))
            db.execute("DELETE FROM lines WHERE page_id = ?", (page_id,))
        db.executemany(
            'INSERT INTO lines (page_id, line, start, "end", role, reason, article_id) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            _line_rows(page_id, segmented),
        )
        _insert_articles(db, page_id, segmented.articles)
        db.execute("UPDATE pages SET segmented = 1, line_keys = NULL WHERE id = ?", (page_id,))
    return [article.id for article in segmented.articles]


def _segmented_before(db: sqlite3.Connection, page_id: int) -> bool:
    """Whether the page's segmentation was written before (it is written whole, with the
    flag, in one transaction; a pending page has no lines or articles).

    Asked before deleting them because a DELETE on articles, which has a trigger, runs
    with a statement savepoint, and FTS5 writes out its pending terms at every savepoint
    (see migrations/0005_fts_direct.sql): a new page, the usual case, has nothing to
    delete."""
    row = db.execute("SELECT segmented FROM pages WHERE id = ?", (page_id,)).fetchone()
    return row is None or bool(row[0])


def same_as_stored(db: sqlite3.Connection, page_id: int, segmented: Segmented) -> bool:
    """Whether the store holds exactly this segmentation of the page: the same lines with
    the same roles, and the same articles with the same parts."""
    lines = db.execute(
        'SELECT page_id, line, start, "end", role, reason, article_id FROM lines '
        "WHERE page_id = ? ORDER BY line",
        (page_id,),
    )
    if list(map(tuple, lines)) != _line_rows(page_id, segmented):
        return False
    articles = db.execute(
        f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE page_id = ? ORDER BY idx",
        (page_id,),
    )
    if list(map(tuple, articles)) != [_article_row(page_id, a) for a in segmented.articles]:
        return False
    for article in segmented.articles:
        parts = db.execute(
            'SELECT article_id, seq, role, first_line, last_line, start, "end" FROM parts '
            "WHERE article_id = ? ORDER BY seq",
            (article.id,),
        )
        if list(map(tuple, parts)) != _part_rows(article):
            return False
    return True


def _line_rows(page_id: int, segmented: Segmented) -> list[tuple[object, ...]]:
    ids = {article.index: article.id for article in segmented.articles}
    return [
        (page_id, ln.number, ln.start, ln.end, ln.role, ln.reason, _article_id(ids, ln))
        for ln in segmented.lines
    ]


def _article_id(ids: dict[int, str], line: Line) -> str | None:
    return None if line.article is None else ids[line.article]


_ARTICLE_COLUMNS = (
    "id, page_id, idx, title, dek, section, authors, bio, published, partial, "
    'body, words, first_line, last_line, start, "end"'
)


#: Each ASCII byte as ``str.split`` sees it: whitespace as b" ", anything else as b"a".
_SPLIT_BYTES: Final = bytes(32 if chr(c).isspace() else 97 for c in range(256))


def whitespace_words(text: str) -> int:
    """``len(text.split())``; for ASCII text counted without making the words (each word
    starts the text or follows whitespace)."""
    if not text.isascii():
        return len(text.split())
    marks = text.encode("ascii").translate(_SPLIT_BYTES)
    return marks.count(b" a") + marks.startswith(b"a")


_BODY: Final = _ARTICLE_COLUMNS.split(", ").index("body")


def _article_row(page_id: int, article: Article) -> tuple[object, ...]:
    parts = article.parts
    body = article.body
    return (
        article.id,
        page_id,
        article.index,
        article.title,
        article.dek,
        article.section,
        json.dumps(article.authors, ensure_ascii=False) if article.authors else "[]",
        article.bio,
        article.published,
        int(article.partial),
        body,
        whitespace_words(body),
        min(p.first_line for p in parts),
        max(p.last_line for p in parts),
        article.start,
        article.end,
    )


def _part_rows(article: Article) -> list[tuple[object, ...]]:
    return [
        (article.id, seq, p.role, p.first_line, p.last_line, p.start, p.end)
        for seq, p in enumerate(article.parts)
    ]


def _insert_articles(db: sqlite3.Connection, page_id: int, articles: list[Article]) -> None:
    """A page's articles, then their index entries, authors and parts (one statement
    each, run for every row)."""
    indexed = []
    for article in articles:
        row = _article_row(page_id, article)
        cursor = db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 16)})", row
        )
        indexed.append((cursor.lastrowid, article.title, article.dek, row[_BODY]))
    # Not a trigger: see migrations/0005_fts_direct.sql.
    db.executemany(
        "INSERT INTO articles_fts (rowid, title, dek, body) VALUES (?, ?, ?, ?)", indexed
    )
    db.executemany(
        "INSERT INTO article_authors (article_id, name) VALUES (?, ?)",
        ((article.id, name) for article in articles for name in article.authors),
    )
    db.executemany(
        'INSERT INTO parts (article_id, seq, role, first_line, last_line, start, "end") '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row for article in articles for row in _part_rows(article)),
    )


def record_skip(db: sqlite3.Connection, skip: Skip) -> None:
    with transaction(db):
        db.execute(
            "INSERT INTO skipped (source, reason, detail) VALUES (?, ?, ?)",
            (skip.source, skip.reason, skip.detail),
        )


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error.

    Inside an open transaction (a `batch`) it adds nothing: the batch is the transaction,
    and an error rolls the whole batch back. (A savepoint per page would cost more than
    it saves: SQLite's full-text index flushes its pending terms at every savepoint.)
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.nested = False

    def __enter__(self) -> sqlite3.Connection:
        self.nested = self.db.in_transaction
        if not self.nested:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if not self.nested:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")


#: A batch commits after this many pages or this many seconds, whichever comes first.
BATCH_PAGES = 256
BATCH_SECONDS = 1.0


class batch:
    """Many page transactions under one commit: a commit costs more than a small page.

    Each page is still all or nothing: a crash or an error rolls back the pages since the
    last commit, whole, and the next run redoes them as it would a page caught mid-write.
    """

    def __init__(
        self, db: sqlite3.Connection, pages: int = BATCH_PAGES, seconds: float = BATCH_SECONDS
    ) -> None:
        self.db = db
        self.pages = pages
        self.seconds = seconds
        self.count = 0
        self.since = 0.0

    def __enter__(self) -> batch:
        self._begin()
        return self

    def done(self) -> None:
        """One more page written; commit if the batch is full or old enough."""
        self.count += 1
        if self.count >= self.pages or time.monotonic() - self.since >= self.seconds:
            self.db.execute("COMMIT")
            self._begin()

    def _begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.count = 0
        self.since = time.monotonic()

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
