"""LSH banding over MinHash signatures.

The ``num_perm`` slots of a signature are cut into ``bands`` bands of equal size; each band
hashes to one 64-bit key (the band number is folded in, so one key column serves all
bands). Two texts whose signatures agree on every slot of any band share a key and become
candidates. With 128 permutations in 32 bands of 4, a pair with Jaccard 0.5 becomes a
candidate with probability 0.87, 0.6 with 0.99, 0.7 with 0.9996.

Keys live in the store (`dedup_bands`), so each ingest only looks up its new articles.
`candidate_pairs` does the same in memory, by sorting, for batch jobs and benchmarks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.signatures import mix64

_BAND_MULT = np.uint64(0x9E3779B97F4A7C15)
_BAND_SALT = np.uint64(0xD6E8FEB86659FD93)


def band_keys(minhash: NDArray[np.uint32], bands: int) -> NDArray[np.int64]:
    """(n, bands) signed 64-bit keys (SQLite integers) of each text's bands."""
    n, num_perm = minhash.shape
    if num_perm % bands:
        raise ValueError(f"num_perm {num_perm} is not a multiple of bands {bands}")
    rows = num_perm // bands
    slots = minhash.reshape(n, bands, rows).astype(np.uint64)
    keys = np.broadcast_to(np.arange(bands, dtype=np.uint64) * _BAND_SALT, (n, bands)).copy()
    for row in range(rows):
        keys *= _BAND_MULT
        keys += slots[:, :, row]
    return mix64(keys).view(np.int64)


def candidate_pairs(keys: NDArray[np.int64], max_bucket: int = 1000) -> NDArray[np.int64]:
    """Unique (i, j), i < j, of rows sharing any band key; buckets over ``max_bucket`` skipped.

    Buckets are found by sorting the flat keys, so memory stays a few arrays of n * bands.
    """
    bands = keys.shape[1]
    flat = keys.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    rows = (order // bands).astype(np.int64)
    del order
    cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.concatenate(([0], cuts))
    sizes = np.diff(np.concatenate((starts, [len(sorted_keys)])))
    pairs: list[NDArray[np.int64]] = []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]):
        bucket_starts = starts[sizes == size]
        members = rows[bucket_starts[:, None] + np.arange(size)]  # (buckets, size)
        left, right = np.triu_indices(size, k=1)
        pairs.append(np.stack([members[:, left].ravel(), members[:, right].ravel()], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    found = np.concatenate(pairs)
    found = found[found[:, 0] != found[:, 1]]
    found.sort(axis=1)
    return np.unique(found, axis=0)
