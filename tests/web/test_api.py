"""The JSON API and the HTML pages through a real HTTP client against a live server."""

from __future__ import annotations

import csv
import io
import sqlite3

import httpx
import pytest
from tests.web.conftest import BLINKEN_TITLE, Store


def error_of(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return dict(body["error"])


def test_search_finds_blinken_once_per_cluster(client: httpx.Client, store: Store) -> None:
    found = client.get("/api/search", params={"q": "NATO"}).json()
    titles = [hit["article"]["title"] for hit in found["items"]]
    assert titles.count(BLINKEN_TITLE) == 1  # two copies, one row
    hit = next(h for h in found["items"] if h["article"]["title"] == BLINKEN_TITLE)
    assert hit["copies"] == 2
    assert "<mark>NATO</mark>" in hit["snippet_html"]
    assert "NATO" in hit["snippet"] and "\x02" not in hit["snippet"]
    assert found["total"] == len(found["items"])


def test_search_filters(client: httpx.Client) -> None:
    def titles(**params: str) -> list[str | None]:
        found = client.get("/api/search", params={"q": "NATO", **params}).json()
        return [hit["article"]["title"] for hit in found["items"]]

    assert titles(author="marcus stanley") == [BLINKEN_TITLE]
    assert titles(author="Nobody Atall") == []
    assert all(t != BLINKEN_TITLE for t in titles(site="xss"))
    assert len(titles(site="xss")) == 1
    assert titles(section="analysis | europe") == [
        "Did the US really take Russia’s NATO concerns 'very seriously'?"
    ]
    assert titles(date_from="2999-01-01") == []
    assert len(titles(date_to="2999-01-01")) == len(titles())


def test_browse_is_one_row_per_cluster_and_pages(client: httpx.Client) -> None:
    everything = client.get("/api/articles", params={"limit": 100}).json()
    ids = [hit["article"]["id"] for hit in everything["items"]]
    assert everything["total"] == len(ids)
    paged = [
        client.get("/api/articles", params={"limit": 5, "offset": offset}).json()["items"]
        for offset in range(0, len(ids), 5)
    ]
    assert [hit["article"]["id"] for page in paged for hit in page] == ids


def test_error_shapes(client: httpx.Client) -> None:
    bad = client.get("/api/search", params={"q": '"unbalanced'})
    assert bad.status_code == 400
    assert error_of(bad)["code"] == "bad_query"
    missing = client.get("/api/articles/no-such-article")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    for params in (
        {"q": "x", "limit": 1000},
        {"q": "x", "offset": -1},
        {},
        {"q": "x", "date_from": "May"},
    ):
        invalid = client.get("/api/search", params=params)
        assert invalid.status_code == 422, params
        assert error_of(invalid)["code"] == "invalid_params"
    assert client.get("/api/entities/nope").status_code == 404
    assert client.get("/api/duplicates/nope").status_code == 404
    assert error_of(client.get("/api/nowhere"))["code"] == "not_found"


def test_read_only_no_ingest(client: httpx.Client, store: Store) -> None:
    with sqlite3.connect(store.path) as db:
        before = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    posted = client.post("/api/articles", json={"text": "new"})
    assert posted.status_code == 405
    assert error_of(posted)["code"] == "method_not_allowed"
    schema = client.get("/openapi.json").json()
    methods = {m for path in schema["paths"].values() for m in path}
    assert methods == {"get"}
    assert all(p.startswith("/api/") for p in schema["paths"])
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == before


def test_article_detail_and_source(client: httpx.Client, store: Store) -> None:
    article = client.get(f"/api/articles/{store.blinken}").json()
    assert article["title"] == BLINKEN_TITLE
    assert article["authors"] == ["Marcus Stanley"]
    assert article["paragraphs"] and article["captions"]
    assert [c["article_id"] for c in article["copies"]] == [store.copy_of_blinken]
    source = client.get(f"/api/articles/{store.blinken}/source").json()
    roles = {line["role"] for line in source["lines"]}
    assert {"chrome", "title", "body", "caption"} <= roles
    mine = [line for line in source["lines"] if line["article"] == store.blinken]
    assert mine[0]["role"] == "title" and mine[0]["text"] == BLINKEN_TITLE
    shared = client.get(f"/api/articles/{store.blinken[:8]}")  # a prefix of 4 articles' ids
    assert shared.status_code == 404 and "ambiguous" in error_of(shared)["message"]


def test_enrichment_routes(client: httpx.Client, store: Store) -> None:
    if not store.enriched:
        pytest.skip("spaCy model not installed: no entities, quotes or figures")
    article = client.get(f"/api/articles/{store.blinken}").json()
    speakers = {q["speaker"] for q in article["quotes"]}
    assert any(s and "Blinken" in s for s in speakers)
    quotes = client.get("/api/quotes", params={"speaker": "Blinken"}).json()
    assert quotes["total"] >= 1
    assert all("Blinken" in q["speaker"] for q in quotes["items"])
    typed = client.get("/api/quotes", params={"speaker_type": "person", "limit": 100}).json()
    assert typed["items"] and {q["speaker_type"] for q in typed["items"]} == {"person"}
    entity_id = next(
        q["entity"] for q in article["quotes"] if q["speaker"] and "Blinken" in q["speaker"]
    )
    entity = client.get(f"/api/entities/{entity_id}").json()
    assert entity["quotes_total"] >= 1 and entity["timeline"] and entity["co_mentioned"]
    by_entity = client.get("/api/search", params={"q": "NATO", "entity": entity["entity"]["name"]})
    assert BLINKEN_TITLE in [h["article"]["title"] for h in by_entity.json()["items"]]
    figures = client.get("/api/figures", params={"unit": "percent", "limit": 100}).json()
    assert figures["total"] >= 1 and all("percent" in f["unit"] for f in figures["items"])
    exported = client.get("/api/figures.csv", params={"unit": "percent"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == figures["total"]
    assert rows[0]["unit"] and rows[0]["article"]


def test_duplicates_and_overview(client: httpx.Client, store: Store) -> None:
    clusters = client.get("/api/duplicates").json()
    cluster = next(c for c in clusters["items"] if c["canonical"] == store.blinken)
    assert {c["article_id"] for c in cluster["copies"]} == {store.blinken, store.copy_of_blinken}
    assert cluster["kinds"].get("canonical") == 1
    overview = client.get("/api/overview").json()
    assert overview["pages"] == 5 and overview["clusters"] >= 1
    assert {s["name"] for s in overview["skipped"]} == {"empty"}
    assert overview["skipped_inputs"][0]["source"].endswith("empty.txt")


def test_html_pages_answer(client: httpx.Client, store: Store) -> None:
    for path in ["/", "/search", "/search?q=NATO", "/entities", "/quotes", "/figures",
                 "/duplicates", f"/article/{store.blinken}", f"/article/{store.blinken}/source",
                 f"/duplicates/{store.blinken}", "/figures.csv"]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response.headers
    bad = client.get("/search", params={"q": "NATO AND"})
    assert bad.status_code == 400 and "invalid search query" in bad.text
    assert client.get("/article/nope").status_code == 404
    assert "text/html" in client.get("/article/nope").headers["content-type"]


def test_article_text_is_escaped(client: httpx.Client) -> None:
    hit = client.get("/api/search", params={"q": "NATO", "site": "xss"}).json()["items"][0]
    assert "<script>" not in hit["snippet_html"]
    page = client.get(f"/article/{hit['article']['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert 'href="javascript:' not in page.lower()
    source = client.get(f"/article/{hit['article']['id']}/source").text
    assert "<script" not in source.lower() and "&lt;img src=x onerror=alert(1)&gt;" in source
    listing = client.get("/search", params={"q": "NATO", "site": "xss"}).text
    assert "<script" not in listing.lower()
