"""The `newsmill` command. Thin: each command parses, calls one library function, prints.

Command groups live in sibling modules and register themselves on `app` when imported.
"""

from __future__ import annotations

# Importing a command module registers its commands on `app`.
from newsmill.cli import core as _core  # ingest, articles, show, search, export, skipped
from newsmill.cli import dups as _dups  # dups
from newsmill.cli import enrich as _enrich  # enrich, entities, quotes
from newsmill.cli import figures as _figures  # figures
from newsmill.cli import run as _run  # run, load
from newsmill.cli import web as _web  # serve
from newsmill.cli.app import app

_COMMAND_MODULES = (_core, _dups, _enrich, _figures, _run, _web)


def main() -> None:
    app()


__all__ = ["app", "main"]
