"""Scale-out commands: run (the pipeline into a Parquet dataset folder) and load (into SQLite)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from newsmill.cli.app import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    console,
    domain_errors,
    err_console,
    options_for,
    print_json,
)
from newsmill.run import RunSettings, RunStats, load_dataset, make_executor, run_pipeline
from newsmill.store.db import connect

#: Seconds between progress lines when stderr is not a terminal.
PLAIN_EVERY = 5.0


class ExecutorName(StrEnum):
    local = "local"
    ray = "ray"


@app.command("run")
def run_command(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders (read recursively) or globs of captures.")
    ],
    out: Annotated[str, typer.Option("--out", help="Dataset folder (path or s3://... URI).")],
    executor: Annotated[
        ExecutorName, typer.Option("--executor", help="local: a process pool; ray: a Ray cluster.")
    ] = ExecutorName.local,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes. Default: every core.")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Ray cluster to join (ray://HOST:10001 or auto)."),
    ] = None,
    enrich: Annotated[
        bool, typer.Option("--enrich/--no-enrich", help="Find entities, quotes and figures.")
    ] = True,
    shard_files: Annotated[int, typer.Option(help="Input files per shard at most.")] = 500,
    partitions: Annotated[int, typer.Option(help="Hash partitions of each shuffle.")] = 16,
    config: ConfigOption = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress on stderr.")
    ] = True,
    json_out: JsonOption = False,
) -> None:
    """Run the whole pipeline in parallel into a Parquet dataset folder; rerun to resume."""
    with domain_errors():
        options = options_for(None, config)
        settings = RunSettings(shard_files=shard_files, partitions=partitions, enrich=enrich)
        runner = make_executor(executor.value, workers, address, options.enrich.spacy_model)
        bar = _bar() if progress and err_console.is_terminal else None
        report = _reporter(bar) if progress else _silent
        try:
            with bar or nullcontext():
                stats = run_pipeline(sources, out, options, runner, settings, report)
        finally:
            runner.close()
    if json_out:
        print_json(stats.as_dict())
        return
    _summary(stats, out, executor.value, runner.workers)


def _silent(stage: str, done: int, total: int) -> None:
    return None


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


def _reporter(bar: Progress | None) -> Callable[[str, int, int], None]:
    """Pages done of the total, pages/s and ETA per stage: a bar, or a line every few s."""
    tasks: dict[str, TaskID] = {}
    started: dict[str, tuple[float, int]] = {}
    last_line = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        first_time, first_done = started.setdefault(stage, (now, done))
        elapsed = now - first_time
        rate = (done - first_done) / elapsed if elapsed > 0.2 else 0.0
        unit = "files" if stage == "read" else "pages"
        if bar is not None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, unit=unit, rate="")
            shown = f"{rate:,.0f} {unit}/s" if rate else ""
            bar.update(tasks[stage], completed=done, total=total, rate=shown)
            return
        if done < total and now - last_line[0] < PLAIN_EVERY:
            return
        last_line[0] = now
        eta = _eta(done, total, rate)
        err_console.print(
            f"{stage:>10}: {done:,}/{total:,} {unit}, {rate:,.0f} {unit}/s, {eta}", highlight=False
        )

    return report


def _eta(done: int, total: int, rate: float) -> str:
    if done >= total:
        return "done"
    return f"ETA {(total - done) / rate:,.0f}s" if rate else "ETA ?"


def _summary(stats: RunStats, out: str, executor: str, workers: int) -> None:
    rate = stats.pages / stats.seconds if stats.seconds else 0.0
    console.print(
        f"[bold]{stats.pages}[/] pages ({stats.dupes} repeated, {stats.skipped} skipped) -> "
        f"{stats.articles} articles, {stats.clusters} clusters of copies, {stats.quotes} quotes, "
        f"{stats.figures} figures in {escape(out)}"
    )
    console.print(
        f"  {executor} executor, {workers} worker{'s' * (workers != 1)}, {stats.shards} shards "
        f"({stats.reused} units reused), {stats.seconds:.1f}s, {rate:,.1f} pages/s",
        style="dim",
    )


@app.command("load")
def load_command(
    dataset: Annotated[str, typer.Argument(help="Dataset folder written by `newsmill run`.")],
    db: DbOption = None,
    config: ConfigOption = None,
    json_out: JsonOption = False,
) -> None:
    """Load a dataset folder into the SQLite store, for articles, search and serve."""
    with domain_errors():
        options = options_for(db, config)
        stats = load_dataset(connect(options.db), dataset, options)
    if json_out:
        print_json(stats.as_dict())
        return
    console.print(
        f"[bold]{stats.pages_new}[/] new pages ({stats.pages_known} already stored), "
        f"{stats.articles} articles, {stats.clusters} clusters, {stats.quotes} quotes, "
        f"{stats.figures} figures, {stats.skipped} skipped inputs into {escape(options.db)}"
    )
    if stats.pages_new == 0 and stats.pages_known == 0:
        sys.exit(1)
