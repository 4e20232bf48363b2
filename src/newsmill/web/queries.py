"""Read queries the web pages need that the store, dedup and enrich modules do not offer.

Every query is parameterised. Tables added by later migrations (duplicates, entities,
quotes, figures) may be missing from an older store: each query checks with
`table_exists` and returns an empty answer instead of failing, so pages fill in as the
data appears.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from newsmill.dedup.query import ClusterRow, copies_of, list_clusters
from newsmill.errors import QueryError, StoreError
from newsmill.model import Entity, Mention, Quote
from newsmill.store.query import ArticleRow
from newsmill.store.query import snippets as store_snippets

#: The date an article is filed under: published, else captured, else ingested.
DATE_SQL = "substr(COALESCE(a.published, p.captured_at, p.ingested_at), 1, 10)"

_ARTICLE_COLUMNS = f"""a.rowid AS rid, a.id, a.title, substr(a.body, 1, 160) AS head,
    a.section, a.authors, p.source, p.site, a.partial, a.words, a.published,
    {DATE_SQL} AS date"""

#: Words of the body shown when an article has no title.
FIRST_WORDS = 12


def table_exists(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its wildcards taken literally."""
    return "%" + re.sub(r"([%_\\])", r"\\\1", text) + "%"


@dataclass(slots=True)
class Filters:
    """Search and browse filters; empty fields do not filter."""

    site: str | None = None
    section: str | None = None
    author: str | None = None
    entity: str | None = None  # entity id, canonical name or alias
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None

    def as_params(self) -> dict[str, str]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k))}


