"""Incremental clustering in the store: sign new articles, look them up, extend clusters.

Only the new articles are signed; their band keys and fingerprints are looked up against
everything stored (earlier runs and the new articles themselves), candidates are checked,
and the clusters they touch are extended or merged. Articles of earlier rounds are only
re-read when they are candidates of a new one, and re-shingled only when their stored
signature (exact hash, MinHash) cannot settle the pair.

Band keys and fingerprints are held back in memory for several rounds and written to the
store in key order (`postings`); those rounds are one transaction, so the store never
holds signatures without their keys.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
from newsmill.dedup.postings import (
    KeyFilter,
    KeyIndex,
    KeyTable,
    Postings,
    distinct_pairs,
    has_rows,
    postings,
)
from newsmill.dedup.signatures import Signed, sign
from newsmill.dedup.stats import DedupStats
from newsmill.errors import StoreError
from newsmill.options import DedupOptions

log = logging.getLogger(__name__)

CHUNK = 4000  # new articles per signing/look-up round (bounds memory)
#: Band keys and fingerprints held back in memory (12 bytes each, 72 MB) before they are
#: written to the store's tables, with the rounds since in one transaction (see
#: `postings`): the tables are rewritten once per this many, about sixteen rounds, not
#: once per round.
HOLD_POSTINGS = 6_000_000
#: ... or once the transaction has been open this long (seconds): it holds the store's
#: write lock, which another writer waits for (up to `store.db.WRITE_BUSY_MS`). Writing
#: the held postings adds a few seconds more (3 s for 3M postings on a 150,000-article
#: store); releasing after 2 s rather than 4 cost a quarter more time on that store.
HOLD_SECONDS = 4.0
#: Band keys and fingerprints of an article, to size the key filter: 32 bands and about
#: 2 / (window + 1) of its shingles.
KEYS_PER_ARTICLE = 100
BANDS = KeyTable("dedup_bands", "key")
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
        # `id >= ''` holds for every id: it lets SQLite read the index of ids (which
        # holds the rowids) rather than the whole table with the texts, then we sort
        cursor = db.execute(
            """SELECT rowid FROM articles
               WHERE id >= '' AND id NOT IN (SELECT article_id FROM dedup_signatures)"""
        )
        return sorted(rowid for (rowid,) in cursor)
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
class _Keys:
    """A round's look-up keys. Only articles of at least `min_words` words have keys."""

    bands: Postings
    fingerprints: Postings
    exact: list[tuple[int, int]]  # (article rowid, exact hash)
    signed_exact: NDArray[np.int64]  # every signed article's exact hash, as stored


def _keys(rows: list[Row], signed: Signed, options: DedupOptions) -> _Keys:
    keep = signed.words >= options.min_words
    rowids = np.array([row.rowid for row in rows], dtype=np.int64)
    bands = band_keys(signed.minhash, options.bands)
    counts = np.diff(signed.fingerprint_offsets)
    flat_keep = np.repeat(keep, counts)
    return _Keys(
        bands=postings(bands[keep].ravel(), np.repeat(rowids[keep], options.bands)),
        fingerprints=postings(
            signed.fingerprints.view(np.int64)[flat_keep], np.repeat(rowids, counts)[flat_keep]
        ),
        exact=list(
            zip(rowids[keep].tolist(), signed.exact.view(np.int64)[keep].tolist(), strict=True)
        ),
        signed_exact=signed.exact.view(np.int64),
    )


def _fingerprints(options: DedupOptions) -> KeyTable:
    return KeyTable("dedup_fingerprints", "fp", options.max_postings)


