"""Scaling: pages/s of `newsmill run` with 1 and 2 local workers and on Ray in local mode,
and the peak memory of the whole process tree as the corpus grows.

Pages are synthetic (`newsmill.run.synthetic`: seed paragraphs with their words shuffled,
site chrome, some copies), written as JSON Lines, deterministic for a given --seed.
Each configuration runs `newsmill run --no-enrich` in a fresh process; a sampler sums the
resident memory of that process and all its descendants (Ray's raylet, GCS and workers
included) every 0.2 s, and the machine's load average beside it (other work on a shared
machine slows every configuration, and the parallel ones most). The baseline beside it
is plain `newsmill ingest --no-enrich` (one process, SQLite) on the same pages, when
--ingest is given.

    python bench/scale.py --seeds examples/pages --pages 20000 [--big 200000] [--ingest]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from newsmill.run.synthetic import write_jsonl_pages

NEWSMILL = str(Path(sys.executable).parent / "newsmill")
PER_FILE = 250  # pages per JSON Lines file
HEADER = ("configuration", "pages", "seconds", "pages/s", "speed-up", "peak RSS", "load")


@dataclass(slots=True)
class Result:
    name: str
    pages: int
    seconds: float
    peak_rss: int
    load: float  # mean 1-minute load average of the machine during the run

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def measure(name: str, command: list[str], pages: int) -> Result:
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    loads: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        handle = psutil.Process(child.pid)
        while not stop.is_set():
            try:
                peak = max(peak, tree_rss(handle))
            except psutil.NoSuchProcess:
                return
            loads.append(os.getloadavg()[0])
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    stop.set()
    sampler.join()
    seconds = time.monotonic() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"{name} failed ({child.returncode}):\n{err[-3000:]}")
    done = pages
    if out.strip().startswith("{"):
        done = int(json.loads(out)["pages"]) + int(json.loads(out)["dupes"])
    return Result(name, done, seconds, peak, sum(loads) / max(len(loads), 1))


def run_command(inputs: Path, out: Path, executor: str, workers: int) -> list[str]:
    return [
        NEWSMILL,
        "run",
        str(inputs),
        "--out",
        str(out),
        "--executor",
        executor,
        "--workers",
        str(workers),
        "--no-enrich",
        "--no-progress",
        "--json",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="examples/pages", help="folder of seed text pages")
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=0, help="also run this many pages (memory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray configuration")
    parser.add_argument("--ingest", action="store_true", help="also time plain `newsmill ingest`")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temp folder)")
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    work = Path(args.work or tempfile.mkdtemp(prefix="newsmill-scale-"))
    results: list[Result] = []
    try:
        inputs = write_jsonl_pages(work / "pages", args.seeds, args.pages, args.seed, PER_FILE)
        configs = [("local, 1 worker", "local", 1), ("local, 2 workers", "local", 2)]
        if not args.no_ray:
            configs.append(("ray local, 2 workers", "ray", 2))
        for name, executor, workers in configs:
            out = work / f"ds-{executor}-{workers}"
            results.append(measure(name, run_command(inputs, out, executor, workers), args.pages))
            shutil.rmtree(out, ignore_errors=True)
        if args.ingest:
            db = work / "ingest.db"
            command = [
                NEWSMILL,
                "ingest",
                str(inputs),
                "--db",
                str(db),
                "--no-enrich",
                "--no-progress",
            ]
            results.append(measure("ingest (1 process, SQLite)", command, args.pages))
        if args.big:
            shutil.rmtree(inputs)
            big = write_jsonl_pages(work / "big", args.seeds, args.big, args.seed, PER_FILE)
            out = work / "ds-big"
            name = f"local, 2 workers, {args.big:,} pages"
            results.append(measure(name, run_command(big, out, "local", 2), args.big))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results)


def print_table(results: list[Result]) -> None:
    base = next((r for r in results if r.name == "local, 1 worker"), None)
    two = next((r for r in results if r.name == "local, 2 workers"), None)
    name, pages, seconds, rate, speedup, rss, load = HEADER
    print(f"{name:<36} {pages:>8} {seconds:>8} {rate:>8} {speedup:>9} {rss:>9} {load:>5}")
    for r in results:
        speedup = f"{r.rate / base.rate:.2f}x" if base and base.rate else ""
        print(
            f"{r.name:<36} {r.pages:>8,} {r.seconds:>8.1f} {r.rate:>8.0f} {speedup:>9} "
            f"{r.peak_rss / 2**20:>7.0f}MB {r.load:>5.1f}"
        )
    print(f"load: mean 1-minute load average during the run, on {os.cpu_count()} CPUs")
    ray = next((r for r in results if r.name.startswith("ray")), None)
    if two and ray:
        print(
            f"Ray over local (2 workers): {ray.seconds / two.seconds:.2f}x the time "
            f"({ray.seconds - two.seconds:+.1f}s)"
        )


if __name__ == "__main__":
    main()
