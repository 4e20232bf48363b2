"""Enrichment commands: enrich, entities, quotes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from newsmill.cli.app import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    console,
    domain_errors,
    options_for,
    print_json,
)
from newsmill.enrich.query import iter_entity_records, iter_quote_records
from newsmill.enrich.run import enrich_articles
from newsmill.store.db import connect

#: Characters of a quote shown in the table (the JSON has all of it).
QUOTE_PREVIEW = 160


@app.command("enrich")
def enrich_command(
    db: DbOption = None,
    config: ConfigOption = None,
    again: Annotated[
        bool, typer.Option("--all", help="Enrich every article again, not only new ones.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Find entities, quotes and figures in stored articles not enriched yet."""
    with domain_errors():
        options = options_for(db, config)
        database = connect(options.db)
        ids = [row[0] for row in database.execute("SELECT id FROM articles")] if again else None
        stats = enrich_articles(database, ids, options.enrich)
    if json_out:
        print_json(stats.as_dict())
        return
    console.print(
        f"enriched {stats.articles} articles: {stats.mentions} mentions, "
        f"{stats.entities} entities, {stats.quotes} quotes ({stats.direct} direct, "
        f"{stats.indirect} indirect, {stats.mixed} mixed), {stats.figures} figures"
    )


@app.command("entities")
def entities_command(
    type_: Annotated[
        str | None,
        typer.Option("--type", help="Only this type: person, organization, place, group."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many.")] = 50,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Canonical entities with their aliases, mention count and article count."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        records = list(iter_entity_records(database, type_))[:limit]
    if json_out:
        print_json(records)
        return
    table = Table("name", "type", "mentions", "articles", "aliases", show_lines=False)
    for record in records:
        table.add_row(
            escape(record["name"]),
            record["type"],
            str(record["mentions"]),
            str(record["articles"]),
            escape(", ".join(record["aliases"])),
        )
    console.print(table)


@app.command("quotes")
def quotes_command(
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker name or alias (part of it).")
    ] = None,
    about: Annotated[str | None, typer.Option("--about", help="Words the quote contains.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many.")] = 100,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Quotes with their speaker, article, and page offsets."""
    with domain_errors():
        database = connect(options_for(db).db, readonly=True)
        records = list(iter_quote_records(database, speaker, about))[:limit]
    if json_out:
        print_json(records)
        return
    table = Table("speaker", "quote", "kind", "article", "where", show_lines=True)
    for record in records:
        text = record["text"]
        preview = text if len(text) <= QUOTE_PREVIEW else text[: QUOTE_PREVIEW - 1] + "…"
        who = record["speaker"] or record["speaker_mention"] or "?"
        table.add_row(
            escape(f"{who} ({record['speaker_type']})"),
            escape(preview),
            record["kind"],
            escape(f"{record['article']}\n{record['title'] or ''}"),
            escape(f"{record['page']['source']}:{record['start']}-{record['end']}"),
        )
    console.print(table)
