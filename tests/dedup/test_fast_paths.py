"""The store's fast paths give what the plain computations give: lazy sketches and briefs,
the keys handed to SQLite in one statement, candidate pairs found in SQL, lone clusters
written together."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import newsmill.dedup.update as update
from newsmill.dedup import update_clusters
from newsmill.dedup.links import Brief, LazySketches, Sketch, check_pairs, sketches
from newsmill.dedup.signatures import Signed, sign
from newsmill.options import DedupOptions
from newsmill.store.db import connect

from .helpers import body, paragraphs
from .test_store import _store_articles

OPTIONS = DedupOptions()


def _texts() -> dict[str, str]:
    storm = body("storm")
    return {
        "storm": storm,
        "storm-copy": storm,
        "storm-near": storm + " And one more closing sentence for the story.",
        "storm-teaser": paragraphs("storm")[0] + " Read more",
        "budget": body("budget_a"),
        "budget-b": body("budget_b"),
        "budget-lead": paragraphs("budget_a")[0],
        "short": "Too short to link.",
    }


def _sign(texts: list[str]) -> Signed:
    return sign(texts, OPTIONS)


def _same_sketch(left: Sketch, right: Sketch) -> bool:
    return (
        np.array_equal(left.minhash, right.minhash)
        and left.exact == right.exact
        and left.words == right.words
        and np.array_equal(left.shingles, right.shingles)
        and np.array_equal(left.fingerprints, right.fingerprints)
        and np.array_equal(left.lead, right.lead)
    )


def _brief(sketch: Sketch) -> Brief:
    """A brief as the store keeps it: minhash as little-endian bytes, exact as signed."""
    stored_exact = int(np.uint64(sketch.exact).view(np.int64))
    return Brief(
        np.frombuffer(sketch.minhash.astype("<u4").tobytes(), dtype="<u4").astype(np.uint32),
        stored_exact & update._U64,
        sketch.words,
    )


def _lazy(texts: dict[str, str], unsigned: set[str]) -> LazySketches:
    """Sketches of ``texts``: those in ``unsigned`` added with their stored briefs only."""
    eager = sketches(list(texts), _sign(list(texts.values())))
    lazy = LazySketches(_sign)
    signed_ids = [t for t in texts if t not in unsigned]
    lazy.add(signed_ids, _sign([texts[t] for t in signed_ids]))
    lazy.add_unsigned({t: (texts[t], _brief(eager[t])) for t in texts if t in unsigned})
    return lazy


def test_lazy_sketches_equal_eager_ones() -> None:
    texts = _texts()
    eager = sketches(list(texts), _sign(list(texts.values())))
    lazy = _lazy(texts, {"storm-copy", "budget-lead"})
    assert set(lazy) == set(eager) and len(lazy) == len(eager)
    for text_id, sketch in eager.items():
        brief = lazy.briefs[text_id]
        assert np.array_equal(brief.minhash, sketch.minhash)
        assert (brief.exact, brief.words) == (sketch.exact, sketch.words)
        assert _same_sketch(lazy[text_id], sketch)
    assert "missing" not in lazy and lazy.get("missing") is None


def test_unsigned_texts_are_signed_once_asked_for() -> None:
    texts = _texts()
    lazy = _lazy(texts, {"storm", "budget"})
    lazy.prepare(["storm", "budget-b"])
    assert "storm" in lazy._made or "storm" in lazy._signed
    assert "budget" in lazy._unsigned  # not asked for: still waiting
    eager = sketches(list(texts), _sign(list(texts.values())))
    assert _same_sketch(lazy["budget"], eager["budget"])
    assert not lazy._unsigned


@pytest.mark.parametrize("unsigned", [set(), {"storm", "storm-teaser", "budget"}])
def test_check_pairs_with_briefs_equals_plain_check(unsigned: set[str]) -> None:
    texts = _texts()
    eager = sketches(list(texts), _sign(list(texts.values())))
    pairs = list(itertools.combinations(texts, 2))
    plain = check_pairs(pairs, eager, OPTIONS)
    fast = check_pairs(pairs, _lazy(texts, unsigned), OPTIONS)
    assert {link.kind for link in plain.strong} == {"exact", "near"} and plain.partial
    assert (fast.strong, fast.partial, fast.pairs) == (plain.strong, plain.partial, plain.pairs)


def test_postings_reach_sqlite_whole_and_in_order(tmp_path: Path) -> None:
    db = connect(tmp_path / "postings.db")
    db.execute("CREATE TEMP TABLE t (article INTEGER, key INTEGER)")
    keys = np.array([-(2**63), -1, 0, 7, 2**53 + 1, 2**63 - 1], dtype=np.int64)
    articles = np.array([1, 10, 999, 2**62, 5, 2**63 - 1], dtype=np.int64)
    update._insert_postings(db, "t (key, article)", update._Postings(keys, articles))
    rows = [tuple(r) for r in db.execute("SELECT key, article FROM t ORDER BY rowid")]
    assert rows == list(zip(keys.tolist(), articles.tolist(), strict=True))
    empty = np.zeros(0, dtype=np.int64)
    update._insert_postings(db, "t (key, article)", update._Postings(empty, empty))
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == len(keys)


def _reference_candidates(db: sqlite3.Connection, options: DedupOptions) -> list[tuple[int, int]]:
    """The candidate pairs as first written: three joins, pairs collected in Python."""
    found: set[tuple[int, int]] = set()
    queries = (
        """SELECT q.article, b.article FROM q_keys q JOIN dedup_bands b ON b.key = q.key
           WHERE b.article != q.article""",
        """SELECT q.article, s.article FROM q_exact q JOIN dedup_signatures s ON s.exact = q.exact
           WHERE s.article != q.article""",
        """WITH common AS (
               SELECT q.fp FROM (SELECT DISTINCT fp FROM q_fps) q
               WHERE (SELECT count(*) FROM (
                   SELECT 1 FROM dedup_fingerprints f WHERE f.fp = q.fp LIMIT ? + 1)) > ?)
           SELECT q.article, f.article FROM q_fps q
           JOIN dedup_fingerprints f ON f.fp = q.fp
           WHERE f.article != q.article AND q.fp NOT IN (SELECT fp FROM common)""",
    )
    for sql in queries:
        args = (options.max_postings, options.max_postings) if "?" in sql else ()
        for new, other in db.execute(sql, args):
            found.add((min(new, other), max(new, other)))
    return sorted(found)


@pytest.mark.parametrize("max_postings", [500, 2])
def test_candidates_equal_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_postings: int
) -> None:
    options = DedupOptions(max_postings=max_postings)
    seen: list[int] = []

    def checked(db: sqlite3.Connection, options: DedupOptions) -> list[tuple[int, int]]:
        pairs = fast(db, options)
        assert pairs == _reference_candidates(db, options)
        seen.append(len(pairs))
        return pairs

    fast = update._candidates
    monkeypatch.setattr(update, "_candidates", checked)
    monkeypatch.setattr(update, "CHUNK", 3)  # several rounds: stored and new keys meet
    db = connect(tmp_path / "candidates.db")
    texts = _texts()
    _store_articles(db, "p1", [(texts["storm"], "Storm"), (texts["budget"], "Budget")])
    update_clusters(db, None, options)
    _store_articles(db, "p2", [(texts[t], None) for t in texts])
    _store_articles(db, "p3", [(texts["storm-teaser"], None), (texts["budget-lead"], None)])
    update_clusters(db, None, options)
    assert len(seen) >= 4 and any(seen)


def test_lone_articles_are_clusters_of_their_own(tmp_path: Path) -> None:
    db = connect(tmp_path / "alone.db")
    texts = _texts()
    _store_articles(
        db, "p1", [(texts["storm"], "S"), (texts["budget"], "B"), (texts["budget-b"], "C")]
    )
    _store_articles(db, "p2", [(texts["storm-copy"], "S2"), (texts["short"], None)])
    update_clusters(db, None, OPTIONS)
    clusters = {tuple(r) for r in db.execute("SELECT id, canonical, size, dirty FROM clusters")}
    assert clusters == {
        ("p1-0", "p1-0", 2, 0),
        ("p1-1", "p1-1", 1, 0),
        ("p1-2", "p1-2", 1, 0),
        ("p2-1", "p2-1", 1, 0),
    }
    members = {
        tuple(r)
        for r in db.execute(
            "SELECT article_id, cluster_id, kind, score, matched_with, canonical "
            "FROM cluster_members WHERE article_id != cluster_id OR article_id != 'p1-0'"
        )
    }
    assert members == {
        ("p1-1", "p1-1", "canonical", None, None, 1),
        ("p1-2", "p1-2", "canonical", None, None, 1),
        ("p2-0", "p1-0", "exact", 1.0, "p1-0", 0),
        ("p2-1", "p2-1", "canonical", None, None, 1),
    }


def test_rounds_read_their_own_rows_in_signing_order(tmp_path: Path) -> None:
    db = connect(tmp_path / "order.db")
    texts = _texts()
    _store_articles(db, "p1", [(texts["storm"], "S"), (texts["budget"], "B")])
    _store_articles(db, "p2", [(texts["budget-b"], "C"), (texts["short"], None)])
    rowid = {r[1]: r[0] for r in db.execute("SELECT rowid, id FROM articles")}
    update_clusters(db, ["p1-1"], OPTIONS)
    assert update._unsigned(db, None) == sorted(rowid[a] for a in ("p1-0", "p2-0", "p2-1"))
    assert update._unsigned(db, ["p2-1", "p1-1", "p1-0", "p2-1"]) == [
        rowid["p1-0"],
        rowid["p2-1"],
    ]
    rows = update._rows_of(db, [rowid["p2-0"], rowid["p1-0"], 10**9])
    assert [row.id for row in rows] == ["p2-0", "p1-0"]
    assert rows[0].copy.paragraphs == texts["budget-b"].count("\n") + 1


@pytest.mark.parametrize(
    "authors", [None, "", "[]", "[ ]", '["Ann Lee"]', '["Ann", "Bo"]', '[ "Ann"]', "null"]
)
def test_has_authors_reads_as_parsing_would(authors: str | None) -> None:
    assert update._has_authors(authors) == bool(json.loads(authors or "[]"))
