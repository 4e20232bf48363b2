"""Quality gate: quote and speaker F1 on hand-made sentences must not drop below a floor.

The sentences (tests/fixtures/enrich/quotes_gold.jsonl) were written for this project.
A gold quote is matched by a predicted one whose text overlaps it; its speaker is right
when the predicted speaker mention overlaps the gold speaker words. Same metric as
bench/polnear.py (where newsmill measures quote+speaker F1 0.81 on PolNeAR dev).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from newsmill.enrich.extract import find_in_articles

from .conftest import FIXTURES, article_from_text

if TYPE_CHECKING:
    from spacy.language import Language

QUOTE_F1_FLOOR = 0.95  # measured 1.00
SPEAKER_F1_FLOOR = 0.85  # measured 0.92


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _overlap(a: tuple[int, int], b: tuple[int | None, int | None]) -> bool:
    return b[0] is not None and b[1] is not None and a[0] < b[1] and b[0] < a[1]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def test_quote_and_speaker_f1_floor(nlp: Language) -> None:
    gold_file = FIXTURES / "enrich" / "quotes_gold.jsonl"
    cases = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines()]
    articles = [
        article_from_text(f"case{i}", c["text"].replace("\n\n", "\n")) for i, c in enumerate(cases)
    ]
    n_pred = n_gold = hit_p = hit_g = spk_p = spk_g = 0
    for case, found in zip(cases, find_in_articles(nlp, articles), strict=True):
        text = case["text"].replace("\n\n", "\n")
        gold = [(_span(text, q.replace("\n\n", "\n")), _span(text, s)) for q, s in case["quotes"]]
        pred = [q for q in found.quotes if q.kind != "indirect"]
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
        for q in pred:
            matched = [g for g in gold if _overlap(g[0], (q.start, q.end))]
            hit_p += bool(matched)
            spk_p += any(_overlap(g[1], (q.mention_start, q.mention_end)) for g in matched)
        for g in gold:
            matched = [q for q in pred if _overlap(g[0], (q.start, q.end))]
            hit_g += bool(matched)
            spk_g += any(_overlap(g[1], (q.mention_start, q.mention_end)) for q in matched)
    quote_f1 = _f1(hit_p / n_pred, hit_g / n_gold)
    speaker_f1 = _f1(spk_p / n_pred, spk_g / n_gold)
    print(f"quote F1 {quote_f1:.3f}, quote+speaker F1 {speaker_f1:.3f}")
    assert quote_f1 >= QUOTE_F1_FLOOR, quote_f1
    assert speaker_f1 >= SPEAKER_F1_FLOOR, speaker_f1
