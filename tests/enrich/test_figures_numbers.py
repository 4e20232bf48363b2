"""What counts as a figure, and what does not (years, dates, names, ages, list numbers)."""

from __future__ import annotations

import pytest

from newsmill.enrich.figures import find_figures
from newsmill.enrich.figures_context import periods, sentence_sources, split_sentences


def _values(text: str) -> list[float]:
    return [q.value for q in find_figures(text)]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Turnout was 52% this time.", 52, "percent"),
        ("It fell 3.5 per cent.", 3.5, "percent"),
        ("They raised $800 million.", 800_000_000, "dollar"),
        ("The deal is worth £12m.", 12_000_000, "pound sterling"),
        ("Some 10 million people fled.", 10_000_000, "people"),
        ("Seven in ten voters agreed.", 0.7, "fraction"),
        ("One in four homes flooded.", 0.25, "fraction"),
        ("Two-thirds of members objected.", 2 / 3, "fraction"),
        ("The rate fell to one child per woman.", 1, "child"),
        ("The mines failed at a rate 150 times higher.", 150, "times"),
        ("It has 13,000 workers in Britain.", 13000, "workers"),
        ("A dozen protesters were held.", 12, "protesters"),
        ("The phone has 256GB of storage.", 256, "gigabyte"),
    ],
)
def test_amounts(text: str, value: float, unit: str | None) -> None:
    found = find_figures(text)
    assert len(found) == 1, found
    assert found[0].value == pytest.approx(value)
    assert found[0].unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "Trump reversed the restrictions in 2020.",
        "The ban was lifted on March 23, 2021, in Brussels.",
        "It happened on 30 October at dawn.",
        "A sapper of the 24th mechanized brigade installed a mine.",
        "Talks continued at COP29 and the G20 summit.",
        "The UN passed Resolution 2735 in June.",
        "The F-16 and the Boeing 737 were shown.",
        "Jane Smith, 45, said she was worried.",
        "1. Register online.",
        "The meeting starts at 10:30 a.m. sharp.",
        "One official said the talks had stalled.",
        "She entered politics in the 1990s.",
        "The team won 4-2 on Saturday.",
        "The fighting is in its fourth year.",
    ],
)
def test_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_range_is_one_figure() -> None:
    (found,) = find_figures("Support ranged between 46% and 50% by region.")
    assert (found.value, found.high, found.unit) == (46, 50, "percent")
    assert found.text == "between 46% and 50%"


def test_scale_covers_both_ends_of_a_range() -> None:
    (found,) = find_figures("It had projected $89 to $93 billion.")
    assert (found.value, found.high) == (89e9, 93e9)


def test_change_and_margin() -> None:
    (down,) = find_figures("But that number is down from 92% last year.")
    assert (down.change, down.text) == ("down", "down from 92%")
    margin = find_figures("The margin of error is plus or minus 3 percentage points.")
    assert [(q.value, q.change) for q in margin] == [(3, "±")]
    assert _values("Stocks closed -1.3% lower.") == [-1.3]


def test_year_with_a_counted_noun_is_a_count() -> None:
    assert _values("The plant has 2000 workers.") == [2000]
    assert _values("Voters in the 2016 elections were angry.") == []


def test_sentences_keep_abbreviations() -> None:
    text = "The U.N. Population Fund said so. Sen. Paul disagreed. It ended."
    assert [s.text for s in split_sentences(text)] == [
        "The U.N. Population Fund said so.",
        "Sen. Paul disagreed.",
        "It ended.",
    ]


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("According to Gallup, 73% agreed.", "Gallup"),
        ("A new Pew Research Center survey found 40% agreed.", "Pew Research Center"),
        ("The Carnegie Endowment released a poll in June.", "Carnegie Endowment"),
        (
            "A study from the Kyiv International Institute of Sociology found that 77% did.",
            "Kyiv International Institute of Sociology",
        ),
        (
            "A report from Jane Doe, head of the U.N. Population Fund, said 10 million fled.",
            "U.N. Population Fund",
        ),
    ],
)
def test_sources(sentence: str, source: str) -> None:
    assert [name for _, name in sentence_sources(sentence)][-1] == source


def test_periods() -> None:
    sentence = "The polling ran from August through October and found 52% agreed."
    assert periods(sentence, find_figures(sentence)) == ["August through October"]
