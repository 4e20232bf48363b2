"""Fast signatures for a batch of texts: word hashes, shingles, MinHash, exact hash.

Shingling in Python costs more than MinHash itself, so a batch of texts is handled as one
byte buffer with numpy: bytes are lower-cased and classed as word/separator through a
lookup table, each word is read as 8-byte chunks straight out of the buffer, shingles are
combined from word hashes, and the rensa library computes the MinHash matrix from the
flat shingle-hash buffer. Every hash is seeded and deterministic across processes (numpy
integer mixing and xxhash), never Python's ``hash()``.

The words seen here are exactly those of `normalize.words` (tests check it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from numpy.typing import NDArray
from rensa import RMinHash

from newsmill.dedup.normalize import (
    LATIN1_SEPARATORS,
    fold,
    needs_unicode_pass,
    strip_teaser_marker,
)
from newsmill.options import DedupOptions

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]

_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd constant (golden ratio) for combining
_CHUNK_MULT = np.uint64(0x100000001B3)  # FNV prime, combines 8-byte chunks of long words
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)  # murmur3 fmix64 constants
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)
_PAD = 8  # zero bytes after the buffer so every 8-byte read stays inside it


def _byte_table() -> NDArray[np.uint8]:
    """Byte -> lower-cased byte, or 0 for an ASCII separator. UTF-8 bytes pass through."""
    table = np.zeros(256, dtype=np.uint8)
    table[ord("0") : ord("9") + 1] = np.arange(ord("0"), ord("9") + 1)
    table[ord("a") : ord("z") + 1] = np.arange(ord("a"), ord("z") + 1)
    table[ord("A") : ord("Z") + 1] = np.arange(ord("a"), ord("z") + 1)
    table[0x80:] = np.arange(0x80, 0x100)
    return table


_BYTES = _byte_table()
_TABLE = _BYTES.tobytes()
_LATIN1_SECOND = np.zeros(256, dtype=bool)  # second UTF-8 byte of a Latin-1 separator
_LATIN1_SECOND[[ord(c) for c in LATIN1_SEPARATORS]] = True
_MASKS = np.array([0, *((1 << (8 * i)) - 1 for i in range(1, 8)), (1 << 64) - 1], dtype=np.uint64)


def mix64(values: U64) -> U64:
    """murmur3's 64-bit finaliser, in place: spreads every input bit over the output."""
    tmp = values >> _SHIFT
    values ^= tmp
    values *= _MIX1
    np.right_shift(values, _SHIFT, out=tmp)
    values ^= tmp
    values *= _MIX2
    np.right_shift(values, _SHIFT, out=tmp)
    values ^= tmp
    return values


def _seed_word(seed: int) -> np.uint64:
    return np.uint64(xxhash.xxh64_intdigest(b"newsmill-dedup", seed=seed))


@dataclass(slots=True)
class Tokens:
    """Word hashes of a batch of texts, flat, with per-text offsets."""

    hashes: U64
    offsets: I64  # len(texts) + 1

    def of(self, index: int) -> U64:
        return self.hashes[self.offsets[index] : self.offsets[index + 1]]


@dataclass(slots=True)
class Signed:
    """Everything duplicate detection keeps about a batch of texts."""

    minhash: NDArray[np.uint32]  # (n, num_perm)
    exact: U64  # (n,) hash of the word sequence; 0 for a text without words
    words: I64  # (n,) word counts
    shingles: U64  # flat shingle hashes
    shingle_offsets: I64  # (n + 1,)
    fingerprints: U64  # flat winnowed shingle hashes, for containment look-ups
    fingerprint_offsets: I64  # (n + 1,)

    def __len__(self) -> int:
        return len(self.exact)

    def shingle_set(self, index: int) -> U64:
        start, end = self.shingle_offsets[index], self.shingle_offsets[index + 1]
        return np.unique(self.shingles[start:end])

    def fingerprint_set(self, index: int) -> U64:
        start, end = self.fingerprint_offsets[index], self.fingerprint_offsets[index + 1]
        return np.unique(self.fingerprints[start:end])


def _encode(texts: Sequence[str]) -> list[bytes]:
    return [strip_teaser_marker(text).encode("utf-8", "replace") for text in texts]


def _buffer(parts: Sequence[bytes]) -> tuple[NDArray[np.uint8], I64]:
    """One buffer, lower-cased with ASCII separators zeroed (``bytes.translate``, one C
    pass): a newline before each text and after the last, then zero padding."""
    buffer = bytearray(b"\n" + b"\n".join(parts) + b"\n" + b"\0" * _PAD).translate(_TABLE)
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) + 1, out=starts[1:])
    return np.frombuffer(buffer, dtype=np.uint8), starts