def _filter_clauses(db: sqlite3.Connection, filters: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.site:
        where.append("p.site = ?")
        params.append(filters.site)
    if filters.section:
        where.append("a.section = ? COLLATE NOCASE")
        params.append(filters.section)
    if filters.author:
        where.append(
            "a.id IN (SELECT article_id FROM article_authors WHERE name LIKE ? ESCAPE '\\')"
        )
        params.append(_like(filters.author))
    if filters.entity:
        if table_exists(db, "mentions"):
            where.append(
                "a.id IN (SELECT article_id FROM mentions WHERE entity_id IN "
                "(SELECT id FROM entities WHERE id = ? OR name = ? COLLATE NOCASE "
                "UNION SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE))"
            )
            params += [filters.entity] * 3
        else:
            where.append("0")  # no entities yet: nothing mentions anything
    if filters.date_from:
        where.append(f"{DATE_SQL} >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        where.append(f"{DATE_SQL} <= ?")
        params.append(filters.date_to)
    return where, params


@dataclass(slots=True)
class ClusterHit:
    """One search or browse row: the best article of a cluster of copies."""

    article: ArticleRow  # with its cluster and number of copies
    date: str | None
    snippet: str
    score: float


@dataclass(slots=True)
class HitPage:
    hits: list[ClusterHit]
    total: int  # clusters matching


def _article_row(row: sqlite3.Row, cluster: str, copies: int) -> ArticleRow:
    return ArticleRow(
        id=row["id"],
        cluster=cluster,
        copies=copies,
        title=row["title"],
        first_words=" ".join(row["head"].split()[:FIRST_WORDS]),
        section=row["section"],
        authors=json.loads(row["authors"]),
        source=row["source"],
        site=row["site"],
        partial=bool(row["partial"]),
        words=row["words"],
        published=row["published"],
    )


@dataclass(slots=True)
class ClusterMap:
    """Articles that have copies: rowid -> (cluster id, is canonical), and cluster sizes.

    Search and browse collapse copies with it in Python: looking clusters up row by row in
    SQL costs far more on a big result. Articles missing from it stand alone.
    """

    members: dict[int, tuple[str, bool]]
    sizes: dict[str, int]


def cluster_map(db: sqlite3.Connection) -> ClusterMap:
    if not table_exists(db, "clusters"):
        return ClusterMap({}, {})
    rows = db.execute(
        """SELECT a.rowid, m.cluster_id, m.canonical, c.size FROM clusters c
           JOIN cluster_members m ON m.cluster_id = c.id JOIN articles a ON a.id = m.article_id
           WHERE c.size > 1"""
    ).fetchall()
    return ClusterMap(
        members={r[0]: (r[1], bool(r[2])) for r in rows}, sizes={r[1]: r[3] for r in rows}
    )


@dataclass(slots=True)
class _Pick:
    rid: int
    score: float
    cluster: str | int  # cluster id, or the rowid of an article without copies
    canonical: bool


def _collapse(rows: list[tuple[int, float]], clusters: ClusterMap) -> list[_Pick]:
    """One pick per cluster, in the order of its best row: its canonical copy if present."""
    picks: dict[str | int, _Pick] = {}
    for rid, score in rows:
        cluster, canonical = clusters.members.get(rid) or (rid, True)
        pick = picks.get(cluster)
        if pick is None:
            picks[cluster] = _Pick(rid, score, cluster, canonical)
        elif canonical and not pick.canonical:
            pick.rid, pick.canonical = rid, True
    return list(picks.values())


def search_clusters(
    db: sqlite3.Connection,
    query: str,
    filters: Filters,
    limit: int,
    offset: int,
    clusters: ClusterMap | None = None,
) -> HitPage:
    """Full-text search, one row per cluster of copies: its canonical copy when that
    matches, else its best-ranked one; clusters ranked by their best copy."""
    if not query.strip():
        raise QueryError("empty search query")
    clusters = clusters or cluster_map(db)
    where, params = _filter_clauses(db, filters)
    # Without filters the FTS index alone answers: no article row is read for ranking.
    joins = (
        "JOIN articles a ON a.rowid = articles_fts.rowid JOIN pages p ON p.id = a.page_id"
        if where
        else ""
    )
    sql = f"""SELECT articles_fts.rowid, bm25(articles_fts, 5.0, 2.0, 1.0) AS score
              FROM articles_fts {joins}
              WHERE articles_fts MATCH ? {"".join(" AND " + w for w in where)}
              ORDER BY score, articles_fts.rowid"""
    try:
        picks = _collapse(db.execute(sql, [query, *params]).fetchall(), clusters)
        shown = picks[offset : offset + limit]
        snippets = store_snippets(db, query, [p.rid for p in shown], column=-1)
    except sqlite3.OperationalError as e:
        raise _search_error(query, e) from e
    return HitPage(_hits(db, shown, snippets, clusters), len(picks))


#: Starts of SQLite error messages that the query text causes (not a broken store).
FTS_SYNTAX_ERRORS = ("fts5:", "no such column", "unknown special query", "unterminated string")


def _search_error(query: str, error: sqlite3.OperationalError) -> StoreError:
    if not str(error).startswith(FTS_SYNTAX_ERRORS):
        return StoreError(f"search failed: {error}")
    return QueryError(_fts_message(query, error))


def _fts_message(query: str, error: sqlite3.OperationalError) -> str:
    return (
        f'invalid search query {query!r} ({error}). Use plain words, "quoted phrases", '
        "AND / OR / NOT between terms, prefix*; balance your quotes and brackets."
    )


def browse_clusters(
    db: sqlite3.Connection,
    filters: Filters,
    limit: int,
    offset: int,
    clusters: ClusterMap | None = None,
) -> HitPage:
    """Articles matching the filters, newest first, one row per cluster of copies."""
    clusters = clusters or cluster_map(db)
    where, params = _filter_clauses(db, filters)
    if where:
        sql = f"""SELECT a.rowid FROM articles a JOIN pages p ON p.id = a.page_id
                  WHERE {" AND ".join(where)}"""
    else:
        sql = "SELECT rowid FROM articles"  # answered from an index, no article row read
    rids = sorted((r[0] for r in db.execute(sql, params)), reverse=True)
    picks = _collapse([(rid, 0.0) for rid in rids], clusters)
    return HitPage(_hits(db, picks[offset : offset + limit], {}, clusters), len(picks))


def _hits(
    db: sqlite3.Connection, picks: list[_Pick], snippets: dict[int, str], clusters: ClusterMap
) -> list[ClusterHit]:
    if not picks:
        return []
    marks = ",".join("?" * len(picks))
    found = {
        r["rid"]: r
        for r in db.execute(
            f"""SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN pages p ON p.id = a.page_id
                WHERE a.rowid IN ({marks})""",
            [p.rid for p in picks],
        )
    }
    hits = []
    for pick in picks:
        article = found[pick.rid]
        cluster = pick.cluster if isinstance(pick.cluster, str) else article["id"]
        copies = clusters.sizes.get(cluster, 1)
        hits.append(
            ClusterHit(
                article=_article_row(article, cluster, copies),
                date=article["date"],
                snippet=snippets.get(pick.rid, ""),
                score=-float(pick.score),
            )
        )
    return hits


@dataclass(slots=True)
class Facets:
    sites: list[tuple[str, int]]
    sections: list[tuple[str, int]]


def facets(db: sqlite3.Connection, top: int = 200) -> Facets:
    """Sites and sections with their article counts, for the search filters."""
    sites = db.execute(
        """SELECT p.site, count(*) FROM articles a JOIN pages p ON p.id = a.page_id
           GROUP BY p.site ORDER BY count(*) DESC, p.site LIMIT ?""",
        (top,),
    ).fetchall()
    sections = db.execute(
        """SELECT section, count(*) FROM articles WHERE section IS NOT NULL AND section != ''
           GROUP BY section ORDER BY count(*) DESC, section LIMIT ?""",
        (top,),
    ).fetchall()
    return Facets([(r[0], r[1]) for r in sites], [(r[0], r[1]) for r in sections])


# --- one article: its source lines, mentions, quotes, copies ---------------------------


@dataclass(slots=True)
class SourceLine:
    number: int
    text: str
    role: str | None  # None: a blank line
    reason: str
    article: str | None


@dataclass(slots=True)
class PageSource:
    sha256: str
    source: str
    url: str | None
    site: str
    kind: str
    lines: list[SourceLine]


def page_source(db: sqlite3.Connection, article_id: str) -> PageSource | None:
    """The whole text of the page holding `article_id`, line by line, with roles."""
    page = db.execute(
        """SELECT p.id, p.sha256, p.source, p.url, p.site, p.kind, p.text FROM pages p
           JOIN articles a ON a.page_id = p.id WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    if page is None:
        return None
    roles = {
        row["line"]: row
        for row in db.execute(
            "SELECT line, role, reason, article_id FROM lines WHERE page_id = ?", (page["id"],)
        )
    }
    lines = []
    for number, text in enumerate(page["text"].split("\n"), start=1):
        row = roles.get(number)
        lines.append(
            SourceLine(
                number=number,
                text=text,
                role=row["role"] if row else None,
                reason=row["reason"] if row else "",
                article=row["article_id"] if row else None,
            )
        )
    return PageSource(
        page["sha256"], page["source"], page["url"], page["site"], page["kind"], lines
    )


def article_date(db: sqlite3.Connection, article_id: str) -> str | None:
    row = db.execute(
        f"SELECT {DATE_SQL} FROM articles a JOIN pages p ON p.id = a.page_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return None if row is None else row[0]


def article_mentions(db: sqlite3.Connection, article_id: str) -> list[Mention]:
    """Entity mentions in one article, in text order (offsets into the page text)."""
    if not table_exists(db, "mentions"):
        return []
    sql = """SELECT article_id, text, type, start, "end", entity_id FROM mentions
             WHERE article_id = ? ORDER BY start"""
    return [Mention(*row) for row in db.execute(sql, (article_id,))]


_QUOTE_COLUMNS = """q.id, q.article_id, q.text, q.kind, q.start, q."end", q.cue, q.cue_start,
    q.cue_end, COALESCE(e.name, q.speaker) AS speaker, q.speaker_type, q.speaker_mention,
    q.mention_start, q.mention_end, q.entity_id"""


def _quote(row: sqlite3.Row) -> Quote:
    return Quote(*[row[i] for i in range(15)])


def article_quotes(db: sqlite3.Connection, article_id: str) -> list[Quote]:
    """Quotes in one article, in text order, with the speaker's canonical name."""
    if not table_exists(db, "quotes"):
        return []
    sql = f"""SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN entities e ON e.id = q.entity_id
              WHERE q.article_id = ? ORDER BY q.start"""
    return [_quote(row) for row in db.execute(sql, (article_id,))]


def cluster_id_of(db: sqlite3.Connection, article_id: str) -> str | None:
    """The id of the cluster holding `article_id` (None before duplicates are checked)."""
    if not table_exists(db, "cluster_members"):
        return None
    row = db.execute(
        "SELECT cluster_id FROM cluster_members WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def get_cluster(db: sqlite3.Connection, cluster_id: str) -> ClusterRow | None:
    """One cluster with all its copies, canonical first (dedup.query lists them all)."""
    if not table_exists(db, "clusters"):
        return None
    row = db.execute(
        "SELECT id, canonical, size FROM clusters WHERE id = ?", (cluster_id,)
    ).fetchone()
    if row is None:
        return None
    cluster = ClusterRow(id=row["id"], canonical=row["canonical"], title=None, size=row["size"])
    others = copies_of(db, cluster.canonical)
    canonical = [c for c in copies_of(db, others[0].article_id) if c.canonical] if others else []
    cluster.copies = canonical + others
    for copy in cluster.copies:
        if copy.canonical:
            cluster.title = copy.title or copy.first_words + "…"
        if copy.page not in cluster.pages:
            cluster.pages.append(copy.page)
        cluster.kinds[copy.kind] = cluster.kinds.get(copy.kind, 0) + 1
    return cluster


def clusters_page(
    db: sqlite3.Connection, limit: int, offset: int, min_size: int = 2
) -> tuple[list[ClusterRow], int]:
    """One page of clusters with at least `min_size` copies (largest first), and the total."""
    if not table_exists(db, "clusters"):
        return [], 0
    total = db.execute("SELECT count(*) FROM clusters WHERE size >= ?", (min_size,)).fetchone()
    found = list_clusters(db, min_size=min_size, limit=offset + limit)
    return found[offset:], int(total[0])


# --- entities ----------------------------------------------------------------------------


def entity_detail(db: sqlite3.Connection, entity_id: str) -> Entity | None:
    """One entity with its aliases and mention and article counts."""
    if not table_exists(db, "entities"):
        return None
    row = db.execute(
        """SELECT e.id, e.name, e.type,
                  (SELECT count(*) FROM mentions WHERE entity_id = e.id) AS mentions,
                  (SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = e.id)
                      AS articles
           FROM entities e WHERE e.id = ?""",
        (entity_id,),
    ).fetchone()
    if row is None:
        return None
    aliases = [
        r[0]
        for r in db.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", (entity_id,)
        )
        if r[0] != row["name"]
    ]
    return Entity(row["id"], row["name"], row["type"], aliases, row["mentions"], row["articles"])


@dataclass(slots=True)
class QuoteRow:
    """A quote with the article it is in, for tables."""

    quote: Quote
    title: str | None
    date: str | None


def entity_quotes(
    db: sqlite3.Connection, entity_id: str, limit: int, offset: int
) -> tuple[list[QuoteRow], int]:
    """Every quote attributed to the entity, with article title and date."""
    if not table_exists(db, "quotes"):
        return [], 0
    total = db.execute("SELECT count(*) FROM quotes WHERE entity_id = ?", (entity_id,)).fetchone()
    sql = f"""SELECT {_QUOTE_COLUMNS}, a.title, {DATE_SQL} AS date
              FROM quotes q LEFT JOIN entities e ON e.id = q.entity_id
              JOIN articles a ON a.id = q.article_id JOIN pages p ON p.id = a.page_id
              WHERE q.entity_id = ? ORDER BY date, p.id, a.idx, q.start LIMIT ? OFFSET ?"""
    rows = db.execute(sql, (entity_id, limit, offset))
    return [QuoteRow(_quote(r), r["title"], r["date"]) for r in rows], int(total[0])


def mentions_over_time(db: sqlite3.Connection, entity_id: str) -> list[tuple[str, int]]:
    """(date, mentions) for each day the entity is mentioned, oldest first."""
    if not table_exists(db, "mentions"):
        return []
    sql = f"""SELECT {DATE_SQL} AS date, count(*) FROM mentions m
              JOIN articles a ON a.id = m.article_id JOIN pages p ON p.id = a.page_id
              WHERE m.entity_id = ? GROUP BY date ORDER BY date"""
    return [(r[0] or "undated", int(r[1])) for r in db.execute(sql, (entity_id,))]


@dataclass(slots=True)
class CoMention:
    entity: Entity
    shared_articles: int


def co_mentioned(db: sqlite3.Connection, entity_id: str, limit: int = 20) -> list[CoMention]:
    """Entities mentioned in the same articles, by number of articles shared."""
    if not table_exists(db, "mentions"):
        return []
    sql = """SELECT e.id, e.name, e.type, count(DISTINCT other.article_id) AS shared
             FROM mentions mine JOIN mentions other ON other.article_id = mine.article_id
             JOIN entities e ON e.id = other.entity_id
             WHERE mine.entity_id = ? AND other.entity_id != ?
             GROUP BY e.id ORDER BY shared DESC, e.name LIMIT ?"""
    return [
        CoMention(Entity(r["id"], r["name"], r["type"]), int(r["shared"]))
        for r in db.execute(sql, (entity_id, entity_id, limit))
    ]


# --- the corpus --------------------------------------------------------------------------


@dataclass(slots=True)
class Overview:
    pages: int
    articles: int
    partial: int
    sites: list[tuple[str, int]]  # site, pages
    roles: list[tuple[str, int]]  # line role, lines
    clusters: int  # clusters with more than one copy
    duplicate_articles: int  # articles in those clusters
    entities: int
    quotes: int
    figures: int
    skipped: list[tuple[str, int]]  # reason, inputs
    skipped_inputs: list[tuple[str, str, str]]  # source, reason, detail (latest first)


def _count(db: sqlite3.Connection, table: str, sql: str) -> int:
    if not table_exists(db, table):
        return 0
    return int(db.execute(sql).fetchone()[0] or 0)


def overview(db: sqlite3.Connection, skipped_shown: int = 100) -> Overview:
    one = db.execute("SELECT count(*), COALESCE(sum(partial), 0) FROM articles").fetchone()
    return Overview(
        pages=int(db.execute("SELECT count(*) FROM pages").fetchone()[0]),
        articles=int(one[0]),
        partial=int(one[1]),
        sites=[
            (r[0], r[1])
            for r in db.execute(
                "SELECT site, count(*) FROM pages GROUP BY site ORDER BY count(*) DESC LIMIT 50"
            )
        ],
        roles=[
            (r[0], r[1])
            for r in db.execute(
                "SELECT role, count(*) FROM lines GROUP BY role ORDER BY count(*) DESC"
            )
        ],
        clusters=_count(db, "clusters", "SELECT count(*) FROM clusters WHERE size > 1"),
        duplicate_articles=_count(db, "clusters", "SELECT sum(size) FROM clusters WHERE size > 1"),
        entities=_count(db, "entities", "SELECT count(*) FROM entities"),
        quotes=_count(db, "quotes", "SELECT count(*) FROM quotes"),
        figures=_count(db, "figures", "SELECT count(*) FROM figures"),
        skipped=[
            (r[0], r[1])
            for r in db.execute(
                "SELECT reason, count(*) FROM skipped GROUP BY reason ORDER BY count(*) DESC"
            )
        ],
        skipped_inputs=[
            (r[0], r[1], r[2])
            for r in db.execute(
                "SELECT source, reason, detail FROM skipped ORDER BY id DESC LIMIT ?",
                (skipped_shown,),
            )
        ],
    )
