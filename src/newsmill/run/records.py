"""Parquet schemas of the dataset folder, and conversions between rows and model records.

Articles and lines follow the export schemas (`store.export`) with the few columns a load
back into SQLite needs added at the end, so an exported file and a dataset shard read the
same way in DuckDB. Part texts are not stored: they are slices of the page text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

import pyarrow as pa

from newsmill.dedup.batch import Text
from newsmill.dedup.cluster import Copy, Link
from newsmill.dedup.containment import PartialLink
from newsmill.dedup.links import Sketch
from newsmill.enrich.extract import Findings
from newsmill.model import Article, Figure, HtmlMeta, Line, Mention, Page, Part, Quote, Skip
from newsmill.store.export import ARTICLE_SCHEMA, LINE_SCHEMA

PAGE_SCHEMA = pa.schema(
    [
        ("sha256", pa.string()),
        ("source", pa.string()),
        ("text", pa.string()),
        ("kind", pa.string()),
        ("site", pa.string()),
        ("url", pa.string()),
        ("captured_at", pa.string()),
        ("encoding", pa.string()),
        ("lossy", pa.bool_()),
        ("record_id", pa.string()),
        ("html_meta", pa.string()),  # JSON of HtmlMeta, as in the store
    ]
)
SKIP_SCHEMA = pa.schema([("source", pa.string()), ("reason", pa.string()), ("detail", pa.string())])
#: The export schema plus the article's position on its page.
DATASET_ARTICLE_SCHEMA = ARTICLE_SCHEMA.append(pa.field("index", pa.int32()))
#: The export schema plus each line's offsets in the page text.
DATASET_LINE_SCHEMA = LINE_SCHEMA.append(pa.field("start", pa.int64())).append(
    pa.field("end", pa.int64())
)
PAGE_INDEX_SCHEMA = pa.schema([("sha256", pa.string()), ("shard", pa.int32()), ("row", pa.int32())])
KEY_SCHEMA = pa.schema([("site", pa.string()), ("key", pa.int64())])
COUNT_SCHEMA = pa.schema([("site", pa.string()), ("key", pa.int64()), ("pages", pa.int64())])
SIGNATURE_SCHEMA = pa.schema(
    [
        ("article", pa.string()),
        ("shard", pa.int32()),
        ("row", pa.int32()),
        ("exact", pa.uint64()),
        ("words", pa.int64()),  # normalised words, as dedup counts them
        ("copy_words", pa.int64()),  # words of the body, for choosing the canonical copy
        ("paragraphs", pa.int32()),
        ("partial", pa.bool_()),
        ("has_title", pa.bool_()),
        ("has_authors", pa.bool_()),
        ("minhash", pa.list_(pa.uint32())),
        ("text", pa.string()),  # the text dedup signs (the body), for checking pairs
    ]
)
BAND_SCHEMA = pa.schema([("key", pa.int64()), ("shard", pa.int32()), ("row", pa.int32())])
FINGERPRINT_SCHEMA = pa.schema([("fp", pa.uint64()), ("shard", pa.int32()), ("row", pa.int32())])
PAIR_SCHEMA = pa.schema(
    [("a_shard", pa.int32()), ("a_row", pa.int32()), ("b_shard", pa.int32()), ("b_row", pa.int32())]
)
#: A link found checking one pair (``a`` < ``b``: the pair's article refs, for order);
#: kind ``partial`` is a partial copy (``article``) of ``other`` still to be resolved.
CHECK_SCHEMA = pa.schema(
    [
        ("a", pa.int64()),
        ("b", pa.int64()),
        ("article", pa.string()),
        ("other", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("cover", pa.float64()),
        ("parent_size", pa.int64()),
        ("at_start", pa.bool_()),
    ]
)
#: A text in a checked link: what makes it canonical (`dedup.cluster.Copy`) and, for a
#: text in a partial link, its sketch (`dedup.links.Sketch`, which resolving needs).
CHECK_TEXT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("rank", pa.int64()),
        ("partial", pa.bool_()),
        ("has_title", pa.bool_()),
        ("has_authors", pa.bool_()),
        ("paragraphs", pa.int64()),
        ("words", pa.int64()),
        ("minhash", pa.list_(pa.uint32())),
        ("exact", pa.uint64()),
        ("sketch_words", pa.int64()),
        ("shingles", pa.list_(pa.uint64())),
        ("fingerprints", pa.list_(pa.uint64())),
        ("lead", pa.list_(pa.uint64())),
    ]
)
LISTING_SCHEMA = pa.schema([("article", pa.string())])
CLUSTER_SCHEMA = pa.schema([("id", pa.string()), ("canonical", pa.string()), ("size", pa.int64())])
MEMBER_SCHEMA = pa.schema(
    [
        ("article", pa.string()),
        ("cluster", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("matched_with", pa.string()),
        ("canonical", pa.bool_()),
    ]
)
LINK_SCHEMA = pa.schema(
    [
        ("article", pa.string()),
        ("other", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("cover", pa.float64()),
    ]
)
MENTION_SCHEMA = pa.schema(
    [
        ("article", pa.string()),
        ("seq", pa.int32()),
        ("text", pa.string()),
        ("type", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("name", pa.string()),  # in-article name (entities are resolved on load)
        ("title", pa.string()),
    ]
)
QUOTE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article", pa.string()),
        ("text", pa.string()),
        ("kind", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("cue", pa.string()),
        ("cue_start", pa.int64()),
        ("cue_end", pa.int64()),
        ("speaker", pa.string()),
        ("speaker_type", pa.string()),
        ("speaker_mention", pa.string()),
        ("mention_start", pa.int64()),
        ("mention_end", pa.int64()),
        ("speaker_seq", pa.int32()),  # index of the speaker's mention in the article
    ]
)
FIGURE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("measure", pa.string()),
        ("source", pa.string()),
        ("period", pa.string()),
        ("sentence", pa.string()),
    ]
)
ENRICHED_SCHEMA = pa.schema([("article", pa.string()), ("figures", pa.int32())])


def table(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


# --- pages and skips -------------------------------------------------------------------


def page_row(page: Page) -> dict[str, Any]:
    row = {name: getattr(page, name) for name in PAGE_SCHEMA.names if name != "html_meta"}
    row["html_meta"] = json.dumps(asdict(page.html), ensure_ascii=False) if page.html else None
    return row


def row_page(row: Mapping[str, Any]) -> Page:
    fields = {name: row[name] for name in PAGE_SCHEMA.names if name != "html_meta"}
    html = HtmlMeta(**json.loads(row["html_meta"])) if row["html_meta"] else None
    return Page(**fields, html=html)


def skip_row(skip: Skip) -> dict[str, Any]:
    return {"source": skip.source, "reason": skip.reason, "detail": skip.detail}


# --- articles and lines ----------------------------------------------------------------


def article_row(page: Page, article: Article) -> dict[str, Any]:
    """One article in the export schema (see `store.query`), plus its index."""
    return {
        "id": article.id,
        "page": {"sha256": page.sha256, "source": page.source, "url": page.url, "site": page.site},
        "title": article.title,
        "dek": article.dek,
        "section": article.section,
        "authors": list(article.authors),
        "bio": article.bio,
        "published": article.published,
        "paragraphs": article.paragraphs,
        "captions": article.captions,
        "credits": article.credits,
        "partial": article.partial,
        "parts": [
            {
                "role": p.role,
                "first_line": p.first_line,
                "last_line": p.last_line,
                "start": p.start,
                "end": p.end,
            }
            for p in article.parts
        ],
        "index": article.index,
    }


def row_article(row: Mapping[str, Any], page_text: str) -> Article:
    parts = [
        Part(
            p["role"],
            p["first_line"],
            p["last_line"],
            p["start"],
            p["end"],
            page_text[p["start"] : p["end"]],
        )
        for p in row["parts"]
    ]
    return Article(
        id=row["id"],
        page_sha256=row["page"]["sha256"],
        index=row["index"],
        parts=parts,
        title=row["title"],
        dek=row["dek"],
        section=row["section"],
        authors=list(row["authors"]),
        bio=row["bio"],
        published=row["published"],
        partial=row["partial"],
    )


def row_article_texts(row: Mapping[str, Any]) -> Article:
    """An article from its row alone: body, caption and credit parts carry their text,
    the other parts none (enough for dedup, which reads only those)."""
    texts = {role: iter(row[key]) for role, key in _TEXT_COLUMNS.items()}
    parts = [
        Part(
            p["role"],
            p["first_line"],
            p["last_line"],
            p["start"],
            p["end"],
            next(texts[p["role"]], "") if p["role"] in texts else "",
        )
        for p in row["parts"]
    ]
    return Article(
        id=row["id"],
        page_sha256=row["page"]["sha256"],
        index=row["index"],
        parts=parts,
        title=row["title"],
        dek=row["dek"],
        section=row["section"],
        authors=list(row["authors"]),
        bio=row["bio"],
        published=row["published"],
        partial=row["partial"],
    )


_TEXT_COLUMNS = {"body": "paragraphs", "caption": "captions", "credit": "credits"}


def line_rows(page: Page, lines: Iterable[Line], ids: Mapping[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "page": page.sha256,
            "source": page.source,
            "line": line.number,
            "role": line.role,
            "article": None if line.article is None else ids[line.article],
            "reason": line.reason,
            "start": line.start,
            "end": line.end,
        }
        for line in lines
    ]


def row_line(row: Mapping[str, Any], page_text: str, index_of: Mapping[str, int]) -> Line:
    article = row["article"]
    return Line(
        number=row["line"],
        start=row["start"],
        end=row["end"],
        text=page_text[row["start"] : row["end"]],
        role=row["role"],
        reason=row["reason"],
        article=None if article is None else index_of[article],
    )


# --- enrichment ------------------------------------------------------------------------


def mention_rows(found: Findings) -> list[dict[str, Any]]:
    return [
        {
            "article": m.article,
            "seq": seq,
            "text": m.text,
            "type": m.type,
            "start": m.start,
            "end": m.end,
            "name": found.names[seq],
            "title": found.titles[seq],
        }
        for seq, m in enumerate(found.mentions)
    ]


def quote_rows(found: Findings) -> list[dict[str, Any]]:
    rows = []
    for quote, speaker in zip(found.quotes, found.speakers, strict=True):
        row = {name: getattr(quote, name) for name in QUOTE_SCHEMA.names if hasattr(quote, name)}
        row["speaker_seq"] = speaker
        rows.append(row)
    return rows


def figure_rows(figures: Iterable[Figure]) -> list[dict[str, Any]]:
    return [asdict(figure) for figure in figures]


def row_findings(
    article: Article, mentions: Sequence[Mapping[str, Any]], quotes: Sequence[Mapping[str, Any]]
) -> Findings:
    """The `Findings` of one article, as enrichment found them, from its dataset rows."""
    found = Findings(article)
    for row in sorted(mentions, key=lambda r: r["seq"]):
        found.mentions.append(
            Mention(row["article"], row["text"], row["type"], row["start"], row["end"])
        )
        found.names.append(row["name"])
        found.titles.append(row["title"])
    for row in quotes:
        fields = {k: v for k, v in row.items() if k != "speaker_seq"}
        found.quotes.append(Quote(**fields))
        found.speakers.append(row["speaker_seq"])
    return found


def row_figure(row: Mapping[str, Any]) -> Figure:
    return Figure(**row)


# --- pair checks -----------------------------------------------------------------------


def check_rows(
    checked: Iterable[Link | PartialLink], refs: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Checked links as rows; ``refs`` gives each article's ref (shard << 32 | row)."""
    rows = []
    for link in checked:
        cover: float | None
        size: int | None
        at_start: bool | None
        if isinstance(link, PartialLink):
            article, other, kind = link.child, link.parent, "partial"
            score, cover, size, at_start = link.share, link.cover, link.parent_size, link.at_start
        else:
            article, other, kind = link.article, link.other, link.kind
            score, cover, size, at_start = link.score, link.cover, None, None
        a, b = sorted((refs[article], refs[other]))
        rows.append(
            {
                "a": a,
                "b": b,
                "article": article,
                "other": other,
                "kind": kind,
                "score": score,
                "cover": cover,
                "parent_size": size,
                "at_start": at_start,
            }
        )
    return rows


