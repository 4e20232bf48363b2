"""The page's lxml tree: parsed as trafilatura parses, code and asides cut before extraction."""

from __future__ import annotations

from lxml.html import HtmlElement, tostring

from newsmill.read.htmlmeta import html_meta
from newsmill.read.htmltree import drop_asides, drop_code, parse_html

ARTICLE = "<p>" + "Crews reopened the coast road after the storm passed overnight. " * 4 + "</p>"


def test_every_element_is_a_plain_html_element():
    tree = parse_html("<html><body><form><input name='q'></form><p>x</p></body></html>")
    assert tree is not None
    assert {type(element) for element in tree.iter()} == {HtmlElement}


def test_page_with_an_xml_declaration_is_parsed():
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Ça va</p></body></html>'
    tree = parse_html(html)
    assert tree is not None and tree.text_content() == "Ça va"


def test_no_html_gives_no_tree():
    assert parse_html("") is None
    assert parse_html("just a line of text") is None


def test_drop_code_keeps_json_ld_and_following_text():
    tree = parse_html(
        "<html><head><script type='application/ld+json'>{}</script>"
        "<style>p{}</style></head><body><p>one<script>var a;</script> two"
        "<svg><title>icon</title></svg> three</p></body></html>"
    )
    assert tree is not None
    drop_code(tree)
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]
    assert tree.find(".//style") is None and tree.find(".//svg") is None
    assert tree.findtext(".//p") == "one two three"


def test_drop_asides_keeps_the_article():
    tree = parse_html(
        f"<html><body><article>{ARTICLE}<aside>Related: other news</aside></article>"
        "<footer>Contact us</footer></body></html>"
    )
    assert tree is not None
    drop_asides(tree)
    html = tostring(tree, encoding="unicode")
    assert "Related" not in html and "Contact us" not in html and "coast road" in html


def test_byline_in_a_footer_is_found_before_asides_go():
    html = (
        f"<html><head><title>Coast road reopens</title></head><body><article>"
        f"<h1>Coast road reopens</h1>{ARTICLE}"
        '<footer><span class="author">Sam Reed</span></footer></article></body></html>'
    )
    meta, _ = html_meta(html)
    assert meta.authors == ["Sam Reed"]
    assert meta.body and "coast road" in meta.body
