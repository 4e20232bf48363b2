"""`newsmill dups`: the clusters of copies of an article."""

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
from newsmill.dedup import list_clusters, update_clusters
from newsmill.dedup.query import cluster_json
from newsmill.dedup.update import reset
from newsmill.store.db import connect


@app.command("dups")
def dups_command(
    db: DbOption = None,
    config: ConfigOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list articles that have no copy.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many clusters (0: all).")] = 50,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Drop all signatures and clusters and compute them again."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List clusters of copies: canonical title, copies, pages and why each copy joined.

    Articles not yet checked for duplicates are checked first.
    """
    with domain_errors():
        options = options_for(db, config)
        database = connect(options.db)
        if rebuild:
            reset(database)
        update_clusters(database, None, options.dedup)
        clusters = list_clusters(database, min_size=1 if show_all else 2, limit=limit or None)
        if as_json:
            print_json([cluster_json(cluster) for cluster in clusters])
            return
        table = Table(title=f"{len(clusters)} clusters", title_justify="left", expand=True)
        table.add_column("cluster", no_wrap=True)
        table.add_column("canonical title", ratio=4, overflow="fold")
        table.add_column("copies", justify="right")
        table.add_column("pages", ratio=2, overflow="fold")
        table.add_column("links", ratio=2, overflow="fold")
        for cluster in clusters:
            kinds = ", ".join(
                f"{kind} {count}" for kind, count in cluster.kinds.items() if kind != "canonical"
            )
            table.add_row(
                cluster.id,
                escape(cluster.title or ""),
                str(cluster.size),
                escape(", ".join(page.rsplit("/", 1)[-1] for page in cluster.pages)),
                kinds or "-",
            )
        console.print(table)
