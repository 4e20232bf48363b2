"""The Typer application and the helpers every command shares."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from newsmill.errors import NewsmillError
from newsmill.options import Options, load_options

app = typer.Typer(
    name="newsmill",
    help=(
        "Turn messy news page captures (text dumps, HTML, WARC, JSONL) into a clean, "
        "deduplicated, searchable record of articles, quotes and figures."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite store to use. Default: $NEWSMILL_DB, else ./newsmill.db.",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", help="TOML settings file overriding the packaged defaults."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def options_for(db: str | None, config: str | None = None) -> Options:
    return load_options(config, db=db)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn domain errors into a one-line message and exit code 2, never a traceback."""
    try:
        yield
    except NewsmillError as e:
        err_console.print(f"[bold red]error:[/] {e}")
        raise typer.Exit(2) from e


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
