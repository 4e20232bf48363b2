"""Core commands: ingest, articles, show, search, export."""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
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
from rich.table import Table

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
from newsmill.dedup import CopyRow, copies_of
from newsmill.enrich.figures_store import iter_figure_records
from newsmill.enrich.query import iter_quote_records
from newsmill.ingest import IngestStats, ingest, resegment
from newsmill.store import query
from newsmill.store.db import connect
from newsmill.store.export import KINDS, export

ProgressOption = Annotated[
    bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
]
AllCopiesOption = Annotated[
    bool, typer.Option("--all-copies", help="One row per copy instead of one per story.")
]

ROLE_STYLE = {
    "title": "bold",
    "dek": "italic",
    "section": "magenta",
    "byline": "cyan",
    "dateline": "cyan",
    "body": "",
    "bio": "green",
    "caption": "yellow",
    "credit": "yellow dim",
    "image_alt": "dim",
    "marker": "red",
    "chrome": "dim strike",
}


@app.command("ingest")
def ingest_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders (read recursively), globs, or - for stdin: text dumps, "
            "HTML (.html/.htm, also .gz), WARC (.warc/.warc.gz), JSONL."
        ),
    ],
    db: DbOption = None,
    config: ConfigOption = None,
    enrich: Annotated[
        bool,
        typer.Option("--enrich/--no-enrich", help="Find entities, quotes and figures."),
    ] = True,
    progress: ProgressOption = True,
) -> None:
    """Read page captures into the store: pages, line roles, articles, duplicates."""
    with domain_errors():
        options = options_for(db, config)
        database = connect(options.db)
        bar = _progress_bar(progress)
        with bar or nullcontext():
            stats = ingest(database, sources, options, _reporter(bar), enrich=enrich)
        _print_summary(stats, options.db)
        if not stats.ingested_anything:
            raise typer.Exit(1)


@app.command("resegment")
def resegment_command(
    sites: Annotated[
        list[str] | None,
        typer.Option("--site", metavar="SITE", help="Only the pages of this site (repeatable)."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    enrich: Annotated[
        bool,
        typer.Option("--enrich/--no-enrich", help="Enrich the articles that changed."),
    ] = True,
    progress: ProgressOption = True,
) -> None:
    """Segment stored pages again with what the store knows now.

    Use it after changing segmentation options, or after ingesting more pages of a
    site in several runs: lines that became site chrome later are then taken out of
    the earlier pages too. (Ingest already does this by itself for lines that reach
    the chrome threshold; this command re-checks every page.) Only pages whose
    segmentation changed are written again; their articles are linked to their
    copies and enriched anew.
    """
    with domain_errors():
        options = options_for(db, config)
        database = connect(options.db)
        unknown = [site for site in sites or () if not query.has_site(database, site)]
        if unknown:
            known = query.sites(database, 10)
            err_console.print(
                f"no pages of site {', '.join(map(repr, unknown))} in {escape(options.db)}; "
                f"sites with most pages: {escape(', '.join(known)) or 'none'}"
            )
            raise typer.Exit(1)
        bar = _progress_bar(progress)
        with bar or nullcontext():
            stats = resegment(database, options, sites or (), _reporter(bar), enrich=enrich)
        console.print(
            f"[bold]{stats.pages_rechecked}[/] pages segmented again, "
            f"[bold]{stats.pages_changed}[/] changed and written "
            f"({stats.articles} articles on the pages written) in {escape(options.db)}"
        )
        if stats.pages_segmented:
            console.print(f"  {stats.pages_segmented} pages left pending by an earlier run")
        for key, value in stats.extra.items():
            console.print(f"  {key}: {value}")


def _progress_bar(wanted: bool) -> Progress | None:
    """A bar on stderr when wanted and stderr is a terminal (not in logs or pipes)."""
    if not wanted or not sys.stderr.isatty():
        return None
    return Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def _reporter(bar: Progress | None) -> Callable[[str, int, int | None], None]:
    """Progress callback for the library: one bar per stage, with a rate and an ETA."""
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int | None) -> None:
        if bar is None:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total, rate="")
        task = tasks[stage]
        elapsed = next(t.elapsed for t in bar.tasks if t.id == task) or 0.0
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0.5 else ""
        bar.update(task, completed=done, total=total, rate=rate)

    return report


