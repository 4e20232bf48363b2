"""Body-line selection on text renderings of aeb pages, beside trafilatura on the HTML.

Each aeb page is rendered to block text (bench/render.py: one block per line, navigation
and footers left in). A selection of lines is joined into the predicted body and scored
against the gold articleBody with the aeb metric: 4-word shingles (``\\w+`` tokens, counted
as multisets), precision and recall per page, each macro-averaged over pages, F1 from the
two means. No model is scored on pages it was trained on: the classifier rows come from
host-grouped k-fold over aeb (fundus-news pages of held-out hosts join the training folds)
and from a model trained on fundus-news only.

    .venv/bin/python bench/aeb_text.py --data /work/shared/data/aeb \
        --fundus /work/shared/data/fundus-news
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsmill.segment.body import BodyModel, model_from_dict
from render import TOKEN_RE, BenchPage, load_aeb, load_fundus
from train_body import (
    PageRows,
    cross_val,
    fit,
    fold_models,
    line_accuracy,
    page_rows,
    transfer,
)

THRESHOLD = 0.5


@dataclass(slots=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = TOKEN_RE.findall(text)
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def page_precision_recall(predicted: str, gold: str) -> tuple[float, float]:
    """Shingle precision and recall of one page, as the aeb evaluation defines them."""
    pred, true = shingle_counts(predicted), shingle_counts(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def macro_score(predicted: Sequence[str], gold: Sequence[str]) -> Score:
    pairs = [page_precision_recall(p, g) for p, g in zip(predicted, gold, strict=True)]
    return Score(statistics.mean(p for p, _ in pairs), statistics.mean(r for _, r in pairs))


def select(page: BenchPage, keep: Sequence[bool]) -> str:
    return "\n".join(line for line, k in zip(page.lines, keep, strict=True) if k)


def by_probability(pages: Sequence[BenchPage], probs: Sequence[Sequence[float]]) -> list[str]:
    return [
        select(page, [p > THRESHOLD for p in ps]) for page, ps in zip(pages, probs, strict=True)
    ]


def trafilatura_texts(pages: Sequence[BenchPage]) -> list[str]:
    import trafilatura

    return [trafilatura.extract(page.html) or "" for page in pages]


def segmenter_texts(pages: Sequence[BenchPage], body_model: BodyModel | None = None) -> list[str]:
    """All article paragraphs from newsmill's segmenter; with ``body_model``, the segmenter
    scores lines with that model instead of the packaged one (to keep test pages unseen)."""
    from newsmill.model import Page
    from newsmill.segment import scoring, segment_page

    packaged = scoring.score_lines
    if body_model is not None:
        scoring.score_lines = lambda texts, model=None: packaged(texts, body_model)
    try:
        texts = []
        for page in pages:
            text = "\n".join(page.lines)
            record = Page(sha256=page.id, source=page.id, text=text, kind="text", site=page.host)
            result = segment_page(record)
            texts.append("\n".join(p for article in result.articles for p in article.paragraphs))
    finally:
        scoring.score_lines = packaged
    return texts


def folded_segmenter_texts(
    pages: Sequence[BenchPage], folds: Sequence[tuple[list[int], BodyModel]]
) -> list[str]:
    """Segmenter output for every aeb page, each scored by a body model trained on aeb pages
    of other hosts and on fundus-news pages (hosts of the held fold left out)."""
    texts = [""] * len(pages)
    for held, model in folds:
        for i, text in zip(held, segmenter_texts([pages[i] for i in held], model), strict=True):
            texts[i] = text
    return texts


def shipped_probs(pages: Sequence[BenchPage]) -> tuple[list[list[float]], float]:
    from newsmill.segment.body import score_lines

    score_lines(pages[0].lines)  # load the model outside the timing
    start = time.process_time()  # CPU time: the bench machine is shared
    probs = [score_lines(page.lines) for page in pages]
    return probs, time.process_time() - start


def print_table(rows: Sequence[tuple[str, Score, str]]) -> None:
    print(f"| {'selection':<52} | {'P':>5} | {'R':>5} | {'F1':>5} | note")
    print(f"|{'-' * 54}|{'-' * 7}|{'-' * 7}|{'-' * 7}|------")
    for name, score, note in rows:
        print(
            f"| {name:<52} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | {note}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="aeb data folder")
    parser.add_argument("--fundus", type=Path, required=True, help="fundus-news data folder")
    parser.add_argument("--folds", type=int, default=5, help="host-grouped folds over aeb")
    parser.add_argument("--limit", type=int, default=None, help="first N aeb pages only")
    args = parser.parse_args(argv)

    pages = load_aeb(args.data, args.limit)
    gold = [page.gold for page in pages]
    aeb: list[PageRows] = [page_rows(page) for page in pages]
    fundus: list[PageRows] = [page_rows(page) for page in load_fundus(args.fundus)]
    n_lines = sum(len(page.lines) for page in pages)
    print(f"aeb pages {len(pages)}, lines {n_lines}, hosts {len({p.host for p in pages})}")

    rows: list[tuple[str, Score, str]] = []

    def add(name: str, texts: Sequence[str], note: str = "") -> None:
        rows.append((name, macro_score(texts, gold), note))

    add("every line", [select(p, [True] * len(p.lines)) for p in pages])
    add("lines >= 12 words", [select(p, [len(t.split()) >= 12 for t in p.lines]) for p in pages])
    folds = list(fold_models(aeb, fundus, args.folds))
    cv = cross_val(aeb, folds)
    add(
        f"classifier p>0.5, {args.folds}-fold aeb by host (+fundus)",
        by_probability(pages, cv),
        f"line acc {line_accuracy(aeb, cv):.3f}",
    )
    aeb_hosts = {item.page.host for item in aeb}
    moved = transfer(fundus, aeb)
    add(
        "classifier p>0.5, trained on fundus-news only",
        by_probability(pages, moved),
        f"line acc {line_accuracy(aeb, moved):.3f}",
    )
    shipped, seconds = shipped_probs(pages)
    add(
        "shipped model (seen these pages)",
        by_probability(pages, shipped),
        f"trained on aeb too (not a test); {1000 * seconds / len(pages):.2f} ms/page CPU",
    )
    add("oracle: lines mostly inside the gold", [select(p, p.labels) for p in pages])
    unseen = model_from_dict(fit([t for t in fundus if t.page.host not in aeb_hosts], "x"))
    add(
        "newsmill segmenter, body model from fundus-news only",
        segmenter_texts(pages, unseen),
        "no aeb page seen",
    )
    add(
        f"newsmill segmenter, {args.folds}-fold aeb by host (+fundus)",
        folded_segmenter_texts(pages, folds),
        "the figure to quote: each page's host unseen in training",
    )
    add("newsmill segmenter, shipped body model", segmenter_texts(pages), "seen these pages")
    start = time.perf_counter()
    extracted = trafilatura_texts(pages)
    rate = len(pages) / (time.perf_counter() - start)
    add("trafilatura.extract", extracted, f"HTML, defaults; {rate:.0f} pages/s wall")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
