"""Band keys and fingerprints of new articles: looked up, held back, stored in key order.

A posting is a (key, article rowid) pair: an LSH band key (`dedup_bands`) or a winnowed
fingerprint (`dedup_fingerprints`). Each round's postings are looked up against the
stored ones and those held back from earlier rounds, then held back themselves, in
memory, and written to the store's tables in key order once enough are held
(`KeyIndex.release`). Keys are hashes, so a round's few hundred thousand postings land
on nearly every page of those tables: written round by round, every round rewrote them
whole, and the cost of a round grew with the store.

Most keys are on one article only. A Bloom filter of every key stored or held sets
nearly all of those aside without a look-up: SQLite is asked only for the others (the
lists it returns are kept until the next write: the keys of an article come back with
each of its copies), and the candidate pairs are made with numpy, once for each set of
articles (an article and its copies share dozens of keys).

All of this gives the pairs that joining the new keys with the store's tables would give
(tests/dedup/test_fast_paths.py checks them against such a join).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.signatures import mix64

I64 = NDArray[np.int64]

#: Bloom filter size: bits per key expected, and the bounds of its size in 64-bit words
#: (a run of more keys gets more false positives, which only cost look-ups).
FILTER_BITS_PER_KEY = 8
FILTER_WORDS = (1 << 10, 1 << 21)  # 8 KiB .. 16 MiB
#: Held-back postings are written a key range at a time, about this many at once (the
#: arrays for a range stay small), and so many in one statement (see `insert_postings`).
RELEASE_ROWS = 100_000
STATEMENT_ROWS = 10_000
#: Pairs of rowids below this are packed into one integer to be de-duplicated; held rowids
#: within it either way are kept as 32-bit integers.
_PACK_LIMIT = _SMALL = 1 << 31


@dataclass(slots=True)
class Postings:
    """Distinct (key, article rowid) pairs in key order: inserted or looked up in key
    order, the index pages they touch are touched once each, not at random."""

    keys: I64
    articles: I64

    def __len__(self) -> int:
        return len(self.keys)


def postings(keys: I64, articles: I64) -> Postings:
    """The distinct pairs of these keys and articles, in (key, article) order."""
    order = np.lexsort((articles, keys))
    keys, articles = keys[order], articles[order]
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (articles[1:] != articles[:-1])
    return Postings(keys[fresh], articles[fresh])


@dataclass(frozen=True, slots=True)
class KeyTable:
    """A store table of postings; a key on more than ``cap`` articles is not used."""

    table: str
    column: str
    cap: int | None = None


class KeyFilter:
    """A blocked Bloom filter of 64-bit keys: `may_hold` is true for every key added, and
    for a few per cent of the others. Keys are hashes already: their bits pick the word
    (low bits) and four bits in it (higher bits)."""

    def __init__(self, words: int) -> None:
        if words & (words - 1):
            raise ValueError(f"a key filter needs a power of two words, not {words}")
        self._words = np.zeros(words, dtype=np.uint64)

    @classmethod
    def sized(cls, expected_keys: int) -> KeyFilter:
        wanted = expected_keys * FILTER_BITS_PER_KEY // 64
        words = FILTER_WORDS[0]
        while words < wanted and words < FILTER_WORDS[1]:
            words *= 2
        return cls(words)

    def slots(self, keys: I64) -> tuple[NDArray[np.intp], NDArray[np.uint64]]:
        """Where these keys are: a word each, and the bits in it."""
        bits = keys.view(np.uint64)
        index = (bits & np.uint64(len(self._words) - 1)).astype(np.intp)
        mask = np.zeros(len(bits), dtype=np.uint64)
        for shift in (24, 30, 36, 42):
            mask |= np.uint64(1) << ((bits >> np.uint64(shift)) & np.uint64(63))
        return index, mask

    def add(self, keys: I64) -> None:
        self.mark(self.slots(keys))

    def may_hold(self, keys: I64) -> NDArray[np.bool_]:
        return self.holds(self.slots(keys))

    def mark(self, slots: tuple[NDArray[np.intp], NDArray[np.uint64]]) -> None:
        index, mask = slots
        np.bitwise_or.at(self._words, index, mask)

    def holds(self, slots: tuple[NDArray[np.intp], NDArray[np.uint64]]) -> NDArray[np.bool_]:
        index, mask = slots
        return (self._words[index] & mask) == mask


class _Held:
    """Postings held back from one table, one sorted run per round."""

    def __init__(self) -> None:
        self.runs: list[Postings] = []
        self.count = 0

    def add(self, run: Postings) -> None:
        if not len(run):
            return
        if run.articles.min() >= -_SMALL and run.articles.max() < _SMALL:
            # rowids as 32-bit integers (read back as 64-bit): three quarters of the memory
            run = Postings(run.keys, run.articles.astype(np.int32))
        self.runs.append(run)
        self.count += len(run)

    def find(self, keys: I64) -> tuple[I64, I64]:
        """(index into ``keys``, article) of every held posting of these sorted keys."""
        found_index: list[I64] = []
        found_articles: list[I64] = []
        for run in self.runs:
            low = np.searchsorted(run.keys, keys)
            hit = np.flatnonzero(run.keys[np.minimum(low, len(run) - 1)] == keys)
            high = np.searchsorted(run.keys, keys[hit], side="right")
            owner, positions = _expand(low[hit], high - low[hit])
            found_index.append(hit[owner])
            found_articles.append(run.articles[positions].astype(np.int64))
        return _concat(found_index), _concat(found_articles)

    def take(self) -> Iterator[Postings]:
        """Everything held, in key order, a key range (of about RELEASE_ROWS) at a time;
        the runs are let go."""
        slices = max(1, self.count // RELEASE_ROWS)
        runs, self.runs, self.count = self.runs, [], 0
        # cut where a sample of the keys is cut evenly (fingerprints, being minima, are
        # not spread evenly over the integers)
        step = max(1, sum(len(run) for run in runs) // (slices * 64))
        sample = np.sort(_concat([run.keys[::step] for run in runs]))
        bounds = sample[(np.arange(1, slices) * len(sample)) // slices]
        cuts = [np.searchsorted(run.keys, bounds) for run in runs]
        for part in range(slices):
            keys, articles = [], []
            for run, cut in zip(runs, cuts, strict=True):
                start = cut[part - 1] if part else 0
                end = cut[part] if part < slices - 1 else len(run.keys)
                keys.append(run.keys[start:end])
                articles.append(run.articles[start:end].astype(np.int64))
            # runs hold distinct postings of other articles each: merged by key, no
            # posting comes twice (a stable sort of sorted runs merges them)
            keys_part = _concat(keys)
            order = np.argsort(keys_part, kind="stable")
            if len(order):
                yield Postings(keys_part[order], _concat(articles)[order])


def _groups(keys: I64) -> tuple[I64, I64]:
    """The distinct values of sorted keys, and how many times each comes."""
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[starts], np.diff(np.append(starts, len(keys)))


def _starts_of(owner: I64) -> I64:
    """Where each run of equal values of a sorted array starts."""
    return (
        np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]])) if len(owner) else owner
    )


def _concat(parts: list[I64]) -> I64:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _expand(starts: I64, counts: I64) -> tuple[I64, I64]:
    """For ranges (start, count): each position in them, with the number of its range."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    return owner, np.repeat(starts - offsets, counts) + np.arange(total, dtype=np.int64)


