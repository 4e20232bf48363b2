"""One article in, its entity mentions and quotes (and figures) out, in page offsets.

This is the store-free part of enrichment: `find_in_articles` runs the pipeline over a
stream of articles and yields `Findings` whose offsets all point into the page text.
Names are still the in-article names; `enrich.run` turns them into corpus entities.

With more than one process, each worker forked by `pool.map_batches` parses a batch of
articles and runs all of our logic on it; only articles go to it and only `Findings` come
back, so no spaCy `Doc` is ever serialized and this process is free for the store.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import xxhash

from newsmill.enrich.entities import LocalMention, extract_mentions
from newsmill.enrich.figures import extract_figures
from newsmill.enrich.nlp import BodyText, batch_size_for, body_text, one_blas_thread, parse_bodies
from newsmill.enrich.pool import batched, can_fork, map_batches
from newsmill.enrich.quotes import FoundQuote, extract_quotes
from newsmill.model import Article, Figure, Mention, Quote

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@dataclass(slots=True)
class Findings:
    """What enrichment found in one article, offsets in the page text."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # in-article name of each mention
    titles: list[str] = field(default_factory=list)  # title written with each mention
    quotes: list[Quote] = field(default_factory=list)
    speakers: list[int | None] = field(default_factory=list)  # mention index per quote
    figures: list[Figure] = field(default_factory=list)  # only when asked for


def find_in_articles(
    nlp: Language,
    articles: Iterable[Article],
    n_process: int = 1,
    count: int | None = None,
    *,
    figures: bool = False,
) -> Iterator[Findings]:
    """Entities and quotes of each article (and its figures, if asked), in order.

    Articles are read lazily; those without body text yield empty findings. Figures are
    read off each body part's own text, which is the page's text at the part's offsets
    for every article the store gives back. `n_process` > 1 runs the pipeline and our
    logic in that many forked workers. `count` (taken from `articles` when it has a
    length) sizes the batches.
    """
    if count is None and isinstance(articles, Sized):
        count = len(articles)
    if n_process <= 1 or not can_fork():
        bodies = (body_text(article) for article in articles)
        for body, doc in parse_bodies(nlp, bodies, count):
            yield findings_of(body, doc, figures)
        return
    work = functools.partial(find_in_batch, nlp, figures)
    batches = batched(articles, batch_size_for(count, n_process))
    with one_blas_thread():  # inherited by the workers
        for found in map_batches(work, batches, n_process):
            yield from found


def find_in_batch(nlp: Language, figures: bool, articles: list[Article]) -> list[Findings]:
    """What `find_in_articles` finds in a few articles, parsed together in this process."""
    bodies = [body_text(article) for article in articles]
    docs = nlp.pipe([body.text for body in bodies], batch_size=max(len(bodies), 1))
    return [findings_of(body, doc, figures) for body, doc in zip(bodies, docs, strict=True)]


def findings_of(body: BodyText, doc: Doc, figures: bool = False) -> Findings:
    local = extract_mentions(body, doc)
    found = Findings(body.article)
    if figures:
        found.figures = extract_figures(body.article)
    for mention in local:
        found.mentions.append(_mention(body, mention))
        found.names.append(mention.name)
        found.titles.append(mention.title)
    index = {id(mention): i for i, mention in enumerate(local)}
    for quote in extract_quotes(body, doc, local):
        found.quotes.append(_quote(body, quote))
        speaker = quote.speaker.mention if quote.speaker else None
        found.speakers.append(index.get(id(speaker)) if speaker is not None else None)
    return found


def _mention(body: BodyText, mention: LocalMention) -> Mention:
    return Mention(
        article=body.article.id,
        text=mention.text,
        type=mention.type,
        start=body.to_page(mention.start),
        end=body.to_page(mention.end),
    )


def _quote(body: BodyText, found: FoundQuote) -> Quote:
    article = body.article
    start, end = body.to_page(found.start), body.to_page(found.end)
    quote = Quote(
        id=quote_id(article.id, start, end, found.kind),
        article=article.id,
        text=" ".join(body.text[found.start : found.end].split()),
        kind=found.kind,
        start=start,
        end=end,
    )
    if found.cue is not None:
        quote.cue = found.cue.text
        quote.cue_start = body.to_page(found.cue.idx)
        quote.cue_end = body.to_page(found.cue.idx + len(found.cue.text))
    speaker = found.speaker
    if speaker is not None:
        quote.speaker = speaker.name
        quote.speaker_type = speaker.type
        quote.speaker_mention = speaker.text
        quote.mention_start = body.to_page(speaker.start)
        quote.mention_end = body.to_page(speaker.end)
    return quote


def quote_id(article_id: str, start: int, end: int, kind: str) -> str:
    """Stable across runs, so re-enriching an article rewrites the same ids."""
    return "q" + xxhash.xxh64_hexdigest(f"{article_id}:{start}:{end}:{kind}".encode(), seed=0)[:15]
