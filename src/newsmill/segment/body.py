"""How body-like each line of a page is, from its text and its neighbours.

Stacked logistic regressions, evaluated with numpy from the weights in
``segment/vocab/body_model.json`` (trained by ``bench/train_body.py``):

1. a line model over shallow features of the line, its neighbours and its place relative
   to the densest run of long lines (`features.LINE_FEATURES`);
2. context models, applied in turn, over the previous stage's probabilities around each
   line (`features.CONTEXT_FEATURES`), which smooth isolated decisions inside or outside
   runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np

from newsmill.errors import NewsmillError
from newsmill.segment.features import (
    BASE_FEATURES,
    CONTEXT_FEATURES,
    LINE_FEATURES,
    Matrix,
    context_features,
    line_features,
)

MODEL_RESOURCE = ("segment", "vocab", "body_model.json")
_SHORT = BASE_FEATURES.index("short")


class BodyModelError(NewsmillError):
    """The packaged body model is missing or does not match the feature code."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One logistic regression: weights aligned with a feature-name list."""

    bias: float
    weights: Matrix

    def probabilities(self, rows: Matrix) -> Matrix:
        z = np.minimum(np.maximum(rows @ self.weights + self.bias, -30.0), 30.0)  # np.clip
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True, slots=True)
class BodyModel:
    line: Stage
    context: tuple[Stage, ...]
    trained_on: str = ""


def _stage(spec: dict[str, Any], names: Sequence[str], label: str) -> Stage:
    weights = spec.get("weights", {})
    if set(weights) != set(names):
        missing = sorted(set(names) - set(weights))
        extra = sorted(set(weights) - set(names))
        raise BodyModelError(
            f"body model {label} stage does not match the feature code "
            f"(missing {missing[:5]}, unknown {extra[:5]}); retrain with bench/train_body.py"
        )
    return Stage(float(spec["bias"]), np.array([float(weights[name]) for name in names]))


def model_from_dict(data: dict[str, Any]) -> BodyModel:
    """Build a model from the JSON shape written by bench/train_body.py."""
    return BodyModel(
        line=_stage(data["line"], LINE_FEATURES, "line"),
        context=tuple(_stage(spec, CONTEXT_FEATURES, "context") for spec in data["context"]),
        trained_on=str(data.get("trained_on", "")),
    )


@lru_cache(maxsize=1)
def load_model() -> BodyModel:
    """The packaged model (read once per process)."""
    resource = files("newsmill").joinpath(*MODEL_RESOURCE)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BodyModelError(f"cannot read the packaged body model: {e}") from e
    return model_from_dict(data)


def score_lines(texts: Sequence[str], model: BodyModel | None = None) -> list[float]:
    """Probability that each line is article body text.

    `texts` are the non-empty lines of one page, in order (stripped). The score of a line
    depends on its neighbours and its place on the page, so pass the whole page.
    """
    if not texts:
        return []
    model = model or load_model()
    rows = line_features(texts)
    probs = model.line.probabilities(rows)
    short = rows[:, _SHORT]
    for stage in model.context:
        probs = stage.probabilities(context_features(probs, short))
    return [float(p) for p in probs.tolist()]
