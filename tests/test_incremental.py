"""Ingesting a site over several runs gives the roles of ingesting it at once: a line that
becomes site chrome later is taken out of the pages stored before; `resegment` re-checks
every stored page after an option change."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from newsmill.cli import app
from newsmill.ingest import ingest, resegment
from newsmill.options import Options
from newsmill.store.db import connect

#: a short line with no chrome vocabulary: only its repetition can make it chrome
REPEATED = "The Weekly Ledger, independent since 1921"


def _paragraphs(seed_dir: Path) -> list[str]:
    paragraphs = sorted(  # distinct: the seed pages share articles
        {
            line
            for f in sorted(seed_dir.glob("*.txt"))
            for line in f.read_text("utf-8").splitlines()
            if len(line.split()) > 25
        }
    )
    random.Random(3).shuffle(paragraphs)
    return paragraphs


def _write_page(folder: Path, paragraphs: list[str], i: int) -> None:
    own = paragraphs[i * 6 : i * 6 + 6]  # no paragraph on two pages: no repeated article
    lines = [f"Headline {i}: officials weigh a new plan", *own[:4], REPEATED, *own[4:]]
    (folder / f"p{i}.txt").write_text("\n".join(lines) + "\n", "utf-8")


def _three_pages_ingested(
    tmp_path: Path, seed_dir: Path
) -> tuple[sqlite3.Connection, Path, list[str]]:
    """A site folder of three pages sharing `REPEATED`, ingested in one run."""
    paragraphs = _paragraphs(seed_dir)
    folder = tmp_path / "site"
    folder.mkdir()
    for i in range(3):
        _write_page(folder, paragraphs, i)
    db = connect(tmp_path / "three.db")
    ingest(db, [str(folder)], Options(), enrich=False)
    return db, folder, paragraphs


def _roles(db: sqlite3.Connection) -> list[tuple[str, int, str, str | None]]:
    rows = db.execute(
        "SELECT p.source, l.line, l.role, a.body FROM lines l JOIN pages p ON p.id = l.page_id "
        "LEFT JOIN articles a ON a.id = l.article_id ORDER BY p.source, l.line"
    )
    return [tuple(row) for row in rows]


def _role_of_repeated(db: sqlite3.Connection) -> dict[str, str]:
    rows = db.execute(
        "SELECT p.source, l.role FROM lines l JOIN pages p ON p.id = l.page_id "
        'WHERE substr(p.text, l.start + 1, l."end" - l.start) = ?',
        (REPEATED,),
    )
    return {Path(source).name: role for source, role in rows}


def _consistent(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    unclustered = db.execute(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM cluster_members m WHERE m.article_id = a.id)"
    ).fetchone()[0]
    assert unclustered == 0


def test_later_chrome_leaves_earlier_pages(tmp_path: Path, seed_dir: Path) -> None:
    paragraphs = _paragraphs(seed_dir)
    folder = tmp_path / "site"
    folder.mkdir()
    _write_page(folder, paragraphs, 0)
    db = connect(tmp_path / "runs.db")
    ingest(db, [str(folder)], Options(), enrich=False)
    assert _role_of_repeated(db) == {"p0.txt": "body"}  # one page: nothing repeats yet

    for i in (1, 2):
        _write_page(folder, paragraphs, i)
    stats = ingest(db, [str(folder)], Options(), enrich=False)
    assert stats.pages_new == 2 and stats.pages_changed == 1
    assert _role_of_repeated(db) == {"p0.txt": "chrome", "p1.txt": "chrome", "p2.txt": "chrome"}
    _consistent(db)

    at_once = connect(tmp_path / "once.db")
    ingest(at_once, [str(folder)], Options(), enrich=False)
    assert _roles(db) == _roles(at_once)


def test_nothing_rewritten_when_no_line_reaches_the_threshold(
    tmp_path: Path, seed_dir: Path
) -> None:
    db, folder, paragraphs = _three_pages_ingested(tmp_path, seed_dir)
    before = db.execute("SELECT rowid, id FROM articles ORDER BY rowid").fetchall()
    _write_page(folder, paragraphs, 3)  # the repeated line was chrome already
    stats = ingest(db, [str(folder)], Options(), enrich=False)
    assert stats.pages_new == 1 and stats.pages_rechecked == 0 and stats.pages_changed == 0
    after = db.execute("SELECT rowid, id FROM articles ORDER BY rowid").fetchall()
    assert after[: len(before)] == before


def test_resegment_applies_changed_options(tmp_path: Path, seed_dir: Path) -> None:
    db, _, _ = _three_pages_ingested(tmp_path, seed_dir)
    assert set(_role_of_repeated(db).values()) == {"chrome"}

    stricter = Options()
    stricter = replace(stricter, segment=replace(stricter.segment, chrome_min_pages=4))
    stats = resegment(db, stricter, enrich=False)
    assert stats.pages_rechecked == 3 and stats.pages_changed == 3
    assert set(_role_of_repeated(db).values()) == {"body"}
    _consistent(db)
    assert resegment(db, stricter, enrich=False).pages_changed == 0
    assert resegment(db, stricter, ["elsewhere"], enrich=False).pages_rechecked == 0


def test_resegment_command(tmp_path: Path, seed_dir: Path) -> None:
    path = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(seed_dir), "--db", path, "--no-enrich"]).exit_code == 0
    result = runner.invoke(app, ["resegment", "--db", path, "--no-enrich", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "3 pages segmented again, 0 changed" in result.output
    unknown = runner.invoke(app, ["resegment", "--db", path, "--site", "nowhere.example"])
    assert unknown.exit_code == 1
    message = " ".join(unknown.output.split())  # unwrapped
    assert "no pages of site 'nowhere.example'" in message
    assert message.endswith("sites with most pages: pages")  # the seed folder's name
