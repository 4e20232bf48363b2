"""Load test of `newsmill serve`: 50 concurrent clients searching and reading articles.

Builds (or reuses) a store of the demo corpus plus N synthetic articles made from the
demo pages' own paragraphs, sentences shuffled, ingested with `newsmill ingest
--no-enrich`; starts `newsmill serve` on loopback; runs closed-loop clients (each sends
its next request when the last one answered; with --think, after a random pause like a
reader's) for a fixed time; prints
requests, errors, latency percentiles and throughput, per kind of request and in all.

    .venv/bin/python bench/web_load.py --articles 10000 --clients 50 --seconds 30

Target (issue 5): no errors, p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "pages"
NEWSMILL = [str(Path(sys.executable).parent / "newsmill")]
#: A seed line with at least this many words is a paragraph to reuse.
MIN_PARAGRAPH_WORDS = 25
SITES = 20  # synthetic pages are spread over this many site folders
SENTENCE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“])")
#: Share of each kind of request in the mix.
MIX = (("search html", 0.25), ("search api", 0.25), ("article html", 0.25), ("article api", 0.25))


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(DEMO.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= MIN_PARAGRAPH_WORDS:
                sentences += [s for s in SENTENCE.split(line.strip()) if len(s.split()) >= 6]
    return sentences


def write_synthetic(folder: Path, count: int, rng: random.Random) -> None:
    """`count` one-article text pages: a title, then 5-8 paragraphs of shuffled sentences."""
    sentences = seed_sentences()
    for i in range(count):
        site = folder / f"site{i % SITES:02d}"
        site.mkdir(parents=True, exist_ok=True)
        words = rng.sample(sentences, 1)[0].split()[:9]
        title = f"{' '.join(words).rstrip('.,;:')} ({i})"
        paragraphs = [
            " ".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(rng.randint(5, 8))
        ]
        text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (site / f"synthetic_{i:05d}.txt").write_text(text, encoding="utf-8")


def build_store(db: Path, articles: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "synthetic"
        write_synthetic(pages, articles, random.Random(seed))
        started = time.perf_counter()
        for source in (DEMO, pages):
            subprocess.run(
                [*NEWSMILL, "ingest", str(source), "--db", str(db), "--no-enrich", "--no-progress"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        print(
            f"ingested demo + {articles} synthetic pages in {time.perf_counter() - started:.0f} s"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("newsmill serve exited early")
        try:
            if httpx.get(url + "/api/overview", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("newsmill serve did not answer in time")


@dataclass(slots=True)
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)


def search_words(sentences: list[str], rng: random.Random, count: int = 300) -> list[str]:
    words = sorted({w.strip(".,;:“”’'\"()?!").lower() for s in sentences for w in s.split()})
    words = [w for w in words if w.isalpha() and len(w) > 3]
    return rng.sample(words, min(count, len(words)))


def request_for(kind: str, rng: random.Random, words: list[str], ids: list[str]) -> str:
    if kind.startswith("search"):
        query = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
        return ("/search?q=" if kind == "search html" else "/api/search?q=") + query
    article = rng.choice(ids)
    return ("/article/" if kind == "article html" else "/api/articles/") + article


async def client(
    http: httpx.AsyncClient, stop: float, rng: random.Random, words: list[str], ids: list[str],
    tally: Tally, think: float = 0.0,
) -> None:  # fmt: skip
    kinds, weights = zip(*MIX, strict=True)
    while time.perf_counter() < stop:
        kind = rng.choices(kinds, weights)[0]
        path = request_for(kind, rng, words, ids)
        started = time.perf_counter()
        try:
            response = await http.get(path)
            ok = response.status_code == 200
            detail = f"{response.status_code} {path}"
        except httpx.HTTPError as e:
            ok, detail = False, f"{type(e).__name__} {path}"
        elapsed = time.perf_counter() - started
        tally.latencies.setdefault(kind, []).append(elapsed)
        if not ok:
            tally.errors[kind] = tally.errors.get(kind, 0) + 1
            if len(tally.first_errors) < 5:
                tally.first_errors.append(detail)
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))


async def run_load(
    url: str, clients: int, seconds: float, ids: list[str], seed: int, think: float = 0.0
) -> tuple[Tally, float]:
    rng = random.Random(seed)
    words = search_words(seed_sentences(), rng)
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(
            *(
                client(http, stop, random.Random(seed + i), words, ids, tally, think)
                for i in range(clients)
            )
        )
        return tally, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_table(tally: Tally, elapsed: float) -> None:
    header = f"{'request':<14}{'requests':>10}{'errors':>8}" + "".join(
        f"{name:>9}" for name in ("p50 ms", "p95 ms", "p99 ms", "req/s")
    )
    print(header)
    print("-" * len(header))
    everything: list[float] = []
    for kind, _ in MIX:
        values = tally.latencies.get(kind, [])
        everything += values
        print(_row(kind, values, tally.errors.get(kind, 0), elapsed))
    print("-" * len(header))
    print(_row("all", everything, sum(tally.errors.values()), elapsed))
    for detail in tally.first_errors:
        print("error:", detail)


def _row(name: str, values: list[float], errors: int, elapsed: float) -> str:
    if not values:
        return f"{name:<14}{0:>10}{errors:>8}"
    ms = [v * 1000 for v in values]
    return (
        f"{name:<14}{len(values):>10}{errors:>8}{statistics.median(ms):>9.1f}"
        f"{percentile(ms, 0.95):>9.1f}{percentile(ms, 0.99):>9.1f}{len(values) / elapsed:>9.1f}"
    )


def article_ids(url: str) -> list[str]:
    ids: list[str] = []
    offset = 0
    while len(ids) < 2000:
        page = httpx.get(f"{url}/api/articles", params={"limit": 100, "offset": offset}, timeout=30)
        items = page.json()["items"]
        if not items:
            break
        ids += [item["article"]["id"] for item in items]
        offset += 100
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic articles to add")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--db", type=Path, help="store to build or reuse (default: a temp file)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client waits between requests (0: closed loop, a stress test)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="web_load_"))
    db = args.db or tmp / "load.db"
    try:
        if not db.exists():
            build_store(db, args.articles, args.seed)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            *NEWSMILL,
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            wait_ready(url, server)
            ids = article_ids(url)
            overview = httpx.get(url + "/api/overview", timeout=30).json()
            print(
                f"store: {overview['pages']} pages, {overview['articles']} articles; "
                f"{args.clients} clients for {args.seconds:.0f} s, "
                f"{args.workers} server process(es)"
            )
            load = run_load(url, args.clients, args.seconds, ids, args.seed, args.think)
            tally, elapsed = asyncio.run(load)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print_table(tally, elapsed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
