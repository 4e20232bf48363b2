"""Quality gate for segmentation: pinned floors on pages the project ships.

Multi-article pages are built with the benchmark's generator (bench/multi_article.py) from
the articles of the seed pages, so the gate runs without the evaluation data. A drop
below a floor fails CI like broken code; lowering a floor needs a reason in the commit.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from newsmill.segment import segment_page

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import multi_article as gen
from newsmill.model import Page

SEEDS = Path(__file__).parents[1] / "fixtures" / "pages"

#: Floors, below the figures measured at the last change of the segmenter (boundary F1
#: 0.962, article F1 0.943, partial accuracy 1.000 on 120 pages, seed 3).
FLOORS = {"boundary F1": 0.95, "article F1": 0.92, "partial acc": 0.97}


def _seed_sources() -> list[gen.Source]:
    pages = [
        Page(sha256=f.stem, source=str(f), text=f.read_text("utf-8"), kind="text", site="s")
        for f in sorted(SEEDS.glob("*.txt"))
    ]
    sources = []
    for page in pages:
        for article in segment_page(page).articles:
            title = article.title or " ".join(article.paragraphs[0].split()[:8])
            if len(article.paragraphs) >= 2:
                sources.append(gen.Source(title, article.dek, article.paragraphs, article.authors))
    return sources


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    sources = _seed_sources()
    rng = random.Random(3)
    pages, truths = [], []
    for i in range(120):
        text, truth = gen.build_page(rng, sources)
        pages.append(Page(sha256=f"{i:08x}", source=f"gen/{i}", text=text, kind="text", site="g"))
        truths.append(gen.renumber(text, truth))
    predictions, _ = gen.newsmill_predict(pages)
    return gen.score(truths, predictions)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(scores: dict[str, float], metric: str) -> None:
    assert scores[metric] >= FLOORS[metric], f"{metric} {scores[metric]:.3f} < {FLOORS[metric]}"
