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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from newsmill.dedup.cluster import Link, UnionFind
from newsmill.dedup.containment import Overlap, PartialLink, SameStory, overlap, resolve
from newsmill.dedup.signatures import Signed, estimated_jaccard
from newsmill.options import DedupOptions


@dataclass(slots=True)
class Sketch:
    """What checking a pair needs about one text."""

    minhash: NDArray[np.uint32]
    exact: int
    words: int
    shingles: NDArray[np.uint64]  # sorted, unique
    fingerprints: NDArray[np.uint64]  # winnowed, sorted, unique
    lead: NDArray[np.uint64]  # the first LEAD_SHINGLES shingles, in text order


def sketch_of(signed: Signed, i: int) -> Sketch:
    """The sketch of text ``i`` of a signed batch."""
    return Sketch(
        minhash=signed.minhash[i],
        exact=int(signed.exact[i]),
        words=int(signed.words[i]),
        shingles=signed.shingle_set(i),
        fingerprints=signed.fingerprint_set(i),
        lead=signed.shingles[signed.shingle_offsets[i] : signed.shingle_offsets[i] + LEAD_SHINGLES],
    )


def sketches(ids: list[str], signed: Signed) -> dict[str, Sketch]:
    return {article_id: sketch_of(signed, i) for i, article_id in enumerate(ids)}


@dataclass(frozen=True, slots=True)
class Brief:
    """What tells exact and near copies apart (the part of a `Sketch` a store keeps)."""

    minhash: NDArray[np.uint32]
    exact: int
    words: int


class LazySketches(Mapping[str, Sketch]):
    """Sketches by text id, each made when first asked for (then kept), and their briefs.

    A store round signs thousands of texts but checks few pairs, most of them exact or
    near copies that need only briefs: sorting every text's shingles up front cost more
    than the checks. Texts of earlier rounds come with their stored briefs and are
    signed only if shingles are asked for (`prepare` signs the ones asked for in one
    batch). Holds the same sketches as `sketches` over what was added, later ids winning.
    """

    def __init__(self, sign_texts: Callable[[list[str]], Signed]) -> None:
        self._sign = sign_texts
        self._signed: dict[str, tuple[Signed, int]] = {}
        self._unsigned: dict[str, tuple[str, Brief]] = {}  # text, stored brief
        self._made: dict[str, Sketch] = {}
        self._briefs: dict[str, Brief] = {}  # of signed texts, made once asked for
        self.briefs: Mapping[str, Brief] = _Briefs(self)

    def add(self, ids: Sequence[str], signed: Signed) -> None:
        for i, text_id in enumerate(ids):
            if text_id in self._signed or text_id in self._unsigned:
                self._forget(text_id)  # (what is made of a text is made of an added one)
            self._signed[text_id] = (signed, i)

    def add_unsigned(self, texts: Mapping[str, tuple[str, Brief]]) -> None:
        """Texts with their stored briefs, signed only when their shingles are needed."""
        for text_id, item in texts.items():
            if text_id in self._signed or text_id in self._unsigned:
                self._forget(text_id)
            self._unsigned[text_id] = item

    def prepare(self, ids: Iterable[str]) -> None:
        """Sign, in one batch, the texts among ``ids`` that are not signed yet."""
        wanted = [text_id for text_id in dict.fromkeys(ids) if text_id in self._unsigned]
        if wanted:
            self.add(wanted, self._sign([self._unsigned[t][0] for t in wanted]))

    def brief(self, text_id: str) -> Brief:
        if text_id in self._unsigned:
            return self._unsigned[text_id][1]
        brief = self._briefs.get(text_id)
        if brief is None:
            # a new text is in a pair with each of its copies: made once
            signed, i = self._signed[text_id]
            brief = Brief(signed.minhash[i], int(signed.exact[i]), int(signed.words[i]))
            self._briefs[text_id] = brief
        return brief

    def _forget(self, text_id: str) -> None:
        self._signed.pop(text_id, None)
        self._unsigned.pop(text_id, None)
        self._made.pop(text_id, None)
        self._briefs.pop(text_id, None)

    def __getitem__(self, text_id: str) -> Sketch:
        sketch = self._made.get(text_id)
        if sketch is None:
            if text_id in self._unsigned:
                # asked for outside `prepare`: sign every waiting text at once, as a
                # store round signed them all before
                self.prepare(list(self._unsigned))
            signed, i = self._signed[text_id]
            sketch = self._made[text_id] = sketch_of(signed, i)
        return sketch

    def __contains__(self, text_id: object) -> bool:
        return text_id in self._signed or text_id in self._unsigned

    def __iter__(self) -> Iterator[str]:
        yield from self._signed
        yield from self._unsigned

    def __len__(self) -> int:
        return len(self._signed) + len(self._unsigned)


