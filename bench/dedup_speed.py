r"""Dedup stage speed and memory: signatures plus LSH for N synthetic ~600-word texts.

Texts are generated on the fly (Zipf-distributed vocabulary of made-up words, curly
quotes and dashes, paragraphs; 1% are noisy copies of an earlier text, so LSH has real
pairs to find). Generation time is not counted. For newsmill the timed part is: the
normalising tokenizer, shingle hashing, MinHash (rensa), exact hash, winnowed
fingerprints, LSH band keys (streamed, batch by batch), then candidate pairs from the
band keys of all N texts and their check by estimated Jaccard. Containment look-ups
(fingerprint index) are not in this figure.

datasketch (``re.findall(r"\w+")`` tokens, MinHash.update_batch on 5-word shingles,
MinHashLSH query and insert) runs on the first ``--peer-n`` texts in the same run; its
rate is extrapolated to N.
Peak RSS is ``ru_maxrss`` of this process: measured after our run, then again after
datasketch's.

    .venv/bin/python bench/dedup_speed.py --n 100000
    .venv/bin/python bench/dedup_speed.py            # 1,000,000 texts
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from collections.abc import Iterator
from multiprocessing import Pool

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.normalize import shingles
from newsmill.dedup.signatures import sign
from newsmill.options import DedupOptions

WORDS_PER_TEXT = 600
VOCABULARY = 50_000
DUPLICATE_SHARE = 0.01
BATCH = 256
PUNCTUATION = (",", ".", "’s", "”", " “", " —")
TOKEN = re.compile(r"\w+")  # the usual tokenizer in front of datasketch


def vocabulary(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(2, 11, size=VOCABULARY)
    return ["".join(rng.choice(letters, size=n)) for n in lengths]


def make_batch(vocab: list[str], start: int, size: int, seed: int) -> list[str]:
    """Texts start .. start+size; a few are noisy copies of the text just before them."""
    rng = np.random.default_rng(seed + start)
    ranks = np.minimum(rng.zipf(1.2, size=(size, WORDS_PER_TEXT)), VOCABULARY) - 1
    out: list[str] = []
    for row in ranks:
        tokens = [vocab[i] for i in row]
        for j in range(7, WORDS_PER_TEXT, 11):
            tokens[j] += PUNCTUATION[j % len(PUNCTUATION)]
        for j in range(100, WORDS_PER_TEXT, 100):
            tokens[j] += "\n"
        if out and rng.random() < DUPLICATE_SHARE:
            tokens = out[-1].split(" ")
            for j in rng.integers(0, len(tokens), size=10):
                tokens[j] = vocab[int(rng.integers(VOCABULARY))]
        out.append(" ".join(tokens))
    return out


def batches(n: int, seed: int) -> Iterator[list[str]]:
    vocab = vocabulary(seed)
    for start in range(0, n, BATCH):
        yield make_batch(vocab, start, min(BATCH, n - start), seed)


def _sign_batch(texts: list[str]) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    options = DedupOptions()
    signed = sign(texts, options)
    return signed.minhash, band_keys(signed.minhash, options.bands)


def _worker_task(
    task: tuple[int, int, int],
) -> tuple[int, NDArray[np.uint32], NDArray[np.int64], float, float]:
    """Generate (untimed) and sign (timed) one batch in a worker process."""
    start, size, seed = task
    texts = make_batch(_VOCAB[seed], start, size, seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    sig, key = _sign_batch(texts)
    return start, sig, key, time.perf_counter() - started, time.process_time() - cpu_started


_VOCAB: dict[int, list[str]] = {}


def _init_worker(seed: int) -> None:
    _VOCAB[seed] = vocabulary(seed)


def run_newsmill(n: int, seed: int, workers: int) -> dict[str, float]:
    """With several workers, each generates its batches (untimed) and signs them (timed);
    the signing time is the summed worker signing time divided by the workers, i.e. the
    wall time if the texts were ready to read (as they are from the store)."""
    options = DedupOptions()
    minhash = np.zeros((n, options.num_perm), dtype=np.uint32)
    keys = np.zeros((n, options.bands), dtype=np.int64)
    timed = cpu = 0.0
    filled = 0
    if workers > 1:
        tasks = [(start, min(BATCH, n - start), seed) for start in range(0, n, BATCH)]
        with Pool(workers, initializer=_init_worker, initargs=(seed,)) as pool:
            for start, sig, key, seconds, cpu_seconds in pool.imap_unordered(
                _worker_task, tasks, chunksize=8
            ):
                minhash[start : start + len(sig)] = sig
                keys[start : start + len(sig)] = key
                timed += seconds / workers
                cpu += cpu_seconds
    else:
        for texts in batches(n, seed):
            started, cpu_started = time.perf_counter(), time.process_time()
            sig, key = _sign_batch(texts)
            timed += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            minhash[filled : filled + len(sig)] = sig
            keys[filled : filled + len(sig)] = key
            filled += len(sig)
    sign_time = timed
    started, cpu_started = time.perf_counter(), time.process_time()
    pairs = candidate_pairs(keys)
    del keys
    same = (minhash[pairs[:, 0]] == minhash[pairs[:, 1]]).mean(axis=1) if len(pairs) else []
    near = int(np.count_nonzero(np.asarray(same) >= options.jaccard_threshold))
    lsh_time = time.perf_counter() - started
    cpu += time.process_time() - cpu_started
    total = sign_time + lsh_time
    return {
        "n": n,
        "sign_s": sign_time,
        "lsh_s": lsh_time,
        "rate": n / total,
        "cpu_rate": n / cpu,
        "pairs": len(pairs),
        "near": near,
        "rss_gb": peak_rss_gb(),
    }


def run_datasketch(n: int, seed: int) -> dict[str, float]:
    from datasketch import MinHash, MinHashLSH  # benchmark-only dependency

    options = DedupOptions()
    lsh = MinHashLSH(threshold=options.jaccard_threshold, num_perm=options.num_perm)
    timed = cpu = 0.0
    found = 0
    done = 0
    for texts in batches(n, seed):
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            minhash = MinHash(num_perm=options.num_perm, seed=options.seed)
            tokens = TOKEN.findall(text.lower())
            minhash.update_batch(
                [" ".join(s).encode() for s in shingles(tokens, options.shingle_words)]
            )
            found += len(lsh.query(minhash)) > 0
            lsh.insert(done, minhash)
            done += 1
        timed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    return {
        "n": n,
        "rate": n / timed,
        "cpu_rate": n / cpu,
        "found": found,
        "rss_gb": peak_rss_gb(),
    }


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description="dedup stage speed and memory")
    parser.add_argument("--n", type=int, default=1_000_000, help="texts for newsmill")
    parser.add_argument("--peer-n", type=int, default=20_000, help="texts for datasketch")
    parser.add_argument("--workers", type=int, default=1, help="processes for signing")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    ours = run_newsmill(args.n, args.seed, args.workers)
    peer = run_datasketch(min(args.peer_n, args.n), args.seed)
    print(
        f"texts: {args.n:,} synthetic, {WORDS_PER_TEXT} words each; signing workers "
        f"{args.workers}; load average {load_before:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end ({os.cpu_count()} cores)"
    )
    print(
        f"{'system':<32} {'texts':>10} {'texts/s':>9} {'per CPU-s':>10} "
        f"{'time for N':>11} {'peak RSS':>9}"
    )
    for name, row in (
        ("newsmill (sign + LSH + check)", ours),
        ("datasketch (extrapolated to N)", peer),
    ):
        print(
            f"{name:<32} {row['n']:>10,} {row['rate']:>9,.0f} {row['cpu_rate']:>10,.0f} "
            f"{args.n / row['rate']:>10,.0f}s {row['rss_gb']:>8.2f}G"
        )
    print(
        f"newsmill: signing {ours['sign_s']:.1f}s, LSH pairs + check {ours['lsh_s']:.1f}s, "
        f"{ours['pairs']:,} candidate pairs, {ours['near']:,} near duplicates "
        f"(~{int(args.n * DUPLICATE_SHARE):,} planted)"
    )
    print("peak RSS is the process's: datasketch's row includes newsmill's arrays before it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
