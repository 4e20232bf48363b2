"""The full-text index follows the articles table through writes and re-writes; article
rows count words as ``str.split`` does."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from newsmill.model import Article, Page, Part, Segmented
from newsmill.store import write
from newsmill.store.db import connect


def _segmented(page: Page, bodies: list[str]) -> Segmented:
    articles = [
        Article(f"{page.sha256[:4]}-{i}", page.sha256, i, [Part("body", 1, 1, 0, len(b), b)])
        for i, b in enumerate(bodies)
    ]
    return Segmented(page, [], articles)


def _stored_page(db: sqlite3.Connection, sha: str) -> tuple[Page, int]:
    page = Page(sha256=sha * 32, source=f"{sha}.txt", text="x", kind="text", site="test")
    stored = write.store_page(db, page, [])
    assert stored is not None
    return page, stored.id


def _index_matches_content(db: sqlite3.Connection) -> None:
    # For an external-content FTS5 table this compares the index with the articles table.
    db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def _matches(db: sqlite3.Connection, query: str) -> list[str]:
    rows = db.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ? ORDER BY a.id",
        (query,),
    )
    return [row[0] for row in rows]


def test_index_follows_insert_and_rewrite(tmp_path: Path) -> None:
    db = connect(tmp_path / "w.db")
    page, page_id = _stored_page(db, "ab")
    write.write_segmented(db, page_id, _segmented(page, ["storm hits coast", "budget vote"]))
    _index_matches_content(db)
    assert _matches(db, "storm") == ["abab-0"]

    write.write_segmented(db, page_id, _segmented(page, ["heatwave grips inland towns"]))
    _index_matches_content(db)
    assert _matches(db, "storm") == []
    assert _matches(db, "heatwave") == ["abab-0"]


def test_index_rolls_back_with_the_page(tmp_path: Path) -> None:
    db = connect(tmp_path / "r.db")
    page, page_id = _stored_page(db, "cd")
    broken = _segmented(page, ["storm hits coast", "storm again"])
    broken.articles[1] = Article("cdcd-0", page.sha256, 1, broken.articles[1].parts)  # same id
    try:
        write.write_segmented(db, page_id, broken)
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("a duplicate article id must fail")
    _index_matches_content(db)
    assert _matches(db, "storm") == []


def test_whitespace_words_counts_as_split_does() -> None:
    rng = random.Random(7)
    pool = [chr(c) for c in range(128)] + ["é", "\u00a0", "\u2003", "\x85", "中", "  "]
    texts = ["", " ", "a", " a ", "a\x1cb", "a\x1fb\x0bc", "one two  three\n"]
    texts += ["".join(rng.choices(pool, k=rng.randrange(0, 60))) for _ in range(2000)]
    for text in texts:
        assert write.whitespace_words(text) == len(text.split()), repr(text)
