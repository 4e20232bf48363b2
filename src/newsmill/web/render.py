"""Turning article text and found spans into safe HTML.

Article text is data: every piece of it goes through `markupsafe.escape`. The only tags in
the output are the ones built here, with escaped attribute values and links to this app's
own paths; no URL is ever taken from page text.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup, escape

from newsmill.model import Mention, Quote
from newsmill.store.query import SNIPPET_CLOSE, SNIPPET_OPEN

#: URL schemes a page's own address may be linked with; anything else is shown as text.
SAFE_SCHEMES = frozenset({"http", "https"})


@dataclass(slots=True)
class Span:
    """A marked stretch of page text (page offsets)."""

    start: int
    end: int
    kind: str  # quote | figure | cue | link
    title: str = ""
    href: str = ""
    css: str = ""


def entity_href(entity_id: str) -> str:
    return "/entity/" + quote(entity_id, safe="")


def quotes_href(speaker: str) -> str:
    return "/quotes?" + urlencode({"speaker": speaker})


def quote_spans(quotes: list[Quote]) -> list[Span]:
    spans = []
    for item in quotes:
        who = item.speaker or item.speaker_type
        spans.append(Span(item.start, item.end, "quote", f"{item.kind} quote: {who}"))
        if item.cue_start is not None and item.cue_end is not None:
            spans.append(Span(item.cue_start, item.cue_end, "cue", f"cue: {item.cue}"))
        if item.mention_start is not None and item.mention_end is not None and item.speaker:
            href = entity_href(item.entity) if item.entity else quotes_href(item.speaker)
            title = f"speaker: {item.speaker}"
            spans.append(Span(item.mention_start, item.mention_end, "link", title, href, "speaker"))
    return spans


def mention_spans(mentions: list[Mention]) -> list[Span]:
    return [
        Span(m.start, m.end, "link", f"{m.type}: {m.text}", entity_href(m.entity), "entity")
        for m in mentions
        if m.entity
    ]


def figure_spans(figures: list[dict[str, object]]) -> list[Span]:
    spans = []
    for figure in figures:
        about = [f"{k}: {figure[k]}" for k in ("unit", "measure", "source", "period") if figure[k]]
        start, end = figure["start"], figure["end"]
        if isinstance(start, int) and isinstance(end, int):
            spans.append(Span(start, end, "figure", "; ".join(about)))
    return spans


#: Order of nesting, outermost first.
_KIND_ORDER = {"quote": 0, "figure": 1, "cue": 2, "link": 3}


def mark_text(text: str, offset: int, spans: list[Span]) -> Markup:
    """`text` (found at `offset` in the page) as HTML, with the spans that overlap it marked."""
    end = offset + len(text)
    inside = [s for s in spans if s.start < end and s.end > offset and s.end > s.start]
    cuts = {0, len(text)}
    for span in inside:
        cuts.add(max(span.start, offset) - offset)
        cuts.add(min(span.end, end) - offset)
    bounds = sorted(cuts)
    out = []
    for left, right in pairwise(bounds):
        active = [s for s in inside if s.start <= offset + left and s.end >= offset + right]
        out.append(_wrap(text[left:right], active))
    return Markup("").join(out)


def _wrap(piece: str, active: list[Span]) -> Markup:
    html = escape(piece)
    chosen: dict[str, Span] = {}
    for span in sorted(active, key=lambda s: s.end - s.start):  # innermost link wins
        chosen.setdefault(span.kind, span)
    for kind in sorted(chosen, key=_KIND_ORDER.__getitem__, reverse=True):
        html = _tag(chosen[kind], html)
    return html


def _tag(span: Span, inner: Markup) -> Markup:
    title = escape(span.title)
    if span.kind == "link":
        return Markup('<a class="{}" href="{}" title="{}">{}</a>').format(
            span.css, span.href, title, inner
        )
    return Markup('<mark class="{}" title="{}">{}</mark>').format(span.kind, title, inner)


def snippet_html(snippet: str) -> Markup:
    """An FTS snippet with its highlight delimiters turned into <mark>, everything escaped."""
    text = str(escape(snippet))
    return Markup(text.replace(SNIPPET_OPEN, "<mark>").replace(SNIPPET_CLOSE, "</mark>"))


def snippet_plain(snippet: str) -> str:
    return snippet.replace(SNIPPET_OPEN, "").replace(SNIPPET_CLOSE, "")


def safe_url(url: str | None) -> str | None:
    """The URL if it may be a link (http or https), else None: shown as text instead."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in SAFE_SCHEMES else None