def _classify(lowered: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], I64]:
    """Zero the UTF-8 separators too; return positions of non-ASCII non-separators."""
    raw = lowered
    leads = np.flatnonzero(raw >= 0xC0)
    if len(leads) == 0:
        return lowered, leads
    first, second = raw[leads], raw[leads + 1]
    punct = (first == 0xE2) & ((second == 0x80) | (second == 0x81))  # U+2000..U+207F
    latin1 = (first == 0xC2) & _LATIN1_SECOND[second]
    for shift in range(3):
        lowered[leads[punct] + shift] = 0
    for shift in range(2):
        lowered[leads[latin1] + shift] = 0
    return lowered, leads[~(punct | latin1)]


def tokenize(texts: Sequence[str]) -> Tokens:
    """Hash the words of every text (see `normalize.words`) in one vectorised pass."""
    parts = _encode(texts)
    lowered, starts = _buffer(parts)
    lowered, foreign = _classify(lowered)
    if len(foreign):
        # Texts with non-ASCII letters get NFKC and Unicode lower case, then a second pass.
        slow = set(np.searchsorted(starts, foreign, side="right").tolist())
        for index in slow:
            text = texts[index - 1]
            if needs_unicode_pass(text):
                parts[index - 1] = fold(strip_teaser_marker(text)).encode("utf-8", "replace")
        lowered, starts = _buffer(parts)
        lowered, _ = _classify(lowered)
    is_word = lowered != 0
    edges = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1
    word_starts, word_ends = edges[0::2], edges[1::2]
    hashes = _word_hashes(lowered, word_starts, word_ends - word_starts)
    offsets = np.searchsorted(word_starts, starts)
    return Tokens(hashes=hashes, offsets=offsets.astype(np.int64))


def _word_hashes(lowered: NDArray[np.uint8], starts: I64, lengths: I64) -> U64:
    """Each word's bytes read as little-endian 8-byte chunks, masked, combined, mixed."""
    chunks = np.ndarray((len(lowered) - _PAD + 1,), dtype="<u8", buffer=lowered.data, strides=(1,))
    hashes = chunks[starts] & _MASKS[np.minimum(lengths, 8)]
    longer = np.flatnonzero(lengths > 8)
    offset = 8
    while len(longer):
        chunk = chunks[starts[longer] + offset] & _MASKS[np.minimum(lengths[longer] - offset, 8)]
        hashes[longer] = hashes[longer] * _CHUNK_MULT + chunk
        offset += 8
        longer = longer[lengths[longer] > offset]
    return mix64(hashes)


def shingle_hashes(tokens: Tokens, size: int, seed: int) -> tuple[U64, I64]:
    """Hashes of every ``size``-word shingle of every text; a shorter text is one shingle."""
    counts = np.diff(tokens.offsets)
    total = len(tokens.hashes)
    span = max(total - size + 1, 0)
    combined = tokens.hashes[:span].copy()
    for shift in range(1, size):
        combined *= _SHINGLE_MULT
        combined += tokens.hashes[shift : span + shift]
    owner = np.repeat(np.arange(len(counts)), counts)
    valid = owner[:span] == owner[size - 1 : size - 1 + span] if span else np.zeros(0, bool)
    hashes, owners = combined[valid], owner[:span][valid]
    short = np.flatnonzero((counts > 0) & (counts < size))
    if len(short):
        extra = np.array([_fold_words(tokens.of(int(i))) for i in short], dtype=np.uint64)
        hashes = np.concatenate([hashes, extra])
        owners = np.concatenate([owners, short])
        order = np.argsort(owners, kind="stable")
        hashes, owners = hashes[order], owners[order]
    hashes ^= _seed_word(seed)
    mix64(hashes)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(counts)), out=offsets[1:])
    return hashes, offsets


def _fold_words(words: U64) -> int:
    """The shingle hash of a text shorter than a shingle (same recurrence, Python ints)."""
    value = 0
    for word in words.tolist():
        value = (value * int(_SHINGLE_MULT) + word) & 0xFFFFFFFFFFFFFFFF
    return value


