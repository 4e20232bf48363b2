"""Opening the database and applying migrations.

Migrations are the ``migrations/NNNN_name.sql`` files of this package, applied in name
order, each once, each in its own transaction. A feature adds its tables by adding a file.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from newsmill.errors import StoreError


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("newsmill.store") / "migrations"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return files


def migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    for name, sql in _migrations():
        if name in done:
            continue
        try:
            db.execute("BEGIN IMMEDIATE")
            for statement in _statements(sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO migrations VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                (name,),
            )
            db.execute("COMMIT")
        except sqlite3.Error as e:
            db.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {e}") from e


def _statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers contain inner semicolons)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


#: Page cache of a writing connection (KiB). Ingest inserts duplicate keys and line rows
#: at random places in large indexes; with SQLite's default 2 MB most inserts re-read
#: pages. Temporary look-up tables (duplicate candidates) stay in memory too.
WRITE_CACHE_KIB = 65536
#: How long a connection waits for another's write lock (ms). A writer waits longer: an
#: ingest's duplicate linking holds the lock for several seconds at a time (see
#: `dedup.update.HOLD_SECONDS`), and a second ingest's page writes then wait, not fail.
READ_BUSY_MS = 10_000
WRITE_BUSY_MS = 60_000
#: Page size of a new store (an existing one keeps its own). Page texts and article
#: bodies run to several KB: with SQLite's default 4 KB most of them spill into overflow
#: pages, and a 50,000-page ingest took about 7% more CPU time than with 16 KB.
PAGE_BYTES = 16384


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the store, creating and migrating it unless read-only."""
    path = Path(path)
    if readonly and not path.exists():
        raise StoreError(f"no database at {path}: run `newsmill ingest` first")
    try:
        if readonly:
            db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {READ_BUSY_MS if readonly else WRITE_BUSY_MS}")
        if not readonly:
            db.execute(f"PRAGMA page_size = {PAGE_BYTES}")  # before anything is written
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
            db.execute("PRAGMA temp_store = MEMORY")
            migrate(db)
    except sqlite3.Error as e:
        raise StoreError(f"cannot open database {path}: {e}") from e
    return db
