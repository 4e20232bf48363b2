"""Seed acceptance: the quotes of the named people are found with the right speaker."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from newsmill.enrich.extract import Findings, find_in_articles

from .conftest import seed_articles

if TYPE_CHECKING:
    from spacy.language import Language

#: speaker (canonical in-article name) -> words from one of their quotes on the seed pages
EXPECTED = {
    "Blinken": "core principles that we are committed to uphold",
    "Rand Paul": "no justification for Putin's war",
    "Putin": "we need to resolve this question now",
    "William Burns": "brightest of all redlines",
    "Lloyd Austin": "we can control when they would self-activate",
    "Joe Biden": "put more civilians at risk",
    "Mark Episkopos": "These realities of Ukrainian public sentiment",
    "Mykhailo Temper": "quite hard to imagine",
    "Florence Bauer": "The birth rate plummeted",
}


@pytest.fixture(scope="module")
def findings(nlp: Language) -> list[Findings]:
    pairs = seed_articles()
    return list(find_in_articles(nlp, [article for article, _ in pairs]))


@pytest.mark.parametrize("speaker", sorted(EXPECTED))
def test_seed_quote_has_right_speaker(findings: list[Findings], speaker: str) -> None:
    words = EXPECTED[speaker]
    quotes = [q for found in findings for q in found.quotes if words in q.text]
    assert quotes, f"no quote containing {words!r}"
    assert any(q.speaker and speaker in q.speaker for q in quotes), [q.speaker for q in quotes]
    assert all(q.speaker_type == "person" for q in quotes if q.speaker and speaker in q.speaker)


def test_quote_offsets_point_into_the_page(findings: list[Findings]) -> None:
    texts = {article.id: text for article, text in seed_articles()}
    for found in findings:
        page = texts[found.article.id]
        for quote in found.quotes:
            assert " ".join(page[quote.start : quote.end].split()) == quote.text
            if quote.mention_start is not None and quote.mention_end is not None:
                assert page[quote.mention_start : quote.mention_end] == quote.speaker_mention
        for mention in found.mentions:
            assert page[mention.start : mention.end] == mention.text


def test_anonymous_and_document_speakers(findings: list[Findings]) -> None:
    quotes = {q.text[:30]: q for found in findings for q in found.quotes}
    official = next(q for t, q in quotes.items() if t.startswith("contribute to a more effective"))
    assert official.speaker_type == "anonymous"
    statement = next(q for t, q in quotes.items() if t.startswith("the lifting of all barriers"))
    assert statement.speaker_type == "document"


def test_small_model_cuts_are_repaired(findings: list[Findings]) -> None:
    people = {
        name
        for found in findings
        for name, m in zip(found.names, found.mentions, strict=True)
        if m.type == "person"
    }
    assert "Lloyd Austin" in people  # tagged "Defense Lloyd Austin" ORG by the small model
    assert "Florence Bauer" in people  # tagged ORG; her appositive says "head of"
    orgs = {m.text for found in findings for m in found.mentions if m.type == "organization"}
    assert "State" not in orgs  # of "Secretary of State"
