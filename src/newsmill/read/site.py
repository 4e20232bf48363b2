"""Which site a page belongs to: its URL host, else the folder it was found in."""

from __future__ import annotations

from pathlib import Path, PurePath
from urllib.parse import urlsplit

#: Host prefixes that name no separate site.
HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "amp.")


def host_of(url: str | None) -> str | None:
    """Lower-cased host without port or a leading www./m./amp., or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def site_of(url: str | None, path: str) -> str:
    """The URL host when there is a URL, otherwise the parent folder's name."""
    host = host_of(url)
    if host:
        return host
    parent = PurePath(path).parent.name or Path(path).absolute().parent.name
    return parent or "."
