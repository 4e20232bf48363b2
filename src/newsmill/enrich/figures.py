"""Figures: the numbers an article reports, with what they measure, who measured them, when.

`find_figures(text)` finds the amounts in a text (see `figures_numbers` for what counts and
what does not). `extract_figures(article, page_text)` runs it on each body paragraph and
adds the measure, source and period from the sentence (see `figures_context`). A source
named in one sentence carries to later sentences of the same article that refer back to
it ("the poll", "those polled"). Rule-based and fast: well under 10 ms per article.

A range ("between 46% and 50%") is one figure whose `value` is its first end as written;
its `text` spans the whole range. Percentages keep their number (52% -> 52.0, unit
"percent"); shares written in words ("two-thirds", "seven in ten") are fractions (0.667,
unit "fraction").
"""

from __future__ import annotations

from newsmill.enrich.figures_context import (
    measures,
    periods,
    refers_back,
    sentence_sources,
    split_sentences,
)
from newsmill.enrich.figures_numbers import Quantity, find_quantities
from newsmill.enrich.figures_store import iter_figure_records, write_figures
from newsmill.model import Article, Figure

__all__ = [
    "Quantity",
    "extract_figures",
    "figures_in_text",
    "find_figures",
    "iter_figure_records",
    "write_figures",
]


def find_figures(text: str) -> list[Quantity]:
    """The amounts in a text, in order: value, unit, span, range end and qualifier."""
    return find_quantities(text)


def extract_figures(article: Article, page_text: str | None = None) -> list[Figure]:
    """Figures of an article's body paragraphs, with page offsets.

    Each paragraph is `page_text` at its part's offsets or, without `page_text`, the
    part's own text (the same thing for articles read back from the store).
    """
    figures: list[Figure] = []
    state = _SourceState()
    for part in article.parts:
        if part.role != "body":
            continue
        paragraph = part.text if page_text is None else page_text[part.start : part.end]
        for figure in figures_in_text(paragraph, state, article.id, part.start):
            figure.id = f"{article.id}:fig{len(figures)}"
            figures.append(figure)
    return figures


class _SourceState:
    """The source last named in the article, for sentences that refer back to it."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: str | None = None


def figures_in_text(
    text: str, state: _SourceState | None = None, article: str = "", offset: int = 0
) -> list[Figure]:
    """Figures of one paragraph with their context; offsets are shifted by `offset`."""
    state = state or _SourceState()
    quantities = find_quantities(text)
    figures: list[Figure] = []
    for sentence in split_sentences(text):
        inside = [q for q in quantities if sentence.start <= q.start < sentence.end]
        named = sentence_sources(sentence.text)
        if named:
            state.last = named[-1][1]
        if not inside:
            continue
        local = [_shifted(q, -sentence.start) for q in inside]
        what = measures(sentence.text, local)
        when = periods(sentence.text, local)
        for quantity, measure, period in zip(inside, what, when, strict=True):
            source = _source_for(quantity.start - sentence.start, named, sentence.text, state)
            figures.append(
                Figure(
                    id="",
                    article=article,
                    value=quantity.value,
                    unit=quantity.unit,
                    text=quantity.text,
                    start=quantity.start + offset,
                    end=quantity.end + offset,
                    measure=measure,
                    source=source,
                    period=period,
                    sentence=sentence.text,
                )
            )
    return figures


def _source_for(
    position: int, named: list[tuple[int, str]], sentence: str, state: _SourceState
) -> str | None:
    if named:
        before = [name for start, name in named if start <= position]
        return before[-1] if before else named[0][1]
    if state.last and refers_back(sentence):
        return state.last
    return None


def _shifted(quantity: Quantity, by: int) -> Quantity:
    return Quantity(
        quantity.value,
        quantity.unit,
        quantity.text,
        quantity.start + by,
        quantity.end + by,
        quantity.high,
        quantity.change,
        quantity.kind,
    )
