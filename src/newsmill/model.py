"""The records that flow between stages.

Every stage takes and yields these records and nothing else: readers yield `Page`,
the segmenter turns a `Page` into `Line` roles and `Article` records, later stages add
`Quote`, `Figure` and `Entity` records that point back into the page text.

All character offsets are offsets into `Page.text`, the page's decoded text with line
endings normalised to ``\\n``. That is the text the store keeps, so every offset can be
checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

#: The role vocabulary. Every non-empty line of every page gets exactly one of these.
ROLES: Final = (
    "title",
    "dek",
    "section",
    "byline",
    "dateline",
    "body",
    "bio",
    "caption",
    "credit",
    "image_alt",
    "marker",
    "chrome",
)


@dataclass(slots=True)
class HtmlMeta:
    """What an HTML extractor (trafilatura) found on a single-article page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    sitename: str | None = None
    body: str | None = None  # main text as the extractor sees it, paragraphs split by \n
    description: str | None = None
    section: str | None = None
    h1: str | None = None  # the page's own headline element, when there is exactly one
    og_title: str | None = None


@dataclass(slots=True)
class Page:
    """One captured page, decoded."""

    sha256: str  # of the raw bytes as captured
    source: str  # path, path#member, or URL
    text: str  # decoded text, line endings normalised; for HTML the block rendering
    kind: str  # "text" | "html" | "warc" | "jsonl"
    site: str  # URL host, or the parent folder when there is no URL
    url: str | None = None
    captured_at: str | None = None  # ISO 8601 when known
    encoding: str = "utf-8"
    lossy: bool = False  # undecodable bytes were replaced
    record_id: str | None = None  # WARC-Record-ID
    html: HtmlMeta | None = None


@dataclass(slots=True)
class Skip:
    """A piece of input that produced no page, and why. Bad input is data, not a crash."""

    source: str
    reason: str  # short machine-readable code: empty, binary, too_large, bad_gzip, ...
    detail: str = ""


@dataclass(slots=True)
class Line:
    """One non-empty line of a page, with its role."""

    number: int  # 1-based line number in Page.text
    start: int  # offset of the first non-blank character
    end: int  # offset just past the last non-blank character
    text: str
    role: str = "chrome"
    reason: str = ""  # why it got this role (rule name), for "view source"
    article: int | None = None  # index of the article on the page, if any


@dataclass(slots=True)
class Part:
    """A span of an article with one role; usually one line, sometimes part of a line."""

    role: str
    first_line: int
    last_line: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Article:
    """One article as found on one page."""

    id: str
    page_sha256: str
    index: int  # 0-based position on the page
    parts: list[Part] = field(default_factory=list)
    title: str | None = None
    dek: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    bio: str | None = None
    published: str | None = None
    partial: bool = False

    def texts(self, role: str) -> list[str]:
        return [part.text for part in self.parts if part.role == role]

    @property
    def paragraphs(self) -> list[str]:
        return self.texts("body")

    @property
    def captions(self) -> list[str]:
        return self.texts("caption")

    @property
    def credits(self) -> list[str]:
        return self.texts("credit")

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def start(self) -> int:
        return min(part.start for part in self.parts)

    @property
    def end(self) -> int:
        return max(part.end for part in self.parts)


@dataclass(slots=True)
class Segmented:
    """A page after segmentation: every non-empty line has a role, articles assembled."""

    page: Page
    lines: list[Line]
    articles: list[Article]


@dataclass(slots=True)
class Entity:
    """A canonical entity across the corpus."""

    id: str
    name: str
    type: str  # person | organization | place | group
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    articles: int = 0


@dataclass(slots=True)
class Mention:
    """One mention of an entity in a page's text."""

    article: str
    text: str
    type: str
    start: int
    end: int
    entity: str | None = None  # Entity.id once resolved


@dataclass(slots=True)
class Quote:
    id: str
    article: str
    text: str
    kind: str  # direct | indirect | mixed
    start: int
    end: int
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None  # canonical name
    speaker_type: str = "unknown"  # person|organization|document|group|anonymous|unknown
    speaker_mention: str | None = None
    mention_start: int | None = None
    mention_end: int | None = None
    entity: str | None = None


@dataclass(slots=True)
class Figure:
    id: str
    article: str
    value: float
    unit: str | None
    text: str
    start: int
    end: int
    measure: str | None = None
    source: str | None = None
    period: str | None = None
    sentence: str = ""
