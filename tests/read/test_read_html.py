from __future__ import annotations

import hashlib
import json

import pytest
from readkit import ARTICLE_HTML, META, gz, pages

from newsmill.read.html import render
from newsmill.read.titles import site_keys, strip_site

#: Pinned floors for the hand-made pages in tests/fixtures/read/meta (share exactly right).
#: Measured 1.0 each when written; bench/fundus_meta.py measures the same on real pages.
TITLE_FLOOR = 1.0
AUTHORS_FLOOR = 1.0
DATE_FLOOR = 1.0


def test_quality_gate_on_hand_made_pages(read_all):
    expected = json.loads((META / "expected.json").read_text(encoding="utf-8"))
    found = {p.source.rsplit("/", 1)[-1]: p.html for p in pages(read_all(META / "*.html"))}
    assert set(found) == set(expected)
    title = [found[name].title == want["title"] for name, want in expected.items()]
    authors = [found[name].authors == want["authors"] for name, want in expected.items()]
    date = [found[name].date == want["date"] for name, want in expected.items()]
    report = {name: (m.title, m.authors, m.date) for name, m in found.items()}
    assert sum(title) / len(title) >= TITLE_FLOOR, report
    assert sum(authors) / len(authors) >= AUTHORS_FLOOR, report
    assert sum(date) / len(date) >= DATE_FLOOR, report


def test_html_page_keeps_blocks_and_chrome(tmp_path, read_all):
    (tmp_path / "story.html").write_bytes(ARTICLE_HTML)
    (page,) = pages(read_all(tmp_path / "story.html"))
    lines = page.text.split("\n")
    assert "Council approves new budget" in lines
    assert any(line.startswith("The town council approved") for line in lines)
    assert any("Home" in line for line in lines)  # navigation kept
    assert "Town Crier, 1 High Street" in lines  # footer kept
    assert "\n\n\n" not in page.text
    assert page.kind == "html"
    assert page.sha256 == hashlib.sha256(ARTICLE_HTML).hexdigest()
    meta = page.html
    assert meta is not None
    assert meta.title == "Council approves new budget"
    assert meta.h1 == "Council approves new budget"
    assert meta.authors == ["Sam Reed"]
    assert meta.sitename == "Town Crier"
    assert meta.body and "narrow vote" in meta.body


def test_gzipped_and_extensionless_html(tmp_path, read_all):
    (tmp_path / "a.html.gz").write_bytes(gz(ARTICLE_HTML))
    (tmp_path / "b").write_bytes(ARTICLE_HTML)
    found = pages(read_all(tmp_path))
    assert [p.kind for p in found] == ["html", "html"]
    assert found[0].text == found[1].text


def test_canonical_url_sets_url_and_site(read_all):
    (page,) = pages(read_all(META / "site_suffix.html"))
    assert page.url == "https://www.dailyplanet.example/city/harbour-bridge-reopens"
    assert page.site == "dailyplanet.example"


def test_page_without_url_takes_folder_as_site(tmp_path, read_all):
    folder = tmp_path / "gazette"
    folder.mkdir()
    (folder / "x.html").write_bytes(ARTICLE_HTML)
    (page,) = pages(read_all(folder))
    assert page.site == "gazette" and page.url is None


def test_meta_charset_is_honoured(tmp_path, read_all):
    html = '<html><head><meta charset="windows-1252"></head><body><p>Ça coûte 5 €</p></body></html>'
    (tmp_path / "legacy.html").write_bytes(html.encode("cp1252"))
    (page,) = pages(read_all(tmp_path / "legacy.html"))
    assert "Ça coûte 5 €" in page.text and not page.lossy


def test_render_collapses_blank_runs():
    text = render("<div><p>one</p><br><br><br><br><p>two</p></div>")
    assert text == "one\n\ntwo"


@pytest.mark.parametrize(
    ("title", "names", "host", "expected"),
    [
        ("Big news | Example Times", ["Example Times"], None, "Big news"),
        ("Big news - EXAMPLE TIMES", [], "exampletimes.com", "Big news"),
        ("Example Times | Big news", ["Example Times"], None, "Big news"),
        ("Big news – XY – 28.04.2023", ["XY"], None, "Big news"),
        ("見出しです：みなと新聞", ["みなと新聞"], None, "見出しです"),
        ("Reuters: deal is done", ["Reuters"], None, "Reuters: deal is done"),
        ("Iran - the talks resume", ["Other Site"], None, "Iran - the talks resume"),
    ],
)
def test_strip_site(title, names, host, expected):
    assert strip_site(title, site_keys(names, host)) == expected
