"""A pending page keeps its line keys from the store pass to the segmentation pass: the
segmentation is the one made with keys computed afresh, and the keys go once it is
written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import newsmill.ingest as ingest_module
from newsmill.ingest import IngestStats, ingest, segment_pending, store_pages
from newsmill.options import Options
from newsmill.segment.chrome import LineKeys
from newsmill.store.db import connect


def _segmentation(db: sqlite3.Connection) -> list[list[tuple[object, ...]]]:
    return [
        [tuple(row) for row in db.execute(sql)]
        for sql in (
            "SELECT p.source, l.line, l.start, l.role, l.reason, l.article_id FROM lines l "
            "JOIN pages p ON p.id = l.page_id ORDER BY p.source, l.line",
            "SELECT id, title, dek, section, authors, partial, body FROM articles ORDER BY id",
            "SELECT * FROM parts ORDER BY article_id, seq",
        )
    ]


def test_kept_keys_give_the_segmentation_of_fresh_ones(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options()
    kept = connect(tmp_path / "kept.db")
    stats = IngestStats()
    store_pages(kept, [str(seed_dir)], options, stats)
    packed = kept.execute("SELECT line_keys FROM pages WHERE segmented = 0").fetchall()
    assert len(packed) == stats.pages_new > 0 and all(row[0] for row in packed)
    used: list[bool] = []
    unpack = LineKeys.unpack

    def counted(packed: bytes | None, max_words: int, lines: int) -> LineKeys | None:
        keys = unpack(packed, max_words, lines)
        used.append(keys is not None)
        return keys

    monkeypatch.setattr(ingest_module.LineKeys, "unpack", counted)
    segment_pending(kept, options, stats)
    assert used and all(used)
    left = kept.execute("SELECT count(*) FROM pages WHERE line_keys IS NOT NULL").fetchone()[0]
    assert left == 0

    monkeypatch.setattr(ingest_module.LineKeys, "unpack", lambda *args: None)
    fresh = connect(tmp_path / "fresh.db")
    ingest(fresh, [str(seed_dir)], options, enrich=False)
    assert _segmentation(kept) == _segmentation(fresh)
    assert _segmentation(fresh)[0]
