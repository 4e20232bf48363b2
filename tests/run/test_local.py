"""The local executor: parity with ingest, 1 vs 2 workers, a killed worker, a bad page."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.run.conftest import SEEDS, SYNTHETIC_PAGES, content, run_local
from typer.testing import CliRunner

from newsmill.cli import app
from newsmill.dedup.batch import cluster_texts, text_of
from newsmill.options import Options
from newsmill.run.faults import ENV
from newsmill.run.records import row_article_texts
from newsmill.store import query
from newsmill.store.db import connect

runner = CliRunner()


def _articles(db_path: Path) -> list[dict[str, object]]:
    return list(query.iter_article_records(connect(db_path, readonly=True)))


def _lines(db_path: Path) -> list[dict[str, object]]:
    return list(query.iter_line_records(connect(db_path, readonly=True)))


def test_run_and_load_give_the_articles_of_ingest(tmp_path: Path) -> None:
    ingested, loaded = tmp_path / "ingest.db", tmp_path / "load.db"
    result = runner.invoke(app, ["ingest", str(SEEDS), "--db", str(ingested), "--no-enrich"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "ds"
    result = runner.invoke(
        app, ["run", str(SEEDS), "--out", str(out), "--workers", "2", "--no-enrich", "--json"]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output[result.output.index("{") :])
    assert stats["pages"] == 3 and stats["articles"] == 12
    result = runner.invoke(app, ["load", str(out), "--db", str(loaded)])
    assert result.exit_code == 0, result.output
    assert "3 new pages" in result.output
    assert _articles(loaded) == _articles(ingested)
    assert _lines(loaded) == _lines(ingested)
    again = runner.invoke(app, ["load", str(out), "--db", str(loaded)])
    assert "0 new pages (3 already stored)" in again.output
    assert len(_articles(loaded)) == 12


def test_the_dataset_reads_as_parquet(reference: Path) -> None:
    articles = pq.read_table(reference / "articles").to_pylist()
    assert len({a["page"]["sha256"] for a in articles}) == SYNTHETIC_PAGES
    assert all(a["paragraphs"] for a in articles)
    members = pq.read_table(reference / "members").to_pylist()
    kinds = {m["kind"] for m in members}
    assert "canonical" in kinds and len(kinds) > 1


def test_one_worker_gives_what_two_give(synthetic: Path, reference: Path, tmp_path: Path) -> None:
    run_local([synthetic], tmp_path / "one", workers=1)
    assert content(tmp_path / "one") == content(reference)


def test_a_killed_worker_is_retried(
    synthetic: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "kill:segment:shard-00002")
    stats = run_local([synthetic], tmp_path / "killed")
    assert stats.pages == SYNTHETIC_PAGES
    got = content(tmp_path / "killed")
    assert got == content(reference)
    pages = [a["page"]["sha256"] for a in got["articles"] if a["index"] == 0]
    assert len(pages) == len(set(pages)) == SYNTHETIC_PAGES  # every page exactly once


def test_a_bad_page_is_recorded_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    failing = sorted(SEEDS.iterdir())[1]
    monkeypatch.setenv(ENV, f"page:segment:{failing.name}")
    stats = run_local([SEEDS, bad], tmp_path / "ds")
    skipped = content(tmp_path / "ds", ("skipped",))["skipped"]
    reasons = {(Path(s["source"]).name, s["reason"]) for s in skipped}
    assert reasons == {
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        (failing.name, "segment_error"),
    }
    assert stats.pages == 2 and stats.skipped == 3
    articles = content(tmp_path / "ds", ("articles",))["articles"]
    sources = [Path(a["page"]["source"]).name for a in articles if a["index"] == 0]
    assert sorted(sources) == sorted(p.name for p in SEEDS.iterdir() if p != failing)
    loaded = tmp_path / "n.db"
    assert runner.invoke(app, ["load", str(tmp_path / "ds"), "--db", str(loaded)]).exit_code == 0
    rows = connect(loaded, readonly=True).execute("SELECT reason FROM skipped").fetchall()
    assert sorted(r[0] for r in rows) == ["binary", "empty", "segment_error"]
    assert len(_articles(loaded)) == len(articles)


def test_other_sources_into_the_same_folder_are_refused(reference: Path) -> None:
    result = runner.invoke(app, ["run", str(SEEDS), "--out", str(reference), "--no-enrich"])
    assert result.exit_code == 2
    assert "other sources" in result.output


def test_distributed_dedup_matches_dedup_in_memory(reference: Path) -> None:
    """The shuffle by partitioned files finds the clusters dedup finds on the whole batch."""
    rows = []
    for path in sorted((reference / "articles").glob("*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    texts = [text_of(row_article_texts(row), rank) for rank, row in enumerate(rows)]
    members, _, _ = cluster_texts(texts, Options().dedup)
    sizes = Counter(m.cluster for m in members)
    expected = sorted(
        (m.article, m.cluster, m.kind, m.matched_with, m.canonical)
        for m in members
        if sizes[m.cluster] > 1
    )
    got = sorted(
        (m["article"], m["cluster"], m["kind"], m["matched_with"], m["canonical"])
        for m in content(reference, ("members",))["members"]
    )
    assert got == expected
    assert len(got) > 10


@pytest.mark.parametrize(("partitions", "check_pairs"), [(1, 20_000), (5, 10)])
def test_the_number_of_partitions_changes_no_cluster(
    synthetic: Path, reference: Path, tmp_path: Path, partitions: int, check_pairs: int
) -> None:
    """Pairs checked in two partitions or in many (most pairs' articles in different
    ones) give the clusters, members and links of the reference run, row for row."""
    out = tmp_path / "parts"
    stats = run_local([synthetic], out, partitions=partitions, check_pairs=check_pairs)
    assert stats.links > 10
    for folder in ("clusters", "members", "links"):
        path = f"{folder}/{folder}.parquet"
        assert pq.read_table(out / path).to_pylist() == pq.read_table(reference / path).to_pylist()
