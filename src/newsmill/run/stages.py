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

from newsmill.dedup.cluster import Copy, Link, Membership, UnionFind, memberships
from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.signatures import estimated_jaccard, sign
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


# --- signatures and clusters -----------------------------------------------------------


@dataclass(slots=True)
class Signatures:
    """Signatures of a batch of articles, in order."""

    minhash: NDArray[np.uint32]  # (n, num_perm)
    exact: NDArray[np.uint64]
    words: NDArray[np.int64]
    bands: NDArray[np.int64]  # (n, bands); rows of short texts are never used


def sign_texts(texts: Sequence[str], options: DedupOptions) -> Signatures:
    """MinHash, exact hash, word count and LSH band keys of each text (dedup's functions).

    The text of an article is its body: its body paragraphs joined by newlines.
    """
    signed = sign(texts, options)
    keys = band_keys(signed.minhash, options.bands)
    return Signatures(signed.minhash, signed.exact, signed.words, keys)


def linkable(words: int, options: DedupOptions) -> bool:
    """Texts with fewer words are never linked: too little evidence."""
    return words >= options.min_words


def bucket_pairs(keys: NDArray[np.int64], max_bucket: int = 1000) -> NDArray[np.int64]:
    """Pairs (i, j), i < j, of rows of a flat key column that share a key."""
    return candidate_pairs(keys.reshape(-1, 1), max_bucket)


@dataclass(slots=True)
class Signed:
    """What the cluster step needs of one signed article."""

    copy: Copy
    exact: int
    minhash: NDArray[np.uint32]


def judge_pair(left: Signed, right: Signed, options: DedupOptions) -> Link | None:
    """An exact or near link between two candidates, or None."""
    if left.exact and left.exact == right.exact:
        return Link(left.copy.id, right.copy.id, "exact", 1.0)
    score = estimated_jaccard(left.minhash, right.minhash)
    if score >= options.jaccard_threshold:
        return Link(left.copy.id, right.copy.id, "near", score)
    return None


@dataclass(slots=True)
class Clusters:
    clusters: list[tuple[str, str, int]] = field(default_factory=list)  # id, canonical, size
    members: list[Membership] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def cluster_links(copies: Mapping[str, Copy], links: Sequence[Link]) -> Clusters:
    """Union-find over accepted links; each cluster's id is its earliest member's id."""
    sets = UnionFind()
    for link in links:
        sets.add(link.article, copies[link.article].rank)
        sets.add(link.other, copies[link.other].rank)
        sets.union(link.article, link.other)
    by_root: dict[str, list[Link]] = {}
    for link in links:
        by_root.setdefault(sets.find(link.article), []).append(link)
    out = Clusters(links=list(links))
    for root, members in sorted(sets.groups().items(), key=lambda g: copies[g[0]].rank):
        group = sorted((copies[m] for m in members), key=lambda c: c.rank)
        cluster_id = group[0].id
        found = memberships(cluster_id, group, by_root.get(root, []))
        canonical = next(m.article for m in found if m.canonical)
        out.clusters.append((cluster_id, canonical, len(group)))
        out.members.extend(found)
    return out


# --- enrich ----------------------------------------------------------------------------


def enrich_articles(
    nlp: Language, articles: Sequence[Article], page_texts: Mapping[str, str]
) -> Iterator[tuple[Findings, list[Figure]]]:
    """Entities and quotes (spaCy) and figures (rules) of each article."""
    for found in find_in_articles(nlp, articles):
        article = found.article
        yield found, extract_figures(article, page_texts[article.page_sha256])
