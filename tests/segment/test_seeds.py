"""The seed pages: the acceptance cases of the foundation issue, written out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsmill.model import ROLES, Page, Segmented
from newsmill.segment import page_keys, segment_page
from newsmill.segment.lines import split_lines

SEEDS = Path(__file__).parents[1] / "fixtures" / "pages"


def _segment_all() -> dict[str, Segmented]:
    pages = [
        Page(sha256=f.stem, source=str(f), text=f.read_text("utf-8"), kind="text", site="seeds")
        for f in sorted(SEEDS.glob("*.txt"))
    ]
    counts: Counter[int] = Counter()
    for page in pages:
        counts.update(page_keys(split_lines(page.text), 12))
    return {page.sha256[:3]: segment_page(page, counts) for page in pages}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Segmented]:
    return _segment_all()


def test_twelve_articles_four_per_page(seeds: dict[str, Segmented]) -> None:
    assert {name: len(s.articles) for name, s in seeds.items()} == {"000": 4, "001": 4, "004": 4}


def test_page_001_has_one_full_article_and_three_teasers(seeds: dict[str, Segmented]) -> None:
    assert [a.partial for a in seeds["001"].articles] == [False, True, True, True]


def test_titles_where_the_page_has_them(seeds: dict[str, Segmented]) -> None:
    assert [a.title for a in seeds["000"].articles] == [
        "Blinken's response to Russia NATO demand is frankly disturbing",
        None,
        None,
        None,
    ]
    assert [a.title for a in seeds["001"].articles] == [
        "Did the US really take Russia’s NATO concerns 'very seriously'?",
        "The non-empires strike back",
        "Trump appears all in for Netanyahu's political survival",
        "JFK wanted to splinter CIA ‘into a thousand pieces.’ Why didn't he?",
    ]
    assert all(a.title is None for a in seeds["004"].articles)


def test_authors_come_from_bios(seeds: dict[str, Segmented]) -> None:
    authors = {name for s in seeds.values() for a in s.articles for name in a.authors}
    assert authors == {"Marcus Stanley", "Jessica J. Lee"}
    assert seeds["000"].articles[0].authors == ["Marcus Stanley"]
    assert seeds["004"].articles[0].authors == ["Jessica J. Lee"]


def test_sections(seeds: dict[str, Segmented]) -> None:
    assert [a.section for a in seeds["001"].articles] == [
        "Analysis | Europe",
        "Military Industrial Complex",
        "Middle East",
        "Washington Politics",
    ]


def test_no_chrome_marker_credit_or_caption_in_bodies(seeds: dict[str, Segmented]) -> None:
    for segmented in seeds.values():
        for article in segmented.articles:
            roles = {
                line.role
                for line in segmented.lines
                if line.article == article.index
                and any(p.role == "body" and p.first_line == line.number for p in article.parts)
            }
            assert roles <= {"body"}
            for paragraph in article.paragraphs:
                assert "keep reading" not in paragraph.lower()
                assert not paragraph.lower().startswith(("top image credit", "top photo"))
                assert "Subscribe now" not in paragraph


def test_every_non_empty_line_has_a_role(seeds: dict[str, Segmented]) -> None:
    for segmented in seeds.values():
        non_empty = [n for n, t in enumerate(segmented.page.text.split("\n"), 1) if t.strip()]
        assert [line.number for line in segmented.lines] == non_empty
        assert all(line.role in ROLES for line in segmented.lines)


def test_parts_point_back_to_the_page_text(seeds: dict[str, Segmented]) -> None:
    for segmented in seeds.values():
        text = segmented.page.text
        for article in segmented.articles:
            for part in article.parts:
                assert text[part.start : part.end] == part.text
                lines = text.split("\n")
                assert part.text in lines[part.first_line - 1]


def test_markers_credits_captions_and_chrome(seeds: dict[str, Segmented]) -> None:
    roles = Counter(line.role for s in seeds.values() for line in s.lines)
    assert roles["marker"] == 7
    assert roles["bio"] == 2
    assert roles["caption"] == 3
    first = seeds["001"].lines[0]
    assert (first.text, first.role) == ("Follow us on social", "chrome")
    footer = seeds["000"].lines[-1]
    assert footer.text.startswith("Subscribe now") and footer.role == "chrome"


def test_caption_credit_is_split_off(seeds: dict[str, Segmented]) -> None:
    article = seeds["001"].articles[0]
    assert article.captions == ["Secretary of State Antony Blinken and Senator Rand Paul"]
    assert article.credits == ["(Reuters)"]
