"""The pipeline's stages as plain functions over records: no files, no executors.

Each function takes records (or arrays) and returns or yields records; `run.tasks` feeds
them one shard at a time from the dataset folder, and any executor runs those tasks.

- read: input files -> pages and skips
- chrome keys and counts: pages -> (site, key) repetition keys -> counts per key
- segment: a page and its site's counts -> lines and articles
- signatures: articles -> MinHash signatures and LSH band keys (dedup's own functions)
- candidates, check and clusters: band buckets -> candidate pairs -> checked links per
  partition -> accepted links -> clusters
- enrich: articles -> entity mentions, quotes and figures (enrich's own functions)
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.batch import (
    Text,
    accept_links,
    check_links,
    fingerprint_pairs,
    links_by_root,
    listing_parents,
    merge_signed,
    text_of,
)
from newsmill.dedup.cluster import Copy, Link, Membership, UnionFind, memberships
from newsmill.dedup.links import Checked, Sketch, sketches
from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.signatures import Signed, sign
from newsmill.dedup.stats import DedupStats
from newsmill.enrich.extract import Findings, find_in_articles
from newsmill.model import Article, Page, Segmented, Skip
from newsmill.options import DedupOptions, Options, SegmentOptions
from newsmill.read import read_file
from newsmill.segment import page_keys, segment_page
from newsmill.segment.lines import split_lines

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

__all__ = ["Checked", "Copy", "Signed", "Sketch", "Text"]  # dedup types the tasks use, re-exported

#: A hook a test uses to make one page fail (see `run.faults`); None in normal runs.
PageCheck = Callable[[str, Page], None]


def _no_check(stage: str, page: Page) -> None:
    return None


# --- read ------------------------------------------------------------------------------


def read_pages(files: Iterable[str], options: Options) -> Iterator[Page | Skip]:
    """Every page of the given input files, and a Skip for every bad input."""
    for path in files:
        yield from read_file(path, options.read)


# --- chrome counts ---------------------------------------------------------------------


def chrome_keys(page: Page, options: SegmentOptions) -> set[int]:
    """The site-chrome repetition keys one page contributes (each once per page)."""
    return page_keys(split_lines(page.text), options.chrome_max_words)


def count_keys(rows: Iterable[tuple[str, int]], min_pages: int) -> Counter[tuple[str, int]]:
    """Pages per (site, key), keeping only keys on at least ``min_pages`` pages.

    Keys on fewer pages never make a line chrome, so dropping them changes no result and
    keeps the counts small.
    """
    counts = Counter(rows)
    return Counter({key: n for key, n in counts.items() if n >= min_pages})


# --- segment ---------------------------------------------------------------------------


def segment_pages(
    pages: Iterable[Page],
    site_counts: Callable[[Page], Mapping[int, int]],
    options: SegmentOptions,
    check: PageCheck = _no_check,
) -> Iterator[Segmented | Skip]:
    """Segment each page with its site's counts; a page that fails becomes a Skip."""
    for page in pages:
        try:
            check("segment", page)
            yield segment_page(page, site_counts(page), options)
        except Exception as e:  # one bad page must never stop a shard: record it, go on
            log.exception("segmenting %s failed", page.source)
            yield Skip(page.source, "segment_error", f"{type(e).__name__}: {e}")


# --- signatures and clusters ----------------------------------------------------------
#
# Dedup's own functions, cut where the data must move between workers: signatures per
# shard, candidate pairs per hash partition of band keys and fingerprints, pair checks
# per hash partition of the texts, then accepting and union-find (small: links only) in
# one task.


@dataclass(slots=True)
class SignedShard:
    """Signatures of one shard's articles, in order, and their LSH band keys."""

    texts: list[Text]
    signed: Signed
    bands: NDArray[np.int64]  # (n, bands)


def dedup_text(article: Article, rank: int) -> Text:
    """What dedup judges an article on: its body, and what makes a copy canonical."""
    return text_of(article, rank)


def sign_texts(texts: Sequence[Text], options: DedupOptions) -> SignedShard:
    signed = sign([t.text for t in texts], options)
    return SignedShard(list(texts), signed, band_keys(signed.minhash, options.bands))


def bucket_pairs(keys: NDArray[np.int64], max_bucket: int) -> NDArray[np.int64]:
    """Pairs (i, j), i < j, of rows of a flat band-key column that share a key."""
    return candidate_pairs(keys.reshape(-1, 1), max_bucket)


