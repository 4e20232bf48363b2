"""Incremental clustering in the store: sign new articles, look them up, extend clusters.

Only the new articles are signed; their band keys and fingerprints are looked up against
everything stored (earlier runs and the new articles themselves), candidates are checked,
and the clusters they touch are extended or merged. Articles of earlier rounds are only
re-read when they are candidates of a new one, and re-shingled only when their stored
signature (exact hash, MinHash) cannot settle the pair.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.cluster import Copy, Link, Membership, UnionFind, memberships
from newsmill.dedup.links import (
    Brief,
    Checked,
    LazySketches,
    accept,
    check_pairs,
    is_listing,
)
from newsmill.dedup.lsh import band_keys
from newsmill.dedup.signatures import Signed, sign
from newsmill.dedup.stats import DedupStats
from newsmill.errors import StoreError
from newsmill.options import DedupOptions

log = logging.getLogger(__name__)

CHUNK = 4000  # new articles per signing/look-up round (bounds memory)
MAX_PASSES = 3  # re-link rounds for partial copies detached from listing pages
_IN = 500  # ids per SQL IN list
_U64 = (1 << 64) - 1  # a stored (signed 64-bit) exact hash back to the unsigned one


@dataclass(slots=True)
class Row:
    rowid: int
    id: str
    body: str
    copy: Copy


def _rows(db: sqlite3.Connection, where: str, params: Sequence[object]) -> list[Row]:
    cursor = db.execute(
        f"""SELECT rowid, id, body, title, authors, partial, words FROM articles
            WHERE {where} ORDER BY rowid""",
        tuple(params),
    )
    out = []
    for rowid, article_id, body, title, authors, partial, words in cursor:
        copy = Copy(
            id=article_id,
            rank=rowid,
            partial=bool(partial),
            has_title=bool(title),
            has_authors=_has_authors(authors),
            paragraphs=body.count("\n") + 1 if body else 0,
            words=words,
        )
        out.append(Row(rowid, article_id, body or "", copy))
    return out


def _has_authors(authors: str | None) -> bool:
    """Whether the stored JSON list of authors has any, mostly without parsing it: the
    store writes "[]" or a list of names (parsing every row cost more than the look-up
    of its copies)."""
    if not authors or authors == "[]":
        return False
    if authors.startswith('["'):
        return True
    return bool(json.loads(authors))


def _rows_by_id(db: sqlite3.Connection, ids: Iterable[str]) -> list[Row]:
    wanted = list(dict.fromkeys(ids))
    out: list[Row] = []
    for i in range(0, len(wanted), _IN):
        chunk = wanted[i : i + _IN]
        out.extend(_rows(db, f"id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def _unsigned(db: sqlite3.Connection, article_ids: Sequence[str] | None) -> list[int]:
    """Rowids of the given (or all) articles not signed yet, in the order they are signed.
    Only ids: a round reads its own rows (`_rows_of`), so a run's texts are not all in
    memory at once."""
    if article_ids is None:
        cursor = db.execute(
            """SELECT rowid FROM articles
               WHERE id NOT IN (SELECT article_id FROM dedup_signatures) ORDER BY rowid"""
        )
        return [rowid for (rowid,) in cursor]
    wanted = list(dict.fromkeys(article_ids))
    found: list[tuple[int, str]] = []
    for i in range(0, len(wanted), _IN):
        chunk = wanted[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        found.extend(
            (rowid, article_id)
            for rowid, article_id in db.execute(
                f"SELECT rowid, id FROM articles WHERE id IN ({marks}) ORDER BY rowid", chunk
            )
        )
    signed = _existing(
        db,
        "SELECT article_id FROM dedup_signatures WHERE article_id IN ({})",
        [article_id for _, article_id in found],
    )
    return [rowid for rowid, article_id in found if article_id not in signed]


def _rows_of(db: sqlite3.Connection, rowids: Sequence[int]) -> list[Row]:
    """The rows of these articles, in this order."""
    if not rowids:
        return []
    rows = _rows(db, f"rowid IN ({','.join(map(str, rowids))})", ())
    by_rowid = {row.rowid: row for row in rows}
    return [by_rowid[rowid] for rowid in rowids if rowid in by_rowid]


def _existing(db: sqlite3.Connection, sql: str, ids: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(ids), _IN):
        chunk = ids[i : i + _IN]
        out.update(r[0] for r in db.execute(sql.format(",".join("?" * len(chunk))), chunk))
    return out


def _params(options: DedupOptions) -> str:
    return (
        f"perm={options.num_perm};words={options.shingle_words};seed={options.seed};"
        f"bands={options.bands};window={options.winnow_window}"
    )


def _check_params(db: sqlite3.Connection, options: DedupOptions) -> None:
    row = db.execute("SELECT params FROM dedup_signatures LIMIT 1").fetchone()
    if row is not None and row[0] != _params(options):
        raise StoreError(
            f"duplicate signatures in the store were made with {row[0]}, the settings now "
            f"give {_params(options)}: run `newsmill dups --rebuild` to sign everything again"
        )


def reset(db: sqlite3.Connection) -> None:
    """Drop every signature, key, link and cluster (the next update rebuilds them all)."""
    try:
        db.execute("BEGIN IMMEDIATE")
        for table in (
            "dedup_bands",
            "dedup_fingerprints",
            "dedup_links",
            "cluster_members",
            "clusters",
            "dedup_signatures",
        ):
            db.execute(f"DELETE FROM {table}")
        db.execute("COMMIT")
    except sqlite3.Error as e:
        db.execute("ROLLBACK")
        raise StoreError(f"cannot reset duplicate detection: {e}") from e


@dataclass(slots=True)
class _Postings:
    """Distinct (key, article rowid) pairs in key order: inserted or looked up in key
    order, the index pages they touch are touched once each, not at random."""

    keys: NDArray[np.int64]
    articles: NDArray[np.int64]


@dataclass(slots=True)
class _Keys:
    """A round's look-up keys. Only articles of at least `min_words` words have keys."""

    bands: _Postings
    fingerprints: _Postings
    exact: list[tuple[int, int]]  # (article rowid, exact hash)


