"""Clusters: union-find over accepted links, the canonical copy, and why each copy joined."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

#: Link kinds, strongest first; a member's reason is its strongest path to the canonical.
LINK_ORDER = {"exact": 0, "near": 1, "contained": 2}


class UnionFind:
    """Disjoint sets over string ids; the root of a merged set is its smallest rank."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.rank: dict[str, int] = {}

    def add(self, item: str, rank: int) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.rank[item] = rank

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, left: str, right: str) -> str:
        a, b = self.find(left), self.find(right)
        if a == b:
            return a
        if (self.rank[b], b) < (self.rank[a], a):
            a, b = b, a
        self.parent[b] = a
        return a

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return out


@dataclass(slots=True)
class Link:
    """An accepted link. For ``contained``, ``article`` is the partial copy of ``other``."""

    article: str
    other: str
    kind: str  # exact | near | contained
    score: float
    cover: float | None = None


@dataclass(slots=True)
class Copy:
    """What decides the canonical member of a cluster."""

    id: str
    rank: int  # articles.rowid: earlier first
    partial: bool
    has_title: bool
    has_authors: bool
    paragraphs: int
    words: int

    @property
    def completeness(self) -> tuple[int, int, int, int, int, int]:
        """Smaller is more complete: non-partial, titled, authored, longest, earliest."""
        return (
            int(self.partial),
            -int(self.has_title),
            -int(self.has_authors),
            -self.paragraphs,
            -self.words,
            self.rank,
        )


Reason = tuple[str, float | None, str | None]  # kind, score, matched_with


@dataclass(slots=True)
class Membership:
    article: str
    cluster: str
    kind: str
    score: float | None
    matched_with: str | None
    canonical: bool


def canonical_of(copies: list[Copy]) -> Copy:
    return min(copies, key=lambda copy: copy.completeness)


def memberships(cluster_id: str, copies: list[Copy], links: list[Link]) -> list[Membership]:
    """Each member's reason: the link that reaches it first from the canonical member,
    walking strongest kinds first (exact, then near, then contained)."""
    canonical = canonical_of(copies)
    adjacent: dict[str, list[tuple[int, str, Link]]] = defaultdict(list)
    for link in links:
        order = LINK_ORDER[link.kind]
        adjacent[link.article].append((order, link.other, link))
        adjacent[link.other].append((order, link.article, link))
    reason: dict[str, Reason] = {canonical.id: ("canonical", None, None)}
    members = {copy.id for copy in copies}
    for order in sorted(set(LINK_ORDER.values())):
        if members <= reason.keys():
            break  # every member has its reason: weaker kinds change none
        queue = deque(reason)
        while queue:
            current = queue.popleft()
            for link_order, neighbour, link in adjacent[current]:
                if link_order > order or neighbour in reason:
                    continue
                reason[neighbour] = _reason(neighbour, current, link)
                queue.append(neighbour)
    out = []
    for copy in copies:
        kind, score, matched = reason.get(copy.id, ("first", None, None))
        out.append(Membership(copy.id, cluster_id, kind, score, matched, copy is canonical))
    return out


def _reason(member: str, reached_from: str, link: Link) -> Reason:
    if link.kind != "contained":
        return link.kind, link.score, reached_from
    if link.article == member:
        return "contained", link.score, reached_from
    return "contains", link.score, reached_from
