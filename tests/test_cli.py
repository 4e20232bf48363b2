"""The core commands through the CLI runner, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsmill.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, seed_dir: Path) -> str:
    path = str(tmp_path / "n.db")
    result = runner.invoke(app, ["ingest", str(seed_dir), "--db", path, "--no-enrich"])
    assert result.exit_code == 0, result.output
    assert "3 new pages" in result.output
    return path


def test_ingest_twice_is_a_no_op(db: str, seed_dir: Path) -> None:
    result = runner.invoke(app, ["ingest", str(seed_dir), "--db", db, "--no-enrich"])
    assert result.exit_code == 0
    assert "0 new pages, 3 already stored" in result.output
    listed = json.loads(
        runner.invoke(
            app, ["articles", "--db", db, "--json", "--limit", "0", "--all-copies"]
        ).output
    )
    assert len(listed) == 12
    stories = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).output)
    assert len(stories) == 9
    assert sorted(row["copies"] for row in stories) == [1] * 6 + [2] * 3


def test_db_from_environment(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("NEWSMILL_DB", str(path))
    assert runner.invoke(app, ["ingest", str(seed_dir), "--no-enrich"]).exit_code == 0
    assert path.exists()


def test_show_json_follows_the_export_schema(db: str) -> None:
    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).output)
    first = next(r for r in rows if r["title"] and r["title"].startswith("Blinken"))
    record = json.loads(runner.invoke(app, ["show", first["id"], "--db", db, "--json"]).output)
    assert set(record) >= {
        "id",
        "page",
        "title",
        "dek",
        "section",
        "authors",
        "bio",
        "published",
        "paragraphs",
        "captions",
        "credits",
        "partial",
        "parts",
    }
    assert set(record["page"]) == {"sha256", "source", "url", "site"}
    assert record["authors"] == ["Marcus Stanley"]
    assert record["bio"].startswith("Marcus Stanley is the Director")
    # the line under the title is a full sentence right over the first paragraph: taken as
    # the opening paragraph, not a dek (see segment/roles.py `_opening_sentence`)
    assert len(record["paragraphs"]) == 6
    assert {p["role"] for p in record["parts"]} == {
        "title",
        "body",
        "bio",
        "caption",
        "credit",
    }


def test_show_labels_roles(db: str) -> None:
    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).output)
    result = runner.invoke(app, ["show", rows[4]["id"], "--db", db])
    assert result.exit_code == 0
    assert "image_alt" in result.output and "section" in result.output


def test_search_ranks_and_highlights(db: str) -> None:
    hits = json.loads(
        runner.invoke(app, ["search", "NATO membership", "--db", db, "--json"]).output
    )
    assert hits and "NATO" in hits[0]["snippet"]
    assert hits[0]["title"].startswith("Blinken")
    result = runner.invoke(app, ["search", "landmines", "--db", db])
    assert result.exit_code == 0 and "landmine" in result.output.lower()


@pytest.mark.parametrize("bad", ["NATO AND", '"unbalanced', "(NATO"])
def test_bad_search_query_is_a_clear_error(db: str, bad: str) -> None:
    result = runner.invoke(app, ["search", bad, "--db", db])
    assert result.exit_code == 2
    assert "invalid search query" in result.output
    assert "Traceback" not in result.output


def test_export_articles_jsonl_and_parquet(db: str, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert runner.invoke(app, ["export", "--db", db, "--out", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 12
    parquet = tmp_path / "a.parquet"
    result = runner.invoke(
        app, ["export", "--db", db, "--format", "parquet", "--out", str(parquet)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(parquet)
    assert table.num_rows == 12
    assert table.column("title").to_pylist() == [r["title"] for r in records]


def test_export_lines_gives_every_non_empty_line(db: str, tmp_path: Path, seed_dir: Path) -> None:
    out = tmp_path / "l.jsonl"
    assert (
        runner.invoke(app, ["export", "--db", db, "--what", "lines", "--out", str(out)]).exit_code
        == 0
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    expected = sum(
        1 for f in seed_dir.glob("*.txt") for line in f.read_text().splitlines() if line.strip()
    )
    assert len(records) == expected
    assert set(records[0]) >= {"page", "source", "line", "role", "article"}


def test_nothing_ingested_exits_non_zero(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 1
    assert "missing" in result.output


def test_unknown_article_is_a_clear_error(db: str) -> None:
    result = runner.invoke(app, ["show", "nope", "--db", db])
    assert result.exit_code == 2 and "no article" in result.output
