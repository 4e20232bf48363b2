"""Quality gate: value F1 on hand-written news-like sentences (tests/fixtures/figures).

The sentences were written for this project (NewsQuant has no licence to ship). Matching
is the benchmark's (bench/newsquant.py): same value within a relative 1e-5, one-to-one per
sentence; a gold range [low, high] needs a predicted range with the same ends. Negatives
(years, dates, ages, list numbers, names with numbers) have no gold values, so anything
found there is a false positive.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from newsmill.enrich.figures import Quantity, find_figures

FIXTURE = Path(__file__).parents[1] / "fixtures" / "figures" / "sentences.jsonl"
#: Pinned floors: measured 41 of 42 gold values found, no false positives (F1 0.988).
MIN_F1 = 0.95
MIN_PRECISION = 0.95


def _matches(gold: float | list[float], found: Quantity) -> bool:
    if isinstance(gold, list):
        return found.high is not None and (
            math.isclose(found.value, gold[0], rel_tol=1e-5)
            and math.isclose(found.high, gold[1], rel_tol=1e-5)
        )
    return found.high is None and math.isclose(found.value, gold, rel_tol=1e-5)


def test_value_f1_floor() -> None:
    tp = fp = fn = 0
    items = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 40
    assert sum(1 for item in items if not item["values"]) >= 10  # negatives
    for item in items:
        found = find_figures(item["text"])
        used: set[int] = set()
        for gold in item["values"]:
            hit = next(
                (i for i, q in enumerate(found) if i not in used and _matches(gold, q)), None
            )
            if hit is None:
                fn += 1
            else:
                used.add(hit)
                tp += 1
        fp += len(found) - len(used)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert precision >= MIN_PRECISION, (precision, recall, f1)
    assert f1 >= MIN_F1, (precision, recall, f1)
