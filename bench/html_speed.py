"""Pages per second: newsmill's HTML reader beside bare trafilatura.extract, same pages.

Usage: python bench/html_speed.py --data /work/shared/data/aeb [--limit N] [--rounds N]
                                  [--text-repeat N]

Both run in this one process on the same decompressed pages held in memory, after a warm-up
pass, page by page in turn (newsmill, then trafilatura, then the next page), so that a busy
machine slows both alike. Time is CPU time of this process (time.process_time), summed over
the rounds. newsmill = `read.html.html_page` (decode, block rendering with resiliparse, and
the metadata: title, authors, date, site, description, trafilatura main text).
trafilatura = `trafilatura.extract(html)` with its defaults (main text only, no metadata).
Also prints text-file reading speed: the seed pages read through `read_file` from disk,
repeated.
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from newsmill.model import Page
from newsmill.options import ReadOptions
from newsmill.read import read_file
from newsmill.read.html import html_page

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def cpu_seconds(work: Callable[[bytes], object], raw: bytes) -> float:
    start = time.process_time()
    work(raw)
    return time.process_time() - start


def pages_per_cpu_second(pages: list[bytes], rounds: int) -> tuple[float, float]:
    """newsmill's and trafilatura's pages per CPU second, taking turns page by page."""
    mine = baseline = 0.0
    for _ in range(rounds):
        for raw in pages:
            mine += cpu_seconds(ours, raw)
            baseline += cpu_seconds(theirs, raw)
    done = len(pages) * rounds
    return done / mine, done / baseline


def ours(raw: bytes) -> Page:
    return html_page(raw, "bench.html", ReadOptions())


def theirs(raw: bytes) -> str | None:
    return trafilatura.extract(raw)


def text_speed(repeat: int) -> float:
    files = sorted(str(path) for path in SEEDS.glob("*.txt")) * repeat
    options = ReadOptions()
    start = time.process_time()
    count = sum(isinstance(item, Page) for path in files for item in read_file(path, options))
    return count / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--text-repeat", type=int, default=300)
    args = parser.parse_args()
    files = sorted((args.data / "html").glob("*.html.gz"))
    if args.limit:
        files = files[: args.limit]
    pages = [gzip.decompress(path.read_bytes()) for path in files]
    pages_per_cpu_second(pages[:10], 1)  # warm-up: imports, caches, lazy compiles
    mine, baseline = pages_per_cpu_second(pages, args.rounds)
    print(f"aeb: {len(pages)} HTML pages x {args.rounds} rounds, one process, warm, CPU time\n")
    print("| metric | newsmill | trafilatura |")
    print("|---|---|---|")
    print(f"| HTML pages/CPU s (render + metadata vs extract) | {mine:.1f} | {baseline:.1f} |")
    print(f"| ratio | {mine / baseline:.2f}x | 1.00x |")
    text_rate = text_speed(args.text_repeat)
    print(f"| text pages/CPU s (seeds x{args.text_repeat}, from disk) | {text_rate:.0f} | - |")


if __name__ == "__main__":
    main()
