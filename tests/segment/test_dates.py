"""Dates from datelines: never filled in from the day the ingest runs."""

from __future__ import annotations

from collections import Counter

import pytest

from newsmill.model import Page
from newsmill.segment import segment_page
from newsmill.segment.assemble import dateline_date

BODY = (
    "The regional council approved the new budget on Tuesday after a long debate about "
    "school funding, road repairs and the cost of running the two hospitals in the valley.\n"
    "Opposition members said the plan leaves too little for maintenance, and they promised "
    "to bring the question back before the summer recess when the accounts are published.\n"
)


@pytest.mark.parametrize(
    ("dateline", "captured_at", "expected"),
    [
        ("Nov. 18, 2019", None, "2019-11-18"),
        ("Published 4 March 2021, 10:15", None, "2021-03-04"),
        ("Updated 2020-02-29 08:00 GMT", "2024-01-01T00:00:00Z", "2020-02-29"),
        # relative dates count back from the capture, across a day and a month boundary
        ("3 hours ago", "2019-11-18T02:30:00Z", "2019-11-17"),
        ("Published 1 day ago", "2021-03-01T12:00:00+00:00", "2021-02-28"),
        ("2 weeks ago on the Mac blog", "2022-06-10", "2022-05-27"),
        ("45 minutes ago", "2022-06-10T09:00:00", "2022-06-10"),
        # no capture time, or one that is not a timestamp: no date rather than a guess
        ("3 hours ago", None, None),
        ("2 days ago", "last Tuesday", None),
        ("By the newsroom", None, None),
    ],
)
def test_dateline_date(dateline: str, captured_at: str | None, expected: str | None) -> None:
    assert dateline_date(dateline, captured_at) == expected


def test_dateline_date_with_an_impossible_count() -> None:
    """A count that goes back past year 1 gives no date, not an error (nor today)."""
    assert dateline_date("99999999 weeks ago", "2020-01-01T00:00:00Z") is None


@pytest.mark.parametrize(
    ("captured_at", "expected"), [("2023-05-02T01:00:00Z", "2023-05-01"), (None, None)]
)
def test_article_published_from_a_relative_dateline(
    captured_at: str | None, expected: str | None
) -> None:
    text = "Council passes the valley budget\n5 hours ago\n" + BODY
    page = Page(
        sha256="d", source="d.txt", text=text, kind="text", site="test", captured_at=captured_at
    )
    result = segment_page(page, Counter())
    roles = {line.text: line.role for line in result.lines}
    assert roles["5 hours ago"] == "dateline"
    assert [article.published for article in result.articles] == [expected]