def row_checked(row: Mapping[str, Any]) -> Link | PartialLink:
    if row["kind"] == "partial":
        return PartialLink(
            row["article"],
            row["other"],
            row["score"],
            row["cover"],
            row["parent_size"],
            row["at_start"],
        )
    return Link(row["article"], row["other"], row["kind"], row["score"], row["cover"])


#: The check-text columns of a `Copy`: its fields.
COPY_COLUMNS = [f.name for f in fields(Copy)]


def check_text_row(copy: Copy, sketch: Sketch | None) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(copy, name) for name in COPY_COLUMNS}
    if sketch is not None:
        row |= {
            "minhash": sketch.minhash,
            "exact": sketch.exact,
            "sketch_words": sketch.words,
            "shingles": sketch.shingles,
            "fingerprints": sketch.fingerprints,
            "lead": sketch.lead,
        }
    return row


def row_copy(row: Mapping[str, Any]) -> Copy:
    return Copy(**{name: row[name] for name in COPY_COLUMNS})


#: The signature columns that make an article's dedup text back (`signature_text`).
SIGNATURE_TEXT_COLUMNS = [
    "article",
    "shard",
    "row",
    "copy_words",
    "paragraphs",
    "partial",
    "has_title",
    "has_authors",
    "text",
]


def signature_text(row: Mapping[str, Any]) -> Text:
    """The dedup text a signature row was made from (rank: the article's ref)."""
    copy = Copy(
        id=row["article"],
        rank=(row["shard"] << 32) | row["row"],
        partial=row["partial"],
        has_title=row["has_title"],
        has_authors=row["has_authors"],
        paragraphs=row["paragraphs"],
        words=row["copy_words"],
    )
    return Text(copy, row["text"])
