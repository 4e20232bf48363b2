"""Read-only web UI and REST API over a newsmill store: `newsmill serve`."""

from __future__ import annotations

from newsmill.web.app import create_app

__all__ = ["create_app"]
