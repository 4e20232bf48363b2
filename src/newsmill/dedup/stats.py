"""What a dedup run did: counts, so nothing is dropped silently."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsmill.dedup.cluster import Link


@dataclass(slots=True)
class DedupStats:
    articles: int = 0  # articles looked at
    signed: int = 0  # articles signed in this run
    pairs_checked: int = 0  # candidate pairs checked (both long enough)
    exact: int = 0  # accepted links by kind
    near: int = 0
    contained: int = 0
    refused: int = 0  # partial links refused to keep unrelated stories apart
    new_duplicates: int = 0  # new articles that are a copy of another (stored or new) one
    clusters: int = 0  # clusters created or changed

    def count_links(self, links: Iterable[Link], refused: int, pairs: int) -> None:
        for link in links:
            if link.kind == "exact":
                self.exact += 1
            elif link.kind == "near":
                self.near += 1
            else:
                self.contained += 1
        self.refused += refused
        self.pairs_checked += pairs
