"""Writing enrichment to the store: corpus entities, mentions, quotes, the enriched marker.

Cross-corpus aliasing happens here, because it needs what earlier articles left: a person
is looked up by surname and joins the entity whose first names agree with theirs; places
and bodies are looked up by their canonical spelling (see `aliases`).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

import xxhash

from newsmill.enrich import aliases
from newsmill.enrich.extract import Findings
from newsmill.model import Article, Part


def load_articles(db: sqlite3.Connection, article_ids: Iterable[str]) -> list[Article]:
    """Articles with their parts' text, read back from the store."""
    articles = []
    for article_id in article_ids:
        row = db.execute(
            "SELECT a.id, a.idx, a.title, p.sha256, p.text FROM articles a "
            "JOIN pages p ON p.id = a.page_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            continue
        parts = [
            Part(
                r["role"],
                r["first_line"],
                r["last_line"],
                r["start"],
                r["end"],
                row["text"][r["start"] : r["end"]],
            )
            for r in db.execute(
                'SELECT role, first_line, last_line, start, "end" FROM parts '
                "WHERE article_id = ? ORDER BY seq",
                (article_id,),
            )
        ]
        articles.append(Article(row["id"], row["sha256"], row["idx"], parts, row["title"]))
    return articles


def pending_articles(db: sqlite3.Connection) -> list[str]:
    """Ids of stored articles not enriched yet, in storage order."""
    rows = db.execute(
        "SELECT a.id FROM articles a LEFT JOIN enriched e ON e.article_id = a.id "
        "WHERE e.article_id IS NULL ORDER BY a.rowid"
    )
    return [row[0] for row in rows]


def clear_article(db: sqlite3.Connection, article_id: str) -> None:
    db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM enriched WHERE article_id = ?", (article_id,))


def write_findings(
    db: sqlite3.Connection, found: Findings, model: str, figures: int = 0
) -> set[str]:
    """Store one article's mentions and quotes (inside the caller's transaction)."""
    article_id = found.article.id
    clear_article(db, article_id)
    entity_ids = _resolve_all(db, found)
    db.executemany(
        'INSERT INTO mentions (article_id, entity_id, start, "end", text, type) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (article_id, entity_ids[i], m.start, m.end, m.text, m.type)
            for i, m in enumerate(found.mentions)
        ),
    )
    for quote, speaker in zip(found.quotes, found.speakers, strict=True):
        quote.entity = entity_ids[speaker] if speaker is not None else None
    db.executemany(
        """INSERT OR REPLACE INTO quotes (id, article_id, text, kind, start, "end", cue, cue_start,
               cue_end, speaker, speaker_type, speaker_mention, mention_start, mention_end,
               entity_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            (
                q.id,
                article_id,
                q.text,
                q.kind,
                q.start,
                q.end,
                q.cue,
                q.cue_start,
                q.cue_end,
                q.speaker,
                q.speaker_type,
                q.speaker_mention,
                q.mention_start,
                q.mention_end,
                q.entity,
            )
            for q in found.quotes
        ),
    )
    db.execute(
        "INSERT INTO enriched (article_id, model, mentions, quotes, figures) "
        "VALUES (?, ?, ?, ?, ?)",
        (article_id, model, len(found.mentions), len(found.quotes), figures),
    )
    return {e for e in entity_ids if e is not None}


def _resolve_all(db: sqlite3.Connection, found: Findings) -> list[str | None]:
    cache: dict[tuple[str, str], str | None] = {}
    ids: list[str | None] = []
    for mention, name, title in zip(found.mentions, found.names, found.titles, strict=True):
        key = (name, mention.type)
        if key not in cache:
            cache[key] = resolve_entity(db, name, mention.type)
        entity_id = cache[key]
        if entity_id is not None:
            _add_alias(db, entity_id, mention.text, mention.type)
            if title and mention.type == "person" and mention.text[:1].isupper():
                _add_alias(db, entity_id, f"{title} {mention.text}", mention.type)
        ids.append(entity_id)
    return ids


def resolve_entity(db: sqlite3.Connection, name: str, type_: str) -> str | None:
    """The corpus entity for an in-article name, created when none matches."""
    key = aliases.entity_key(name, type_)
    if not key:
        return None
    rows = db.execute("SELECT id FROM entities WHERE type = ? AND key = ?", (type_, key)).fetchall()
    candidates = [row[0] for row in rows]
    if type_ == "person":
        entity_id = _matching_person(db, candidates, aliases.person_name(name).first)
    else:
        entity_id = candidates[0] if candidates else None
    if entity_id is None:
        canonical = name if type_ == "person" else aliases.canonical_place(name)
        entity_id = "e" + xxhash.xxh64_hexdigest(f"{type_}:{canonical}".encode(), seed=0)[:15]
        db.execute(
            "INSERT OR IGNORE INTO entities (id, name, type, key) VALUES (?, ?, ?, ?)",
            (entity_id, canonical, type_, key),
        )
    _add_alias(db, entity_id, name, type_)
    return entity_id


def _matching_person(
    db: sqlite3.Connection, candidates: list[str], first: str | None
) -> str | None:
    """Same surname: join the one person whose first names agree; never guess between two."""
    firsts = {entity: _first_names(db, entity) for entity in candidates}
    named = [e for e, names in firsts.items() if names]
    unnamed = [e for e, names in firsts.items() if not names]
    if first is None:
        if len(named) == 1:
            return named[0]
        return unnamed[0] if unnamed else None
    agreeing = [e for e in named if any(aliases.same_first(first, f) for f in firsts[e])]
    if len(agreeing) == 1:
        return agreeing[0]
    if not agreeing and not named and unnamed:
        return unnamed[0]  # a surname-only person gets their first name
    return None


def _first_names(db: sqlite3.Connection, entity_id: str) -> set[str]:
    rows = db.execute(
        "SELECT first FROM entity_aliases WHERE entity_id = ? AND first IS NOT NULL", (entity_id,)
    )
    return {row[0] for row in rows}


def _add_alias(db: sqlite3.Connection, entity_id: str, alias: str, type_: str) -> None:
    first = None
    if type_ == "person" and alias[:1].isupper():
        first = aliases.person_name(aliases.strip_title(alias)[1]).first
    db.execute(
        "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, first) VALUES (?, ?, ?)",
        (entity_id, alias, first),
    )


def refresh_names(db: sqlite3.Connection, entity_ids: Iterable[str]) -> None:
    """Set each person's canonical name to their most frequent full spelling."""
    for entity_id in entity_ids:
        rows = db.execute(
            "SELECT m.text, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE m.entity_id = ? AND e.type = 'person' GROUP BY m.text",
            (entity_id,),
        ).fetchall()
        forms = Counter({row[0]: row[1] for row in rows if row[0][:1].isupper()})
        if forms:
            name = aliases.best_name(forms)
            db.execute("UPDATE entities SET name = ? WHERE id = ?", (name, entity_id))
            db.execute("UPDATE quotes SET speaker = ? WHERE entity_id = ?", (name, entity_id))
