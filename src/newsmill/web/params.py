"""Query parameters shared by the HTML pages and the JSON API (same names, same checks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from newsmill.web.queries import Filters

#: Most rows one request may ask for.
MAX_LIMIT = 100
#: Deepest offset one request may ask for (deeper paging should narrow the filters).
MAX_OFFSET = 100_000
DEFAULT_LIMIT = 20
#: Longest text a filter or query may be.
MAX_TEXT = 500

DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"  # empty: no filter (HTML forms send empty fields)

Text = Annotated[str | None, Query(max_length=MAX_TEXT)]
Date = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY-MM-DD")]


@dataclass(slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Paging:
    return Paging(limit, offset)


def filters(
    site: Text = None,
    section: Text = None,
    author: Text = None,
    entity: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="entity id, name or alias")
    ] = None,
    date_from: Date = None,
    date_to: Date = None,
) -> Filters:
    return Filters(
        site=site or None,
        section=section or None,
        author=author or None,
        entity=entity or None,
        date_from=date_from or None,
        date_to=date_to or None,
    )


PagingDep = Annotated[Paging, Depends(paging)]
FiltersDep = Annotated[Filters, Depends(filters)]
