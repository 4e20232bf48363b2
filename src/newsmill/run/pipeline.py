"""The run: plan shards, then run each stage's tasks on an executor, skipping done ones.

Stages, in order (a ``part`` stage is one task per hash partition, the rest one task per
shard of input files)::

    read        input files -> pages/, skipped/read/, page_index/part-P/ (by sha256)
    distinct    page_index/part-P -> dupes/part-P   (same bytes twice: later copies dropped)
    keys        pages -> chrome_keys/part-P/        (site-chrome repetition keys, by key)
    counts      chrome_keys/part-P -> chrome_counts/part-P   (pages per (site, key))
    segment     pages + counts -> articles/, lines/, skipped/segment/
    signatures  articles -> signatures/, bands/part-P/, fingerprints/part-P/ (by key)
    candidates  bands + fingerprints of part P -> pairs/part-P  (articles sharing a key)
    check       pairs of articles of part Q + those articles -> checks/, check_texts/,
                listing/  (one partition per so many pairs; a pair is checked in the
                partition of its first article)
    clusters    checks + check_texts + listing -> links/, clusters/, members/  (one task:
                accepting and union-find, over links only)
    enrich      articles -> mentions/, quotes/, figures/, enriched/  (NLP model per worker)

The plan is saved in the dataset's manifest, so a rerun of the same command reuses it and
skips every completed unit.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from newsmill.model import Skip
from newsmill.options import Options
from newsmill.read.sources import expand
from newsmill.run import records as rec
from newsmill.run import tasks as t
from newsmill.run.dataset import Dataset, DatasetError, part_name, shard_name
from newsmill.run.executor import Executor

log = logging.getLogger(__name__)

MANIFEST_VERSION = 2  # 2: pairs checked per partition (check stage)

#: progress(stage, done, total): pages (input files for `read`) done of the total
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class RunSettings:
    shard_files: int = 500  # input files per shard at most ...
    shard_bytes: int = 4 * 1024 * 1024  # ... and bytes per shard at most
    partitions: int = 16  # hash partitions of each shuffle
    # Candidate pairs per partition of the pair checks. Each check partition reads every
    # shard's signatures, so more partitions cost more reading; fewer hold more sketches.
    check_pairs: int = 20_000
    enrich: bool = True


@dataclass(slots=True)
class RunStats:
    inputs: int = 0
    shards: int = 0
    pages: int = 0  # distinct pages segmented
    dupes: int = 0  # pages whose bytes an earlier page already had
    skipped: int = 0
    articles: int = 0
    links: int = 0
    clusters: int = 0
    mentions: int = 0
    quotes: int = 0
    figures: int = 0
    reused: int = 0  # units already complete from an earlier run
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Plan:
    shards: list[list[str]]
    skipped: list[Skip]

    @property
    def inputs(self) -> int:
        return sum(len(files) for files in self.shards)


def plan_shards(sources: Sequence[str], settings: RunSettings) -> Plan:
    """Input files in input order, cut into shards of at most so many files and bytes."""
    shards: list[list[str]] = []
    skipped: list[Skip] = []
    current: list[str] = []
    size = 0
    for source in sources:
        files = expand(source)
        if isinstance(files, Skip):
            skipped.append(files)
            continue
        for path in files:
            length = _size(path)
            if current and (
                len(current) >= settings.shard_files or size + length > settings.shard_bytes
            ):
                shards.append(current)
                current, size = [], 0
            current.append(path)
            size += length
    if current:
        shards.append(current)
    return Plan(shards, skipped)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader records why it cannot read it


def run_pipeline(
    sources: Sequence[str],
    out: str,
    options: Options,
    executor: Executor,
    settings: RunSettings | None = None,
    progress: Progress = _quiet,
) -> RunStats:
    """Run every stage over ``sources`` into the dataset folder ``out``; resumable."""
    settings = settings or RunSettings()
    dataset = Dataset(out)
    plan = _manifest(dataset, sources, options, settings)
    stats = RunStats(inputs=plan.inputs, shards=len(plan.shards), skipped=len(plan.skipped))
    started = time.monotonic()
    runner = _Runner(dataset, executor, stats, progress)
    shards = range(len(plan.shards))
    parts = range(settings.partitions)
    n = settings.partitions
    read = runner.stage(
        "read",
        [
            t.Task(
                "read",
                shard_name(i),
                t.read_task,
                (dataset, i, plan.shards[i], options, n),
                len(plan.shards[i]),
            )
            for i in shards
        ],
    )
    pages = {i: read[shard_name(i)]["pages"] for i in shards}
    total = sum(pages.values())
    stats.skipped += sum(s["skipped"] for s in read.values())
    per_part = max(total // max(n, 1), 1)
    dupes = runner.stage(
        "distinct",
        [t.Task("distinct", part_name(p), t.distinct_task, (dataset, p), per_part) for p in parts],
    )
    stats.dupes = sum(s["dupes"] for s in dupes.values())
    runner.stage(
        "keys",
        [
            t.Task("keys", shard_name(i), t.keys_task, (dataset, i, options, n), pages[i])
            for i in shards
        ],
    )
    runner.stage(
        "counts",
        [
            t.Task("counts", part_name(p), t.counts_task, (dataset, p, options), per_part)
            for p in parts
        ],
    )
    segmented = runner.stage(
        "segment",
        [
            t.Task("segment", shard_name(i), t.segment_task, (dataset, i, options, n), pages[i])
            for i in shards
        ],
    )
    stats.pages = sum(s["pages"] for s in segmented.values())
    stats.articles = sum(s["articles"] for s in segmented.values())
    stats.skipped += sum(s["skipped"] for s in segmented.values())
    runner.stage(
        "signatures",
        [
            t.Task(
                "signatures", shard_name(i), t.signatures_task, (dataset, i, options, n), pages[i]
            )
            for i in shards
        ],
    )
    candidates = runner.stage(
        "candidates",
        [
            t.Task("candidates", part_name(p), t.candidates_task, (dataset, p, options), per_part)
            for p in parts
        ],
    )
    checks = check_partitions(sum(s["pairs"] for s in candidates.values()), settings)
    runner.stage(
        "check",
        [
            t.Task(
                "check", part_name(p), t.check_task, (dataset, p, options, checks), total // checks
            )
            for p in range(checks)
        ],
    )
    clusters = runner.stage(
        "clusters",
        [t.Task("clusters", "all", t.clusters_task, (dataset, options, checks), total)],
    )["all"]
    stats.links, stats.clusters = clusters["links"], clusters["clusters"]
    if settings.enrich and options.enrich.enabled:
        enriched = runner.stage(
            "enrich",
            [
                t.Task(
                    "enrich", shard_name(i), t.enrich_task, (dataset, i, options), pages[i], True
                )
                for i in shards
            ],
        )
        for key in ("mentions", "quotes", "figures"):
            setattr(stats, key, sum(s[key] for s in enriched.values()))
    stats.seconds = time.monotonic() - started
    return stats


def check_partitions(pairs: int, settings: RunSettings) -> int:
    """Partitions of the pair checks: enough to keep each one's share of the candidate
    pairs (and so of their articles' sketches) small; at least two, for two workers."""
    return max(-(-pairs // max(settings.check_pairs, 1)), 2)


class _Runner:
    """Runs one stage: completed units are read from their markers, the rest executed."""

    def __init__(self, dataset: Dataset, executor: Executor, stats: RunStats, progress: Progress):
        self.dataset = dataset
        self.executor = executor
        self.stats = stats
        self.progress = progress

    def stage(self, name: str, tasks: list[t.Task]) -> dict[str, dict[str, Any]]:
        started = time.monotonic()
        results: dict[str, dict[str, Any]] = {}
        todo = []
        for task in tasks:
            marker = self.dataset.done(task.stage, task.unit)
            if marker is None:
                todo.append(task)
            else:
                results[task.unit] = marker
        self.stats.reused += len(results)
        total = sum(task.weight for task in tasks)
        done = sum(task.weight for task in tasks if task.unit in results)
        self.progress(name, done, total)

        def finished(task: t.Task, stats: dict[str, Any]) -> None:
            nonlocal done
            results[task.unit] = stats
            done += task.weight
            self.progress(name, done, total)

        if todo:
            self.executor.run(todo, finished)
        self.stats.stages[name] = round(time.monotonic() - started, 3)
        log.info(
            "%s: %d units (%d reused) in %.1fs",
            name,
            len(tasks),
            len(tasks) - len(todo),
            self.stats.stages[name],
        )
        return results


def _manifest(
    dataset: Dataset, sources: Sequence[str], options: Options, settings: RunSettings
) -> Plan:
    """The saved plan when the dataset was made from the same sources and settings."""
    fingerprint = {
        "version": MANIFEST_VERSION,
        "sources": [os.path.abspath(s) if s != "-" else s for s in sources],
        "options": _options_record(options),
        "partitions": settings.partitions,
        "check_pairs": settings.check_pairs,
    }
    fingerprint = json.loads(json.dumps(fingerprint))  # as it reads back: tuples are lists
    saved = dataset.read_manifest()
    if saved is not None:
        if {k: saved.get(k) for k in fingerprint} != fingerprint:
            raise DatasetError(
                f"{dataset.uri} holds a run of other sources or settings; "
                "choose a new --out folder (or delete this one)"
            )
        skipped = [Skip(**s) for s in saved["skipped"]]
        return Plan([list(files) for files in saved["shards"]], skipped)
    if "-" in sources:
        raise DatasetError("`newsmill run` cannot read stdin: give files or folders")
    plan = plan_shards(sources, settings)
    manifest = {**fingerprint, "shards": plan.shards, "skipped": [asdict(s) for s in plan.skipped]}
    dataset.write_manifest(manifest)
    if plan.skipped:
        rows = [asdict(s) for s in plan.skipped]
        dataset.write_table(
            dataset.path("skipped", "plan.parquet"), rec.table(rows, rec.SKIP_SCHEMA)
        )
    return plan


def _options_record(options: Options) -> dict[str, Any]:
    """The settings that change results (not the store path, not enrichment on/off)."""
    record = asdict(options)
    record.pop("db", None)
    record["enrich"].pop("enabled", None)
    return record
