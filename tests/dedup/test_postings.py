"""Postings held back in memory and the key filter give what the store's tables alone give:
the same candidates (see test_fast_paths), the same rows in the tables, whatever the
round size, how much is held back and how the filter answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

import newsmill.dedup.update as update
from newsmill.dedup import postings, update_clusters
from newsmill.dedup.postings import KeyFilter, Postings, distinct_pairs
from newsmill.options import DedupOptions
from newsmill.store.db import connect

from .helpers import body, paragraphs
from .test_store import _store_articles

#: every table the dedup migration makes, with its columns (not the `updated` time)
DEDUP_TABLES = {
    "dedup_signatures": "article_id, article, exact, words, shingles, fingerprints, minhash, "
    "params",
    "dedup_bands": "key, article",
    "dedup_fingerprints": "fp, article",
    "dedup_links": "article_id, other_id, kind, score, cover",
    "clusters": "id, canonical, size, dirty",
    "cluster_members": "article_id, cluster_id, kind, score, matched_with, canonical",
}


def _tables(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: sorted(tuple(r) for r in db.execute(f"SELECT {columns} FROM {table}"))
        for table, columns in DEDUP_TABLES.items()
    }


def _corpus(path: Path, options: DedupOptions) -> dict[str, list[tuple[object, ...]]]:
    """Three updates: a listing page and a teaser (attached to the listing), then their
    articles (the teaser is detached and signed again: its postings are stored and new),
    then copies, near copies and leads of them."""
    db = connect(path)
    leads = [paragraphs(name)[0] for name in ("budget_a", "budget_b", "storm")]
    _store_articles(db, "p1", [("\n".join(f"{lead} Read more" for lead in leads), "Latest")])
    _store_articles(db, "p2", [(leads[0] + " Read more", None), ("Too short to link.", None)])
    update_clusters(db, None, options)
    _store_articles(
        db, "p3", [(body("budget_a"), "A"), (body("budget_b"), "B"), (body("storm"), "S")]
    )
    update_clusters(db, None, options)
    _store_articles(
        db,
        "p4",
        [
            (body("storm"), None),
            (body("storm") + "\nAnd one more closing sentence for the story.", "S2"),
            (leads[2] + " Read more", None),
            (body("budget_a"), "A2"),
        ],
    )
    _store_articles(db, "p5", [(leads[1], None), (body("budget_b"), None)])
    update_clusters(db, None, options)
    return _tables(db)


@pytest.mark.parametrize("max_postings", [500, 3])
@pytest.mark.parametrize("chunk", [1, 3, 4000])
def test_tables_do_not_depend_on_holding_or_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_postings: int, chunk: int
) -> None:
    """Postings written after every round, held for the whole pass, for a few rounds or
    until the transaction has been open long enough, released a few at a time, the
    filter saying "maybe" to nearly every key: the same rows. (Rounds of another size
    may differ where a fingerprint's count crosses max_postings mid-round, so the round
    size stays.)"""
    options = DedupOptions(max_postings=max_postings)
    monkeypatch.setattr(update, "CHUNK", chunk)
    monkeypatch.setattr(update, "HOLD_POSTINGS", 0)
    expected = _corpus(tmp_path / "plain.db", options)
    assert expected["dedup_links"] and expected["dedup_fingerprints"]
    assert any(row[2] == "contained" for row in expected["dedup_links"])
    # held for the whole pass; for a few rounds; for a round (the time limit reached)
    for hold, seconds in ((10**9, float("inf")), (50, float("inf")), (10**9, 0.0)):
        with monkeypatch.context() as patch:
            patch.setattr(update, "HOLD_POSTINGS", hold)
            patch.setattr(update, "HOLD_SECONDS", seconds)
            patch.setattr(postings, "RELEASE_ROWS", 7)
            patch.setattr(postings, "FILTER_WORDS", (1, 1))
            got = _corpus(tmp_path / f"{hold}-{seconds}.db", options)
            assert got == expected, (hold, seconds)


def test_key_filter_holds_what_was_added() -> None:
    rng = np.random.default_rng(3)
    added = rng.integers(-(2**63), 2**63 - 1, size=20_000, dtype=np.int64)
    others = rng.integers(-(2**63), 2**63 - 1, size=20_000, dtype=np.int64)
    key_filter = KeyFilter.sized(len(added))
    assert not key_filter.may_hold(added).any()
    key_filter.add(added[:10_000])
    key_filter.add(added[10_000:])
    assert key_filter.may_hold(added).all()
    assert key_filter.may_hold(others).mean() < 0.05
    with pytest.raises(ValueError, match="power of two"):
        KeyFilter(3)


@pytest.mark.parametrize("big", [False, True])
def test_distinct_pairs_are_the_set_of_pairs(big: bool) -> None:
    rng = np.random.default_rng(5)
    left = rng.integers(-3, 40, size=500, dtype=np.int64)
    right = rng.integers(-3, 40, size=500, dtype=np.int64)
    if big:  # rowids too large to pack two into one integer
        left[::7] += 2**40
    low, high = distinct_pairs(left, right)
    expected = sorted({(min(a, b), max(a, b)) for a, b in zip(left, right, strict=True) if a != b})
    assert list(zip(low.tolist(), high.tolist(), strict=True)) == expected
    empty = np.zeros(0, dtype=np.int64)
    assert [len(a) for a in distinct_pairs(empty, empty)] == [0, 0]


@pytest.mark.parametrize("first_article", [1, 2**40])
def test_held_postings_come_back_whole_in_key_order(
    monkeypatch: pytest.MonkeyPatch, first_article: int
) -> None:
    monkeypatch.setattr(postings, "RELEASE_ROWS", 40)
    rng = np.random.default_rng(7)
    held = postings._Held()
    every: set[tuple[int, int]] = set()
    for run in range(5):  # a run per round: each of other articles
        keys = rng.integers(-(2**63), 2**63 - 1, size=100, dtype=np.int64)
        keys[:10] = [-(2**63), 2**63 - 1, 0, -1, 5, 5, 5, 9, 9, 2**62]
        articles = rng.integers(0, 30, size=100, dtype=np.int64) + 100 * run + first_article
        held.add(postings.postings(keys, articles))
        every |= set(zip(keys.tolist(), articles.tolist(), strict=True))
    found = held.find(np.array([5, 9], dtype=np.int64))
    assert sorted(zip(found[0].tolist(), found[1].tolist(), strict=True)) == sorted(
        ((0 if k == 5 else 1), a) for k, a in every if k in (5, 9)
    )
    parts = list(held.take())
    assert len(parts) > 1 and held.count == 0 and not held.runs
    rows = [(k, a) for part in parts for k, a in zip(part.keys, part.articles, strict=True)]
    assert rows == sorted(every)


def test_stored_postings_cap_at_one_more_than_boilerplate(tmp_path: Path) -> None:
    """A key on more than the cap of stored articles comes back with cap + 1 of them."""
    db = connect(tmp_path / "cap.db")
    rows = [(7, a) for a in range(1, 11)] + [(8, 3)]
    db.executemany("INSERT INTO dedup_fingerprints (fp, article) VALUES (?, ?)", rows)
    table = postings.KeyTable("dedup_fingerprints", "fp", cap=4)
    index = postings.KeyIndex(db, (table,), 10)
    keys = np.array([7, 8, 9], dtype=np.int64)
    which, articles = index._stored(db, table, keys, np.arange(3, dtype=np.int64))
    assert which.tolist() == [0] * 5 + [1] and articles[-1] == 3
    new = Postings(np.array([8, 9], dtype=np.int64), np.array([20, 20], dtype=np.int64))
    low, high = index.pairs(db, [new])
    assert list(zip(low.tolist(), high.tolist(), strict=True)) == [(3, 20)]


@pytest.mark.parametrize("hashed", [True, False])
def test_keys_with_the_same_articles_are_expanded_once(
    monkeypatch: pytest.MonkeyPatch, hashed: bool
) -> None:
    """A key whose articles are those of another key is left out, never one whose articles
    differ: with every list hashed alike (not hashed), lists are still compared whole."""
    lists = [[1, 2, 3], [1, 2, 3], [1, 2, 4], [5, 6], [5, 6], [1, 2, 3], [7]]
    counts = np.array([len(x) for x in lists], dtype=np.int64)
    starts = np.cumsum(counts) - counts
    articles = np.array([a for x in lists for a in x], dtype=np.int64)
    if not hashed:
        monkeypatch.setattr(postings, "mix64", lambda values: values * np.uint64(0))
    left_out = postings._same_as_before(articles, starts, counts, np.arange(7, dtype=np.int64))
    kept = [lists[k] for k in range(7) if not left_out[k]]
    assert all(lists[k] in kept for k in np.flatnonzero(left_out))
    assert not left_out[[0, 2, 3, 6]].any()
    if hashed:
        assert left_out.tolist() == [False, True, False, False, True, True, False]
