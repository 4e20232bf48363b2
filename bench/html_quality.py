"""The whole HTML path (reader + segmenter), beside trafilatura on the same pages.

- aeb: body F1 with the aeb metric (4-word shingles, macro P and R, F1 of the means):
  newsmill's predicted body is every article paragraph the segmenter kept on the page;
  trafilatura's is `extract(html)` with default settings.
- fundus-news: per page, newsmill's main article (the one with the most body words):
  title exact, authors exact (as a set), date (yyyy-mm-dd), and body F1 against the gold
  paragraphs; trafilatura's `bare_extraction` metadata and text on the same pages.
  Exactness as in bench/fundus_meta.py (Unicode NFC, whitespace collapsed).

    python bench/html_quality.py --aeb ../shared/data/aeb --fundus ../shared/data/fundus-news
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
from pathlib import Path

import trafilatura

from aeb_text import page_precision_recall
from fundus_meta import name_set, norm
from newsmill.model import Article, Page, Segmented
from newsmill.options import ReadOptions
from newsmill.read import read_file
from newsmill.segment import segment_page
from render import fundus_gold


def read_page(path: Path) -> Page | None:
    for item in read_file(str(path), ReadOptions()):
        if isinstance(item, Page):
            return item
    return None


def segmented_body(segmented: Segmented) -> str:
    return "\n".join(p for article in segmented.articles for p in article.paragraphs)


def main_article(segmented: Segmented) -> Article | None:
    """The article the page's metadata went to (the main-text one), else the longest."""
    meta = segmented.page.html
    for article in segmented.articles:
        if meta is not None and meta.title and article.title == meta.title:
            return article
    return max(segmented.articles, key=lambda a: len(a.body.split()), default=None)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def macro(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    p = statistics.mean(x for x, _ in pairs)
    r = statistics.mean(y for _, y in pairs)
    return p, r, f1(p, r)


def aeb_rows(data: Path) -> list[tuple[str, str, str, str]]:
    gold = json.loads((data / "ground-truth.json").read_text("utf-8"))
    ours, ours_all, theirs = [], [], []
    for key, record in sorted(gold.items()):
        path = data / "html" / f"{key}.html.gz"
        page = read_page(path)
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        body = record["articleBody"]
        segmented = segment_page(page) if page else None
        main = main_article(segmented) if segmented else None
        ours.append(page_precision_recall(main.body if main else "", body))
        everything = segmented_body(segmented) if segmented else ""
        ours_all.append(page_precision_recall(everything, body))
        theirs.append(page_precision_recall(trafilatura.extract(html) or "", body))
    rows = []
    named = (
        ("newsmill main article", ours),
        ("newsmill all articles on the page", ours_all),
        ("trafilatura extract()", theirs),
    )
    for name, pairs in named:
        p, r, f = macro(pairs)
        rows.append((f"aeb body, {name}, {len(pairs)} pages", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"))
    return rows


def fundus_rows(data: Path) -> list[tuple[str, str, str]]:
    index = json.loads((data / "gold_index.json").read_text("utf-8"))
    golds: dict[str, dict] = {}
    counts = {name: [0, 0] for name in ("title", "authors", "date")}
    theirs = {name: [0, 0] for name in ("title", "authors", "date")}
    ours_body, their_body = [], []
    for entry in index:
        path = data / entry["html"]
        publisher = path.name.split("_")[0]
        gold_file = path.parent / f"{publisher}.json"
        golds.setdefault(str(gold_file), json.loads(gold_file.read_text("utf-8")))
        page = read_page(path)
        article = main_article(segment_page(page)) if page else None
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        doc = trafilatura.bare_extraction(html, with_metadata=True) or _EMPTY
        date = (entry.get("publishing_date") or "")[:10]
        checks = {
            "title": (norm(entry.get("title")), article and norm(article.title), norm(doc.title)),
            "authors": (
                name_set(entry.get("authors")),
                article and name_set(article.authors),
                name_set([a.strip() for a in (doc.author or "").split(";") if a.strip()]),
            ),
            "date": (date, article and (article.published or "")[:10], (doc.date or "")[:10]),
        }
        for name, (truth, mine, peer) in checks.items():
            if not truth:
                continue
            counts[name][0] += mine == truth
            counts[name][1] += 1
            theirs[name][0] += peer == truth
            theirs[name][1] += 1
        version = _gold_version(golds[str(gold_file)], entry)
        if version is not None:
            gold_text = fundus_gold(version)
            ours_body.append(page_precision_recall(article.body if article else "", gold_text))
            their_body.append(page_precision_recall(doc.text or "", gold_text))
    rows = []
    for name in counts:
        mine, peer = counts[name], theirs[name]
        rows.append(
            (
                f"fundus {name} exact ({mine[1]} pages)",
                f"{mine[0] / mine[1]:.3f}",
                f"{peer[0] / peer[1]:.3f}",
            )
        )
    rows.append(
        (
            f"fundus body F1 ({len(ours_body)} pages)",
            f"{macro(ours_body)[2]:.3f}",
            f"{macro(their_body)[2]:.3f}",
        )
    )
    return rows


class _Empty:
    title = author = date = text = None


_EMPTY = _Empty()


def _gold_version(gold: dict, entry: dict) -> dict | None:
    for version in gold.values():
        if norm(version.get("title")) == norm(entry.get("title")):
            return version
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", type=Path, required=True)
    parser.add_argument("--fundus", type=Path, required=True)
    args = parser.parse_args()
    print("| aeb | P | R | F1 |")
    print("|---|---|---|---|")
    for row in aeb_rows(args.aeb):
        print("| " + " | ".join(row) + " |")
    print()
    print("| fundus-news | newsmill | trafilatura |")
    print("|---|---|---|")
    for row in fundus_rows(args.fundus):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