def _print_summary(stats: IngestStats, db_path: str) -> None:
    console.print(
        f"[bold]{stats.pages_new}[/] new pages, {stats.pages_known} already stored, "
        f"{len(stats.skipped)} skipped; {stats.articles} articles "
        f"({stats.partial} partial) in {escape(db_path)}"
    )
    if stats.pages_rechecked:
        console.print(
            f"  earlier pages: {stats.pages_rechecked} segmented again (lines of theirs "
            f"became site chrome candidates), {stats.pages_changed} changed"
        )
    for key, value in stats.extra.items():
        console.print(f"  {key}: {value}")
    if stats.roles:
        roles = ", ".join(f"{role} {n}" for role, n in stats.roles.most_common())
        console.print(f"  line roles: {roles}", style="dim")
    if stats.skipped:
        reasons = Counter(skip.reason for skip in stats.skipped)
        console.print(
            "  skipped: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()),
            style="yellow",
        )
        for skip in stats.skipped[:20]:
            console.print(
                f"    {escape(skip.source)}: {skip.reason}"
                + (f" ({escape(skip.detail)})" if skip.detail else ""),
                style="yellow",
            )
        if len(stats.skipped) > 20:
            console.print(f"    … and {len(stats.skipped) - 20} more (`newsmill skipped`)")


@app.command("articles")
def articles_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0: all).")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many rows first.")] = 0,
    all_copies: AllCopiesOption = False,
    as_json: JsonOption = False,
) -> None:
    """List articles: id, title (or first words), section, authors, page, partial.

    One row per story: copies of an article found elsewhere are folded into its
    canonical version (see `newsmill dups`) unless --all-copies.
    """
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        rows = list(query.list_articles(database, limit or None, offset, all_copies=all_copies))
        if as_json:
            print_json([asdict(row) for row in rows])
            return
        total = query.count_articles(database, all_copies=all_copies)
        noun = "articles" if all_copies else "stories"
        table = Table(title=f"{total} {noun}", title_justify="left", expand=True)
        table.add_column("id", no_wrap=True, min_width=14)
        table.add_column("title / first words", ratio=4, overflow="fold")
        table.add_column("section", ratio=1, overflow="fold")
        table.add_column("authors", ratio=1, overflow="fold")
        table.add_column("page", ratio=1, overflow="fold")
        table.add_column("copies", no_wrap=True, justify="right")
        table.add_column("partial", no_wrap=True)
        for row in rows:
            title = escape(row.title) if row.title else f"[dim]{escape(row.first_words)}…[/]"
            table.add_row(
                row.id,
                title,
                escape(row.section or ""),
                escape(", ".join(row.authors)),
                escape(_short_source(row.source)),
                str(row.copies) if row.copies > 1 else "",
                "partial" if row.partial else "",
            )
        console.print(table)
        if total > offset + len(rows):
            console.print(f"[dim]{total - offset - len(rows)} more: use --limit 0 or --offset[/]")


def _short_source(source: str) -> str:
    return source if "://" in source else Path(source).name


