"""Clustering a batch of texts in memory (no store): for `model.Article` lists and benchmarks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.cluster import Copy, Link, Membership, UnionFind, memberships
from newsmill.dedup.links import Checked, Sketch, accept, check_pairs, is_listing, sketches
from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.signatures import Signed, sign
from newsmill.dedup.stats import DedupStats
from newsmill.model import Article
from newsmill.options import DedupOptions


@dataclass(slots=True)
class Text:
    """One text to cluster, with what decides the canonical copy."""

    copy: Copy
    text: str


def text_of(article: Article, rank: int) -> Text:
    paragraphs = article.paragraphs
    return Text(
        copy=Copy(
            id=article.id,
            rank=rank,
            partial=article.partial,
            has_title=bool(article.title),
            has_authors=bool(article.authors),
            paragraphs=len(paragraphs),
            words=sum(len(p.split()) for p in paragraphs),
        ),
        text=article.body,
    )


def fingerprint_pairs(
    fingerprints: NDArray[np.uint64], offsets: NDArray[np.int64], max_postings: int
) -> NDArray[np.int64]:
    """(i, j) pairs of texts sharing a winnowed fingerprint (boilerplate ones skipped)."""
    owner = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    keys = np.stack([fingerprints.view(np.int64), owner], axis=1)
    keys = np.unique(keys, axis=0)  # one posting per (fingerprint, text)
    cuts = np.flatnonzero(np.diff(keys[:, 0])) + 1
    starts = np.concatenate(([0], cuts))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    found: list[NDArray[np.int64]] = []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_postings)]):
        members = keys[starts[sizes == size][:, None] + np.arange(size), 1]
        left, right = np.triu_indices(size, k=1)
        found.append(np.stack([members[:, left].ravel(), members[:, right].ravel()], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


def merge_signed(parts: list[Signed]) -> Signed:
    def flat(name: str, offsets: str) -> tuple[NDArray[Any], NDArray[np.int64]]:
        values = np.concatenate([getattr(p, name) for p in parts])
        counts = np.concatenate([np.diff(getattr(p, offsets)) for p in parts])
        out = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=out[1:])
        return values, out

    shingles, shingle_offsets = flat("shingles", "shingle_offsets")
    fingerprints, fingerprint_offsets = flat("fingerprints", "fingerprint_offsets")
    return Signed(
        minhash=np.concatenate([p.minhash for p in parts]),
        exact=np.concatenate([p.exact for p in parts]),
        words=np.concatenate([p.words for p in parts]),
        shingles=shingles,
        shingle_offsets=shingle_offsets,
        fingerprints=fingerprints,
        fingerprint_offsets=fingerprint_offsets,
    )


def cluster_texts(
    texts: Sequence[Text], options: DedupOptions, batch_size: int = 256
) -> tuple[list[Membership], list[Link], DedupStats]:
    """Cluster texts in memory; returns every text's membership and the accepted links."""
    stats = DedupStats(articles=len(texts))
    parts = [
        sign([t.text for t in texts[i : i + batch_size]], options)
        for i in range(0, len(texts), batch_size)
    ]
    if not parts:
        return [], [], stats
    signed = merge_signed(parts)
    stats.signed = len(texts)
    pairs = np.concatenate(
        [
            candidate_pairs(band_keys(signed.minhash, options.bands), options.max_postings),
            fingerprint_pairs(
                signed.fingerprints, signed.fingerprint_offsets, options.max_postings
            ),
        ]
    )
    pairs = np.unique(pairs, axis=0) if len(pairs) else pairs
    uf, accepted = link_pairs(texts, signed, pairs, options, stats)
    by_id = {t.copy.id: t.copy for t in texts}
    links = links_by_root(uf, accepted)
    out: list[Membership] = []
    for root, members in uf.groups().items():
        out.extend(memberships(root, [by_id[m] for m in members], links[root]))
    stats.clusters = len(uf.groups())
    return out, accepted, stats


def links_by_root(uf: UnionFind, links: Iterable[Link]) -> dict[str, list[Link]]:
    """Accepted links by the root of their cluster, in order (one pass, not one per
    cluster)."""
    out: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        out[uf.find(link.article)].append(link)
    return out


def link_pairs(
    texts: Sequence[Text],
    signed: Signed,
    pairs: NDArray[np.int64],
    options: DedupOptions,
    stats: DedupStats,
) -> tuple[UnionFind, list[Link]]:
    """From candidate pairs (indexes into ``texts``) to accepted links and the union-find
    over them: check each pair, tell listing pages apart, accept links (counted in
    ``stats``). Shared by the in-memory clustering and the distributed one, which runs
    the same three steps (`check_links`, `listing_parents`, `accept_links`) apart."""
    ids = [t.copy.id for t in texts]
    found = sketches(ids, signed)
    checked = check_links(ids, found, pairs, options)
    listing = listing_parents({link.parent for link in checked.partial}, ids, found, pairs)
    return accept_links(checked, [t.copy for t in texts], found, listing, options, stats)


def check_links(
    ids: Sequence[str], found: Mapping[str, Sketch], pairs: NDArray[np.int64], options: DedupOptions
) -> Checked:
    """Check each candidate pair (indexes into ``ids``), in order: exact, near or partial."""
    return check_pairs(((ids[i], ids[j]) for i, j in pairs.tolist()), found, options)


def listing_parents(
    parents: Iterable[str],
    ids: Sequence[str],
    found: Mapping[str, Sketch],
    pairs: NDArray[np.int64],
) -> set[str]:
    """Which of these containers are listing pages, judged against every text they are a
    candidate pair with (``pairs``, sorted, must hold all of each parent's pairs)."""
    wanted = set(parents)
    partners: dict[str, list[str]] = defaultdict(list)
    for i, j in pairs.tolist():
        if ids[i] in wanted:
            partners[ids[i]].append(ids[j])
        if ids[j] in wanted:
            partners[ids[j]].append(ids[i])
    return {
        parent
        for parent in wanted
        if is_listing(found[parent], [found[p] for p in partners[parent]])
    }


def accept_links(
    checked: Checked,
    copies: Iterable[Copy],
    found: Mapping[str, Sketch],
    listing: set[str],
    options: DedupOptions,
    stats: DedupStats,
) -> tuple[UnionFind, list[Link]]:
    """Accept checked links into a union-find over ``copies`` (every text in a checked
    link must be one); ``found`` needs only the sketches of texts in partial links."""
    uf = UnionFind()
    for copy in copies:
        uf.add(copy.id, copy.rank)
    accepted, refused = accept(checked, uf, found, {}, options, listing)
    stats.count_links(accepted, refused, checked.pairs)
    return uf, accepted


def cluster_articles(
    articles: Sequence[Article], options: DedupOptions
) -> tuple[list[Membership], DedupStats]:
    """Cluster `model.Article` records in memory (rank = position in the list)."""
    members, _, stats = cluster_texts([text_of(a, i) for i, a in enumerate(articles)], options)
    return members, stats
