"""Ingest speed and memory, beside bare trafilatura in the same run.

Rows:
- text captures: synthetic multi-article text pages (seed paragraphs reshuffled, with
  chrome, credits and markers), `newsmill ingest --no-enrich` in a child process, one core;
  pages/s for the whole ingest (read, store, segment, dedup) and peak RSS of that process;
- HTML: the aeb pages, newsmill's HTML path (read with trafilatura metadata + block
  rendering, store, segment, dedup) against `trafilatura.extract` on the same pages, both
  in this process, warm.

    python bench/ingest_speed.py --aeb ../shared/data/aeb [--pages 50000]
    python bench/ingest_speed.py --text-only --pages 3000

The text row also gives the child's CPU seconds (user + system): on a shared machine that
is the figure to compare, wall time depends on what else runs.
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "pages"
CHROME = ["Home", "World", "Politics", "Latest", "Newsletter", "Follow us on social"]
MARKERS = ["keep readingShow less", "Read more", "Continue reading"]


def make_text_pages(folder: Path, n: int, seed: int = 5) -> int:
    """Write ``n`` synthetic pages (about 3-8 KB each) and return their total bytes.

    Paragraphs are new sentences drawn from the seed pages' vocabulary, so articles are
    distinct as in a real corpus; one article in ten is copied from an earlier page, as
    syndicated and teaser copies are.
    """
    vocabulary = sorted(
        {w for f in SEEDS.glob("*.txt") for w in f.read_text("utf-8").split() if w.isalpha()}
    )
    rng = random.Random(seed)
    earlier: list[list[str]] = []
    total = 0
    for i in range(n):
        lines = rng.sample(CHROME, 3)
        for k in range(rng.randint(2, 4)):
            if earlier and rng.random() < 0.1:
                lines.extend(rng.choice(earlier))
                continue
            article = [f"Top image credit: Photo {i}-{k} by Staff / Reuters"]
            article.append(_sentence(rng, vocabulary, 6, 12).rstrip("."))
            article.extend(_paragraph(rng, vocabulary) for _ in range(rng.randint(2, 8)))
            if rng.random() < 0.5:
                article.append(rng.choice(MARKERS))
            lines.extend(article)
            if len(earlier) < 1000:
                earlier.append(article)
        lines.append("Subscribe now to our weekly round-up and don't miss a beat.")
        text = "\n".join(lines) + "\n"
        path = folder / f"{i // 1000:03d}" / f"page{i:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
        total += len(text.encode("utf-8"))
    return total


def _sentence(rng: random.Random, vocabulary: list[str], low: int, high: int) -> str:
    words = rng.choices(vocabulary, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, vocabulary: list[str]) -> str:
    return " ".join(_sentence(rng, vocabulary, 8, 25) for _ in range(rng.randint(2, 5)))


def run_ingest_child(folder: Path, db: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of
    `newsmill ingest --no-enrich` in a child. CPU time is the figure to compare on a shared
    machine, where wall time depends on what else runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from newsmill.cli import main; main()",
            "ingest",
            str(folder),
            "--db",
            str(db),
            "--no-enrich",
            "--no-progress",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, after.ru_maxrss / 1024


def html_rows(aeb: Path) -> list[tuple[str, int, float]]:
    import trafilatura

    from newsmill.ingest import ingest
    from newsmill.options import load_options
    from newsmill.store.db import connect

    files = sorted((aeb / "html").glob("*.html.gz"))
    htmls = [gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in files]
    trafilatura.extract(htmls[0])  # warm up both
    start = time.perf_counter()
    for html in htmls:
        trafilatura.extract(html)
    bare = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        options = load_options(db=str(Path(tmp) / "h.db"))
        db = connect(options.db)
        warm = Path(tmp) / "warm"
        warm.mkdir()
        (warm / "w.html").write_text(htmls[0], "utf-8")
        ingest(db, [str(warm)], options, enrich=False)
        start = time.perf_counter()
        stats = ingest(db, [str(f) for f in files], options, enrich=False)
        ours = time.perf_counter() - start
    return [
        ("HTML: newsmill ingest (read+segment+store+dedup)", stats.pages_new, ours),
        ("HTML: trafilatura.extract", len(htmls), bare),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", type=Path, help="aeb folder (html/*.html.gz); HTML rows")
    parser.add_argument("--pages", type=int, default=50_000, help="synthetic text pages")
    parser.add_argument("--text-only", action="store_true", help="only the text-captures row")
    args = parser.parse_args()
    if args.aeb is None and not args.text_only:
        parser.error("--aeb is required unless --text-only")
    rows: list[tuple[str, int, float, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        size = make_text_pages(folder, args.pages)
        seconds, cpu, peak = run_ingest_child(folder, Path(tmp) / "t.db")
        rows.append(
            (
                f"text: newsmill ingest, {size / 1e6:.0f} MB",
                args.pages,
                seconds,
                f"{cpu:.1f} ({args.pages / cpu:,.1f} pages/CPU-s)",
                f"{peak:,.0f}",
            )
        )
    if not args.text_only:
        for name, n, seconds in html_rows(args.aeb):
            rows.append((name, n, seconds, "", ""))
    print("| run | pages | seconds | pages/s | CPU s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for name, n, seconds, cpu_text, peak in rows:
        print(f"| {name} | {n:,} | {seconds:.1f} | {n / seconds:,.1f} | {cpu_text} | {peak} |")
    if not args.text_only:
        ours, bare = rows[-2], rows[-1]
        ratio = (ours[1] / ours[2]) / (bare[1] / bare[2])
        print(f"\nHTML ratio newsmill / trafilatura: {ratio:.2f}x")


if __name__ == "__main__":
    main()
