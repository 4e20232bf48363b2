"""Marking spans in article text: nesting, escaping, links only to our own paths."""

from __future__ import annotations

from newsmill.model import Mention, Quote
from newsmill.web.pages import timeline_svg
from newsmill.web.render import (
    Span,
    mark_text,
    mention_spans,
    quote_spans,
    safe_url,
    snippet_html,
)

PAGE = 'Intro line\nBlinken said "NATO is <b>open</b>" to 30% of them.\n'
LINE_START = PAGE.index("Blinken")
LINE = PAGE[LINE_START : PAGE.index("\n", LINE_START)]


def at(text: str) -> tuple[int, int]:
    start = PAGE.index(text)
    return start, start + len(text)


def test_quote_speaker_entity_and_figure_are_marked_and_text_escaped() -> None:
    q_start, q_end = at("NATO is <b>open</b>")
    s_start, s_end = at("Blinken")
    quote = Quote(
        "q1", "a1", "NATO is <b>open</b>", "direct", q_start, q_end, "said", *at("said"),
        "Antony Blinken", "person", "Blinken", s_start, s_end, "e-blinken",
    )  # fmt: skip
    nato = Mention("a1", "NATO", "organization", *at("NATO"), entity="e-nato")
    figure = Span(*at("30%"), "figure", "unit: percent")
    html = str(mark_text(LINE, LINE_START, [*quote_spans([quote]), *mention_spans([nato]), figure]))
    assert (
        '<a class="speaker" href="/entity/e-blinken" title="speaker: Antony Blinken">Blinken</a>'
        in html
    )
    assert '<mark class="cue" title="cue: said">said</mark>' in html
    assert (
        '<mark class="quote" title="direct quote: Antony Blinken">'
        '<a class="entity" href="/entity/e-nato" title="organization: NATO">NATO</a></mark>'
    ) in html
    assert "&lt;b&gt;open&lt;/b&gt;" in html and "<b>" not in html
    assert '<mark class="figure" title="unit: percent">30%</mark>' in html
    plain = html
    for tag in ("mark", "a"):
        plain = plain.replace(f"</{tag}>", "")
    assert plain.count("<") == html.count("<mark") + html.count("<a ")  # nothing else opened


def test_spans_outside_the_text_are_ignored_and_clipped() -> None:
    outside = Span(0, 5, "quote", "x")
    across = Span(LINE_START - 3, LINE_START + 7, "quote", "x")
    html = str(mark_text(LINE, LINE_START, [outside, across]))
    assert html.startswith('<mark class="quote" title="x">Blinken</mark>')
    assert html.count("<mark") == 1


def test_unlinked_mentions_and_hostile_titles() -> None:
    assert mention_spans([Mention("a", "X", "person", 0, 1, entity=None)]) == []
    html = str(mark_text("abc", 0, [Span(0, 3, "quote", '"><script>alert(1)</script>')]))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_snippet_and_urls() -> None:
    assert str(snippet_html("a \x02<i>b</i>\x03 c")) == "a <mark>&lt;i&gt;b&lt;/i&gt;</mark> c"
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url(None) is None


def test_timeline_chart() -> None:
    assert str(timeline_svg([])) == ""
    svg = str(timeline_svg([("2024-01-01", 2), ("2024-01-02", 4)]))
    assert svg.count("<rect") == 2 and "max 4/day" in svg and "2024-01-02: 4" in svg
