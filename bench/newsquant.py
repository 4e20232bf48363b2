"""Value-level F1 of newsmill's figure finder on NewsQuant, beside quantulum3 in the same run.

    python bench/newsquant.py --data /work/shared/data/newsquant

Gold: data/formatted_test_set/NewsQuant.json, 590 news sentences with 906 quantities
(`value` is a number, or "low-high" for a range). Matching, per sentence, one-to-one:
a predicted value matches a gold value when they are equal within a relative tolerance of
1e-5 (numpy.isclose defaults, as in the CQE evaluation). A gold range matches a predicted
range with the same two ends (either order), or a single predicted value equal to its
midpoint (how the CQE evaluation scores quantulum3, which averages ranges). Every other
prediction is a false positive, every unmatched gold value a false negative.

Unit accuracy is measured on matched values whose gold has a unit: the predicted unit,
lowercased and singularised, equals the gold `normalized_unit` after the same treatment
(with "percent" read as "percentage").
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsmill.enrich.figures import find_figures

Gold = float | tuple[float, float]


@dataclass(slots=True)
class Prediction:
    value: float
    high: float | None
    unit: str | None


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unit_checked: int = 0
    unit_right: int = 0
    seconds: float = 0.0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_value(raw: str) -> Gold:
    raw = raw.replace(" ", "")
    both = re.fullmatch(r"(-?[\d.]+(?:E-?\d+)?)-(-?[\d.]+(?:E-?\d+)?)", raw)
    if both:
        return float(both.group(1)), float(both.group(2))
    return float(raw)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-8)


def matches(gold: Gold, predicted: Prediction) -> bool:
    if isinstance(gold, tuple):
        low, high = gold
        if predicted.high is not None:
            return (close(low, predicted.value) and close(high, predicted.high)) or (
                close(high, predicted.value) and close(low, predicted.high)
            )
        return close((low + high) / 2, predicted.value)
    return predicted.high is None and close(gold, predicted.value)


def unit_name(unit: str | None) -> str:
    name = (unit or "-").lower().strip()
    name = {"percent": "percentage", "%": "percentage", "per cent": "percentage"}.get(name, name)
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def newsmill_tool(text: str) -> list[Prediction]:
    return [Prediction(q.value, q.high, q.unit) for q in find_figures(text)]


def quantulum_tool() -> Callable[[str], list[Prediction]]:
    from quantulum3 import classifier, parser  # imported here: optional peer tool

    # Its unit classifier needs the `stemming` package and a matching scikit-learn; the
    # rule-based disambiguation works offline (see /work/shared/RESEARCH.md).
    classifier.USE_CLF = False

    def run(text: str) -> list[Prediction]:
        found = []
        for quantity in parser.parse(text):
            unit = quantity.unit.name
            if unit in ("dimensionless", "unk"):
                unit = "-"
            found.append(Prediction(float(quantity.value), None, unit))
        return found

    return run


def score(data: list[dict], tool: Callable[[str], list[Prediction]]) -> Score:
    result = Score()
    started = time.perf_counter()
    for item in data:
        predicted = tool(item["text"])
        used: set[int] = set()
        for quantity in item["quantities"]:
            gold = gold_value(quantity["value"])
            hit = next(
                (i for i, p in enumerate(predicted) if i not in used and matches(gold, p)), None
            )
            if hit is None:
                result.fn += 1
                continue
            used.add(hit)
            result.tp += 1
            if quantity["normalized_unit"] not in ("-", ""):
                result.unit_checked += 1
                gold_unit = unit_name(quantity["normalized_unit"])
                result.unit_right += unit_name(predicted[hit].unit) == gold_unit
        result.fp += len(predicted) - len(used)
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="folder holding data/formatted_test_set")
    parser.add_argument("--no-quantulum", action="store_true", help="skip the peer tool")
    args = parser.parse_args()
    path = Path(args.data) / "data" / "formatted_test_set" / "NewsQuant.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    tools: dict[str, Callable[[str], list[Prediction]]] = {"newsmill": newsmill_tool}
    if not args.no_quantulum:
        logging.getLogger("quantulum3").setLevel(logging.ERROR)
        warnings.simplefilter("ignore")
        tools["quantulum3 0.10.0"] = quantulum_tool()
    newsmill_tool(data[0]["text"])  # load vocabularies before timing
    gold_count = sum(len(item["quantities"]) for item in data)
    print(f"NewsQuant: {len(data)} sentences, {gold_count} gold quantities")
    print(f"{'tool':<20}{'P':>7}{'R':>7}{'F1':>7}{'unit acc':>10}{'ms/sent':>9}")
    for name, tool in tools.items():
        result = score(data, tool)
        p, r, f1 = result.prf()
        unit = result.unit_right / result.unit_checked if result.unit_checked else 0.0
        ms = result.seconds / len(data) * 1000
        print(f"{name:<20}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{unit:>10.3f}{ms:>9.2f}")
    print(f"{'published CQE':<20}{0.920:>7.3f}{0.919:>7.3f}{0.920:>7.3f}{'':>10}{'':>9}")
    print(f"{'published quantulum3':<20}{0.650:>7.3f}{0.833:>7.3f}{0.730:>7.3f}{'':>10}{'':>9}")


if __name__ == "__main__":
    main()
