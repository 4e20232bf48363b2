"""The `serve` command: the read-only web UI and JSON API."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from newsmill.cli.app import DbOption, app, console, domain_errors, options_for

#: Seconds an idle keep-alive connection stays open: longer than a slow answer under
#: load, so a client reusing its connection does not race the server closing it.
KEEP_ALIVE_S = 30

#: Hosts that only this machine can reach; any other needs --public.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    public: Annotated[
        bool, typer.Option("--public", help="Allow binding a non-loopback address.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes.")] = 1,
) -> None:
    """Browse and search the store in a web browser; JSON API under /api/.

    The store is opened read-only; there is no ingest endpoint.
    """
    import uvicorn

    from newsmill.web.app import create_app
    from newsmill.web.factory import DB_ENV

    if host not in LOOPBACK and not public:
        raise typer.BadParameter(
            f"{host} is reachable from other machines; add --public to mean it", param_hint="--host"
        )
    with domain_errors():
        path = options_for(db).db
        application = create_app(path)
    console.print(f"serving {path} read-only at http://{host}:{port}/  (Ctrl-C to stop)")
    if workers > 1:
        os.environ[DB_ENV] = str(path)
        uvicorn.run(
            "newsmill.web.factory:app_from_env", factory=True, host=host, port=port,
            workers=workers, log_level="warning", env_file=None,
            timeout_keep_alive=KEEP_ALIVE_S,
        )  # fmt: skip
    else:
        uvicorn.run(
            application, host=host, port=port, log_level="warning",
            timeout_keep_alive=KEEP_ALIVE_S,
        )  # fmt: skip