@app.command("show")
def show_command(
    article_id: Annotated[str, typer.Argument(help="Article id (or an unambiguous prefix).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one article, each part labelled with its role."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        record = query.article_record(database, query.find_article(database, article_id))
        if as_json:
            print_json(record)
            return
        page = record["page"]
        console.print(f"[bold]{record['id']}[/]  {escape(page['source'])}  site {page['site']}")
        if record["partial"]:
            console.print("[red]partial: cut off by a read-more marker[/]")
        text = query.page_text(database, record["page"]["sha256"])
        for part in record["parts"]:
            style = ROLE_STYLE.get(part["role"], "")
            label = f"[dim]{part['role']:>9} {part['first_line']:>4}[/]"
            span = escape(text[part["start"] : part["end"]])
            console.print(f"{label}  [{style}]{span}[/]" if style else f"{label}  {span}")
        _print_copies(copies_of(database, record["id"]))
        _print_findings(database, record["id"])


@app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help='Full-text query: words, "phrases", AND/OR/NOT.')],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    all_copies: AllCopiesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over titles, deks and bodies, best matches first (one per story)."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        hits = query.search(database, text, limit=limit, all_copies=all_copies)
        if as_json:
            print_json(
                [
                    {**asdict(hit.article), "snippet": _plain(hit.snippet), "score": hit.score}
                    for hit in hits
                ]
            )
            return
        if not hits:
            console.print(f"no articles match {text!r}")
            raise typer.Exit(0)
        for hit in hits:
            row = hit.article
            title = escape(row.title) if row.title else f"[dim]{escape(row.first_words)}…[/]"
            copies = f"  [dim]{row.copies} copies[/]" if row.copies > 1 else ""
            console.print(f"[bold]{row.id}[/]  {title}  [dim]{hit.score:.2f}[/]{copies}")
            console.print("    " + _highlight(hit.snippet))


def _print_copies(copies: list[CopyRow]) -> None:
    if not copies:
        return
    console.print(f"\n[bold]{len(copies)} other copies[/]")
    for copy in copies:
        why = copy.kind + (f" {copy.score:.2f}" if copy.score is not None else "")
        flags = " [dim](canonical)[/]" if copy.canonical else ""
        console.print(
            f"  {copy.article_id}  {escape(_short_source(copy.page))}  {why}{flags}"
            + ("  [red]partial[/]" if copy.partial else "")
        )


def _print_findings(database: sqlite3.Connection, article_id: str) -> None:
    """Quotes and figures of the article, highlighted."""
    quotes = list(iter_quote_records(database, article=article_id))
    if quotes:
        console.print(f"\n[bold]{len(quotes)} quotes[/]")
        for quote in quotes:
            speaker = quote["speaker"] or quote["speaker_mention"] or "unknown"
            console.print(
                f"  [cyan]{escape(speaker)}[/] [dim]({quote['speaker_type']}, {quote['kind']})[/]: "
                f"[green]“{escape(quote['text'])}”[/]"
            )
    figures = list(iter_figure_records(database, article=article_id))
    if figures:
        console.print(f"\n[bold]{len(figures)} figures[/]")
        for figure in figures:
            extra = ", ".join(
                f"{key} {escape(str(figure[key]))}"
                for key in ("measure", "source", "period")
                if figure[key]
            )
            console.print(f"  [magenta]{escape(figure['text'])}[/]  [dim]{extra}[/]")


def _plain(snippet: str) -> str:
    return snippet.replace(query.SNIPPET_OPEN, "").replace(query.SNIPPET_CLOSE, "")


def _highlight(snippet: str) -> str:
    text = escape(" ".join(snippet.split()))
    return text.replace(query.SNIPPET_OPEN, "[reverse]").replace(query.SNIPPET_CLOSE, "[/]")


@app.command("export")
def export_command(
    out: Annotated[str, typer.Option("--out", help="File to write.")],
    what: Annotated[str, typer.Option("--what", help=f"One of: {', '.join(KINDS)}.")] = "articles",
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    db: DbOption = None,
) -> None:
    """Export articles, line roles (and later quotes, figures, entities) to JSONL or Parquet."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        count = export(database, what, fmt, out)
        console.print(f"wrote {count} {what} records to {escape(out)}")


@app.command("skipped")
def skipped_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List input that produced no page, and why."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        rows = [dict(r) for r in database.execute("SELECT source, reason, detail, at FROM skipped")]
        if as_json:
            print_json(rows)
            return
        table = Table(title=f"{len(rows)} skipped inputs", title_justify="left")
        for column in ("source", "reason", "detail", "at"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(escape(r["source"]), r["reason"], escape(r["detail"]), r["at"])
        console.print(table)
