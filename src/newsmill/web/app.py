"""The web application: read-only HTML pages and a JSON API over one newsmill store.

There is no ingest endpoint: the app opens the store read-only and only reads.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsmill import __version__
from newsmill.errors import QueryError, StoreError
from newsmill.web import queries
from newsmill.web.pool import ConnectionPool
from newsmill.web.queries import ClusterMap
from newsmill.web.views import NotFound

log = logging.getLogger(__name__)

#: Sent with every response: no script may run but ours (there is none), nothing framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: Threads running request handlers (blocking SQLite reads) per server process.
WORKER_THREADS = 4

#: Status code -> error code of the one error shape {"error": {"code", "message"}}.
ERROR_CODES = {400: "bad_query", 404: "not_found", 405: "method_not_allowed", 422: "invalid_params"}


class SecurityHeaders:
    """Pure ASGI middleware adding SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def get_db(request: Request) -> Iterator[sqlite3.Connection]:
    """One pooled read-only connection for the length of a request."""
    pool: ConnectionPool = request.app.state.pool
    with pool.connection() as db:
        yield db


Db = Annotated[sqlite3.Connection, Depends(get_db)]

#: Seconds a derived table (clusters of copies, the search form's sites and sections) is
#: reused before it is read again: copies found by an ingest show up within this time.
CACHE_TTL = 30.0

T = TypeVar("T")


def cached(request: Request, name: str, build: Callable[[], T]) -> T:
    """`build()`, reused for CACHE_TTL seconds by every request to this app."""
    store: dict[str, tuple[float, Any]] = request.app.state.cache
    now = time.monotonic()
    hit = store.get(name)
    if hit is None or now - hit[0] > CACHE_TTL:
        hit = (now, build())
        store[name] = hit
    return cast(T, hit[1])


def cluster_map(request: Request, db: sqlite3.Connection) -> ClusterMap:
    return cached(request, "clusters", lambda: queries.cluster_map(db))


def create_app(db_path: str | Path, pool_size: int = 16) -> FastAPI:
    """The app serving the store at `db_path` (which must exist: it is opened read-only)."""
    pool = ConnectionPool(db_path, pool_size)
    with pool.connection():  # fail now, with a clear message, if the store cannot be read
        pass

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Few worker threads: requests are short and CPU-bound under one GIL, and many
        # threads only queue on it (measured with bench/web_load.py).
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield
        pool.close()

    app = FastAPI(
        title="newsmill",
        version=__version__,
        description="Read-only browse and search over a newsmill store. No ingest endpoint.",
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN: not offline, not under our CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.cache = {}
    _add_error_handlers(app)

    app.add_middleware(SecurityHeaders)

    from newsmill.web import api, pages  # routes import Db from here

    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("newsmill.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.endswith(".json")


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    from newsmill.web.pages import error_page

    return error_page(request, status, code, message)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = ERROR_CODES.get(exc.status_code, "http_error")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_params(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "invalid_params", _validation_message(exc))

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Response:
        return error_response(request, 400, "bad_query", str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, "not_found", str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, 500, "store_error", str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "internal", "internal error; see the server log")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "query")
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid parameters"
