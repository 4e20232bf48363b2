"""`newsmill figures`: the numbers articles report, with measure, source and period."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from newsmill.cli.app import (
    DbOption,
    JsonOption,
    app,
    console,
    domain_errors,
    options_for,
    print_json,
)
from newsmill.enrich.figures import iter_figure_records
from newsmill.store.db import connect


@app.command("figures")
def figures_command(
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only figures measured by this body, e.g. Gallup."),
    ] = None,
    about: Annotated[
        str | None,
        typer.Option(
            "--about", help="Only figures whose sentence, measure or article mentions this."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the figures articles report: value, what it measures, who measured it, when."""
    with domain_errors():
        store = connect(options_for(db).db, readonly=True)
        records = list(iter_figure_records(store, source=source, about=about))
    if as_json:
        print_json(records)
        return
    console.print(_table(records))


def _table(records: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(records)} figures", show_lines=False)
    table.add_column("figure", no_wrap=True)
    table.add_column("measure", overflow="fold", ratio=3)
    for column in ("source", "period", "article", "offsets"):
        table.add_column(column, overflow="fold", ratio=1)
    for record in records:
        table.add_row(
            record["text"],
            record["measure"] or "",
            record["source"] or "",
            record["period"] or "",
            record["article"],
            f"{record['start']}-{record['end']}",
        )
    return table
