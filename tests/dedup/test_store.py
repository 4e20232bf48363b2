"""Clusters in the store: the seed pages, incremental updates, repairs, the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsmill.cli import app
from newsmill.dedup import copies_of, list_clusters, update_clusters
from newsmill.errors import StoreError
from newsmill.ingest import ingest
from newsmill.model import Article, Page, Part, Segmented
from newsmill.options import DedupOptions, Options
from newsmill.store import write
from newsmill.store.db import connect

from .helpers import FIXTURES, body, paragraphs

PAGES = sorted((FIXTURES / "pages").glob("*.txt"))


def _ingest(db: sqlite3.Connection, paths: list[Path]) -> list[str]:
    return ingest(db, [str(p) for p in paths], Options(), enrich=False).article_ids


@pytest.fixture()
def seeds(tmp_path: Path) -> sqlite3.Connection:
    db = connect(tmp_path / "seeds.db")
    _ingest(db, PAGES)
    update_clusters(db, None, DedupOptions())
    return db


def _clusters(db: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for article_id, cluster in db.execute("SELECT article_id, cluster FROM article_clusters"):
        out.setdefault(cluster, set()).add(article_id)
    return out


def _page_of(db: sqlite3.Connection) -> dict[str, str]:
    rows = db.execute("SELECT a.id, p.source FROM articles a JOIN pages p ON p.id = a.page_id")
    return {article_id: Path(source).name[:3] for article_id, source in rows}


def test_seeds_twelve_instances_nine_clusters(seeds: sqlite3.Connection) -> None:
    clusters = _clusters(seeds)
    assert sum(len(m) for m in clusters.values()) == 12
    assert len(clusters) == 9
    page = _page_of(seeds)
    pairs = [members for members in clusters.values() if len(members) > 1]
    assert len(pairs) == 3
    assert all(sorted(page[m] for m in members) == ["000", "004"] for members in pairs)
    firsts = {
        seeds.execute("SELECT substr(body, 1, 200) FROM articles WHERE id = ?", (m,)).fetchone()[0]
        for members in pairs
        for m in members
    }
    assert any("landmines" in f for f in firsts)
    assert any("G20" in f for f in firsts)
    assert any("Gallup" in f for f in firsts)


def test_seeds_blinken_articles_stay_apart(seeds: sqlite3.Connection) -> None:
    blinken = [
        article_id
        for article_id, text in seeds.execute("SELECT id, body FROM articles")
        if "Blinken" in text[:2000] and "NATO" in text
    ]
    assert len({_page_of(seeds)[a] for a in blinken}) >= 2
    cluster_of = {a: c for c, members in _clusters(seeds).items() for a in members}
    assert len({cluster_of[a] for a in blinken}) == len(blinken)


def test_incremental_matches_batch(tmp_path: Path, seeds: sqlite3.Connection) -> None:
    db = connect(tmp_path / "step.db")
    for path in PAGES:
        _ingest(db, [path])  # ingest runs update_clusters on the new articles
        update_clusters(db, None, DedupOptions())
        signed = db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0]
        assert signed == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert update_clusters(db, None, DedupOptions()).signed == 0
    assert sorted(map(sorted, _clusters(db).values())) == sorted(
        map(sorted, _clusters(seeds).values())
    )
    canonical = db.execute("SELECT count(*) FROM article_clusters WHERE canonical = 1")
    assert canonical.fetchone()[0] == 9


def _store_articles(db: sqlite3.Connection, name: str, items: list[tuple[str, str | None]]) -> None:
    """Store a made-up page holding articles (body, title) as the segmenter would."""
    page = Page(sha256=name * 8, source=f"{name}.txt", text="x", kind="text", site="test")
    stored = write.store_page(db, page, [])
    assert stored is not None
    page_id = stored.id
    articles = []
    for index, (text, title) in enumerate(items):
        parts = [Part("body", i + 1, i + 1, 0, len(p), p) for i, p in enumerate(text.split("\n"))]
        articles.append(
            Article(f"{name}-{index}", page.sha256, index, parts, title=title, partial=not title)
        )
    write.write_segmented(db, page_id, Segmented(page, [], articles))


def test_new_teaser_and_copy_join_stored_cluster(tmp_path: Path) -> None:
    db = connect(tmp_path / "made.db")
    _store_articles(db, "p1", [(body("storm"), "Storm"), (body("budget_a"), "Budget")])
    update_clusters(db, None, DedupOptions())
    _store_articles(db, "p2", [(paragraphs("storm")[0] + " Read more", None)])
    _store_articles(db, "p3", [(body("storm"), "Storm again")])
    stats = update_clusters(db, None, DedupOptions())
    assert stats.signed == 2 and stats.new_duplicates == 2
    copies = {c.article_id: c for c in copies_of(db, "p1-0")}
    assert set(copies) == {"p2-0", "p3-0"}
    assert copies["p2-0"].kind == "contained" and copies["p2-0"].partial
    assert copies["p3-0"].kind == "exact"
    clusters = list_clusters(db)
    assert len(clusters) == 1 and clusters[0].size == 3 and clusters[0].canonical == "p1-0"
    assert copies_of(db, "p1-1") == []


def test_deleted_member_splits_cluster(tmp_path: Path) -> None:
    db = connect(tmp_path / "del.db")
    _store_articles(db, "p1", [(body("storm"), "Storm")])
    _store_articles(db, "p2", [(body("storm"), None)])
    update_clusters(db, None, DedupOptions())
    assert list_clusters(db)[0].size == 2
    db.execute("DELETE FROM articles WHERE id = 'p1-0'")
    update_clusters(db, None, DedupOptions())
    rows = db.execute("SELECT id, canonical, size FROM clusters").fetchall()
    assert [tuple(r) for r in rows] == [("p2-0", "p2-0", 1)]


def test_dups_command(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    db = connect(path)
    _ingest(db, PAGES)
    db.close()
    result = CliRunner().invoke(app, ["dups", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.output)
    assert len(clusters) == 3
    assert all(c["size"] == 2 and c["kinds"] == {"canonical": 1, "exact": 1} for c in clusters)
    table = CliRunner().invoke(app, ["dups", "--db", str(path)])
    assert table.exit_code == 0 and "3 clusters" in table.output


def test_changed_settings_ask_for_a_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "params.db"
    db = connect(path)
    _store_articles(db, "p1", [(body("storm"), "Storm")])
    update_clusters(db, None, DedupOptions())
    with pytest.raises(StoreError, match="--rebuild"):
        update_clusters(db, None, DedupOptions(num_perm=64, bands=16))
    db.close()
    result = CliRunner().invoke(app, ["dups", "--db", str(path), "--rebuild", "--all", "--json"])
    assert result.exit_code == 0, result.output
    assert [c["size"] for c in json.loads(result.output)] == [1]


def test_teaser_leaves_a_listing_page_once_its_article_arrives(tmp_path: Path) -> None:
    """Incremental order: a page of teasers and one teaser come first (the teaser can only
    attach to the listing), the articles later: the listing is then recognised, and the
    teaser moves to its article."""
    db = connect(tmp_path / "listing.db")
    leads = [paragraphs(name)[0] for name in ("budget_a", "budget_b", "storm")]
    _store_articles(db, "p1", [("\n".join(f"{lead} Read more" for lead in leads), "Latest")])
    _store_articles(db, "p2", [(leads[0] + " Read more", None)])
    update_clusters(db, None, DedupOptions())
    assert [c.article_id for c in copies_of(db, "p2-0")] == ["p1-0"]
    _store_articles(
        db, "p3", [(body("budget_a"), "A"), (body("budget_b"), "B"), (body("storm"), "S")]
    )
    update_clusters(db, None, DedupOptions())
    assert [c.article_id for c in copies_of(db, "p2-0")] == ["p3-0"]
    assert copies_of(db, "p1-0") == []
    assert copies_of(db, "p3-1") == [] and copies_of(db, "p3-2") == []


@pytest.mark.parametrize(("max_postings", "linked"), [(500, True), (1, False)])
def test_fingerprints_on_too_many_articles_are_not_looked_up(
    tmp_path: Path, max_postings: int, linked: bool
) -> None:
    """The teaser is found through its fingerprints, unless they count as boilerplate (on
    more than `max_postings` stored articles, itself included)."""
    db = connect(tmp_path / "postings.db")
    _store_articles(db, "p1", [(body("storm"), "Storm")])
    _store_articles(db, "p2", [(paragraphs("storm")[0] + " Read more", None)])
    update_clusters(db, None, DedupOptions(max_postings=max_postings))
    assert bool(copies_of(db, "p1-0")) is linked
