"""From candidate pairs to accepted links and cluster groups (no storage here).

Candidates come from LSH band keys and winnowed fingerprints. Each pair is checked:
- exact: same normalised word sequence;
- near: estimated Jaccard (MinHash) at or above ``jaccard_threshold``;
- partial: the smaller text's shingles found in the larger one at or above
  ``containment_threshold`` (exact count on the shingle sets).
Exact and near links are accepted as they are; partial links go through
`containment.resolve`, which keeps one story per partial copy and per container.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.cluster import Link, UnionFind
from newsmill.dedup.containment import PartialLink, SameStory, overlap, resolve
from newsmill.dedup.signatures import Signed, estimated_jaccard
from newsmill.options import DedupOptions


@dataclass(slots=True)
class Sketch:
    """What checking a pair needs about one text."""

    minhash: NDArray[np.uint32]
    exact: int
    words: int
    shingles: NDArray[np.uint64]  # sorted, unique


def sketches(ids: list[str], signed: Signed) -> dict[str, Sketch]:
    return {
        article_id: Sketch(
            minhash=signed.minhash[i],
            exact=int(signed.exact[i]),
            words=int(signed.words[i]),
            shingles=signed.shingle_set(i),
        )
        for i, article_id in enumerate(ids)
    }


@dataclass(slots=True)
class Checked:
    strong: list[Link] = field(default_factory=list)  # exact and near
    partial: list[PartialLink] = field(default_factory=list)
    pairs: int = 0


def check_pairs(
    pairs: Iterable[tuple[str, str]], found: Mapping[str, Sketch], options: DedupOptions
) -> Checked:
    out = Checked()
    for left, right in pairs:
        a, b = found.get(left), found.get(right)
        if a is None or b is None or min(a.words, b.words) < options.min_words:
            continue
        out.pairs += 1
        if a.exact == b.exact and a.exact != 0:
            out.strong.append(Link(left, right, "exact", 1.0))
            continue
        jaccard = estimated_jaccard(a.minhash, b.minhash)
        if jaccard >= options.jaccard_threshold:
            out.strong.append(Link(left, right, "near", round(jaccard, 4)))
            continue
        partial = _partial(left, a, right, b, options)
        if partial is not None:
            out.partial.append(partial)
    return out


def _partial(
    left: str, a: Sketch, right: str, b: Sketch, options: DedupOptions
) -> PartialLink | None:
    shared = overlap(a.shingles, b.shingles)
    if len(a.shingles) > len(b.shingles):
        left, a, right, b = right, b, left, a
        share, cover = shared.right_in_left, shared.left_in_right
    else:
        share, cover = shared.left_in_right, shared.right_in_left
    if share < options.containment_threshold:
        return None
    return PartialLink(left, right, round(share, 4), round(cover, 4), len(b.shingles))


def same_story_test(uf: UnionFind, found: Mapping[str, Sketch], threshold: float) -> SameStory:
    """Two texts tell one story if already clustered together or if they overlap enough."""

    def same_story(left: str, right: str) -> bool:
        if left in uf.parent and right in uf.parent and uf.find(left) == uf.find(right):
            return True
        a, b = found.get(left), found.get(right)
        if a is None or b is None:
            return False
        shared = overlap(a.shingles, b.shingles)
        return max(shared.left_in_right, shared.right_in_left) >= threshold

    return same_story


def accept(
    checked: Checked,
    uf: UnionFind,
    found: Mapping[str, Sketch],
    existing_children: dict[str, list[str]],
    options: DedupOptions,
) -> tuple[list[Link], int]:
    """Union accepted links into ``uf``; return them and how many partial links were refused."""
    for link in checked.strong:
        uf.union(link.article, link.other)
    same_story = same_story_test(uf, found, options.overlap_same_story)
    kept = resolve(checked.partial, existing_children, same_story)
    accepted = list(checked.strong)
    for partial in kept:
        uf.union(partial.child, partial.parent)
        accepted.append(
            Link(partial.child, partial.parent, "contained", partial.share, partial.cover)
        )
    return accepted, len(checked.partial) - len(kept)