def winnow(hashes: U64, offsets: I64, window: int) -> tuple[U64, I64]:
    """Winnowing: the minimum of every ``window`` consecutive shingles of each text.

    Any run of ``window`` shingles two texts share gives them a common fingerprint, so
    a short teaser is always findable from its long original. The sliding minimum takes
    log2(window) vectorised steps; repeats of the same minimum in a row are kept once.
    """
    counts = np.diff(offsets)
    owner = np.repeat(np.arange(len(counts)), counts)
    minima, span = hashes, 1
    while span * 2 <= window:
        minima = np.minimum(minima[:-span], minima[span:])
        span *= 2
    if span < window:  # a window that is not a power of two: cover the rest
        minima = np.minimum(minima[: len(minima) - (window - span)], minima[window - span :])
    full = owner[: len(minima)] == owner[window - 1 : window - 1 + len(minima)]
    values, owners = minima[full], owner[: len(minima)][full]
    short = np.flatnonzero((counts > 0) & (counts < window))
    if len(short):
        extra = np.array([hashes[offsets[i] : offsets[i + 1]].min() for i in short])
        values = np.concatenate([values, extra.astype(np.uint64)])
        owners = np.concatenate([owners, short])
        order = np.argsort(owners, kind="stable")
        values, owners = values[order], owners[order]
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])
    values, owners = values[keep], owners[keep]
    result_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(counts)), out=result_offsets[1:])
    return values, result_offsets


def minhash_matrix(hashes: U64, offsets: I64, num_perm: int, seed: int) -> NDArray[np.uint32]:
    """MinHash digests (rensa R-MinHash) of each text's shingle hashes, one row per text."""
    if len(offsets) <= 1:
        return np.zeros((0, num_perm), dtype=np.uint32)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, offsets.astype(np.uint64), num_perm, seed
    )
    count = (len(offsets) - 1) * num_perm
    # one pass over the rows' numbers (np.array of the nested lists took half again)
    flat = np.fromiter(itertools.chain.from_iterable(matrix.to_rows()), np.uint32, count)
    return flat.reshape(len(offsets) - 1, num_perm)


def exact_hashes(tokens: Tokens, seed: int) -> U64:
    """xxh64 of each text's word-hash sequence: equal iff the normalised words are equal."""
    data = memoryview(tokens.hashes.tobytes())
    bounds = (tokens.offsets * 8).tolist()  # Python ints: a numpy scalar each cost more
    digest = xxhash.xxh64_intdigest
    hashes = [
        (digest(data[start:end], seed=seed) or 1) if end > start else 0
        for start, end in itertools.pairwise(bounds)
    ]
    return np.array(hashes, dtype=np.uint64)


#: Texts signed in one vectorised pass: a few hundred keep the arrays in the CPU cache; a
#: store round's thousands at once took 1.8 times the time and four times the memory.
SIGN_BATCH = 512


def sign(texts: Sequence[str], options: DedupOptions) -> Signed:
    """Sign a batch of texts (SIGN_BATCH at a time, joined)."""
    if len(texts) <= SIGN_BATCH:
        return _sign(texts, options)
    return join_signed(
        [_sign(texts[i : i + SIGN_BATCH], options) for i in range(0, len(texts), SIGN_BATCH)]
    )


def join_signed(parts: Sequence[Signed]) -> Signed:
    """One `Signed` of several, their texts in order."""
    return Signed(
        minhash=np.concatenate([part.minhash for part in parts]),
        exact=np.concatenate([part.exact for part in parts]),
        words=np.concatenate([part.words for part in parts]),
        shingles=np.concatenate([part.shingles for part in parts]),
        shingle_offsets=_join_offsets([part.shingle_offsets for part in parts]),
        fingerprints=np.concatenate([part.fingerprints for part in parts]),
        fingerprint_offsets=_join_offsets([part.fingerprint_offsets for part in parts]),
    )


def _join_offsets(offsets: Sequence[I64]) -> I64:
    out = [np.zeros(1, dtype=np.int64)]
    end = 0
    for part in offsets:
        out.append(part[1:] + end)
        end += int(part[-1])
    return np.concatenate(out)


def _sign(texts: Sequence[str], options: DedupOptions) -> Signed:
    tokens = tokenize(texts)
    shingles, offsets = shingle_hashes(tokens, options.shingle_words, options.seed)
    fingerprints, fingerprint_offsets = winnow(shingles, offsets, options.winnow_window)
    return Signed(
        minhash=minhash_matrix(shingles, offsets, options.num_perm, options.seed),
        exact=exact_hashes(tokens, options.seed),
        words=np.diff(tokens.offsets),
        shingles=shingles,
        shingle_offsets=offsets,
        fingerprints=fingerprints,
        fingerprint_offsets=fingerprint_offsets,
    )


def sign_batches(
    texts: Iterable[str], options: DedupOptions, batch_size: int = 256
) -> Iterator[Signed]:
    """Sign texts in batches small enough for the CPU cache (a few hundred texts)."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == batch_size:
            yield sign(batch, options)
            batch = []
    if batch:
        yield sign(batch, options)


def estimated_jaccard(left: NDArray[np.uint32], right: NDArray[np.uint32]) -> float:
    """Share of equal MinHash slots: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(left == right)) / max(len(left), 1)