class _Briefs(Mapping[str, Brief]):
    def __init__(self, sketches: LazySketches) -> None:
        self._sketches = sketches

    def __getitem__(self, text_id: str) -> Brief:
        return self._sketches.brief(text_id)

    def __contains__(self, text_id: object) -> bool:
        return text_id in self._sketches

    def __iter__(self) -> Iterator[str]:
        return iter(self._sketches)

    def __len__(self) -> int:
        return len(self._sketches)


#: Shingles that make a text's opening: a teaser or truncated copy starts where its
#: article starts, so a container whose opening is in the partial copy is preferred.
LEAD_SHINGLES = 3
#: A text sharing this share of its shingles with another, without either being a copy of
#: the other, holds a *fragment* of it (a lead, a quoted passage).
FRAGMENT_SHARE = 0.1
#: A text holding fragments of this many other texts is a listing or composite page: it
#: is the last choice as the container of a partial copy.
LISTING_FRAGMENTS = 2
#: ... and those passages make up at least this share of it.
LISTING_COVER = 0.5


@dataclass(slots=True)
class Checked:
    strong: list[Link] = field(default_factory=list)  # exact and near
    partial: list[PartialLink] = field(default_factory=list)
    pairs: int = 0


def check_pairs(
    pairs: Iterable[tuple[str, str]], found: Mapping[str, Sketch], options: DedupOptions
) -> Checked:
    """Check pairs in order. Exact and near copies are told from briefs; the pairs left
    need shingles, which a `LazySketches` then makes in one batch."""
    briefs: Mapping[str, Brief | Sketch] = (
        found.briefs if isinstance(found, LazySketches) else found
    )
    out = Checked()
    undecided: list[tuple[str, str]] = []
    for left, right in pairs:
        a, b = briefs.get(left), briefs.get(right)
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
        undecided.append((left, right))
    if isinstance(found, LazySketches):
        found.prepare(text_id for pair in undecided for text_id in pair)
    for left, right in undecided:
        sketch_a, sketch_b = found[left], found[right]
        shared = overlap(sketch_a.shingles, sketch_b.shingles)
        partial = _partial(left, sketch_a, right, sketch_b, shared, options)
        if partial is not None:
            out.partial.append(partial)
    return out


def is_listing(text: Sketch, partners: Iterable[Sketch]) -> bool:
    """A listing page: it holds the openings (leads) of at least LISTING_FRAGMENTS other
    texts, at different places, and those passages make up most of it. (An article whose
    lead sits on listing pages shares its own opening with them, not theirs.)"""
    parts = []
    for partner in partners:
        common = np.intersect1d(text.shingles, partner.shingles, assume_unique=True)
        opening = bool(np.isin(partner.lead, common).any())
        if opening and len(common) >= FRAGMENT_SHARE * len(text.shingles):
            parts.append(common)
    if len(parts) < LISTING_FRAGMENTS:
        return False
    count, covered = distinct_parts(parts)
    return count >= LISTING_FRAGMENTS and covered >= LISTING_COVER * len(text.shingles)


def distinct_parts(parts: list[NDArray[np.uint64]]) -> tuple[int, int]:
    """How many of these shared passages are different places of the text, and how many
    shingles they cover together."""
    seen: NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)
    count = 0
    for part in sorted(parts, key=len, reverse=True):
        if len(np.intersect1d(part, seen)) < len(part) / 2:
            count += 1
        seen = np.union1d(seen, part)
    return count, len(seen)


def _partial(
    left: str, a: Sketch, right: str, b: Sketch, shared: Overlap, options: DedupOptions
) -> PartialLink | None:
    if len(a.shingles) > len(b.shingles):
        left, a, right, b = right, b, left, a
        share, cover = shared.right_in_left, shared.left_in_right
    else:
        share, cover = shared.left_in_right, shared.right_in_left
    if share < options.containment_threshold:
        return None
    at_start = bool(np.isin(b.lead, a.shingles).any())
    return PartialLink(left, right, round(share, 4), round(cover, 4), len(b.shingles), at_start)


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
    listing: set[str] | None = None,
    existing_parents: dict[str, list[str]] | None = None,
) -> tuple[list[Link], int]:
    """Union accepted links into ``uf``; return them and how many partial links were refused.

    ``listing``: containers that are listing pages (the last choice for a partial copy);
    ``existing_parents``: containers partial copies were attached to in earlier runs.
    """
    for link in checked.strong:
        uf.union(link.article, link.other)
    for partial in checked.partial:
        partial.parent_listing = partial.parent in (listing or set())
    same_story = same_story_test(uf, found, options.overlap_same_story)
    kept = resolve(checked.partial, existing_children, same_story, existing_parents or {})
    accepted = list(checked.strong)
    for partial in kept:
        uf.union(partial.child, partial.parent)
        accepted.append(
            Link(partial.child, partial.parent, "contained", partial.share, partial.cover)
        )
    return accepted, len(checked.partial) - len(kept)
