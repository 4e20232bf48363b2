"""The JSON API under /api/: the same data and filters as the HTML pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from newsmill.web import queries, schemas, views
from newsmill.web.app import Db, cluster_map
from newsmill.web.params import MAX_TEXT, FiltersDep, PagingDep, Text
from newsmill.web.queries import ClusterHit, HitPage
from newsmill.web.render import snippet_html, snippet_plain

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorBody, "description": "Invalid search syntax"},
    404: {"model": schemas.ErrorBody, "description": "Unknown id"},
    422: {"model": schemas.ErrorBody, "description": "Invalid parameters"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Id = Annotated[str, Path(min_length=1, max_length=200)]
SpeakerType = Annotated[
    str | None,
    Query(max_length=40, description="person, organization, document, group, anonymous, unknown"),
]

#: Columns of the figures CSV export, in order.
FIGURE_COLUMNS = (
    "id", "article", "value", "unit", "text", "measure", "source", "period", "sentence",
    "start", "end", "page_sha256", "page_source",
)  # fmt: skip


def _hit(hit: ClusterHit) -> dict[str, Any]:
    article = asdict(hit.article) | {"date": hit.date}
    return {
        "article": article,
        "snippet": snippet_plain(hit.snippet),
        "snippet_html": str(snippet_html(hit.snippet)),
        "score": hit.score,
        "cluster": hit.article.cluster,
        "copies": hit.article.copies,
    }


def _hit_page(
    found: HitPage, query: str | None, filters: queries.Filters, limit: int, offset: int
) -> dict[str, Any]:
    return {
        "query": query,
        "filters": filters.as_params(),
        "total": found.total,
        "limit": limit,
        "offset": offset,
        "items": [_hit(h) for h in found.hits],
    }


@router.get("/search", response_model=schemas.HitPage)
def search(
    request: Request,
    db: Db,
    q: Annotated[str, Query(min_length=1, max_length=MAX_TEXT, description="FTS5 query")],
    filters: FiltersDep,
    page: PagingDep,
) -> dict[str, Any]:
    """Full-text search; one row per cluster of copies, best match first."""
    clusters = cluster_map(request, db)
    found = queries.search_clusters(db, q, filters, page.limit, page.offset, clusters)
    return _hit_page(found, q, filters, page.limit, page.offset)


@router.get("/articles", response_model=schemas.HitPage)
def articles(request: Request, db: Db, filters: FiltersDep, page: PagingDep) -> dict[str, Any]:
    """Articles matching the filters, newest first; one row per cluster of copies."""
    clusters = cluster_map(request, db)
    found = queries.browse_clusters(db, filters, page.limit, page.offset, clusters)
    return _hit_page(found, None, filters, page.limit, page.offset)


@router.get("/articles/{article_id}", response_model=schemas.ArticleDetail)
def article(db: Db, article_id: Id) -> dict[str, Any]:
    """One article: the export record plus its quotes, mentions, figures and copies."""
    view = views.article_view(db, article_id)
    return view.record | {
        "date": view.date,
        "quotes": [asdict(q) for q in view.quotes],
        "mentions": [asdict(m) for m in view.mentions],
        "figures": view.figures,
        "cluster": view.cluster,
        "copies": [asdict(c) for c in view.copies],
    }


@router.get("/articles/{article_id}/source", response_model=schemas.PageSourceModel)
def article_source(db: Db, article_id: Id) -> dict[str, Any]:
    """The article's page text line by line, each line's role, reason and article."""
    full_id, source = views.page_source(db, article_id)
    return {"article": full_id} | asdict(source)


@router.get("/entities", response_model=schemas.EntityPage)
def entities(
    db: Db,
    page: PagingDep,
    type: Annotated[
        str | None, Query(max_length=40, description="person, organization, place, group")
    ] = None,
    name: Text = None,
) -> dict[str, Any]:
    """Canonical entities, most mentioned first; `name` matches names and aliases."""
    items, total = views.entities_page(db, type, name, page.limit, page.offset)
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": items}


@router.get("/entities/{entity_id}", response_model=schemas.EntityDetail)
def entity(db: Db, entity_id: Id, page: PagingDep) -> dict[str, Any]:
    """One entity: aliases, its quotes (paged), mentions per day, co-mentioned entities."""
    view = views.entity_view(db, entity_id, page.limit, page.offset)
    return {
        "entity": asdict(view.entity),
        "quotes_total": view.quotes_total,
        "quotes": [asdict(row) for row in view.quotes],
        "timeline": [{"date": d, "mentions": n} for d, n in view.timeline],
        "co_mentioned": [
            {"entity": asdict(c.entity), "shared_articles": c.shared_articles}
            for c in view.co_mentioned
        ],
    }


@router.get("/quotes", response_model=schemas.QuotePage)
def quotes(
    db: Db,
    page: PagingDep,
    speaker: Text = None,
    speaker_type: SpeakerType = None,
    text: Text = None,
) -> dict[str, Any]:
    """Quotes filtered by speaker (name or alias), speaker type and text."""
    items, total = views.quotes_page(db, speaker, speaker_type, text, page.limit, page.offset)
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": items}


@router.get("/figures", response_model=schemas.FigurePage)
def figures(
    db: Db, page: PagingDep, source: Text = None, unit: Text = None, text: Text = None
) -> dict[str, Any]:
    """Figures filtered by source, unit and text (sentence, measure or article)."""
    items, total = views.figures_page(db, source, unit, text, page.limit, page.offset)
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": items}


@router.get(
    "/figures.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Every matching figure"}},
)
def figures_csv(
    db: Db, source: Text = None, unit: Text = None, text: Text = None
) -> StreamingResponse:
    """Every figure matching the filters, as CSV."""
    rows = list(views.figure_records(db, source, unit, text))
    return csv_response(rows)


def csv_response(rows: list[dict[str, Any]]) -> StreamingResponse:
    return StreamingResponse(
        _csv_lines(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="figures.csv"'},
    )


def _csv_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIGURE_COLUMNS)
    for row in rows:
        flat = row | {"page_sha256": row["page"]["sha256"], "page_source": row["page"]["source"]}
        writer.writerow([flat[c] for c in FIGURE_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@router.get("/duplicates", response_model=schemas.ClusterPage)
def duplicates(
    db: Db,
    page: PagingDep,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 2,
) -> dict[str, Any]:
    """Clusters of copies, largest first, with each member and why it was linked."""
    items, total = queries.clusters_page(db, page.limit, page.offset, min_size)
    return {
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "items": [asdict(c) for c in items],
    }


@router.get("/duplicates/{cluster_id}", response_model=schemas.ClusterModel)
def cluster(db: Db, cluster_id: Id) -> dict[str, Any]:
    return asdict(views.cluster_view(db, cluster_id))


@router.get("/overview", response_model=schemas.OverviewModel)
def overview(db: Db) -> dict[str, Any]:
    """Corpus counts: pages, articles, clusters, enrichment, and skipped inputs with reasons."""
    found = queries.overview(db)

    def counts(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"name": name, "count": count} for name, count in pairs]

    return asdict(found) | {
        "sites": counts(found.sites),
        "roles": counts(found.roles),
        "skipped": counts(found.skipped),
        "skipped_inputs": [
            {"source": s, "reason": r, "detail": d} for s, r, d in found.skipped_inputs
        ],
    }
