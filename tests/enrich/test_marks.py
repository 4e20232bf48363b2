from __future__ import annotations

from newsmill.enrich.quotes import quoted_spans


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_spans(text)]


def test_curly_and_straight_marks() -> None:
    assert texts('He said “yes, we will.” Then "no," she said.') == ["yes, we will.", "no"]


def test_interrupted_quote_gives_two_pieces() -> None:
    assert texts("“It is late,” she said, “but not too late.”") == [
        "It is late",
        "but not too late.",
    ]


def test_quote_spanning_paragraphs() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph,” he said."
    assert texts(text) == ["First paragraph of the quote.\n\n“Second paragraph"]


def test_unclosed_quote_closes_at_paragraph_end() -> None:
    text = "He said “this never ends\n\nNext paragraph is narration."
    assert texts(text) == ["this never ends"]


def test_closing_mark_used_as_opening_mark() -> None:
    assert texts("”Fear. I am afraid,” she wrote.") == ["Fear. I am afraid"]
