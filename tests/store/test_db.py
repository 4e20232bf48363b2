"""Opening a store: new ones get the larger page size; existing ones keep theirs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsmill.model import Page
from newsmill.store import write
from newsmill.store.db import PAGE_BYTES, connect


def test_new_store_gets_the_larger_page_size(tmp_path: Path) -> None:
    db = connect(tmp_path / "new.db")
    assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_BYTES
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_existing_store_keeps_its_page_size_and_stays_usable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size = 4096")
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE earlier (x)")  # a store made before PAGE_BYTES
    old.close()
    db = connect(path)
    page = Page(sha256="a" * 64, source="a.txt", text="x", kind="text", site="test")
    stored = write.store_page(db, page, [])
    assert stored is not None
    db.close()
    again = connect(path)
    assert again.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert write.load_page(again, stored.id).text == "x"
