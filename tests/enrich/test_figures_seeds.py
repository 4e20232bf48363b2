"""Seed acceptance: the Gallup article's figures, with measures, sources and periods."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmill.enrich.figures import extract_figures
from newsmill.model import Article, Figure, Part

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
FIRST = "A new Gallup study indicates"
LAST = "The Gallup report also found"


def _gallup_article() -> tuple[Article, str]:
    """The article body from "A new Gallup study..." to "The Gallup report also found...",
    one paragraph per line, with page offsets."""
    text = next(PAGES.glob("000_*.txt")).read_text(encoding="utf-8")
    parts, offset, inside = [], 0, False
    for number, line in enumerate(text.split("\n"), start=1):
        inside = inside or line.startswith(FIRST)
        if inside and line.strip():
            parts.append(Part("body", number, number, offset, offset + len(line), line))
        if line.startswith(LAST):
            break
        offset += len(line) + 1
    return Article(id="gallup", page_sha256="seed", index=0, parts=parts), text


@pytest.fixture(scope="module")
def figures() -> tuple[list[Figure], str]:
    article, text = _gallup_article()
    return extract_figures(article, text), text


def _one(figures: list[Figure], text: str, after: str = "") -> Figure:
    found = [f for f in figures if f.text.endswith(text) and after in f.sentence]
    assert found, f"{text!r} not found in {[f.text for f in figures]}"
    return found[0]


def test_offsets_point_into_the_page(figures: tuple[list[Figure], str]) -> None:
    found, page = figures
    assert len(found) >= 12
    for figure in found:
        assert page[figure.start : figure.end] == figure.text
        assert figure.text in figure.sentence


@pytest.mark.parametrize(
    ("text", "value", "sentence", "measure_words", "source", "period"),
    [
        ("52%", 52, "those polled", "negotiated peace", "Gallup", None),
        ("73%", 73, "According to Gallup", "continue fighting", "Gallup", "2022"),
        ("63%", 63, "According to Gallup", "continue fighting", "Gallup", "2023"),
        ("47%", 47, "Kyiv polled", "Kyiv", "Gallup", None),
        ("27%", 27, "Kyiv polled", "eastern regions", "Gallup", None),
        ("81%", 81, "those polled", "victory", "Gallup", None),
        ("77%", 77, "Kyiv International", "loss of family members", "Kyiv International", None),
        (
            "10 million",
            10_000_000,
            "population crisis",
            "fled the country",
            "Population Fund",
            "October",
        ),
        ("70%", 70, "Gallup report", "preferring the EU", "Gallup", None),
    ],
)
def test_seed_figures(
    figures: tuple[list[Figure], str],
    text: str,
    value: float,
    sentence: str,
    measure_words: str,
    source: str,
    period: str | None,
) -> None:
    figure = _one(figures[0], text, sentence)
    assert figure.value == value
    assert figure.measure is not None and measure_words in figure.measure
    assert figure.source is not None and source in figure.source
    assert figure.period == period


def test_carnegie_poll_is_its_source(figures: tuple[list[Figure], str]) -> None:
    figure = _one(figures[0], "46%", "Carnegie")
    assert figure.source == "Carnegie Endowment for International Peace"
    assert figure.measure is not None and figure.measure.startswith("respondents supporting")


def test_respectively_maps_years_in_order(figures: tuple[list[Figure], str]) -> None:
    assert _one(figures[0], "92%").period == "2022"
    assert _one(figures[0], "93%").period == "2023"
    assert _one(figures[0], "92%").text == "down from 92%"


def test_shares_in_words(figures: tuple[list[Figure], str]) -> None:
    two_thirds = _one(figures[0], "two-thirds")
    assert two_thirds.unit == "fraction"
    assert two_thirds.value == pytest.approx(2 / 3)


def test_no_years_or_dates_among_figures(figures: tuple[list[Figure], str]) -> None:
    values = {f.value for f in figures[0]}
    assert not values & {2014, 2022, 2023, 1991}
