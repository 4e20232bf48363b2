"""Streaming exports to JSONL and Parquet.

Each kind of record has an iterator of JSON-ready dicts and a Parquet schema. Records are
written in batches, so memory stays flat whatever the corpus size.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsmill.enrich.figures_store import iter_figure_records
from newsmill.enrich.query import iter_entity_records, iter_quote_records
from newsmill.errors import NewsmillError
from newsmill.store import query

BATCH = 2000

PAGE_REF = pa.struct(
    [("sha256", pa.string()), ("source", pa.string()), ("url", pa.string()), ("site", pa.string())]
)
PART = pa.struct(
    [
        ("role", pa.string()),
        ("first_line", pa.int32()),
        ("last_line", pa.int32()),
        ("start", pa.int64()),
        ("end", pa.int64()),
    ]
)
ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("page", PAGE_REF),
        ("title", pa.string()),
        ("dek", pa.string()),
        ("section", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("bio", pa.string()),
        ("published", pa.string()),
        ("paragraphs", pa.list_(pa.string())),
        ("captions", pa.list_(pa.string())),
        ("credits", pa.list_(pa.string())),
        ("partial", pa.bool_()),
        ("parts", pa.list_(PART)),
        ("cluster", pa.string()),
        ("canonical", pa.bool_()),
    ]
)
LINE_SCHEMA = pa.schema(
    [
        ("page", pa.string()),
        ("source", pa.string()),
        ("line", pa.int32()),
        ("role", pa.string()),
        ("article", pa.string()),
        ("reason", pa.string()),
    ]
)


PAGE_KEY = pa.struct([("sha256", pa.string()), ("source", pa.string())])
QUOTE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article", pa.string()),
        ("title", pa.string()),
        ("page", PAGE_KEY),
        ("text", pa.string()),
        ("kind", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("cue", pa.string()),
        ("cue_start", pa.int64()),
        ("cue_end", pa.int64()),
        ("speaker", pa.string()),
        ("speaker_type", pa.string()),
        ("speaker_mention", pa.string()),
        ("mention_start", pa.int64()),
        ("mention_end", pa.int64()),
        ("entity", pa.string()),
    ]
)
FIGURE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article", pa.string()),
        ("page", PAGE_KEY),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("measure", pa.string()),
        ("source", pa.string()),
        ("period", pa.string()),
        ("sentence", pa.string()),
    ]
)
ENTITY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("mentions", pa.int64()),
        ("articles", pa.int64()),
    ]
)


@dataclass(frozen=True, slots=True)
class ExportKind:
    records: Callable[[sqlite3.Connection], Iterator[dict[str, Any]]]
    schema: pa.Schema | None  # None: inferred from the first batch


#: What `export --what` can write.
KINDS: dict[str, ExportKind] = {
    "articles": ExportKind(query.iter_article_records, ARTICLE_SCHEMA),
    "lines": ExportKind(query.iter_line_records, LINE_SCHEMA),
    "quotes": ExportKind(iter_quote_records, QUOTE_SCHEMA),
    "figures": ExportKind(iter_figure_records, FIGURE_SCHEMA),
    "entities": ExportKind(iter_entity_records, ENTITY_SCHEMA),
}


def export(db: sqlite3.Connection, what: str, fmt: str, out: str | Path) -> int:
    """Write every record of kind ``what`` to ``out``; return how many were written."""
    if what not in KINDS:
        raise NewsmillError(f"cannot export {what!r}; choose one of {', '.join(KINDS)}")
    kind = KINDS[what]
    records = kind.records(db)
    path = Path(out)
    if fmt == "jsonl":
        return write_jsonl(records, path)
    if fmt == "parquet":
        return write_parquet(records, path, kind.schema)
    raise NewsmillError(f"unknown format {fmt!r}; choose jsonl or parquet")


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with _open_out(path) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_parquet(records: Iterable[dict[str, Any]], path: Path, schema: pa.Schema | None) -> int:
    iterator = iter(records)
    count = 0
    writer: pq.ParquetWriter | None = None
    try:
        while batch := list(islice(iterator, BATCH)):
            table = pa.Table.from_pylist(batch, schema=schema)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            count += len(batch)
        if writer is None:
            empty_schema = schema or pa.schema([])
            pq.write_table(empty_schema.empty_table(), path)
    finally:
        if writer is not None:
            writer.close()
    return count


def _open_out(path: Path) -> Any:
    try:
        return path.open("w", encoding="utf-8")
    except OSError as e:
        raise NewsmillError(f"cannot write {path}: {e}") from e
