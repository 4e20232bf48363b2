"""The body-line scorer on hand-made pages and on the seed pages, with pinned floors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsmill.segment.body import BodyModelError, load_model, model_from_dict, score_lines
from newsmill.segment.features import (
    BASE_FEATURES,
    CONTEXT_FEATURES,
    LINE_FEATURES,
    base_features,
    blocks,
    context_features,
    densest_run,
    line_features,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
HAND_MADE = sorted((FIXTURES / "segment").glob("*.txt"))
SEEDS = json.loads((FIXTURES / "segment" / "seed_body_lines.json").read_text(encoding="utf-8"))

# Pinned floors, measured on the shipped model and fixtures (see the report in bench/).
HAND_MADE_ACCURACY_FLOOR = 0.95  # measured 0.978 (2 headlines of 93 lines above 0.5)
SEED_BODY_RECALL_FLOOR = 0.97  # measured 0.990 (1 of 97 body paragraphs below 0.5)
# Share of non-body seed lines under 8 words scored < 0.5; measured 0.818 (18 of 22: the
# "keep readingShow less" markers between stacked articles score 0.47-0.64).
SEED_SHORT_CHROME_FLOOR = 0.80


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    labels, texts = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            labels.append(line[0])
            texts.append(line[2:].strip())
    return labels, texts


def seed_page(name: str) -> tuple[list[str], set[int]]:
    texts = [
        line.strip()
        for line in (FIXTURES / "pages" / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    body = {n for first, last in SEEDS[name]["body"] for n in range(first, last + 1)}
    return texts, body


@pytest.mark.parametrize("path", HAND_MADE, ids=lambda p: p.stem)
def test_body_lines_above_and_furniture_below_half(path: Path) -> None:
    labels, texts = read_labelled(path)
    scores = score_lines(texts)
    assert len(scores) == len(texts)
    for label, text, score in zip(labels, texts, scores, strict=True):
        if label == "B":
            assert score > 0.5, f"body line scored {score:.2f}: {text}"
        elif label == ".":
            assert score < 0.5, f"furniture line scored {score:.2f}: {text}"


def test_hand_made_accuracy_floor() -> None:
    hits = total = 0
    for path in HAND_MADE:
        labels, texts = read_labelled(path)
        for label, score in zip(labels, score_lines(texts), strict=True):
            hits += (score > 0.5) == (label == "B")
            total += 1
    assert total > 80
    assert hits / total >= HAND_MADE_ACCURACY_FLOOR


def test_seed_pages_floors() -> None:
    body_hits = body_total = chrome_hits = chrome_total = 0
    for name, spec in SEEDS.items():
        texts, body = seed_page(name)
        assert len(texts) == spec["lines"], f"{name} changed; update seed_body_lines.json"
        for number, (text, score) in enumerate(zip(texts, score_lines(texts), strict=True), 1):
            if number in body:
                body_total += 1
                body_hits += score > 0.5
            elif len(text.split()) < 8:
                chrome_total += 1
                chrome_hits += score < 0.5
    assert body_total > 90
    assert body_hits / body_total >= SEED_BODY_RECALL_FLOOR
    assert chrome_hits / chrome_total >= SEED_SHORT_CHROME_FLOOR


def test_context_changes_the_score_of_a_line() -> None:
    paragraph = (
        "The committee met on Thursday and agreed to delay the vote until the next session, "
        "citing the need for more information from the finance department."
    )
    alone = score_lines(["Home", "News", "Contact", "Login", paragraph, "Privacy", "Terms"])
    in_body = score_lines(
        [paragraph.replace("Thursday", d) for d in ("Monday", "Tuesday")] + [paragraph]
    )
    assert in_body[-1] > alone[4]


def test_empty_and_tiny_pages() -> None:
    assert score_lines([]) == []
    single = score_lines(["Just one line."])
    assert len(single) == 1 and 0.0 <= single[0] <= 1.0
    assert line_features([]).shape == (0, len(LINE_FEATURES))


def test_feature_shapes_and_names() -> None:
    _, texts = read_labelled(HAND_MADE[0])
    rows = line_features(texts)
    assert rows.shape == (len(texts), len(LINE_FEATURES))
    assert len(set(LINE_FEATURES)) == len(LINE_FEATURES)
    assert np.isfinite(rows).all()
    context = context_features(np.linspace(0.0, 1.0, len(texts)), rows[:, 2])
    assert context.shape == (len(texts), len(CONTEXT_FEATURES))


def test_base_features_read_the_line() -> None:
    nav = dict(zip(BASE_FEATURES, base_features("Home | News", False), strict=True))
    text = "This is a sentence, and it ends with a full stop as prose does."
    prose = dict(zip(BASE_FEATURES, base_features(text, False), strict=True))
    assert nav["short"] == 1.0 and nav["terminal"] == 0.0 and nav["nav_mark"] == 0.0
    assert nav["separators"] > 0.0
    assert prose["short"] == 0.0 and prose["terminal"] == 1.0 and prose["prose"] == 1.0
    assert prose["stop_ratio"] > 0.3


def test_densest_run_and_blocks() -> None:
    assert densest_run(np.array([-1.0, 2.0, 3.0, -0.5, 1.0, -4.0, 2.0])) == (1, 4)
    assert blocks([20, 2, 30, 1, 1, 1, 25, 2]) == [0, 0, 0, -1, -1, -1, 1, -1]


def test_packaged_model_loads_and_matches_features() -> None:
    model = load_model()
    assert model.line.weights.shape == (len(LINE_FEATURES),)
    assert len(model.context) >= 1
    assert "aeb" in model.trained_on or "fundus" in model.trained_on


def test_model_with_unknown_features_is_refused() -> None:
    spec = {"bias": 0.0, "weights": {"nonsense": 1.0}}
    with pytest.raises(BodyModelError, match="does not match"):
        model_from_dict({"line": spec, "context": [spec]})
