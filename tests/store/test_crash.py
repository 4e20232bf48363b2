"""Kill -9 during an ingest, ingest again: the store is consistent with nothing missing."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from newsmill.cli import app

INGEST = "from newsmill.cli import main; main()"


def _make_pages(seed_dir: Path, out: Path, n: int) -> None:
    paragraphs = [
        line
        for f in sorted(seed_dir.glob("*.txt"))
        for line in f.read_text("utf-8").splitlines()
        if len(line.split()) > 20
    ]
    rng = random.Random(7)
    out.mkdir()
    for i in range(n):
        body = rng.sample(paragraphs, 6)
        text = f"Headline number {i} about the news\n" + "\n".join(body) + "\nRead more\n"
        (out / f"page{i:04d}.txt").write_text(text, "utf-8")


def _snapshot(path: Path) -> tuple[int, int, int, int, int]:
    db = sqlite3.connect(path)
    try:
        pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
        pending = db.execute("SELECT count(*) FROM pages WHERE segmented = 0").fetchone()[0]
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        orphans = db.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM parts p WHERE p.article_id = a.id)"
        ).fetchone()[0]
        fts = db.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        # the full-text index agrees with the articles table (raises if not)
        db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()
    return pages, pending, articles, orphans, fts


def test_kill_during_ingest_then_resume(tmp_path: Path, seed_dir: Path) -> None:
    pages = tmp_path / "pages"
    _make_pages(seed_dir, pages, 400)
    killed_db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, "ingest", str(pages), "--db", str(killed_db), "--no-enrich"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if killed_db.exists() and _count(killed_db) >= 30:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    interrupted = _snapshot(killed_db)
    # killed while storing pages, or while segmenting them (pages commit in batches)
    assert interrupted[0] < 400 or interrupted[1] > 0, "the ingest finished before the kill"
    assert interrupted[3] == 0  # no article without its parts, even mid-run

    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(pages), "--db", str(killed_db), "--no-enrich"])
    assert result.exit_code == 0, result.output
    clean_db = tmp_path / "clean.db"
    result = runner.invoke(app, ["ingest", str(pages), "--db", str(clean_db), "--no-enrich"])
    assert result.exit_code == 0, result.output

    resumed, clean = _snapshot(killed_db), _snapshot(clean_db)
    assert resumed == clean
    assert resumed[0] == 400 and resumed[1] == 0
    assert resumed[2] == resumed[4] >= 400  # every article indexed for search


def _count(path: Path) -> int:
    try:
        db = sqlite3.connect(path, timeout=0.1)
        try:
            return int(db.execute("SELECT count(*) FROM pages").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0
