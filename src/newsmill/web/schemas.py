"""JSON shapes of the REST API (they make the OpenAPI schema at /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str  # bad_query | not_found | invalid_params | internal
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class ArticleSummary(BaseModel):
    id: str
    cluster: str  # its cluster of copies (its own id when it has none)
    copies: int  # articles in that cluster, itself included
    title: str | None
    first_words: str
    section: str | None
    authors: list[str]
    source: str
    site: str
    partial: bool
    words: int
    published: str | None
    date: str | None  # published, else captured, else ingested (YYYY-MM-DD)


class Hit(BaseModel):
    article: ArticleSummary
    snippet: str  # plain text
    snippet_html: str  # escaped HTML, matches in <mark>
    score: float
    cluster: str
    copies: int  # articles in the cluster of copies this row stands for


class HitPage(BaseModel):
    query: str | None
    filters: dict[str, str]
    total: int  # clusters matching
    limit: int
    offset: int
    items: list[Hit]


class PageRef(BaseModel):
    sha256: str
    source: str
    url: str | None = None
    site: str | None = None


class PartModel(BaseModel):
    role: str
    first_line: int
    last_line: int
    start: int
    end: int


class QuoteModel(BaseModel):
    id: str
    article: str
    text: str
    kind: str
    start: int
    end: int
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker: str | None
    speaker_type: str
    speaker_mention: str | None
    mention_start: int | None
    mention_end: int | None
    entity: str | None


class QuoteRecord(QuoteModel):
    title: str | None
    page: PageRef


class MentionModel(BaseModel):
    article: str
    text: str
    type: str
    start: int
    end: int
    entity: str | None


class FigureRecord(BaseModel):
    id: str
    article: str
    page: PageRef
    value: float
    unit: str | None
    text: str
    start: int
    end: int
    measure: str | None
    source: str | None
    period: str | None
    sentence: str


class CopyModel(BaseModel):
    """A copy in a cluster and why it is there (dedup.query.CopyRow)."""

    article_id: str
    title: str | None
    page: str  # page source
    kind: str  # canonical | exact | near | contained | contains | first
    score: float | None
    matched_with: str | None
    canonical: bool
    partial: bool
    words: int
    first_words: str


class ClusterModel(BaseModel):
    id: str
    canonical: str
    title: str | None
    size: int
    pages: list[str]
    kinds: dict[str, int]
    copies: list[CopyModel]


class ClusterPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ClusterModel]


class ArticleDetail(BaseModel):
    id: str
    page: PageRef
    title: str | None
    dek: str | None
    section: str | None
    authors: list[str]
    bio: str | None
    published: str | None
    date: str | None
    paragraphs: list[str]
    captions: list[str]
    credits: list[str]
    partial: bool
    parts: list[PartModel]
    quotes: list[QuoteModel]
    mentions: list[MentionModel]
    figures: list[FigureRecord]
    cluster: str | None
    copies: list[CopyModel]  # the other copies of this article, canonical first


class SourceLineModel(BaseModel):
    number: int
    text: str
    role: str | None
    reason: str
    article: str | None


class PageSourceModel(BaseModel):
    article: str
    sha256: str
    source: str
    url: str | None
    site: str
    kind: str
    lines: list[SourceLineModel]


class EntityModel(BaseModel):
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: int
    articles: int


class EntityPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EntityModel]


class QuoteInArticle(BaseModel):
    quote: QuoteModel
    title: str | None
    date: str | None


class DayCount(BaseModel):
    date: str
    mentions: int


class CoMentionModel(BaseModel):
    entity: EntityModel
    shared_articles: int


class EntityDetail(BaseModel):
    entity: EntityModel
    quotes_total: int
    quotes: list[QuoteInArticle]
    timeline: list[DayCount]
    co_mentioned: list[CoMentionModel]


class QuotePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QuoteRecord]


class FigurePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[FigureRecord]


class NameCount(BaseModel):
    name: str
    count: int


class SkippedInput(BaseModel):
    source: str
    reason: str
    detail: str


class OverviewModel(BaseModel):
    pages: int
    articles: int
    partial: int
    sites: list[NameCount]
    roles: list[NameCount]
    clusters: int
    duplicate_articles: int
    entities: int
    quotes: int
    figures: int
    skipped: list[NameCount]
    skipped_inputs: list[SkippedInput]