def _store(db: sqlite3.Connection, rows: list[Row], signed: Signed, options: DedupOptions) -> None:
    """The round's signatures, in key (article id) order: the pages they land on are
    visited in order, not at random."""
    params = _params(options)
    order = sorted(range(len(rows)), key=lambda i: rows[i].id)
    exact = signed.exact.view(np.int64).tolist()
    words = signed.words.tolist()
    shingles = np.diff(signed.shingle_offsets).tolist()
    fingerprints = np.diff(signed.fingerprint_offsets).tolist()
    minhash = signed.minhash.astype("<u4").tobytes()
    size = signed.minhash.shape[1] * 4
    db.executemany(
        """INSERT INTO dedup_signatures
           (article_id, article, exact, words, shingles, fingerprints, minhash, params)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            (
                rows[i].id,
                rows[i].rowid,
                exact[i],
                words[i],
                shingles[i],
                fingerprints[i],
                minhash[i * size : (i + 1) * size],
                params,
            )
            for i in order
        ),
    )


class _ExactHashes:
    """Exact hashes signed in this run. Only those another article may have are looked up
    (most articles have no exact copy): seen before in the run, twice in the round, or
    any, if the store held signatures when the run began."""

    def __init__(self, db: sqlite3.Connection, articles: int) -> None:
        self._seen = KeyFilter.sized(articles)
        self._stored = has_rows(db, "dedup_signatures")

    def pairs(
        self, db: sqlite3.Connection, exact: list[tuple[int, int]], signed: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Rowid pairs (new article, any article) of equal exact hash, for these (article,
        hash) of the round (the round's signatures, ``signed``, are stored already)."""
        hashes, counts = np.unique(signed, return_counts=True)
        twice = set(hashes[counts > 1].tolist())
        maybe = self._seen.may_hold(np.array([h for _, h in exact], dtype=np.int64))
        asked = [
            pair
            for pair, seen in zip(exact, maybe.tolist(), strict=True)
            if self._stored or seen or pair[1] in twice
        ]
        self._seen.add(signed)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS q_exact (article INTEGER, exact INTEGER)")
        db.execute("DELETE FROM q_exact")
        db.executemany("INSERT INTO q_exact VALUES (?, ?)", asked)
        rows = db.execute(
            """SELECT q.article, s.article FROM q_exact q
               JOIN dedup_signatures s ON s.exact = q.exact WHERE s.article != q.article"""
        ).fetchall()
        return np.array(rows, dtype=np.int64).reshape(-1, 2)


@dataclass(slots=True)
class _Lookups:
    """What a run looks new articles and their clusters up with: band keys and
    fingerprints, exact hashes, and the articles that may hold partial copies."""

    keys: KeyIndex
    exact: _ExactHashes
    containers: _Containers


def _candidates(db: sqlite3.Connection, lookups: _Lookups, keys: _Keys) -> list[tuple[int, int]]:
    """Distinct unordered rowid pairs (new article, any stored article) sharing a band key,
    a fingerprint or the exact hash, ascending. The round's own keys and signatures are
    looked up too, so that new articles find each other."""
    low, high = lookups.keys.pairs(db, (keys.bands, keys.fingerprints))
    exact = lookups.exact.pairs(db, keys.exact, keys.signed_exact)
    low, high = distinct_pairs(
        np.concatenate([low, exact[:, 0]]), np.concatenate([high, exact[:, 1]])
    )
    return list(zip(low.tolist(), high.tolist(), strict=True))


@dataclass(slots=True)
class _State:
    """Clusters already stored for the articles a round touches."""

    cluster_of: dict[str, str]
    children: dict[str, list[str]]  # container -> its stored partial copies


def _state(db: sqlite3.Connection, ids: Sequence[str], containers: _Containers) -> _State:
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
    asked = containers.among(ids)
    for i in range(0, len(asked), _IN):
        chunk = asked[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for child, parent in db.execute(
            f"""SELECT article_id, other_id FROM dedup_links
                WHERE kind = 'contained' AND other_id IN ({marks})""",
            chunk,
        ):
            children[parent].append(child)
    return _State(cluster_of, children)


class _Containers:
    """Articles that may hold partial copies (containers of 'contained' links): those
    of this run's links, if the store held no link when it began; any article otherwise.
    Asking the store for the partial copies of every article a round touches cost a
    look-up per link to it (the kind is not in the index)."""

    def __init__(self, known: set[str] | None) -> None:
        self._known = known  # None: any article

    @classmethod
    def of_run(cls, db: sqlite3.Connection) -> _Containers:
        return cls(None if has_rows(db, "dedup_links") else set())

    def among(self, ids: Sequence[str]) -> Sequence[str]:
        return ids if self._known is None else [i for i in ids if i in self._known]

    def add(self, links: list[Link]) -> None:
        if self._known is not None:
            self._known.update(link.other for link in links if link.kind == "contained")


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
        lookups = _Lookups(
            KeyIndex(db, (BANDS, _fingerprints(options)), len(rowids) * KEYS_PER_ARTICLE),
            _ExactHashes(db, len(rowids)),
            _Containers.of_run(db),
        )
        for _ in range(MAX_PASSES):
            detached = _pass(db, lookups, rowids, options, stats)
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


def _pass(
    db: sqlite3.Connection,
    lookups: _Lookups,
    rowids: Sequence[int],
    options: DedupOptions,
    stats: DedupStats,
) -> list[str]:
    """Sign and link these articles in rounds of CHUNK. A transaction spans the rounds
    whose postings are held back, up to where they are written to the store."""
    detached: list[str] = []
    began = 0.0
    for i in range(0, len(rowids), CHUNK):
        if not db.in_transaction:
            db.execute("BEGIN IMMEDIATE")
            began = time.monotonic()
        try:
            detached += _round(db, lookups, _rows_of(db, rowids[i : i + CHUNK]), options, stats)
            if (
                lookups.keys.held >= HOLD_POSTINGS
                or time.monotonic() - began >= HOLD_SECONDS
                or i + CHUNK >= len(rowids)
            ):
                lookups.keys.release(db)
                db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return detached


def _round(
    db: sqlite3.Connection,
    lookups: _Lookups,
    rows: list[Row],
    options: DedupOptions,
    stats: DedupStats,
) -> list[str]:
    """One round, inside the pass's transaction; returns the detached partial copies."""
    signed = sign([row.body for row in rows], options)
    stats.signed += len(rows)
    keys = _keys(rows, signed, options)
    _store(db, rows, signed, options)
    pairs = _candidates(db, lookups, keys)
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
    return _apply(db, lookups, rows, other_rows, checked, found, options, stats)


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
    lookups: _Lookups,
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
    state = _state(db, involved, lookups.containers)
    earlier = _earlier_parents(db, sorted({p.child for p in checked.partial}))
    extra = {c for kids in state.children.values() for c in kids if c not in found}
    extra_parents = {p for ps in earlier.values() for p in ps if p not in found}
    _sketch_rows(found, _rows_by_id(db, extra | extra_parents), options)
    parents = {p.parent for p in checked.partial} | {p for ps in earlier.values() for p in ps}
    listing = _listing(db, lookups.keys, sorted(parents), found, options)
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
    lookups.containers.add(accepted)
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
    index: KeyIndex,
    parents: Sequence[str],
    found: LazySketches,
    options: DedupOptions,
) -> set[str]:
    """Containers of this run's partial links that are listing pages, judged against every
    text, stored or held, sharing a fingerprint with them (so earlier runs count too)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS q_articles (article INTEGER)")
    partners: dict[str, list[str]] = {}
    for parent in parents:
        fps = np.unique(found[parent].fingerprints.view(np.int64))
        rowids = index.articles_with(db, _fingerprints(options), fps)
        db.execute("DELETE FROM q_articles")
        db.executemany("INSERT INTO q_articles VALUES (?)", ((r,) for r in rowids.tolist()))
        rows = db.execute(
            """SELECT s.article_id FROM q_articles q
               JOIN dedup_signatures s ON s.article = q.article
               WHERE s.article_id != ? ORDER BY s.article_id LIMIT ?""",
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
    """Accepted links, in key order (a pair is accepted once a round: the order of the
    writes does not matter)."""
    db.executemany(
        """INSERT OR REPLACE INTO dedup_links (article_id, other_id, kind, score, cover)
           VALUES (?, ?, ?, ?, ?)""",
        (
            (link.article, link.other, link.kind, link.score, link.cover)
            for link in sorted(links, key=lambda link: (link.article, link.other))
        ),
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
    is its own cluster. They are written together, by one statement, unless a later
    group reads a cluster of that name. The other groups' stored members, rows and
    links are read at once; as each group is written, the memberships read for the
    next ones follow (a group may take over the name of a cluster another merges)."""
    alone: dict[str, Row] = {}
    # in order: a lone article (None), or a group with its stored clusters
    order: list[tuple[list[str], list[str] | None]] = []
    for members in groups:
        article_id = members[0]
        if len(members) == 1 and article_id in new_ids and article_id not in state.cluster_of:
            alone[article_id] = known[article_id]
            order.append((members, None))
        elif any(m in new_ids for m in members):
            # (every pair has a new article: a group without one did not change)
            stored = sorted({state.cluster_of[m] for m in members if m in state.cluster_of})
            order.append((members, stored))
    read = _ClusterReads(db, [(m, c) for m, c in order if c is not None], known)
    pending: list[Row] = []
    for members, merged in order:
        if merged is None:
            pending.append(alone[members[0]])
            continue
        if any(c in alone for c in merged):  # (never seen) keep the writes in order
            _write_alone(db, pending, stats, read)
            pending = []
        written = _write_group(db, read.everyone(members, merged), merged, read, new_ids, stats)
        read.moved(written)
    _write_alone(db, sorted(pending, key=lambda row: row.id), stats, None)


class _ClusterReads:
    """What rewriting a round's clusters reads: the stored members of their clusters
    (kept up to date as clusters are written), the article rows and the links."""

    def __init__(
        self,
        db: sqlite3.Connection,
        changed: list[tuple[list[str], list[str]]],
        known: dict[str, Row],
    ) -> None:
        stored = _members_of(db, [c for _, clusters in changed for c in clusters])
        self.members = {c: {m.article: m for m in ms} for c, ms in stored.items()}
        self.cluster_of = {m: c for c, ms in self.members.items() for m in ms}
        ids = {m for members, _ in changed for m in members} | set(self.cluster_of)
        self.rows = dict(known)
        unknown = sorted(m for m in ids if m not in known)
        self.rows.update((row.id, row) for row in _rows_by_id(db, unknown))
        self.links = _links_from(db, {m for m in ids if m in self.rows})

    def everyone(self, members: list[str], clusters: list[str]) -> dict[str, Membership | None]:
        """The group's articles and the members of its clusters, with their stored
        memberships (None for those with none)."""
        out: dict[str, Membership | None] = dict.fromkeys(members)
        for cluster in clusters:
            out.update(self.members.get(cluster, {}))
        return out

    def moved(self, written: list[Membership]) -> None:
        for member in written:
            old = self.cluster_of.get(member.article)
            if old is not None:
                self.members[old].pop(member.article, None)
            self.members.setdefault(member.cluster, {})[member.article] = member
            self.cluster_of[member.article] = member.cluster


def _write_alone(
    db: sqlite3.Connection, rows: list[Row], stats: DedupStats, read: _ClusterReads | None
) -> None:
    """Single-article clusters, as `_write_group` writes them: no links (a link makes a
    group of two), so the article is the canonical member of a cluster named after it."""
    db.executemany(_SAVE_CLUSTER, ((row.id, row.id, 1) for row in rows))
    db.executemany(_SAVE_MEMBER, ((row.id, row.id, "canonical", None, None, 1) for row in rows))
    stats.clusters += len(rows)
    if read is not None:
        read.moved([Membership(row.id, row.id, "canonical", None, None, True) for row in rows])


def _write_group(
    db: sqlite3.Connection,
    everyone: dict[str, Membership | None],
    clusters: list[str],
    read: _ClusterReads,
    new_ids: set[str],
    stats: DedupStats,
) -> list[Membership]:
    """Rewrite one cluster: stored members of the merged clusters plus the new articles
    (with their stored memberships: only those that change are written). Returns the
    cluster's memberships."""
    copies = sorted((read.rows[m].copy for m in everyone if m in read.rows), key=lambda c: c.rank)
    cluster_id = copies[0].id
    among = _links_within(read.links, {c.id for c in copies})
    new_here = sum(1 for c in copies if c.id in new_ids)
    # every new member is a copy of something, except the first of an all-new cluster
    stats.new_duplicates += new_here - (1 if new_here == len(copies) else 0)
    members = memberships(cluster_id, copies, among)
    _save(db, cluster_id, clusters, members, [m for m in members if everyone.get(m.article) != m])
    stats.clusters += 1
    return members


def _members_of(db: sqlite3.Connection, clusters: Sequence[str]) -> dict[str, list[Membership]]:
    """Stored memberships of these clusters, by cluster."""
    out: dict[str, list[Membership]] = defaultdict(list)
    wanted = sorted(set(clusters))
    for i in range(0, len(wanted), _IN):
        chunk = wanted[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for article_id, cluster_id, kind, score, matched_with, canonical in db.execute(
            f"""SELECT article_id, cluster_id, kind, score, matched_with, canonical
                FROM cluster_members WHERE cluster_id IN ({marks})""",
            chunk,
        ):
            out[cluster_id].append(
                Membership(article_id, cluster_id, kind, score, matched_with, bool(canonical))
            )
    return out


def _links_from(db: sqlite3.Connection, ids: set[str]) -> dict[str, list[Link]]:
    """Stored links of these articles (as `article_id`), by article, each article's in
    the order of the other article."""
    wanted = sorted(ids)
    out: dict[str, list[Link]] = defaultdict(list)
    for i in range(0, len(wanted), _IN):
        chunk = wanted[i : i + _IN]
        marks = ",".join("?" * len(chunk))
        for article_id, other_id, kind, score, cover in db.execute(
            f"""SELECT article_id, other_id, kind, score, cover FROM dedup_links
                WHERE article_id IN ({marks}) ORDER BY article_id, other_id""",
            chunk,
        ):
            out[article_id].append(Link(article_id, other_id, kind, score, cover))
    return out


def _links_among(db: sqlite3.Connection, ids: set[str]) -> list[Link]:
    return _links_within(_links_from(db, ids), ids)


def _links_within(links: Mapping[str, list[Link]], ids: set[str]) -> list[Link]:
    """The links (by article, as `_links_from` gives them) between two of ``ids``, in
    article order."""
    return [link for article in sorted(ids) for link in links.get(article, []) if link.other in ids]


_SAVE_CLUSTER = """INSERT INTO clusters (id, canonical, size) VALUES (?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET canonical = excluded.canonical, size = excluded.size,
    dirty = 0, updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"""
_SAVE_MEMBER = """INSERT OR REPLACE INTO cluster_members
    (article_id, cluster_id, kind, score, matched_with, canonical) VALUES (?, ?, ?, ?, ?, ?)"""


def _save(
    db: sqlite3.Connection,
    cluster_id: str,
    merged: list[str],
    members: list[Membership],
    changed: list[Membership] | None = None,
) -> None:
    """Write a cluster of these members, the merged clusters gone; only the ``changed``
    memberships (all if not given) are written."""
    for old in merged:
        if old != cluster_id:
            db.execute("DELETE FROM clusters WHERE id = ?", (old,))
    canonical = next(m.article for m in members if m.canonical)
    db.execute(_SAVE_CLUSTER, (cluster_id, canonical, len(members)))
    db.executemany(
        _SAVE_MEMBER,
        (
            (m.article, cluster_id, m.kind, m.score, m.matched_with, int(m.canonical))
            for m in (members if changed is None else changed)
        ),
    )
