"""A small pool of read-only SQLite connections, safe to share between threads.

Each request borrows one connection and gives it back; a connection is only ever used
by one thread at a time. Idle connections are kept up to `size`; extra ones under a
burst are opened and closed again, so a burst never waits on the pool.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsmill.store.db import connect

#: Read the store through a shared memory map: every connection shares the OS page cache
#: instead of each copying pages into its own small cache.
MMAP_BYTES = 1 << 30


class ConnectionPool:
    def __init__(self, path: str | Path, size: int = 16) -> None:
        self.path = Path(path)
        self.size = size
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()

    def _open(self) -> sqlite3.Connection:
        db = connect(self.path, readonly=True)
        db.execute("PRAGMA query_only = ON")  # belt and braces: the web app never writes
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        return db

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            db = self._open()
        try:
            yield db
        finally:
            if db.in_transaction:
                db.rollback()
            if self._idle.qsize() < self.size:
                self._idle.put(db)
            else:
                db.close()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
