"""From source arguments (paths, folders, globs, "-") to a stream of pages and skips.

One input file is read at a time; WARC and JSONL files yield their records one by one.
Bad input never raises: it becomes a `Skip` with a reason code and goes on.
"""

from __future__ import annotations

import glob
import gzip
import io
import logging
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from newsmill.model import Page, Skip
from newsmill.options import ReadOptions
from newsmill.read.decode import gunzip, is_gzip
from newsmill.read.errors import BadInput
from newsmill.read.html import html_page
from newsmill.read.jsonl import iter_jsonl
from newsmill.read.site import site_of
from newsmill.read.sniff import (
    HEAD,
    binary_kind,
    kind_by_name,
    looks_like_html,
    looks_like_warc,
)
from newsmill.read.text import text_page
from newsmill.read.warc import iter_warc

LOGGER = logging.getLogger(__name__)

STDIN = "-"
STDIN_SOURCE = "<stdin>"
#: A pseudo path for stdin whose folder names the site of what comes through the pipe.
STDIN_PATH = "stdin/-"
_GLOB_CHARS = frozenset("*?[")


def _folder_files(folder: Path) -> list[str]:
    """Every file under a folder, recursively, in sorted order; not hidden ones, nor those
    in hidden folders, nor in linked folders (as ``Path.rglob``, at a third of its cost)."""
    found: list[str] = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            path = os.path.join(parent, name)
            if not name.startswith(".") and os.path.isfile(path):
                found.append(path)
    return sorted(found)


def expand(source: str) -> list[str] | Skip:
    """The files one source argument names, or a Skip when it names none."""
    if source == STDIN:
        return [STDIN]
    path = Path(source)
    if path.is_dir():
        files = _folder_files(path)
        return files or Skip(source, "no_inputs", "folder holds no files")
    if path.exists() or not _GLOB_CHARS & set(source):
        return [source] if path.exists() else Skip(source, "missing", "no such file")
    matches = sorted(glob.glob(source, recursive=True))
    files = [f for m in matches for f in (_folder_files(Path(m)) if Path(m).is_dir() else [m])]
    return files or Skip(source, "no_inputs", "pattern matches no files")


def count_inputs(sources: Sequence[str]) -> int:
    """How many input files the sources name (containers count once), for a progress bar."""
    return sum(len(files) for files in map(expand, sources) if isinstance(files, list))


def iter_inputs(sources: Sequence[str], options: ReadOptions) -> Iterator[Page | Skip]:
    """Every page the sources hold, and a Skip for every bad input; never raises on input."""
    for source in sources:
        files = expand(source)
        if isinstance(files, Skip):
            yield files
            continue
        pages = 0
        for file in files:
            for item in read_file(file, options):
                pages += isinstance(item, Page)
                yield item
        if pages == 0 and (len(files) > 1 or Path(source).is_dir()):
            yield Skip(source, "no_inputs", f"no readable pages in {len(files)} files")


def read_file(path: str, options: ReadOptions) -> Iterator[Page | Skip]:
    """Pages from one file (or stdin); any failure ends in a Skip, never an exception."""
    source = STDIN_SOURCE if path == STDIN else path
    try:
        yield from _read(path, options)
    except BadInput as bad:
        yield bad.skip(source)
    except OSError as e:
        yield Skip(source, "unreadable", f"{type(e).__name__}: {e.strerror or e}")
    except Exception as e:  # last line of defence: one bad file must never stop a run
        LOGGER.exception("reader failed on %s", source)
        yield Skip(source, "error", f"{type(e).__name__}: {e}")


def _read(path: str, options: ReadOptions) -> Iterator[Page | Skip]:
    if path == STDIN:
        raw = sys.stdin.buffer.read(options.max_bytes + 1)
        yield from _read_bytes(raw, STDIN_SOURCE, STDIN_PATH, options)
        return
    kind = kind_by_name(path, options.html_extensions)
    if kind == "warc":
        with open(path, "rb") as stream:
            yield from iter_warc(stream, path, options)
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, options)
        return
    size = os.stat(path).st_size
    if size == 0:
        raise BadInput("empty", "zero bytes")
    if size > options.max_bytes:
        raise BadInput("too_large", f"{size} bytes, limit {options.max_bytes}")
    with open(path, "rb") as stream:
        raw = stream.read()
    yield from _read_bytes(raw, path, path, options, kind)


def _read_jsonl(path: str, options: ReadOptions) -> Iterator[Page | Skip]:
    with open(path, "rb") as file:
        compressed = is_gzip(file.read(2))
    opened = gzip.open(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115
    with opened as stream:
        try:
            yield from iter_jsonl(stream, path, options)  # type: ignore[arg-type]
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            yield Skip(path, "bad_gzip", f"{type(e).__name__}: {e}")


def _read_bytes(
    raw: bytes, source: str, path: str, options: ReadOptions, kind: str | None = None
) -> Iterator[Page | Skip]:
    """Sniff and read one whole input held in memory."""
    if len(raw) > options.max_bytes:
        raise BadInput("too_large", f"more than {options.max_bytes} bytes")
    if is_gzip(raw):
        raw = gunzip(raw, options.max_bytes)
    if not raw.strip():
        raise BadInput("empty", "no content" if not raw else "only white space")
    head = raw[:HEAD]
    if looks_like_warc(head):
        yield from iter_warc(io.BytesIO(raw), source, options)
        return
    binary = binary_kind(head)
    if binary:
        raise BadInput("binary", binary)
    if kind == "html" or (kind is None and looks_like_html(head)):
        yield html_page(raw, source, options, path=path)
    else:
        yield text_page(raw, source, site_of(None, path), options)
