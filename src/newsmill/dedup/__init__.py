"""Duplicates: exact, near and partial copies of an article, linked into clusters.

Public API:
- `update_clusters(db, article_ids, options)`: incremental, on the store;
- `list_clusters(db)`, `copies_of(db, article_id)`: reading clusters back;
- `cluster_articles(articles, options)`: in memory, on `model.Article` records.
The `article_clusters` view gives every article its `cluster` and `canonical` flag.
"""

from __future__ import annotations

from newsmill.dedup.batch import cluster_articles, cluster_texts
from newsmill.dedup.cluster import Membership
from newsmill.dedup.query import ClusterRow, CopyRow, copies_of, list_clusters
from newsmill.dedup.stats import DedupStats
from newsmill.dedup.update import update_clusters

__all__ = [
    "ClusterRow",
    "CopyRow",
    "DedupStats",
    "Membership",
    "cluster_articles",
    "cluster_texts",
    "copies_of",
    "list_clusters",
    "update_clusters",
]
