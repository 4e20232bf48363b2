"""App factory for multi-process serving (uvicorn imports it by name in each worker)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from newsmill.web.app import create_app

#: Environment variable `newsmill serve --workers N` passes the store path in.
DB_ENV = "NEWSMILL_WEB_DB"


def app_from_env() -> FastAPI:
    return create_app(os.environ[DB_ENV])
