"""Reprint benchmark: exact, noisy, abridged, teaser, embedded copies and same-topic decoys.

Real article bodies (aeb gold ``articleBody``, fundus-news gold paragraphs, PolNeAR texts)
are split into sources and a pool. Each source gets, at random (fixed seed), a mix of:
- exact: the same text with whitespace, quote and dash styles changed;
- noisy: OCR-like character noise on about 2% of words, plus a light edit (one sentence
  dropped, a few words replaced);
- abridged: the lead and 60-85% of the other paragraphs, in order;
- teaser: the lead (first paragraphs up to 25+ words, cut at a sentence end) + "Read more";
- embedded: the article inside a page with other text (pool paragraphs before and after);
- same_topic: a different (pool) article into which one or two sentences of the source
  are spliced: it quotes the same people and must stay apart (its own cluster);
- listing: a page of teasers (leads + marker) of this and three other sources, as one
  text: it must not chain those articles together (its own cluster).

Per kind, the subset is the copies of that kind plus their sources; we report adjusted
Rand index and pairwise precision/recall against the truth, and for teasers the share
attached to their source's cluster. The Jaccard-only MinHash LSH baseline (datasketch
MinHashLSH, same shingles, same threshold, verified by estimated Jaccard) runs on the same
set in the same run.

    .venv/bin/python bench/reprint.py --data /work/shared/data
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsmill.dedup import cluster_texts
from newsmill.dedup.batch import Text
from newsmill.dedup.cluster import Copy, UnionFind
from newsmill.dedup.normalize import shingles, words
from newsmill.options import DedupOptions

KINDS = ("exact", "noisy", "abridged", "teaser", "embedded", "same_topic", "listing")
LISTING_LEADS = 4  # teasers of this many sources on one listing page
KIND_PROBABILITY = 0.6  # each source gets each kind with this probability
NOISE_RATE = 0.02  # share of words hit by an OCR-like error in a noisy copy
OCR_CONFUSIONS = (("rn", "m"), ("m", "rn"), ("l", "1"), ("o", "0"), ("e", "c"), ("i", "l"))
TEASER_MIN_WORDS = 25
TEASER_MARKERS = ("Read more", "Continue reading", "Read more »", "Full story")
SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+")


@dataclass(slots=True)
class Doc:
    id: str
    text: str
    truth: str  # id of the story it belongs to
    kind: str  # source or one of KINDS
    partial: bool = False


# ---------------------------------------------------------------- loading real articles


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def load_articles(data: Path) -> list[list[str]]:
    """Paragraph lists of real articles, longest-first order is not imposed (file order)."""
    out: list[list[str]] = []
    aeb = data / "aeb" / "ground-truth.json"
    if aeb.exists():
        for item in json.loads(aeb.read_text(encoding="utf-8")).values():
            out.append(_paragraphs(item.get("articleBody") or ""))
    for path in sorted(glob.glob(str(data / "fundus-news" / "test_data" / "*" / "*.json"))):
        for version in json.loads(Path(path).read_text(encoding="utf-8")).values():
            body = version.get("body") or {}
            paragraphs = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                paragraphs.extend(section.get("paragraphs") or [])
            out.append([p.strip() for p in paragraphs if p.strip()])
    for path in sorted(glob.glob(str(data / "polnear" / "data" / "*" / "text" / "*.txt"))):
        out.append(_paragraphs(Path(path).read_text(encoding="utf-8", errors="replace")))
    return out


def usable(paragraphs: Sequence[str], min_words: int = 150) -> bool:
    return len(paragraphs) >= 3 and sum(len(p.split()) for p in paragraphs) >= min_words


# ---------------------------------------------------------------- making copies


def exact_copy(paragraphs: list[str], rng: random.Random) -> str:
    text = "\n".join(paragraphs)
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", " - ")
    return re.sub(r" ", lambda m: "  " if rng.random() < 0.05 else " ", text)


def _ocr_word(word: str, rng: random.Random) -> str:
    for old, new in rng.sample(OCR_CONFUSIONS, len(OCR_CONFUSIONS)):
        if old in word:
            return word.replace(old, new, 1)
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1 :]  # a dropped character
    return word


def noisy_copy(paragraphs: list[str], rng: random.Random) -> str:
    out = []
    for paragraph in paragraphs:
        tokens = paragraph.split(" ")
        tokens = [_ocr_word(t, rng) if rng.random() < NOISE_RATE else t for t in tokens]
        out.append(" ".join(tokens))
    sentences = [SENTENCE_END.split(p) for p in out]
    long_ones = [i for i, s in enumerate(sentences) if len(s) > 2]
    if long_ones:  # light edit: one sentence dropped
        i = rng.choice(long_ones)
        del sentences[i][rng.randrange(len(sentences[i]))]
    return "\n".join(" ".join(s) for s in sentences)


def abridged_copy(paragraphs: list[str], rng: random.Random) -> str:
    keep = rng.uniform(0.6, 0.85)
    rest = [p for p in paragraphs[1:] if rng.random() < keep] or paragraphs[1:2]
    return "\n".join([paragraphs[0], *rest])


def teaser_copy(paragraphs: list[str], rng: random.Random) -> str:
    lead: list[str] = []
    for paragraph in paragraphs:
        for sentence in SENTENCE_END.split(paragraph):
            lead.append(sentence)
            if sum(len(s.split()) for s in lead) >= TEASER_MIN_WORDS:
                return " ".join(lead) + " " + rng.choice(TEASER_MARKERS)
    return " ".join(lead) + " " + rng.choice(TEASER_MARKERS)


def embedded_copy(paragraphs: list[str], filler: list[str], rng: random.Random) -> str:
    before = rng.randint(1, 4)
    return "\n".join([*filler[:before], *paragraphs, *filler[before:]])


def same_topic(paragraphs: list[str], other: list[str], rng: random.Random) -> str:
    sentences = [s for p in paragraphs for s in SENTENCE_END.split(p) if len(s.split()) >= 8]
    quoted = rng.sample(sentences, min(len(sentences), rng.randint(1, 2)))
    out = list(other)
    for sentence in quoted:
        out.insert(rng.randrange(len(out) + 1), sentence)
    return "\n".join(out)


def distinct(articles: list[list[str]], min_words: int = 20) -> list[list[str]]:
    """Drop articles sharing a long paragraph with an earlier one: the data has a few
    reprints of its own (fundus versions, wire stories), which would blur the truth."""
    seen: set[str] = set()
    out = []
    for article in articles:
        keys = {" ".join(words(p)) for p in article if len(p.split()) >= min_words}
        if keys & seen:
            continue
        seen |= keys
        out.append(article)
    return out


def make_set(articles: list[list[str]], seed: int, sources: int | None = None) -> list[Doc]:
    """Sources with their copies and decoys; deterministic for a seed."""
    rng = random.Random(seed)
    articles = distinct([a for a in articles if usable(a)])
    rng.shuffle(articles)
    n_sources = sources or len(articles) // 2
    chosen, pool = articles[:n_sources], articles[n_sources:]
    filler = [p for article in pool[: len(pool) // 2] for p in article if len(p.split()) >= 8]
    rng.shuffle(filler)
    decoys = pool[len(pool) // 2 :]
    docs: list[Doc] = []
    listings: list[set[int]] = []
    for number, paragraphs in enumerate(chosen):
        story = f"s{number}"
        docs.append(Doc(story, "\n".join(paragraphs), story, "source"))
        for kind in KINDS:
            if rng.random() >= KIND_PROBABILITY:
                continue
            copy_id = f"{story}-{kind}"
            if kind == "exact":
                docs.append(Doc(copy_id, exact_copy(paragraphs, rng), story, kind))
            elif kind == "noisy":
                docs.append(Doc(copy_id, noisy_copy(paragraphs, rng), story, kind))
            elif kind == "abridged":
                docs.append(Doc(copy_id, abridged_copy(paragraphs, rng), story, kind, True))
            elif kind == "teaser":
                docs.append(Doc(copy_id, teaser_copy(paragraphs, rng), story, kind, True))
            elif kind == "embedded" and len(filler) >= 6:
                take, filler = filler[: rng.randint(3, 6)], filler[6:]
                docs.append(Doc(copy_id, embedded_copy(paragraphs, take, rng), story, kind))
            elif kind == "same_topic" and decoys:
                other = decoys.pop()
                docs.append(Doc(copy_id, same_topic(paragraphs, other, rng), copy_id, kind))
            elif kind == "listing" and len(chosen) > LISTING_LEADS:
                listed = _listing(number, len(chosen), listings, rng)
                if listed is None:
                    continue
                listings.append(listed)
                leads = [chosen[i] for i in listed]
                rng.shuffle(leads)
                page = "\n".join(teaser_copy(p, rng) for p in leads)
                docs.append(Doc(copy_id, page, copy_id, kind))
    return docs


def _listing(
    number: int, sources: int, listings: list[set[int]], rng: random.Random
) -> set[int] | None:
    """Sources listed on a new listing page (this one and others), sharing at most one
    source with any earlier listing: two pages listing the same articles would be real
    near copies of each other."""
    for _ in range(20):
        listed = {number, *rng.sample(range(sources), LISTING_LEADS - 1)}
        if len(listed) == LISTING_LEADS and all(len(listed & old) <= 1 for old in listings):
            return listed
    return None


# ---------------------------------------------------------------- scoring


def pair_counts(truth: Sequence[str], predicted: Sequence[str]) -> tuple[int, int, int, int]:
    """(true positive, false positive, false negative, all) pairs."""

    def pairs(labels: Sequence[str]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    both = pairs([f"{t}\0{p}" for t, p in zip(truth, predicted, strict=True)])
    same_truth, same_pred = pairs(truth), pairs(predicted)
    n = len(truth)
    return both, same_pred - both, same_truth - both, n * (n - 1) // 2


def ari(truth: Sequence[str], predicted: Sequence[str]) -> float:
    tp, fp, fn, total = pair_counts(truth, predicted)
    same_truth, same_pred = tp + fn, tp + fp
    expected = same_truth * same_pred / total if total else 0.0
    best = (same_truth + same_pred) / 2
    if best == expected:
        return 1.0
    return (tp - expected) / (best - expected)


@dataclass(slots=True)
class Score:
    kind: str
    docs: int
    ari: float
    precision: float
    recall: float
    attach: float | None = None  # teasers: share in their source's cluster


def score(docs: list[Doc], predicted: dict[str, str]) -> list[Score]:
    by_kind: dict[str, list[Doc]] = defaultdict(list)
    sources = {d.id: d for d in docs if d.kind == "source"}
    for doc in docs:
        if doc.kind != "source":
            by_kind[doc.kind].append(doc)
    out = []
    for kind in [*KINDS, "all"]:
        copies = docs if kind == "all" else by_kind.get(kind, [])
        if not copies:
            continue
        subset = {d.id: d for d in copies}
        for doc in copies:
            source = doc.id.rsplit("-", 1)[0] if doc.kind != "source" else doc.id
            subset.setdefault(source, sources[source])
        members = list(subset.values())
        truth = [d.truth for d in members]
        labels = [predicted[d.id] for d in members]
        tp, fp, fn, _ = pair_counts(truth, labels)
        attach = None
        if kind == "teaser":
            hits = sum(predicted[d.id] == predicted[d.truth] for d in copies)
            attach = hits / len(copies)
        out.append(
            Score(
                kind,
                len(copies),
                ari(truth, labels),
                tp / (tp + fp) if tp + fp else 1.0,
                tp / (tp + fn) if tp + fn else 1.0,
                attach,
            )
        )
    return out


# ---------------------------------------------------------------- systems


def run_newsmill(docs: list[Doc], options: DedupOptions) -> dict[str, str]:
    texts = [
        Text(
            Copy(
                id=d.id,
                rank=i,
                partial=d.partial,
                has_title=not d.partial,
                has_authors=False,
                paragraphs=d.text.count("\n") + 1,
                words=len(d.text.split()),
            ),
            d.text,
        )
        for i, d in enumerate(docs)
    ]
    members, _, _ = cluster_texts(texts, options)
    return {m.article: m.cluster for m in members}


def run_store(docs: list[Doc], options: DedupOptions, rounds: int = 4) -> dict[str, str]:
    """The same set through the store: docs written as pages in ``rounds`` ingests, each
    followed by an incremental `update_clusters`."""
    import tempfile

    from newsmill.dedup import update_clusters
    from newsmill.model import Article, Page, Part, Segmented
    from newsmill.store import write
    from newsmill.store.db import connect

    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "reprint.db")
        step = -(-len(docs) // rounds)
        for start in range(0, len(docs), step):
            for doc in docs[start : start + step]:
                page = Page(sha256=doc.id, source=doc.id, text=doc.text, kind="text", site="b")
                stored = write.store_page(db, page, [])
                paragraphs = doc.text.split("\n")
                parts = [Part("body", i + 1, i + 1, 0, len(p), p) for i, p in enumerate(paragraphs)]
                title = None if doc.partial else doc.id
                article = Article(doc.id, doc.id, 0, parts, title=title, partial=doc.partial)
                if stored is not None:
                    write.write_segmented(db, stored.id, Segmented(page, [], [article]))
            update_clusters(db, None, options)
        rows = db.execute("SELECT article_id, cluster FROM article_clusters").fetchall()
        db.close()
    return {article_id: cluster for article_id, cluster in rows}


def run_datasketch(docs: list[Doc], options: DedupOptions) -> dict[str, str]:
    """Jaccard-only MinHash LSH: datasketch MinHashLSH on the same word shingles."""
    from datasketch import MinHash, MinHashLSH  # benchmark-only dependency

    lsh = MinHashLSH(threshold=options.jaccard_threshold, num_perm=options.num_perm)
    hashes = {}
    for doc in docs:
        minhash = MinHash(num_perm=options.num_perm, seed=options.seed)
        minhash.update_batch(
            [" ".join(s).encode() for s in shingles(words(doc.text), options.shingle_words)]
        )
        hashes[doc.id] = minhash
        lsh.insert(doc.id, minhash)
    uf = UnionFind()
    for i, doc in enumerate(docs):
        uf.add(doc.id, i)
    for doc in docs:
        for other in lsh.query(hashes[doc.id]):
            if (
                other != doc.id
                and hashes[doc.id].jaccard(hashes[other]) >= options.jaccard_threshold
            ):
                uf.union(doc.id, other)
    return {doc.id: uf.find(doc.id) for doc in docs}


def print_table(rows: list[tuple[str, Score]]) -> None:
    print(f"{'system':<26} {'kind':<11} {'docs':>6} {'ARI':>7} {'P':>7} {'R':>7} {'attach':>7}")
    for system, s in rows:
        attach = f"{s.attach:.3f}" if s.attach is not None else ""
        print(
            f"{system:<26} {s.kind:<11} {s.docs:>6} {s.ari:>7.3f} {s.precision:>7.3f} "
            f"{s.recall:>7.3f} {attach:>7}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="shared data folder")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--sources", type=int, default=None, help="sources to use (default half)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--store", action="store_true", help="also run through the SQLite store, incrementally"
    )
    args = parser.parse_args(argv)
    articles = load_articles(args.data)
    docs = make_set(articles, args.seed, args.sources)
    kinds = Counter(d.kind for d in docs)
    print(f"{len(articles)} articles loaded; set of {len(docs)} docs: {dict(kinds)}")
    options = DedupOptions()
    started = time.perf_counter()
    ours = run_newsmill(docs, options)
    took = time.perf_counter() - started
    rows = [(f"newsmill ({took:.1f}s)", s) for s in score(docs, ours)]
    if args.store:
        started = time.perf_counter()
        stored = run_store(docs, options)
        took = time.perf_counter() - started
        rows += [(f"newsmill store x4 ({took:.1f}s)", s) for s in score(docs, stored)]
    if not args.no_baseline:
        started = time.perf_counter()
        base = run_datasketch(docs, options)
        took = time.perf_counter() - started
        rows += [(f"datasketch LSH ({took:.1f}s)", s) for s in score(docs, base)]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
