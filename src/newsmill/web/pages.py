"""Server-rendered HTML pages. Jinja2 with autoescape on for every template."""

from __future__ import annotations

import sqlite3
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from markupsafe import Markup

from newsmill.errors import QueryError
from newsmill.web import queries, views
from newsmill.web.api import SpeakerType, csv_response
from newsmill.web.app import Db, cached, cluster_map
from newsmill.web.params import MAX_TEXT, FiltersDep, PagingDep, Text
from newsmill.web.render import (
    figure_spans,
    mark_text,
    mention_spans,
    quote_spans,
    safe_url,
    snippet_html,
)

router = APIRouter(include_in_schema=False)

#: Roles shown with a label on the source page (the rest are told apart by style only).
LABELLED_ROLES = frozenset(
    {"marker", "credit", "caption", "bio", "byline", "dateline", "image_alt"}
)


def _environment() -> jinja2.Environment:
    folder = resources.files("newsmill.web") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,  # every template, whatever its name: article text is data
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["snippet"] = snippet_html
    env.filters["safe_url"] = safe_url
    env.globals["qs"] = query_string
    env.globals["LABELLED_ROLES"] = LABELLED_ROLES
    return env


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """`?a=1&b=2` from params with changes applied; empty values dropped."""
    merged = {k: v for k, v in (params | changes).items() if v not in (None, "", 0)}
    return "?" + urlencode(merged) if merged else "?"


ENV = _environment()


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = ENV.get_template(name).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    return render(request, "error.html", status, status=status, code=code, message=message)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db: Db) -> HTMLResponse:
    return render(request, "overview.html", o=queries.overview(db))


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    db: Db,
    filters: FiltersDep,
    page: PagingDep,
    q: Annotated[str | None, Query(max_length=MAX_TEXT)] = None,
) -> HTMLResponse:
    params = filters.as_params() | ({"q": q} if q else {})
    error, status = None, 200
    try:
        if q and q.strip():
            found = queries.search_clusters(
                db, q, filters, page.limit, page.offset, cluster_map(request, db)
            )
        else:
            found = queries.browse_clusters(
                db, filters, page.limit, page.offset, cluster_map(request, db)
            )
    except QueryError as e:
        found, error, status = queries.HitPage([], 0), str(e), 400
    return render(
        request,
        "search.html",
        status,
        q=q or "",
        filters=filters,
        params=params,
        found=found,
        page=page,
        error=error,
        facets=cached_facets(request, db),
    )


def cached_facets(request: Request, db: sqlite3.Connection) -> queries.Facets:
    """Sites and sections for the search form; counting them on every search is wasted."""
    return cached(request, "facets", lambda: queries.facets(db))


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article(request: Request, db: Db, article_id: str) -> Response:
    view = views.article_view(db, article_id)
    if view.record["id"] != article_id:  # a prefix: send to the one canonical address
        return RedirectResponse("/article/" + view.record["id"], status_code=307)
    spans = quote_spans(view.quotes) + mention_spans(view.mentions) + figure_spans(view.figures)
    page_text = _page_text(db, view.record["id"])
    body = [
        mark_text(page_text[part["start"] : part["end"]], part["start"], spans)
        for part in view.record["parts"]
        if part["role"] == "body"
    ]
    return render(
        request,
        "article.html",
        a=view.record,
        view=view,
        body=body,
        entities=_entities_in(view),
    )


def _page_text(db: sqlite3.Connection, article_id: str) -> str:
    row = db.execute(
        "SELECT p.text FROM pages p JOIN articles a ON a.page_id = p.id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return str(row[0])


def _entities_in(view: views.ArticleView) -> list[tuple[str, str, str, int]]:
    """(entity id, text as written, type, times) for the article's linked mentions."""
    counts: dict[str, tuple[str, str, str, int]] = {}
    for m in view.mentions:
        if m.entity:
            seen = counts.get(m.entity)
            counts[m.entity] = (
                m.entity,
                seen[1] if seen else m.text,
                m.type,
                (seen[3] if seen else 0) + 1,
            )
    return sorted(counts.values(), key=lambda e: (-e[3], e[1]))


@router.get("/article/{article_id}/source", response_class=HTMLResponse)
def source(request: Request, db: Db, article_id: str) -> HTMLResponse:
    full_id, page_source = views.page_source(db, article_id)
    title = db.execute("SELECT title FROM articles WHERE id = ?", (full_id,)).fetchone()[0]
    return render(request, "source.html", article_id=full_id, title=title, src=page_source)


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    db: Db,
    page: PagingDep,
    type: Annotated[str | None, Query(max_length=40)] = None,
    name: Text = None,
) -> HTMLResponse:
    items, total = views.entities_page(db, type, name, page.limit, page.offset)
    params = {"type": type, "name": name}
    return render(
        request, "entities.html", items=items, total=total, page=page, params=params,
        enabled=queries.table_exists(db, "entities"),
    )  # fmt: skip


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, db: Db, entity_id: str, page: PagingDep) -> HTMLResponse:
    view = views.entity_view(db, entity_id, page.limit, page.offset)
    return render(
        request, "entity.html", view=view, page=page, params={}, chart=timeline_svg(view.timeline)
    )


