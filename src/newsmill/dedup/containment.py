"""Partial copies: a text whose shingles are mostly found inside another one.

Jaccard misses teasers and truncated copies (a 60-word lead against a 900-word article
has Jaccard under 0.1) and articles embedded in a larger page. Containment measures the
share of the smaller text's shingles found in the larger one. Each partial copy (child)
is attached to its single best container (parent), and a container holding several
unrelated children (a page of teasers, two articles glued together) keeps only one story,
so it can never chain unrelated articles into one cluster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(slots=True)
class Overlap:
    """Shared shingles of two texts, from each side's point of view."""

    left_in_right: float  # share of left's shingles found in right
    right_in_left: float
    jaccard: float


def overlap(left: NDArray[np.uint64], right: NDArray[np.uint64]) -> Overlap:
    """Exact overlap of two sorted unique shingle-hash arrays."""
    if len(left) == 0 or len(right) == 0:
        return Overlap(0.0, 0.0, 0.0)
    shared = len(np.intersect1d(left, right, assume_unique=True))
    union = len(left) + len(right) - shared
    return Overlap(shared / len(left), shared / len(right), shared / union)


@dataclass(slots=True)
class PartialLink:
    """``child`` is a partial copy of ``parent``: most of the child's text is in the parent."""

    child: str
    parent: str
    share: float  # of the child's shingles found in the parent
    cover: float  # of the parent's shingles the child covers
    parent_size: int = 0  # parent's shingle count
    at_start: bool = False  # the parent opens with the child's text (a lead, a teaser)
    parent_listing: bool = False  # the parent holds fragments of several other texts

    @property
    def rank(self) -> tuple[bool, float, bool, float, str]:
        """Best container first: not a listing page, then most of the child found (to the
        nearest tenth: noise aside), then one that opens with the child's text, then the
        tightest (a lead quoted in a long unrelated article covers little of it)."""
        return (
            self.parent_listing,
            -round(self.share, 1),
            not self.at_start,
            -self.cover,
            self.parent,
        )


SameStory = Callable[[str, str], bool]


def story_groups(items: list[str], same_story: SameStory) -> list[list[str]]:
    """Split texts into groups that tell the same story (transitively)."""
    root = {item: item for item in items}

    def find(item: str) -> str:
        while root[item] != item:
            root[item] = root[root[item]]
            item = root[item]
        return item

    for i, left in enumerate(items):
        for right in items[i + 1 :]:
            if find(left) != find(right) and same_story(left, right):
                root[find(left)] = find(right)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in items:
        groups[find(item)].append(item)
    return list(groups.values())


def resolve(
    links: list[PartialLink],
    existing_children: dict[str, list[str]],
    same_story: SameStory,
    existing_parents: dict[str, list[str]] | None = None,
    max_rounds: int = 10,
) -> list[PartialLink]:
    """The partial-copy links to accept.

    Two rules, applied until nothing changes:
    - a container holding children from several unrelated stories is *mixed*: children
      that also sit in a container of another story leave it; then a page with many
      unrelated children (a page of teasers) keeps none, and two whole articles glued
      together keep one (the story stored there before, ``existing_children``, else the
      one covering most of the page);
    - a partial copy attached in an earlier run (``existing_parents``) keeps that story.
    - a child found in several unrelated containers (a quote shared by two articles)
      keeps only the story of its best container.
    """
    # A partial copy attached in an earlier run keeps that story.
    earlier = existing_parents or {}
    banned = {
        (link.child, link.parent)
        for link in links
        if earlier.get(link.child)
        and not any(same_story(link.parent, old) for old in earlier[link.child])
    }
    for _ in range(max_rounds):
        live = [link for link in links if (link.child, link.parent) not in banned]
        refused = _mixed_containers(live, existing_children, same_story)
        if not refused:
            refused = _split_children(live, same_story)
        if not refused:
            return live
        banned |= refused
    return [link for link in links if (link.child, link.parent) not in banned]


#: A container whose children fall into this many unrelated stories is a listing or
#: composite page: it keeps none of them (besides the story stored there before).
LISTING_STORIES = 3
#: Two unrelated children that each cover this share of their container are two whole
#: articles glued together: the container keeps only one of them.
WHOLE_ARTICLE_COVER = 0.3


def _mixed_containers(
    live: list[PartialLink], existing_children: dict[str, list[str]], same_story: SameStory
) -> set[tuple[str, str]]:
    by_parent: dict[str, list[PartialLink]] = defaultdict(list)
    containers: dict[str, set[str]] = defaultdict(set)
    listing = {link.parent for link in live if link.parent_listing}
    for link in live:
        by_parent[link.parent].append(link)
        containers[link.child].add(link.parent)
    refused: set[tuple[str, str]] = set()
    for parent, parent_links in by_parent.items():
        old = [c for c in existing_children.get(parent, []) if c not in containers]
        cover = {link.child: link.cover for link in parent_links}
        groups = story_groups([*old, *cover], same_story)
        if len(groups) < 2:
            continue
        # Children with a (non-listing) container of another story leave this one first.
        leaving = {
            child
            for child in cover
            if any(
                other not in listing and not same_story(other, parent)
                for other in containers[child] - {parent}
            )
        }
        if leaving:
            refused |= {(child, parent) for child in leaving}
            continue
        refused |= _keep_one_story(parent, groups, old, cover)
    return refused


def _keep_one_story(
    parent: str, groups: list[list[str]], old: list[str], cover: dict[str, float]
) -> set[tuple[str, str]]:
    """Refusals for a mixed container whose children have nowhere else to go."""

    def best_cover(group: list[str]) -> float:
        return max(cover.get(c, 0.0) for c in group)

    whole = [g for g in groups if best_cover(g) >= WHOLE_ARTICLE_COVER]
    if len(groups) < LISTING_STORIES and len(whole) < 2:
        return set()  # e.g. a teaser and an abridged copy sharing little but the title
    keep = [g for g in groups if any(c in old for c in g)]
    if not keep and len(groups) < LISTING_STORIES:
        keep = [max(groups, key=best_cover)]
    kept = {c for g in keep for c in g}
    return {(child, parent) for child in cover if child not in kept}


def _split_children(live: list[PartialLink], same_story: SameStory) -> set[tuple[str, str]]:
    by_child: dict[str, list[PartialLink]] = defaultdict(list)
    for link in live:
        by_child[link.child].append(link)
    refused: set[tuple[str, str]] = set()
    for child, child_links in by_child.items():
        if len(child_links) < 2:
            continue
        best = min(child_links, key=lambda link: link.rank)
        refused |= {
            (child, link.parent)
            for link in child_links
            if link is not best and not same_story(link.parent, best.parent)
        }
    return refused