def _keys(rows: list[Row], signed: Signed, options: DedupOptions) -> _Keys:
    keep = signed.words >= options.min_words
    rowids = np.array([row.rowid for row in rows], dtype=np.int64)
    bands = band_keys(signed.minhash, options.bands)
    counts = np.diff(signed.fingerprint_offsets)
    flat_keep = np.repeat(keep, counts)
    return _Keys(
        bands=_postings(bands[keep].ravel(), np.repeat(rowids[keep], options.bands)),
        fingerprints=_postings(
            signed.fingerprints.view(np.int64)[flat_keep], np.repeat(rowids, counts)[flat_keep]
        ),
        exact=list(
            zip(rowids[keep].tolist(), signed.exact.view(np.int64)[keep].tolist(), strict=True)
        ),
    )


def _postings(keys: NDArray[np.int64], articles: NDArray[np.int64]) -> _Postings:
    order = np.lexsort((articles, keys))
    keys, articles = keys[order], articles[order]
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (articles[1:] != articles[:-1])
    return _Postings(keys[fresh], articles[fresh])


def _store(db: sqlite3.Connection, rows: list[Row], signed: Signed, options: DedupOptions) -> None:
    params = _params(options)
    db.executemany(
        """INSERT INTO dedup_signatures
           (article_id, article, exact, words, shingles, fingerprints, minhash, params)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            (
                row.id,
                row.rowid,
                int(signed.exact[i].view(np.int64)),
                int(signed.words[i]),
                int(signed.shingle_offsets[i + 1] - signed.shingle_offsets[i]),
                int(signed.fingerprint_offsets[i + 1] - signed.fingerprint_offsets[i]),
                signed.minhash[i].astype("<u4").tobytes(),
                params,
            )
            for i, row in enumerate(rows)
        ),
    )
    # from the look-up tables (`_look_up_keys`), in their key order: no second pass of
    # Python values through the driver
    db.execute(
        "INSERT OR IGNORE INTO dedup_bands (key, article) "
        "SELECT key, article FROM q_keys ORDER BY rowid"
    )
    db.execute(
        "INSERT OR IGNORE INTO dedup_fingerprints (fp, article) "
        "SELECT fp, article FROM q_fps ORDER BY rowid"
    )


def _look_up_keys(db: sqlite3.Connection, keys: _Keys) -> None:
    """This round's keys in temporary tables, to be stored and looked up from there."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS q_keys (article INTEGER, key INTEGER)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS q_fps (article INTEGER, fp INTEGER)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS q_exact (article INTEGER, exact INTEGER)")
    db.execute("DELETE FROM q_keys")
    db.execute("DELETE FROM q_fps")
    db.execute("DELETE FROM q_exact")
    _insert_postings(db, "q_keys (key, article)", keys.bands)
    _insert_postings(db, "q_fps (fp, article)", keys.fingerprints)
    db.executemany("INSERT INTO q_exact VALUES (?, ?)", keys.exact)


def _insert_postings(db: sqlite3.Connection, into: str, postings: _Postings) -> None:
    """Insert postings, in their order, as two byte strings of fixed-width decimals read
    back by offset: SQLite unpacks them in C, where a driver call per (key, article) cost
    more than the look-ups. A JSON array of zeros is the row source (`json_each` numbers
    its rows; the stock sqlite3 module has no generate_series)."""
    key_width, keys = _decimals(postings.keys)
    article_width, articles = _decimals(postings.articles)
    count = len(postings.keys)
    db.execute(
        f"""INSERT INTO {into}
            SELECT CAST(substr(?2, key * ?3 + 1, ?3) AS INTEGER),
                   CAST(substr(?4, key * ?5 + 1, ?5) AS INTEGER)
            FROM json_each(?1)""",
        (
            "[" + "0," * (count - 1) + "0]" if count else "[]",
            keys,
            key_width,
            articles,
            article_width,
        ),
    )


def _decimals(values: NDArray[np.int64]) -> tuple[int, bytes]:
    """Integers as ASCII decimals of one width, concatenated (a blob: `substr` reads it by
    byte offset): a sign ('-' or '0'), then zero-padded digits, which CAST reads back
    ('-042' is -42). Returns the width too."""
    negative = values < 0
    magnitude = values.view(np.uint64).copy()
    np.negative(magnitude, out=magnitude, where=negative)  # |min int64| fits in uint64
    digits = len(str(int(magnitude.max()))) if len(values) else 1
    out = np.empty((len(values), digits + 1), dtype=np.uint8)
    out[:, 0] = np.where(negative, ord("-"), ord("0"))
    ten = np.uint64(10)
    for column in range(digits, 0, -1):
        out[:, column] = magnitude % ten + ord("0")
        magnitude //= ten
    return digits + 1, out.tobytes()


def _candidates(db: sqlite3.Connection, options: DedupOptions) -> list[tuple[int, int]]:
    """Distinct unordered rowid pairs (new article, any stored article) sharing a key, for
    the keys in the look-up tables (stored already, so that new articles find each other
    too), ascending."""
    cursor = db.execute(
        """WITH shared AS MATERIALIZED (
               -- Most fingerprints are on their own article only: one probe each sets
               -- them aside, and only the rest are counted and joined.
               SELECT q.article, q.fp FROM q_fps q WHERE EXISTS (
                   SELECT 1 FROM dedup_fingerprints f
                   WHERE f.fp = q.fp AND f.article != q.article)),
           common AS (
               -- Boilerplate fingerprints (on more than max_postings articles) are counted
               -- one by one, up to max_postings + 1 postings each: a join with GROUP BY let
               -- SQLite scan the whole fingerprint table at every round.
               SELECT s.fp FROM (SELECT DISTINCT fp FROM shared) s
               WHERE (SELECT count(*) FROM (
                   SELECT 1 FROM dedup_fingerprints f WHERE f.fp = s.fp LIMIT ?1 + 1)) > ?1),
           pairs (new, other) AS (
               SELECT q.article, b.article FROM q_keys q JOIN dedup_bands b ON b.key = q.key
               WHERE b.article != q.article
               UNION ALL
               SELECT q.article, s.article FROM q_exact q
               JOIN dedup_signatures s ON s.exact = q.exact
               WHERE s.article != q.article
               UNION ALL
               SELECT s.article, f.article FROM shared s
               JOIN dedup_fingerprints f ON f.fp = s.fp
               WHERE f.article != s.article AND s.fp NOT IN (SELECT fp FROM common))
           -- most pairs share many keys: SQLite de-duplicates them, not Python
           SELECT DISTINCT min(new, other), max(new, other) FROM pairs""",
        (options.max_postings,),
    )
    # sorted here: with an ORDER BY, SQLite sorted every row before de-duplicating
    return sorted((new, other) for new, other in cursor)


@dataclass(slots=True)
class _State:
    """Clusters already stored for the articles a round touches."""

    cluster_of: dict[str, str]
    children: dict[str, list[str]]  # container -> its stored partial copies


def _state(db: sqlite3.Connection, ids: Sequence[str]) -> _State:
    cluster_of: dict[str, str] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(ids), _IN):
        chunk = ids[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for article_id, cluster_id in db.execute(
            f"SELECT article_id, cluster_id FROM cluster_members WHERE article_id IN ({marks})",
            chunk,
        ):
            cluster_of[article_id] = cluster_id
        for child, parent in db.execute(
            f"""SELECT article_id, other_id FROM dedup_links
                WHERE kind = 'contained' AND other_id IN ({marks})""",
            chunk,
        ):
            children[parent].append(child)
    return _State(cluster_of, children)


def update_clusters(
    db: sqlite3.Connection,
    article_ids: Sequence[str] | None = None,
    options: DedupOptions | None = None,
) -> DedupStats:
    """Sign the given (or all unsigned) articles and add them to the stored clusters."""
    options = options or DedupOptions()
    started = time.perf_counter()
    stats = DedupStats()
    try:
        _check_params(db, options)
        _repair(db, stats)
        rowids = _unsigned(db, article_ids)
        stats.articles = len(rowids)
        for _ in range(MAX_PASSES):
            detached: list[str] = []
            for i in range(0, len(rowids), CHUNK):
                detached += _round(db, _rows_of(db, rowids[i : i + CHUNK]), options, stats)
            if not detached:
                break
            # Partial copies taken off a container that turned out to be a listing page
            # are signed and linked again, now that the listing is known.
            _repair(db, stats)
            rowids = _unsigned(db, detached)
        _repair(db, stats)
    except sqlite3.Error as e:
        raise StoreError(f"duplicate detection failed: {e}") from e
    log.info("dedup: %s in %.2fs", stats, time.perf_counter() - started)
    return stats


def _round(
    db: sqlite3.Connection, rows: list[Row], options: DedupOptions, stats: DedupStats
) -> list[str]:
    signed = sign([row.body for row in rows], options)
    stats.signed += len(rows)
    db.execute("BEGIN IMMEDIATE")
    try:
        _look_up_keys(db, _keys(rows, signed, options))
        _store(db, rows, signed, options)
        pairs = _candidates(db, options)
        found = LazySketches(lambda texts: sign(texts, options))
        found.add([row.id for row in rows], signed)
        id_of = {row.rowid: row.id for row in rows}
        others = sorted({r for pair in pairs for r in pair if r not in id_of})
        other_rows = _rows(db, f"rowid IN ({','.join(map(str, others))})", ()) if others else []
        found.add_unsigned(_stored_briefs(db, other_rows, options))
        _sketch_rows(found, [row for row in other_rows if row.id not in found], options)
        id_of.update((row.rowid, row.id) for row in other_rows)
        checked = check_pairs(
            ((id_of[a], id_of[b]) for a, b in pairs if a in id_of and b in id_of),
            found,
            options,
        )
        detached = _apply(db, rows, other_rows, checked, found, options, stats)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return detached


def _stored_briefs(
    db: sqlite3.Connection, rows: list[Row], options: DedupOptions
) -> dict[str, tuple[str, Brief]]:
    """Texts of stored articles with the briefs stored when they were signed (with these
    settings): most pairs with them are told apart from those, without signing again."""
    body = {row.id: row.body for row in rows}
    ids = list(body)
    out: dict[str, tuple[str, Brief]] = {}
    for i in range(0, len(ids), _IN):
        chunk = ids[i : i + _IN]
        for article_id, exact, words, minhash in db.execute(
            f"""SELECT article_id, exact, words, minhash FROM dedup_signatures
                WHERE article_id IN ({",".join("?" * len(chunk))}) AND params = ?""",
            [*chunk, _params(options)],
        ):
            brief = Brief(
                np.frombuffer(minhash, dtype="<u4").astype(np.uint32), exact & _U64, words
            )
            out[article_id] = (body[article_id], brief)
    return out


def _sketch_rows(found: LazySketches, rows: list[Row], options: DedupOptions) -> None:
    if rows:
        found.add([row.id for row in rows], sign([row.body for row in rows], options))


def _apply(
    db: sqlite3.Connection,
    new_rows: list[Row],
    other_rows: list[Row],
    checked: Checked,
    found: LazySketches,
    options: DedupOptions,
    stats: DedupStats,
) -> list[str]:
    """Accept this round's links and rewrite the clusters they touch; return the stored
    partial copies detached from containers found to be listing pages."""
    involved = [row.id for row in new_rows] + [row.id for row in other_rows]
    state = _state(db, involved)
    earlier = _earlier_parents(db, sorted({p.child for p in checked.partial}))
    extra = {c for kids in state.children.values() for c in kids if c not in found}
    extra_parents = {p for ps in earlier.values() for p in ps if p not in found}
    _sketch_rows(found, _rows_by_id(db, extra | extra_parents), options)
    parents = {p.parent for p in checked.partial} | {p for ps in earlier.values() for p in ps}
    listing = _listing(db, sorted(parents), found, options)
    freed = _free(db, earlier, listing, state)
    checked.partial = [p for p in checked.partial if p.child not in freed]
    uf = UnionFind()
    rank = {row.id: row.rowid for row in [*new_rows, *other_rows]}
    for article_id in involved:
        uf.add(article_id, rank[article_id])
    cluster_rank = _cluster_ranks(db, set(state.cluster_of.values()))
    for article_id, cluster_id in state.cluster_of.items():
        node = "cluster:" + cluster_id
        uf.add(node, cluster_rank.get(cluster_id, rank.get(article_id, 0)))
        uf.union(node, article_id)
    for article_id in extra | extra_parents:
        uf.add(article_id, 1 << 62)
    for parent, kids in state.children.items():
        for child in kids:
            if parent in uf.parent and parent not in listing:
                uf.union(child, parent)
    for child, earlier_parents in earlier.items():
        for parent in earlier_parents:
            uf.union(child, parent)
    accepted, refused = accept(
        checked, uf, found, dict(state.children), options, listing, dict(earlier)
    )
    stats.count_links(accepted, refused, checked.pairs)
    _write_links(db, accepted)
    new_ids = {row.id for row in new_rows}
    known = {row.id: row for row in [*new_rows, *other_rows]}
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id in involved:
        groups[uf.find(article_id)].append(article_id)
    _write_groups(db, list(groups.values()), state, new_ids, known, stats)
    stored = {c for parent in listing for c in state.children.get(parent, [])}
    return sorted(freed | set(_detach(db, stored)))


def _free(
    db: sqlite3.Connection, earlier: dict[str, list[str]], listing: set[str], state: _State
) -> set[str]:
    """Partial copies attached earlier to what is now known to be a listing page are
    detached (their clusters are repaired) and linked again in the next pass, against
    everything stored: their article may have arrived since."""
    freed = {c for c, parents in earlier.items() if any(p in listing for p in parents)}
    for child in freed:
        earlier.pop(child)
        state.cluster_of.pop(child, None)
        for kids in state.children.values():
            if child in kids:
                kids.remove(child)
    _detach(db, freed)
    return freed


def _detach(db: sqlite3.Connection, children: set[str]) -> list[str]:
    """Forget the links, membership and signature of these articles: they are linked again."""
    for child in sorted(children):
        db.execute("DELETE FROM dedup_links WHERE article_id = ? OR other_id = ?", (child, child))
        db.execute("DELETE FROM cluster_members WHERE article_id = ?", (child,))
        db.execute("DELETE FROM dedup_signatures WHERE article_id = ?", (child,))
    return sorted(children)


def _listing(
    db: sqlite3.Connection,
    parents: Sequence[str],
    found: LazySketches,
    options: DedupOptions,
) -> set[str]:
    """Containers of this run's partial links that are listing pages, judged against every
    stored text sharing a fingerprint with them (so earlier runs count too)."""
    partners: dict[str, list[str]] = {}
    for parent in parents:
        fps = found[parent].fingerprints.view(np.int64).tolist()
        if not fps:
            partners[parent] = []
            continue
        db.execute("DELETE FROM q_fps")
        db.executemany("INSERT INTO q_fps VALUES (0, ?)", ((fp,) for fp in fps))
        rows = db.execute(
            """SELECT s.article_id FROM q_fps q JOIN dedup_fingerprints f ON f.fp = q.fp
               JOIN dedup_signatures s ON s.article = f.article
               WHERE s.article_id != ? GROUP BY s.article_id LIMIT ?""",
            (parent, options.max_postings),
        )
        partners[parent] = [row[0] for row in rows]
    missing = {p for ids in partners.values() for p in ids if p not in found}
    _sketch_rows(found, _rows_by_id(db, missing), options)
    return {
        parent
        for parent, ids in partners.items()
        if is_listing(found[parent], [found[p] for p in ids if p in found])
    }


def _earlier_parents(db: sqlite3.Connection, children: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(children), _IN):
        chunk = children[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for child, parent in db.execute(
            f"""SELECT article_id, other_id FROM dedup_links
                WHERE kind = 'contained' AND article_id IN ({marks})""",
            chunk,
        ):
            out[child].append(parent)
    return out


def _repair(db: sqlite3.Connection, stats: DedupStats) -> None:
    """Rebuild clusters that lost members (their articles were deleted or re-segmented)."""
    dirty = [row[0] for row in db.execute("SELECT id FROM clusters WHERE dirty = 1")]
    if not dirty:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for cluster_id in dirty:
            members = [
                row[0]
                for row in db.execute(
                    "SELECT article_id FROM cluster_members WHERE cluster_id = ?", (cluster_id,)
                )
            ]
            db.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))
            copies = {row.id: row.copy for row in _rows_by_id(db, members)}
            links = _links_among(db, set(copies))
            uf = UnionFind()
            for copy in copies.values():
                uf.add(copy.id, copy.rank)
            for link in links:
                uf.union(link.article, link.other)
            for group in uf.groups().values():
                group_copies = [copies[m] for m in group]
                new_id = min(group_copies, key=lambda c: c.rank).id
                group_links = [link for link in links if link.article in group]
                _save(db, new_id, [], memberships(new_id, group_copies, group_links))
                stats.clusters += 1
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _cluster_ranks(db: sqlite3.Connection, clusters: set[str]) -> dict[str, int]:
    ids = sorted(clusters)
    out: dict[str, int] = {}
    for i in range(0, len(ids), _IN):
        chunk = ids[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        out.update(db.execute(f"SELECT id, rowid FROM articles WHERE id IN ({marks})", chunk))
    return out


def _write_links(db: sqlite3.Connection, links: list[Link]) -> None:
    db.executemany(
        """INSERT OR REPLACE INTO dedup_links (article_id, other_id, kind, score, cover)
           VALUES (?, ?, ?, ?, ?)""",
        ((link.article, link.other, link.kind, link.score, link.cover) for link in links),
    )


def _write_groups(
    db: sqlite3.Connection,
    groups: list[list[str]],
    state: _State,
    new_ids: set[str],
    known: dict[str, Row],
    stats: DedupStats,
) -> None:
    """Rewrite the clusters of these groups, in order.

    Most new articles have no copy: alone in their group and in no stored cluster, each
    is its own cluster, written by one statement for a run of them (not three each).
    A run is written before the next other group, so the writes keep their order."""
    alone: list[Row] = []
    for members in groups:
        article_id = members[0]
        if len(members) == 1 and article_id in new_ids and article_id not in state.cluster_of:
            alone.append(known[article_id])
            continue
        _write_alone(db, alone, stats)
        alone = []
        clusters = sorted({state.cluster_of[m] for m in members if m in state.cluster_of})
        _write_group(db, members, clusters, new_ids, known, stats)
    _write_alone(db, alone, stats)


def _write_alone(db: sqlite3.Connection, rows: list[Row], stats: DedupStats) -> None:
    """Single-article clusters, as `_write_group` writes them: no links (a link makes a
    group of two), so the article is the canonical member of a cluster named after it."""
    db.executemany(_SAVE_CLUSTER, ((row.id, row.id, 1) for row in rows))
    db.executemany(_SAVE_MEMBER, ((row.id, row.id, "canonical", None, None, 1) for row in rows))
    stats.clusters += len(rows)


def _write_group(
    db: sqlite3.Connection,
    members: list[str],
    clusters: list[str],
    new_ids: set[str],
    known: dict[str, Row],
    stats: DedupStats,
) -> None:
    """Rewrite one cluster: stored members of the merged clusters plus the new articles.

    ``known`` holds the article rows this round has read already (not read again)."""
    if all(m not in new_ids for m in members):
        return  # every pair has a new article: a group without one did not change
    everyone = set(members)
    for i in range(0, len(clusters), _IN):
        chunk = clusters[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        everyone.update(
            r[0]
            for r in db.execute(
                f"SELECT article_id FROM cluster_members WHERE cluster_id IN ({marks})", chunk
            )
        )
    rows = [known[m] for m in everyone if m in known]
    rows += _rows_by_id(db, (m for m in everyone if m not in known))
    copies = [row.copy for row in sorted(rows, key=lambda row: row.rowid)]
    cluster_id = min(copies, key=lambda c: c.rank).id
    links = _links_among(db, {c.id for c in copies})
    new_here = sum(1 for c in copies if c.id in new_ids)
    # every new member is a copy of something, except the first of an all-new cluster
    stats.new_duplicates += new_here - (1 if new_here == len(copies) else 0)
    _save(db, cluster_id, clusters, memberships(cluster_id, copies, links))
    stats.clusters += 1


def _links_among(db: sqlite3.Connection, ids: set[str]) -> list[Link]:
    wanted = sorted(ids)
    out: list[Link] = []
    for i in range(0, len(wanted), _IN):
        chunk = wanted[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for article_id, other_id, kind, score, cover in db.execute(
            f"""SELECT article_id, other_id, kind, score, cover FROM dedup_links
                WHERE article_id IN ({marks})""",
            chunk,
        ):
            if other_id in ids:
                out.append(Link(article_id, other_id, kind, score, cover))
    return out


_SAVE_CLUSTER = """INSERT INTO clusters (id, canonical, size) VALUES (?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET canonical = excluded.canonical, size = excluded.size,
    dirty = 0, updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"""
_SAVE_MEMBER = """INSERT OR REPLACE INTO cluster_members
    (article_id, cluster_id, kind, score, matched_with, canonical) VALUES (?, ?, ?, ?, ?, ?)"""


def _save(
    db: sqlite3.Connection, cluster_id: str, merged: list[str], members: list[Membership]
) -> None:
    for old in merged:
        if old != cluster_id:
            db.execute("DELETE FROM clusters WHERE id = ?", (old,))
    canonical = next(m.article for m in members if m.canonical)
    db.execute(_SAVE_CLUSTER, (cluster_id, canonical, len(members)))
    db.executemany(
        _SAVE_MEMBER,
        (
            (m.article, cluster_id, m.kind, m.score, m.matched_with, int(m.canonical))
            for m in members
        ),
    )
