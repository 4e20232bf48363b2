"""Headline choice on small pages written for these tests: decorations cut, spelling kept."""

from __future__ import annotations

import json

import pytest

from newsmill.read.htmlmeta import html_meta

BODY = "<p>" + "The harbour stayed shut while crews checked the sea wall for damage. " * 4 + "</p>"


def page(
    *,
    og: str | None = None,
    h1: str | None = None,
    title: str | None = None,
    ld_headline: str | None = None,
    author: str | None = None,
    site: str = "Coast Herald",
) -> str:
    """A one-article page; only the parts given are on it."""
    head = [f'<meta property="og:site_name" content="{site}">']
    if og is not None:
        head.append(f'<meta property="og:title" content="{og}">')
    if title is not None:
        head.append(f"<title>{title}</title>")
    ld = {"@type": "NewsArticle"}
    if ld_headline is not None:
        ld["headline"] = ld_headline
    if author is not None:
        ld["author"] = {"@type": "Person", "name": author}
    head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    heading = f"<h1>{h1}</h1>" if h1 is not None else ""
    return f"<html><head>{''.join(head)}</head><body>{heading}{BODY}</body></html>"


def title_of(html: str) -> str | None:
    meta, _ = html_meta(html)
    return meta.title


def test_byline_behind_the_headline_is_cut():
    decorated = "Storm closes harbour | Coast Herald | by Jane Roe"
    html = page(og=decorated, title=decorated, author="Jane Roe")
    assert title_of(html) == "Storm closes harbour"


def test_name_that_is_no_author_of_the_page_stays():
    decorated = "Storm closes harbour | by Jane Roe"
    html = page(og=decorated, title=decorated, author="Sam Reed")
    assert title_of(html) == decorated


def test_kicker_and_section_around_the_headline_are_cut():
    html = page(
        og="Flood warnings: River rises past its record level | Weather News - Coast Herald",
        h1="River rises past its record level",
    )
    assert title_of(html) == "River rises past its record level"


def test_kicker_alone_before_the_headline_stays():
    # no trailing decoration: "Kicker: Headline" may well be the headline as written
    html = page(og="Flood warnings: River rises past its record level", h1="River rises")
    assert title_of(html) == "Flood warnings: River rises past its record level"


def test_headline_shared_behind_different_kickers():
    h1 = (
        '<span class="overline">Storm season</span><span class="offscreen"> - </span>'
        "<span>Ferries stop running for the whole weekend</span>"
    )
    html = page(og="Coastal weather: Ferries stop running for the whole weekend", h1=h1)
    assert title_of(html) == "Ferries stop running for the whole weekend"


@pytest.mark.parametrize(
    ("og", "h1"),
    [
        # the same headline reworded at its start, not two kickers
        (
            "Joburg fails traders: here is what the city must do now",
            "Johannesburg fails traders: here is what the city must do now",
        ),
        # one kicker inside the other
        (
            "Report: Activist killed - court denies it",
            "In 2022: Report: Activist killed - court denies it",
        ),
    ],
)
def test_leads_sharing_words_are_no_kickers(og, h1):
    assert title_of(page(og=og, h1=h1)) == og


def test_spelling_most_candidates_share_wins():
    html = page(
        og="Mayor's 'bold' plan wins the vote",
        h1="Mayor’s ‘bold’ plan wins the vote",
        ld_headline="Mayor’s ‘bold’ plan wins the vote",
    )
    assert title_of(html) == "Mayor’s ‘bold’ plan wins the vote"


def test_spelling_tie_keeps_the_first_candidate():
    html = page(og="Mayor's 'bold' plan wins the vote", h1="Mayor’s ‘bold’ plan wins the vote")
    assert title_of(html) == "Mayor's 'bold' plan wins the vote"
