"""Ingest speed and memory, beside bare trafilatura in the same run.

Rows:
- text captures: synthetic multi-article text pages (seed paragraphs reshuffled, with
  chrome, credits and markers), `newsmill ingest --no-enrich` in a child process, one core;
  pages/s for the whole ingest (read, store, segment, dedup) and peak RSS of that process;
- HTML: the aeb pages, newsmill's HTML path (read with trafilatura metadata + block
  rendering, store, segment, dedup) against `trafilatura.extract` on the same pages, both
  in this process, warm, taking turns for --rounds rounds; medians of wall and CPU time.

    python bench/ingest_speed.py --aeb ../shared/data/aeb [--pages 50000]
    python bench/ingest_speed.py --text-only --pages 3000 [--text-runs 3]

The text row also gives the child's CPU seconds (user + system): on a shared machine that
is the figure to compare, wall time depends on what else runs. Even CPU time varies from
run to run there (by half on the 2-core VM this was written on), so a fixed pure-Python
reference workload is timed before and after each text run, to show how fast the machine
ran plain Python around it. (There, slow ingests did not always come with a slow
reference: disk and memory contention slow the ingest more than the reference.)
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "pages"
T = TypeVar("T")
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


def reference_seconds() -> float:
    """CPU seconds of a fixed pure-Python workload (joining, splitting, counting, sorting
    words; about a second here): how fast this machine runs Python at the moment."""
    start = time.process_time()
    rng = random.Random(1)
    words = [f"w{rng.randrange(5000)}" for _ in range(200_000)]
    counts: dict[str, int] = {}
    for _ in range(10):
        for word in " ".join(words).split():
            counts[word] = counts.get(word, 0) + 1
        sorted(words)
    return time.process_time() - start


def html_rows(aeb: Path, rounds: int) -> list[tuple[str, int, float, float]]:
    """newsmill's HTML ingest and bare trafilatura on the same pages, taking turns for
    ``rounds`` rounds (a fresh store each time): the median wall and CPU seconds of each."""
    import trafilatura

    files = sorted((aeb / "html").glob("*.html.gz"))
    htmls = [gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in files]
    trafilatura.extract(htmls[0])  # warm up both
    ingest_html(files[:1])
    bare: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    pages = 0
    for _ in range(rounds):
        bare.append(timed(lambda: [trafilatura.extract(html) for html in htmls])[:2])
        wall, cpu, pages = timed(lambda: ingest_html(files))
        ours.append((wall, cpu))
    return [
        ("HTML: newsmill ingest (read+segment+store+dedup)", pages, *medians(ours)),
        ("HTML: trafilatura.extract", len(htmls), *medians(bare)),
    ]


def ingest_html(files: list[Path]) -> int:
    """Ingest HTML files into a fresh store (in a temporary folder); the pages stored."""
    from newsmill.ingest import ingest
    from newsmill.options import load_options
    from newsmill.store.db import connect

    with tempfile.TemporaryDirectory() as tmp:
        options = load_options(db=str(Path(tmp) / "h.db"))
        db = connect(options.db)
        try:
            return ingest(db, [str(f) for f in files], options, enrich=False).pages_new
        finally:
            db.close()


def timed(work: Callable[[], T]) -> tuple[float, float, T]:
    """Wall seconds, CPU seconds of this process, and the result of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", type=Path, help="aeb folder (html/*.html.gz); HTML rows")
    parser.add_argument("--pages", type=int, default=50_000, help="synthetic text pages")
    parser.add_argument("--text-only", action="store_true", help="only the text-captures row")
    parser.add_argument("--rounds", type=int, default=5, help="HTML rounds (medians shown)")
    parser.add_argument(
        "--text-runs",
        type=int,
        default=1,
        help="text ingests, each into a fresh store (median shown, each run listed)",
    )
    args = parser.parse_args()
    if args.aeb is None and not args.text_only:
        parser.error("--aeb is required unless --text-only")
    rows: list[tuple[str, int, float, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        size = make_text_pages(folder, args.pages)
        runs, references = [], [reference_seconds()]
        for _ in range(args.text_runs):
            runs.append(run_ingest_child(folder, Path(tmp) / "t.db"))
            references.append(reference_seconds())
            for stale in Path(tmp).glob("t.db*"):
                stale.unlink()  # each run into a fresh store
        seconds, cpu = medians([(wall, cpu) for wall, cpu, _ in runs])
        peak = max(peak for _, _, peak in runs)
        rows.append(
            (
                f"text: newsmill ingest, {size / 1e6:.0f} MB"
                + (f", median of {len(runs)} runs" if len(runs) > 1 else ""),
                args.pages,
                seconds,
                f"{cpu:.1f} ({args.pages / cpu:,.1f} pages/CPU-s)",
                f"{peak:,.0f}",
            )
        )
    html = [] if args.text_only else html_rows(args.aeb, args.rounds)
    if html:
        for name, n, seconds, cpu in html:
            rows.append((name, n, seconds, f"{cpu:.1f} ({n / cpu:,.1f} pages/CPU-s)", ""))
    print("| run | pages | seconds | pages/s | CPU s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for name, n, seconds, cpu_text, peak in rows:
        print(f"| {name} | {n:,} | {seconds:.1f} | {n / seconds:,.1f} | {cpu_text} | {peak} |")
    print(
        "\ntext runs, pages/s (pages/CPU-s) [reference workload CPU s, before/after]: "
        + ", ".join(
            f"{args.pages / w:,.1f} ({args.pages / c:,.1f}) [{before:.2f}/{after:.2f}]"
            for (w, c, _), before, after in zip(runs, references[:-1], references[1:], strict=True)
        )
    )
    if html:
        (_, n_ours, wall_ours, cpu_ours), (_, n_bare, wall_bare, cpu_bare) = html
        ratio = (n_ours / wall_ours) / (n_bare / wall_bare)
        cpu_ratio = (n_ours / cpu_ours) / (n_bare / cpu_bare)
        print(
            f"\nHTML newsmill / trafilatura, medians of {args.rounds} turns: "
            f"{ratio:.2f}x wall, {cpu_ratio:.2f}x CPU"
        )


if __name__ == "__main__":
    main()
