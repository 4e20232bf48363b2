"""Storing figures on a real SQLite file, reading them back, and `newsmill figures`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsmill.cli import app
from newsmill.enrich.figures import extract_figures, iter_figure_records, write_figures
from newsmill.model import Article, Part
from newsmill.store.db import connect

PAGE = (
    "Poll shows war fatigue\n"
    "A summer study from the Kyiv International Institute of Sociology found that 77% of "
    "respondents had lost a relative.\n"
    "The survey also found that 60% of those polled backed talks in 2024.\n"
)


def _article(page: str) -> Article:
    parts, offset = [], 0
    for number, line in enumerate(page.split("\n"), start=1):
        if number > 1 and line:
            parts.append(Part("body", number, number, offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(id="p1-0", page_sha256="abc", index=0, parts=parts, title="Poll shows")


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    store = connect(tmp_path / "n.db")
    store.execute(
        "INSERT INTO pages (sha256, source, site, kind, encoding, text, n_lines) "
        "VALUES ('abc', 'poll.txt', 'local', 'text', 'utf-8', ?, 3)",
        (PAGE,),
    )
    store.execute(
        "INSERT INTO articles (id, page_id, idx, title, body, words, first_line, last_line, "
        "start, \"end\") VALUES ('p1-0', 1, 0, 'Poll shows war fatigue', ?, 30, 1, 3, 0, ?)",
        (PAGE, len(PAGE)),
    )
    store.execute(  # as store.write does
        "INSERT INTO articles_fts (rowid, title, body) "
        "SELECT rowid, title, body FROM articles WHERE id = 'p1-0'"
    )
    return store


def test_write_is_idempotent_and_records_are_complete(db: sqlite3.Connection) -> None:
    figures = extract_figures(_article(PAGE), PAGE)
    assert write_figures(db, "p1-0", figures) == 2
    assert write_figures(db, "p1-0", figures) == 2
    records = list(iter_figure_records(db))
    assert len(records) == 2
    first, second = records
    assert first["page"] == {"sha256": "abc", "source": "poll.txt"}
    assert PAGE[first["start"] : first["end"]] == first["text"] == "77%"
    assert first["source"] == "Kyiv International Institute of Sociology"
    assert second["source"] == first["source"]  # "the survey" refers back
    assert second["period"] == "2024"
    assert set(first) == {
        "id",
        "article",
        "page",
        "value",
        "unit",
        "text",
        "start",
        "end",
        "measure",
        "source",
        "period",
        "sentence",
    }


def test_filters(db: sqlite3.Connection) -> None:
    write_figures(db, "p1-0", extract_figures(_article(PAGE), PAGE))
    assert len(list(iter_figure_records(db, source="KIIS"))) == 2  # alias of the full name
    assert list(iter_figure_records(db, source="Gallup")) == []
    assert len(list(iter_figure_records(db, about="fatigue"))) == 2  # the article's text
    assert list(iter_figure_records(db, about="Ukraine")) == []
    # a NUL or a quote in the text is not an FTS5 syntax error (the web API fuzzer sent one)
    assert len(list(iter_figure_records(db, about="fat\x00igue"))) == 2
    assert list(iter_figure_records(db, about='"\x00')) == []
    write_figures(db, "p1-0", [])
    assert list(iter_figure_records(db)) == []


def test_cli_json_and_table(db: sqlite3.Connection, tmp_path: Path) -> None:
    write_figures(db, "p1-0", extract_figures(_article(PAGE), PAGE))
    runner = CliRunner()
    path = str(tmp_path / "n.db")
    result = runner.invoke(app, ["figures", "--db", path, "--source", "KIIS", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["value"] for r in json.loads(result.output)] == [77.0, 60.0]
    table = runner.invoke(app, ["figures", "--db", path, "--about", "fatigue"])
    assert table.exit_code == 0
    assert "77%" in table.output and "60%" in table.output
    none = runner.invoke(app, ["figures", "--db", path, "--about", "landmines", "--json"])
    assert json.loads(none.output) == []


def test_cli_without_database_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["figures", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output