class _Known:
    """Stored posting lists looked up since the held postings were last written: the keys
    of an article with copies are asked for again with each copy, and come from here
    then, not from SQLite. One sorted segment per look-up; let go when postings are
    written (the lists grow then)."""

    def __init__(self) -> None:
        self.segments: list[tuple[I64, I64, I64]] = []  # keys, starts, articles

    def find(self, keys: I64) -> tuple[NDArray[np.bool_], I64, I64]:
        """Which of these distinct keys are known; (index into ``keys``, article) of
        their stored postings."""
        known = np.zeros(len(keys), dtype=bool)
        found_index, found_articles = [], []
        for segment_keys, starts, articles in self.segments:
            at = np.minimum(np.searchsorted(segment_keys, keys), len(segment_keys) - 1)
            hit = np.flatnonzero(segment_keys[at] == keys)
            known[hit] = True
            owner, positions = _expand(starts[at[hit]], starts[at[hit] + 1] - starts[at[hit]])
            found_index.append(hit[owner])
            found_articles.append(articles[positions])
        return known, _concat(found_index), _concat(found_articles)

    def add(self, keys: I64, index: I64, articles: I64) -> None:
        """Stored postings (index into sorted ``keys``, in ascending order; article) of
        keys looked up now."""
        if not len(index):
            return
        which, counts = _groups(index)
        starts = np.zeros(len(which) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        self.segments.append((keys[which], starts, articles))


class KeyIndex:
    """The postings of one `update_clusters` run: stored, held back, and new."""

    def __init__(self, db: sqlite3.Connection, tables: tuple[KeyTable, ...], keys: int) -> None:
        self.tables = tables
        self._held = {table.table: _Held() for table in tables}
        self._known = {table.table: _Known() for table in tables}
        self._filter = KeyFilter.sized(keys)
        # The filter knows the stored keys only if there were none when the run began;
        # otherwise every new key is looked up in the store (held ones still filtered).
        self._filter_knows_stored = not any(has_rows(db, table.table) for table in tables)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS look (i INTEGER PRIMARY KEY, key INTEGER)")

    @property
    def held(self) -> int:
        return sum(held.count for held in self._held.values())

    def pairs(self, db: sqlite3.Connection, new: Sequence[Postings]) -> tuple[I64, I64]:
        """Rowid pairs (new article, any article) sharing a key of these new postings
        (one `Postings` per table), stored, held or new, as in `distinct_pairs` for each
        table. The new postings are held back then."""
        found = [
            self._pairs(db, table, self._held[table.table], postings)
            for table, postings in zip(self.tables, new, strict=True)
        ]
        for table, postings in zip(self.tables, new, strict=True):
            self._held[table.table].add(postings)
        return _concat([low for low, _ in found]), _concat([high for _, high in found])

    def _pairs(
        self, db: sqlite3.Connection, table: KeyTable, held: _Held, new: Postings
    ) -> tuple[I64, I64]:
        keys, counts = _groups(new.keys)
        slots = self._filter.slots(keys)
        maybe = self._filter.holds(slots)
        self._filter.mark(slots)  # held from now on (looked up before: not by themselves)
        asked = np.flatnonzero(maybe) if self._filter_knows_stored else np.arange(len(keys))
        known = self._known[table.table]
        found, known_index, known_articles = known.find(keys[asked])
        asked_now = asked[~found]
        stored_index, stored_articles = self._stored(db, table, keys, asked_now)
        known.add(keys, stored_index, stored_articles)
        stored_index = np.concatenate([asked[known_index], stored_index])
        stored_articles = np.concatenate([known_articles, stored_articles])
        held_index, held_articles = held.find(keys[maybe])
        held_index = np.flatnonzero(maybe)[held_index]
        # keys on one new article, neither stored nor held, have no pairs
        useful = counts > 1
        useful[held_index] = True
        useful[stored_index] = True
        new_index = np.repeat(np.arange(len(keys), dtype=np.int64), counts)
        keep = useful[new_index]
        index = np.concatenate([new_index[keep], held_index, stored_index])
        articles = np.concatenate([new.articles[keep], held_articles, stored_articles])
        overlap = _overlap(stored_articles, articles[: len(articles) - len(stored_articles)])
        if overlap:
            # an article signed again (detached, or a rowid used again) is stored and new
            merged = postings(index, articles)
            index, articles = merged.keys, merged.articles
        else:
            order = np.argsort(index, kind="stable")
            index, articles = index[order], articles[order]
        per_key = np.bincount(index, minlength=len(keys))
        starts = np.cumsum(per_key) - per_key
        if table.cap is not None:
            per_key[per_key > table.cap] = 0  # boilerplate: not a link between articles
        # every kept new posting against every article of its key
        left_index = new_index[keep]
        left = new.articles[keep]
        if not overlap:
            # (then an article comes from one source, and a key's articles in an order
            # set by which they are: keys with the same articles list them alike)
            once = ~_same_as_before(articles, starts, per_key, left_index)[left_index]
            left_index, left = left_index[once], left[once]
        owner, positions = _expand(starts[left_index], per_key[left_index])
        return distinct_pairs(left[owner], articles[positions])

    def _stored(
        self, db: sqlite3.Connection, table: KeyTable, keys: I64, asked: I64
    ) -> tuple[I64, I64]:
        """(index into ``keys``, article) of the stored postings of ``keys[asked]``; a key
        on more than the table's cap of articles comes with cap + 1 of them."""
        if not len(asked):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        _look_for(db, keys[asked])
        limit = -1 if table.cap is None else table.cap + 1
        row = db.execute(
            f"""WITH found AS MATERIALIZED (
                    SELECT l.i AS i, (SELECT group_concat(article) FROM (
                        SELECT article FROM {table.table} WHERE {table.column} = l.key
                        LIMIT ?1)) AS articles
                    FROM look l)
                -- one row: numbers in text, unpacked by numpy, not a Python object each
                SELECT group_concat(i),
                       group_concat(length(articles) - length(replace(articles, ',', '')) + 1),
                       group_concat(articles)
                FROM found WHERE articles IS NOT NULL""",
            (limit,),
        ).fetchone()
        if row[0] is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        which, counts, articles = (_numbers(text) for text in row)
        return np.repeat(asked[which], counts), articles

    def release(self, db: sqlite3.Connection) -> None:
        """Write the held-back postings to the store's tables, in key order."""
        for table in self.tables:
            self._known[table.table] = _Known()
            for part in self._held[table.table].take():
                insert_postings(db, f"OR IGNORE INTO {table.table} ({table.column}, article)", part)

    def articles_with(self, db: sqlite3.Connection, table: KeyTable, keys: I64) -> I64:
        """Distinct rowids of the articles, stored or held, with any of these sorted keys."""
        if not len(keys):
            return np.zeros(0, dtype=np.int64)
        _, held_articles = self._held[table.table].find(keys)
        _look_for(db, keys)
        stored = [
            article
            for (article,) in db.execute(
                f"""SELECT DISTINCT t.article FROM look l
                    JOIN {table.table} t ON t.{table.column} = l.key"""
            )
        ]
        return np.unique(np.concatenate([held_articles, np.array(stored, dtype=np.int64)]))


def _same_as_before(articles: I64, starts: I64, counts: I64, wanted: I64) -> NDArray[np.bool_]:
    """Keys (by number) whose articles, ``articles[starts[k]:starts[k] + counts[k]]``, are
    those of another key of ``wanted`` (sorted numbers), one of each such set left out:
    an article and its copies share dozens of keys, each giving the same pairs.

    Lists are compared whole, after their count and a sum of their articles' hashes."""
    out = np.zeros(len(starts), dtype=bool)
    keys, _ = _groups(wanted)
    keys = keys[counts[keys] >= 2]
    if len(keys) < 2:
        return out
    total = np.zeros(len(articles) + 1, dtype=np.uint64)
    np.cumsum(mix64(articles.astype(np.uint64)), out=total[1:])  # wraps: a hash
    sums = total[starts[keys] + counts[keys]] - total[starts[keys]]
    order = np.lexsort((sums, counts[keys]))
    keys, sums = keys[order], sums[order]
    alike = np.flatnonzero((counts[keys[1:]] == counts[keys[:-1]]) & (sums[1:] == sums[:-1]))
    owner, later = _expand(starts[keys[alike + 1]], counts[keys[alike + 1]])
    _, earlier = _expand(starts[keys[alike]], counts[keys[alike]])
    differ = np.logical_or.reduceat(articles[later] != articles[earlier], _starts_of(owner))
    out[keys[alike[~differ] + 1]] = True
    return out


def _overlap(stored: I64, others: I64) -> bool:
    """Whether an article is among both (most often told by their ranges of rowids:
    articles are signed in rowid order, so the stored ones come first)."""
    if not len(stored) or not len(others):
        return False
    if stored.max() < others.min() or stored.min() > others.max():
        return False
    return bool(np.isin(stored, others).any())


def distinct_pairs(left: I64, right: I64) -> tuple[I64, I64]:
    """The distinct unordered pairs of these, as (smaller, larger) arrays in ascending
    order; an article paired with itself is left out."""
    low, high = np.minimum(left, right), np.maximum(left, right)
    other = low != high
    low, high = low[other], high[other]
    if len(low) and low.min() >= 0 and high.max() < _PACK_LIMIT:
        packed = np.unique((low << 32) | high)
        return packed >> 32, packed & (_PACK_LIMIT * 2 - 1)
    merged = postings(low, high)
    return merged.keys, merged.articles


def insert_postings(db: sqlite3.Connection, into: str, rows: Postings) -> None:
    """Insert postings, in their order, as two byte strings of fixed-width decimals read
    back by offset: SQLite unpacks them in C, where a driver call per (key, article) cost
    more than the look-ups. ``into`` follows INSERT: "OR IGNORE INTO t (key, article)".

    A statement unpacking bound values keeps a copy of every page it changes until it
    ends (SQLite may have to undo it): a few thousand rows in key order at a time
    change a few hundred pages; a table's whole key range at once, hundreds of MB."""
    for start in range(0, len(rows), STATEMENT_ROWS):
        end = start + STATEMENT_ROWS
        _insert_decimals(db, into, [rows.keys[start:end], rows.articles[start:end]])


def _look_for(db: sqlite3.Connection, keys: I64) -> None:
    """These keys, numbered from 0, in the temporary table `look`."""
    db.execute("DELETE FROM look")
    _insert_decimals(db, "INTO look (i, key)", [keys], numbered=True)


def _insert_decimals(
    db: sqlite3.Connection, into: str, columns: Sequence[I64], *, numbered: bool = False
) -> None:
    """``INSERT {into}`` rows of these equally long columns, in order, each column bound
    as one blob of `decimals` and read back by offset; ``numbered`` puts each row's
    number first."""
    count = len(columns[0])
    params: list[object] = []
    values = ["i"] if numbered else []
    for column in columns:
        width, digits = decimals(column)
        blob, size = len(params) + 1, len(params) + 2  # their parameter numbers
        values.append(f"CAST(substr(?{blob}, i * ?{size} + 1, ?{size}) AS INTEGER)")
        params += [digits, width]
    db.execute(
        f"""INSERT {into} SELECT {", ".join(values)}
            FROM {_numbers_to(db, count)} WHERE i < ?{len(params) + 1} ORDER BY i""",
        (*params, count),
    )


def has_rows(db: sqlite3.Connection, table: str) -> bool:
    """Whether ``table`` holds any row (what a run's fast paths ask as it begins)."""
    return bool(db.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])


