"""The `newsmill` command. Thin: each command parses, calls one library function, prints.

Command groups live in sibling modules and register themselves on `app` when imported.
"""

from __future__ import annotations

from newsmill.cli.app import app
from newsmill.cli import core as _core  # noqa: F401  (registers ingest, articles, show, search, export)
from newsmill.cli import enrich as _enrich  # noqa: F401  (registers enrich, entities, quotes)
from newsmill.cli import run as _run  # noqa: F401  (registers run, load)
from newsmill.cli import figures as _figures  # noqa: F401  (registers figures)
from newsmill.cli import dups as _dups  # noqa: F401  (registers dups)
from newsmill.cli import web as _web  # noqa: F401  (registers serve)


def main() -> None:
    app()


__all__ = ["app", "main"]