def posting_pairs(
    fingerprints: NDArray[np.uint64], owners: NDArray[np.int64], max_postings: int
) -> NDArray[np.int64]:
    """Pairs of owners sharing a fingerprint; ``owners`` must be sorted."""
    if len(owners) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    unique, first = np.unique(owners, return_index=True)
    offsets = np.append(first, len(owners)).astype(np.int64)
    pairs = fingerprint_pairs(fingerprints, offsets, max_postings)
    return unique[pairs] if len(pairs) else pairs


@dataclass(slots=True)
class Clusters:
    clusters: list[tuple[str, str, int]] = field(default_factory=list)  # id, canonical, size
    members: list[Membership] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    stats: DedupStats = field(default_factory=DedupStats)


def sign_candidates(texts: Sequence[Text], options: DedupOptions, batch_size: int = 256) -> Signed:
    """Signatures of the articles that are in a candidate pair, in batches like dedup's."""
    parts = [
        sign([t.text for t in texts[i : i + batch_size]], options)
        for i in range(0, len(texts), batch_size)
    ]
    return merge_signed(parts)


@dataclass(slots=True)
class CheckedPart:
    """One partition's share of the pair checking (see `check_partition`)."""

    checked: Checked  # the links of the pairs this partition owns, in pair order
    listing: set[str]  # its containers that are listing pages
    sketches: dict[str, Sketch]  # of every text it read


def check_partition(
    texts: Sequence[Text],
    pairs: NDArray[np.int64],
    owned: NDArray[np.bool_],
    local: NDArray[np.bool_],
    options: DedupOptions,
) -> CheckedPart:
    """Sign the texts again and check the candidate pairs of one partition of them.

    ``pairs`` (indexes into ``texts``, sorted) are every pair with a text of this
    partition (``local``) on either side, so that each container here is judged against
    all its partners (`listing_parents`); only the ``owned`` pairs (those whose first
    text is local) are checked for links, so every pair is checked once over all
    partitions.
    """
    if not texts:
        return CheckedPart(Checked(), set(), {})
    ids = [t.copy.id for t in texts]
    found = sketches(ids, sign_candidates(texts, options))
    for sketch in found.values():
        sketch.lead = sketch.lead.copy()  # a view keeps all the texts' shingles in memory
    checked = check_links(ids, found, pairs[owned], options)
    others = check_links(ids, found, pairs[~owned], options)
    mine = {ids[i] for i in np.flatnonzero(local).tolist()}
    parents = {link.parent for link in [*checked.partial, *others.partial]} & mine
    return CheckedPart(checked, listing_parents(parents, ids, found, pairs), found)


def cluster_checked(
    checked: Checked,
    copies: Mapping[str, Copy],
    found: Mapping[str, Sketch],
    listing: set[str],
    options: DedupOptions,
) -> Clusters:
    """Clusters of two or more copies from pairs checked apart (`check_partition`), the
    same as `dedup.batch.cluster_texts` finds: ``copies`` of every text in a checked link,
    ``found`` sketches of those in partial links. Articles in no accepted link are
    clusters of one and are not listed."""
    stats = DedupStats()
    sets, accepted = accept_links(checked, copies.values(), found, listing, options, stats)
    return clusters_of(copies, sets, accepted, stats)


def clusters_of(
    copies: Mapping[str, Copy], sets: UnionFind, accepted: list[Link], stats: DedupStats
) -> Clusters:
    """The groups of two or more copies, in the order of their roots, with memberships."""
    out = Clusters(links=accepted, stats=stats)
    groups = [g for g in sets.groups().items() if len(g[1]) > 1]
    links = links_by_root(sets, accepted)
    for root, members in sorted(groups, key=lambda g: copies[g[0]].rank):
        group = sorted((copies[m] for m in members), key=lambda c: c.rank)
        found_members = memberships(root, group, links[root])
        canonical = next(m.article for m in found_members if m.canonical)
        out.clusters.append((root, canonical, len(group)))
        out.members.extend(found_members)
    out.stats.clusters = len(out.clusters)
    return out


# --- enrich ----------------------------------------------------------------------------


def enrich_articles(nlp: Language, articles: Sequence[Article]) -> Iterator[Findings]:
    """Entities and quotes (spaCy) and figures (rules) of each article, in this process
    (the executor already runs one task per worker)."""
    return find_in_articles(nlp, articles, figures=True)