def _numbers_to(db: sqlite3.Connection, count: int) -> str:
    """The name of a temporary table of the integers 0 .. at least ``count`` - 1, the row
    source of the unpacking above (the stock sqlite3 module has no generate_series; a
    `json_each` of zeros, made anew for each insert, cost more)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS numbers (i INTEGER PRIMARY KEY)")
    have = db.execute("SELECT coalesce(max(i) + 1, 0) FROM numbers").fetchone()[0]
    if have < count:
        db.execute(
            "INSERT INTO numbers SELECT key + ? FROM json_each(?)",
            (have, "[" + "0," * (count - have - 1) + "0]"),
        )
    return "numbers"


def decimals(values: I64) -> tuple[int, bytes]:
    """Integers as ASCII decimals of one width, concatenated (a blob: `substr` reads it by
    byte offset): a sign ('-' or '0'), then zero-padded digits, which CAST reads back
    ('-042' is -42). Returns the width too. Written four digits at a time, from a table
    (a division per digit cost more than the SQL that reads them)."""
    negative = values < 0
    magnitude = values.view(np.uint64).copy()
    np.negative(magnitude, out=magnitude, where=negative)  # |min int64| fits in uint64
    digits = len(str(int(magnitude.max()))) if len(values) else 1
    groups = (digits + 4) // 4  # the first holds the sign and three digits
    out = np.empty((len(values), groups), dtype="<u4")
    ten_thousand = np.uint64(10_000)
    for group in range(groups - 1, 0, -1):
        out[:, group] = _FOUR_DIGITS[(magnitude % ten_thousand).astype(np.intp)]
        magnitude //= ten_thousand
    sign = np.where(negative, ord("-"), ord("0")).astype(np.uint32)
    out[:, 0] = sign | (_THREE_DIGITS[magnitude.astype(np.intp)] << np.uint32(8))
    return 4 * groups, out.tobytes()


#: "0000" .. "9999" and "000" .. "999" (then a zero byte) as little-endian 32-bit words
_FOUR_DIGITS = np.frombuffer(b"".join(b"%04d" % i for i in range(10_000)), dtype="<u4")
_THREE_DIGITS = np.frombuffer(b"".join(b"%03d\0" % i for i in range(1_000)), dtype="<u4")


def _numbers(text: str) -> I64:
    """Comma-separated integers (as SQLite's group_concat writes them) into an array."""
    return np.fromstring(text, dtype=np.int64, sep=",")
