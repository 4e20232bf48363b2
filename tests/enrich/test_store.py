"""Enrichment through the store and the CLI, on the seed pages in a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsmill.cli import app
from newsmill.enrich.query import iter_entity_records, iter_quote_records
from newsmill.enrich.run import enrich_articles
from newsmill.ingest import ingest
from newsmill.options import EnrichOptions, Options
from newsmill.store.db import connect

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("enrich") / "store.db"
    db = connect(path)
    ingest(db, [str(FIXTURES / "pages")], Options(db=str(path)), enrich=False)
    enrich_articles(db, None, EnrichOptions())
    db.close()
    return path


@pytest.fixture()
def db(db_path: Path) -> sqlite3.Connection:
    return connect(db_path)


def test_blinken_spellings_are_one_entity(db: sqlite3.Connection) -> None:
    people = [e for e in iter_entity_records(db, "person") if "Blinken" in e["name"]]
    assert len(people) == 1, people
    forms = {people[0]["name"], *people[0]["aliases"]}
    assert {"Blinken", "Secretary Blinken"} <= forms
    assert any("Anthony Blinken" in form or "Antony" in form for form in forms)
    assert people[0]["articles"] >= 2


def test_quote_records_carry_page_and_offsets(db: sqlite3.Connection) -> None:
    records = list(iter_quote_records(db, speaker="Blinken"))
    assert records
    for record in records:
        assert record["speaker"] and "Blinken" in record["speaker"]
        page = db.execute("SELECT text FROM pages WHERE sha256 = ?", (record["page"]["sha256"],))
        text = page.fetchone()[0]
        assert " ".join(text[record["start"] : record["end"]].split()) == record["text"]
        assert record["page"]["source"]


def test_about_filters_quote_text(db: sqlite3.Connection) -> None:
    records = list(iter_quote_records(db, about="NATO"))
    assert records and all("nato" in r["text"].lower() for r in records)


def test_rerun_is_idempotent(db: sqlite3.Connection) -> None:
    before = db.execute("SELECT count(*) FROM quotes").fetchone()[0]
    mentions = db.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert enrich_articles(db, None, EnrichOptions()).articles == 0  # nothing pending
    ids = [row[0] for row in db.execute("SELECT id FROM articles")]
    stats = enrich_articles(db, ids, EnrichOptions())
    assert stats.articles == len(ids)
    assert db.execute("SELECT count(*) FROM quotes").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] == mentions


def test_unknown_model_is_a_clear_error(db: sqlite3.Connection) -> None:
    from newsmill.enrich.nlp import ModelError

    ids = [row[0] for row in db.execute("SELECT id FROM articles LIMIT 1")]
    with pytest.raises(ModelError, match="not installed"):
        enrich_articles(db, ids, EnrichOptions(spacy_model="no_such_pipeline_xyz"))


def test_cli_quotes_and_entities_json(db_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["quotes", "--speaker", "Episkopos", "--json", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    quotes = json.loads(result.output)
    assert quotes and quotes[0]["speaker"] == "Mark Episkopos"
    assert set(quotes[0]) >= {
        "id",
        "article",
        "page",
        "text",
        "kind",
        "start",
        "end",
        "cue",
        "speaker_type",
        "speaker_mention",
        "mention_start",
        "entity",
    }
    result = runner.invoke(app, ["entities", "--type", "person", "--json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert any(e["name"] == "Rand Paul" for e in json.loads(result.output))


def test_figures_are_stored_with_the_enrichment(db: sqlite3.Connection) -> None:
    pytest.importorskip("newsmill.enrich.figures")
    marked = db.execute("SELECT sum(figures) FROM enriched").fetchone()[0]
    stored = db.execute("SELECT count(*) FROM figures").fetchone()[0]
    assert marked == stored > 0