@router.get("/quotes", response_class=HTMLResponse)
def quotes(
    request: Request,
    db: Db,
    page: PagingDep,
    speaker: Text = None,
    speaker_type: SpeakerType = None,
    text: Text = None,
) -> HTMLResponse:
    items, total = views.quotes_page(db, speaker, speaker_type, text, page.limit, page.offset)
    params = {"speaker": speaker, "speaker_type": speaker_type, "text": text}
    return render(
        request, "quotes.html", items=items, total=total, page=page, params=params,
        types=views.speaker_types(db), enabled=queries.table_exists(db, "quotes"),
    )  # fmt: skip


@router.get("/figures", response_class=HTMLResponse)
def figures(
    request: Request, db: Db, page: PagingDep, source: Text = None, unit: Text = None,
    text: Text = None,
) -> HTMLResponse:  # fmt: skip
    items, total = views.figures_page(db, source, unit, text, page.limit, page.offset)
    params = {"source": source, "unit": unit, "text": text}
    return render(
        request, "figures.html", items=items, total=total, page=page, params=params,
        enabled=queries.table_exists(db, "figures"),
    )  # fmt: skip


@router.get("/figures.csv")
def figures_csv(
    db: Db, source: Text = None, unit: Text = None, text: Text = None
) -> StreamingResponse:
    return csv_response(list(views.figure_records(db, source, unit, text)))


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates(request: Request, db: Db, page: PagingDep) -> HTMLResponse:
    items, total = queries.clusters_page(db, page.limit, page.offset)
    return render(
        request, "duplicates.html", items=items, total=total, page=page, params={},
        enabled=queries.table_exists(db, "clusters"),
    )  # fmt: skip


@router.get("/duplicates/{cluster_id}", response_class=HTMLResponse)
def cluster(request: Request, db: Db, cluster_id: str) -> HTMLResponse:
    found = views.cluster_view(db, cluster_id)
    return render(
        request, "duplicates.html", items=[found], total=1, page=None, params={}, enabled=True
    )


# --- the mentions-over-time chart ---------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 600, 140, 20
CHART_MAX_BAR = 28  # widest bar, so a few days do not look like a wall
#: Most bars drawn; older days are summed into the first one shown.
CHART_MAX_BARS = 60


def timeline_svg(timeline: list[tuple[str, int]]) -> Markup:
    """Mentions per day as an inline SVG bar chart (no script, no external file)."""
    if not timeline:
        return Markup("")
    bars = timeline[-CHART_MAX_BARS:]
    top = max(n for _, n in bars)
    step = (CHART_WIDTH - 2 * CHART_PAD) / len(bars)
    height = CHART_HEIGHT - 2 * CHART_PAD
    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
            'aria-label="mentions over time" preserveAspectRatio="xMinYMin meet">'
        ).format(w=CHART_WIDTH, h=CHART_HEIGHT)
    ]
    for i, (day, count) in enumerate(bars):
        bar = max(1.0, height * count / top)
        parts.append(
            Markup(
                '<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}">'
                "<title>{day}: {n}</title></rect>"
            ).format(
                x=CHART_PAD + i * step,
                y=CHART_PAD + height - bar,
                bw=min(CHART_MAX_BAR, max(1.0, step * 0.8)),
                bh=bar,
                day=day,
                n=count,
            )
        )
    parts.append(
        Markup(
            '<text x="{x}" y="{y}">{first}</text><text x="{x2}" y="{y}" text-anchor="end">'
            '{last}</text><text x="{x}" y="14">max {top}/day</text></svg>'
        ).format(
            x=CHART_PAD,
            x2=CHART_WIDTH - CHART_PAD,
            y=CHART_HEIGHT - 4,
            first=bars[0][0],
            last=bars[-1][0] if len(bars) > 1 else "",
            top=top,
        )
    )
    return Markup("").join(parts)
