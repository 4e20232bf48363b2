"""Made-up articles and small helpers shared by the duplicate tests."""

from __future__ import annotations

import json
from pathlib import Path

from newsmill.dedup import cluster_texts
from newsmill.dedup.batch import Text
from newsmill.dedup.cluster import Copy, Link, Membership
from newsmill.options import DedupOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = json.loads((FIXTURES / "dedup" / "articles.json").read_text(encoding="utf-8"))


def paragraphs(name: str) -> list[str]:
    return list(ARTICLES[name]["paragraphs"])


def body(name: str) -> str:
    return "\n".join(paragraphs(name))


def text(article_id: str, body_text: str, *, partial: bool = False, title: bool = True) -> Text:
    return Text(
        Copy(
            id=article_id,
            rank=0,
            partial=partial,
            has_title=title,
            has_authors=False,
            paragraphs=body_text.count("\n") + 1,
            words=len(body_text.split()),
        ),
        body_text,
    )


def run(
    *texts: Text, options: DedupOptions | None = None
) -> tuple[dict[str, Membership], list[Link]]:
    ranked = []
    for rank, item in enumerate(texts):
        item.copy.rank = rank
        ranked.append(item)
    members, links, _ = cluster_texts(ranked, options or DedupOptions())
    return {m.article: m for m in members}, links


def same(members: dict[str, Membership], *ids: str) -> bool:
    return len({members[i].cluster for i in ids}) == 1
