"""Train the body-line model and export it as JSON weights for newsmill.segment.body.

Two stacked logistic regressions (scikit-learn, a bench-only tool): the line stage over
`features.LINE_FEATURES`, then the context stage over `features.CONTEXT_FEATURES`
computed from out-of-fold line-stage probabilities. Weights are exported per feature
name with the standardisation folded in, so the runtime needs no scikit-learn.

    .venv/bin/python bench/train_body.py --aeb /work/shared/data/aeb \
        --fundus /work/shared/data/fundus-news --out src/newsmill/segment/vocab/body_model.json
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from newsmill.segment.body import BodyModel, model_from_dict
from newsmill.segment.features import (
    BASE_FEATURES,
    CONTEXT_FEATURES,
    LINE_FEATURES,
    Matrix,
    context_features,
    line_features,
)
from render import BenchPage, load_aeb, load_fundus

INNER_FOLDS = 5  # folds for the out-of-fold line-stage probabilities the context stage sees
C = 1.0  # inverse regularisation strength of every stage
# Body lines weigh more than others: the macro shingle F1 loses more from a missed
# paragraph than from a kept menu line, and p > 0.5 should be the best cut.
POSITIVE_WEIGHT = 1.5
CONTEXT_ROUNDS = 2  # context stages applied one after the other
_SHORT = BASE_FEATURES.index("short")


@dataclass(slots=True)
class PageRows:
    page: BenchPage
    rows: Matrix
    weights: list[float]


def page_rows(page: BenchPage) -> PageRows:
    return PageRows(page, line_features(page.lines), line_weights(page.lines))


def line_weights(lines: Sequence[str]) -> list[float]:
    """Weight lines by their words, normalised per page: each page counts about the same,
    like the macro-averaged shingle metric, and long lines count more than short ones."""
    sizes = [math.sqrt(len(line.split()) + 1) for line in lines]
    total = sum(sizes) or 1.0
    return [len(lines) * s / total for s in sizes]


def _fit_stage(x: np.ndarray, y: np.ndarray, w: np.ndarray, names: Sequence[str]) -> dict:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit((x - mean) / scale, y, sample_weight=w)
    coef = clf.coef_[0] / scale
    bias = float(clf.intercept_[0] - np.sum(coef * mean))
    return {"bias": bias, "weights": {n: float(c) for n, c in zip(names, coef, strict=True)}}


def _stack(items: Sequence[PageRows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.vstack([item.rows for item in items])
    y = np.array([label for item in items for label in item.page.labels], dtype=int)
    w = np.array([weight for item in items for weight in item.weights], dtype=float)
    return x, y, w * np.where(y == 1, POSITIVE_WEIGHT, 1.0)


def _probs(stage: dict, names: Sequence[str], rows: Matrix) -> Matrix:
    coef = np.array([stage["weights"][n] for n in names])
    return 1.0 / (1.0 + np.exp(-(rows @ coef + stage["bias"])))


def fit(items: Sequence[PageRows], trained_on: str, rounds: int = CONTEXT_ROUNDS) -> dict[str, Any]:
    """Fit the line stage and `rounds` context stages. The first context stage learns from
    out-of-fold line probabilities; later ones from the previous context stage's output."""
    groups = [item.page.host for item in items]
    probs: list[Matrix] = [np.zeros(0) for _ in items]
    folds = GroupKFold(n_splits=min(INNER_FOLDS, len(set(groups))))
    for train, held in folds.split(np.zeros(len(items)), groups=groups):
        stage = _fit_stage(*_stack([items[i] for i in train]), LINE_FEATURES)
        for i in held:
            probs[i] = _probs(stage, LINE_FEATURES, items[i].rows)
    line_stage = _fit_stage(*_stack(items), LINE_FEATURES)
    _, y, w = _stack(items)
    shorts = [item.rows[:, _SHORT] for item in items]
    context_stages = []
    for _ in range(rounds):
        rows = [context_features(p, s) for p, s in zip(probs, shorts, strict=True)]
        xc = np.vstack(rows)
        stage = _fit_stage(xc, y, w, CONTEXT_FEATURES)
        context_stages.append(stage)
        probs = [_probs(stage, CONTEXT_FEATURES, page) for page in rows]
    return {
        "format": 1,
        "trained_on": trained_on,
        "line": line_stage,
        "context": context_stages,
    }


def fold_models(
    target: Sequence[PageRows], extra: Sequence[PageRows], folds: int
) -> Iterator[tuple[list[int], BodyModel]]:
    """For each host-grouped fold of `target`: the held-out indices and a model that has
    seen none of their hosts. `extra` pages (another data set) join every training fold
    unless they share a host with the held fold."""
    groups = [item.page.host for item in target]
    for train, held in GroupKFold(n_splits=folds).split(np.zeros(len(target)), groups=groups):
        held_hosts = {groups[i] for i in held}
        pool = [target[i] for i in train] + [e for e in extra if e.page.host not in held_hosts]
        yield [int(i) for i in held], model_from_dict(fit(pool, "cv"))


def cross_val(
    target: Sequence[PageRows], models: Sequence[tuple[list[int], BodyModel]]
) -> list[list[float]]:
    """Out-of-fold probabilities for `target` pages, from `fold_models`' output."""
    from newsmill.segment.body import score_lines

    out: list[list[float]] = [[] for _ in target]
    for held, model in models:
        for i in held:
            out[i] = score_lines(target[i].page.lines, model)
    return out


def transfer(train: Sequence[PageRows], target: Sequence[PageRows]) -> list[list[float]]:
    """Probabilities for `target` from a model trained only on `train` (hosts excluded)."""
    from newsmill.segment.body import score_lines

    hosts = {item.page.host for item in target}
    model: BodyModel = model_from_dict(fit([t for t in train if t.page.host not in hosts], "x"))
    return [score_lines(item.page.lines, model) for item in target]


def line_accuracy(items: Sequence[PageRows], probs: Sequence[Sequence[float]]) -> float:
    hits = [
        (p > 0.5) == bool(label)
        for item, page_probs in zip(items, probs, strict=True)
        for p, label in zip(page_probs, item.page.labels, strict=True)
    ]
    return statistics.mean(hits)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeb", type=Path, required=True, help="aeb data folder")
    parser.add_argument("--fundus", type=Path, required=True, help="fundus-news data folder")
    parser.add_argument("--out", type=Path, required=True, help="model JSON to write")
    parser.add_argument("--fundus-only", action="store_true", help="ship a fundus-only model")
    args = parser.parse_args(argv)
    aeb = [page_rows(page) for page in load_aeb(args.aeb)]
    fundus = [page_rows(page) for page in load_fundus(args.fundus)]
    print(f"pages: aeb {len(aeb)}, fundus-news {len(fundus)}", file=sys.stderr)
    pool = fundus if args.fundus_only else [*fundus, *aeb]
    name = "fundus-news" if args.fundus_only else "fundus-news + aeb"
    model = fit(pool, f"{name} ({len(pool)} pages)")
    args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (trained on {model['trained_on']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
