"""Quality gate: pinned floors on a reprint set made from the seed pages' paragraphs.

The set is built by bench/reprint.py's generator (exact, noisy, abridged, teaser, embedded
copies and same-topic decoys) with fixed seeds, from pseudo-articles of three consecutive
distinct paragraphs of tests/fixtures/pages. A drop below a floor fails CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsmill.dedup.normalize import words
from newsmill.options import DedupOptions

from .helpers import FIXTURES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import reprint

SEEDS = (1, 2, 3)
FLOORS = {"ari": 0.95, "precision": 0.995, "teaser_attach": 0.95}
PARAGRAPHS_PER_ARTICLE = 3
MIN_PARAGRAPH_WORDS = 15


def seed_articles() -> list[list[str]]:
    seen: set[str] = set()
    paragraphs: list[str] = []
    for path in sorted((FIXTURES / "pages").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            key = " ".join(words(line))
            if len(line.split()) >= MIN_PARAGRAPH_WORDS and key not in seen:
                seen.add(key)
                paragraphs.append(line.strip())
    step = PARAGRAPHS_PER_ARTICLE
    return [paragraphs[i : i + step] for i in range(0, len(paragraphs) - step + 1, step)]


@pytest.fixture(scope="module")
def scores() -> dict[str, reprint.Score]:
    """Each seed's set is clustered on its own (the sets share their sources), then the
    predictions are pooled with seed-prefixed ids and labels."""
    articles = seed_articles()
    docs: list[reprint.Doc] = []
    predicted: dict[str, str] = {}
    for seed in SEEDS:
        seed_docs = reprint.make_set(articles, seed)
        labels = reprint.run_newsmill(seed_docs, DedupOptions())
        for doc in seed_docs:
            predicted[f"{seed}:{doc.id}"] = f"{seed}:{labels[doc.id]}"
            doc.id, doc.truth = f"{seed}:{doc.id}", f"{seed}:{doc.truth}"
            docs.append(doc)
    return {s.kind: s for s in reprint.score(docs, predicted)}


def test_set_has_every_kind(scores: dict[str, reprint.Score]) -> None:
    assert set(reprint.KINDS) <= set(scores)
    assert scores["all"].docs >= 100


def test_overall_floors(scores: dict[str, reprint.Score]) -> None:
    assert scores["all"].ari >= FLOORS["ari"]
    assert scores["all"].precision >= FLOORS["precision"]


def test_teaser_attach_floor(scores: dict[str, reprint.Score]) -> None:
    teaser = scores["teaser"]
    assert teaser.attach is not None and teaser.attach >= FLOORS["teaser_attach"]


@pytest.mark.parametrize("kind", reprint.KINDS)
def test_per_kind_precision(scores: dict[str, reprint.Score], kind: str) -> None:
    assert scores[kind].precision >= FLOORS["precision"]
