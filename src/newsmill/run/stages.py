"""The pipeline's stages as plain functions over records: no files, no executors.

Each function takes records (or arrays) and returns or yields records; `run.tasks` feeds
them one shard at a time from the dataset folder, and any executor runs those tasks.

- read: input files -> pages and skips
- chrome keys and counts: pages -> (site, key) repetition keys -> counts per key
- segment: a page and its site's counts -> lines and articles
- signatures: articles -> MinHash signatures and LSH band keys (dedup's own functions)
- candidates and clusters: band buckets -> candidate pairs -> accepted links -> clusters
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

from newsmill.dedup.batch import Text, fingerprint_pairs, link_pairs, merge_signed, text_of
from newsmill.dedup.cluster import Link, Membership, memberships
from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.signatures import Signed, sign
from newsmill.dedup.stats import DedupStats
from newsmill.enrich.extract import Findings, find_in_articles
from newsmill.enrich.figures import extract_figures
from newsmill.model import Article, Figure, Page, Segmented, Skip
from newsmill.options import DedupOptions, Options, SegmentOptions
from newsmill.read import read_file
from newsmill.segment import page_keys, segment_page
from newsmill.segment.lines import split_lines

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

__all__ = ["Signed", "Text"]  # dedup types the tasks use, re-exported

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
# shard, candidate pairs per hash partition of band keys and fingerprints, then checking,
# accepting and union-find in one task.


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


def cluster_pairs(
    texts: Sequence[Text], signed: Signed, pairs: NDArray[np.int64], options: DedupOptions
) -> Clusters:
    """From candidate pairs (indexes into ``texts``) to clusters of two or more copies.

    The same linking as `dedup.batch.cluster_texts` (`link_pairs`). Articles in no
    accepted link are clusters of one and are not listed.
    """
    out = Clusters()
    sets, accepted = link_pairs(texts, signed, pairs, options, out.stats)
    out.links = accepted
    copies = {t.copy.id: t.copy for t in texts}
    groups = [g for g in sets.groups().items() if len(g[1]) > 1]
    for root, members in sorted(groups, key=lambda g: copies[g[0]].rank):
        member_set = set(members)
        group_links = [link for link in accepted if link.article in member_set]
        group = sorted((copies[m] for m in members), key=lambda c: c.rank)
        found_members = memberships(root, group, group_links)
        canonical = next(m.article for m in found_members if m.canonical)
        out.clusters.append((root, canonical, len(group)))
        out.members.extend(found_members)
    out.stats.clusters = len(out.clusters)
    return out


# --- enrich ----------------------------------------------------------------------------


def enrich_articles(
    nlp: Language, articles: Sequence[Article], page_texts: Mapping[str, str]
) -> Iterator[tuple[Findings, list[Figure]]]:
    """Entities and quotes (spaCy) and figures (rules) of each article."""
    for found in find_in_articles(nlp, articles):
        article = found.article
        yield found, extract_figures(article, page_texts[article.page_sha256])
