"""Reading enrichment back: entity and quote records in the issue's export shapes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

#: Entity types a user may filter on, with the spellings they may type.
TYPE_NAMES = {
    "person": "person",
    "people": "person",
    "organization": "organization",
    "organisation": "organization",
    "org": "organization",
    "place": "place",
    "group": "group",
}

_QUOTE_SQL = """
SELECT q.*, COALESCE(e.name, q.speaker) AS speaker_name, a.title, p.sha256, p.source
FROM quotes q
JOIN articles a ON a.id = q.article_id
JOIN pages p ON p.id = a.page_id
LEFT JOIN entities e ON e.id = q.entity_id
"""


def iter_quote_records(
    db: sqlite3.Connection,
    speaker: str | None = None,
    about: str | None = None,
    article: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Quotes as `{id, article, page: {sha256, source}, text, kind, start, end, cue, ...}`.

    `speaker` matches the canonical name or any alias (substring, any case); `about`
    matches the quote's text (substring, any case); `article` is one article's id.
    """
    where, params = [], []
    if article:
        where.append("q.article_id = ?")
        params.append(article)
    if speaker:
        where.append(
            "(COALESCE(e.name, q.speaker) LIKE ? OR q.speaker_mention LIKE ? OR q.entity_id IN "
            "(SELECT entity_id FROM entity_aliases WHERE alias LIKE ?))"
        )
        params += [f"%{speaker}%"] * 3
    if about:
        where.append("q.text LIKE ?")
        params.append(f"%{about}%")
    sql = _QUOTE_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY p.id, q.article_id, q.start"
    for row in db.execute(sql, params):
        yield _quote_record(row)


def _quote_record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "article": row["article_id"],
        "title": row["title"],
        "page": {"sha256": row["sha256"], "source": row["source"]},
        "text": row["text"],
        "kind": row["kind"],
        "start": row["start"],
        "end": row["end"],
        "cue": row["cue"],
        "cue_start": row["cue_start"],
        "cue_end": row["cue_end"],
        "speaker": row["speaker_name"],
        "speaker_type": row["speaker_type"],
        "speaker_mention": row["speaker_mention"],
        "mention_start": row["mention_start"],
        "mention_end": row["mention_end"],
        "entity": row["entity_id"],
    }


def iter_entity_records(
    db: sqlite3.Connection, type_: str | None = None
) -> Iterator[dict[str, Any]]:
    """Entities as `{id, name, type, aliases, mentions, articles}`, most mentioned first."""
    sql = """
    SELECT e.id, e.name, e.type, count(m.id) AS mentions,
           count(DISTINCT m.article_id) AS articles,
           (SELECT json_group_array(alias) FROM
               (SELECT alias FROM entity_aliases WHERE entity_id = e.id ORDER BY alias))
               AS aliases
    FROM entities e JOIN mentions m ON m.entity_id = e.id
    """
    params: list[str] = []
    if type_:
        sql += " WHERE e.type = ?"
        params.append(TYPE_NAMES.get(type_.lower(), type_.lower()))
    sql += " GROUP BY e.id ORDER BY mentions DESC, e.name"
    for row in db.execute(sql, params):
        yield {
            "id": row["id"],
            "name": row["name"],
            "type": row["type"],
            "aliases": [a for a in json.loads(row["aliases"]) if a != row["name"]],
            "mentions": row["mentions"],
            "articles": row["articles"],
        }
