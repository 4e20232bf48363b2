"""newsmill's shortcuts in reading HTML against the straightforward calls they replace:
the in-place main text and its prune guards, the repair before parsing, the garbage check
and the byline-search guard."""

from __future__ import annotations

import re

import pytest
from lxml.html import HtmlElement
from readkit import ARTICLE_HTML, META
from trafilatura import bare_extraction, metadata
from trafilatura.utils import INVALID_XML_CHARS, repair_faulty_html
from trafilatura.xpaths import (
    AUTHOR_XPATHS,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

from newsmill.read.decode import (
    _CONTROL,
    _CONTROL_BYTES,
    Decoded,
    all_bytes_but,
    clean_utf8,
    decode_bytes,
    garbage_ratio,
)
from newsmill.read.htmlmeta import may_have_byline
from newsmill.read.htmltree import XML_FORBIDDEN_BYTES, parse_html, repair_html
from newsmill.read.maintext import PRUNE_GUARDS, extract_main_text, id_class_values, may_select

STORY = "<p>" + "The harbour board voted to dredge the channel before the spring tides. " * 5
STORY += "</p><p>" + "Fishing crews said the work was overdue after two groundings. " * 4 + "</p>"
REMARK = "<p>Great piece, thanks for covering the harbour every single week!</p>"
FORUM_LD = (
    '<script type="application/ld+json">'
    '{"@context": "https://schema.org", "@type": "DiscussionForumPosting"}</script>'
)


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Harbour</title>{head}</head><body>{body}</body></html>"


#: Pages for each prune the guards may skip, each with and without what it deletes.
PAGES = {
    "plain": page(f"<article><h1>Dredging</h1>{STORY}</article>"),
    "comments_id": page(f"<article>{STORY}</article><div id='comments'>{REMARK}</div>"),
    "comment_list": page(
        f"<article>{STORY}</article><ul class='comment-list'><li>{REMARK}</li></ul>"
    ),
    "post_comments": page(
        f"<article>{STORY}</article><section class='x post-comments'>{REMARK}</section>"
    ),
    "disqus": page(f"<article>{STORY}</article><div id='disqus_thread'>{REMARK}</div>"),
    "commentary": page(f"<article class='commentary'>{STORY}</article>"),
    "class_on_two_lines": page(
        f"<article>{STORY}</article><div class='wide\ncomments'>{REMARK}</div>"
    ),
    "infinite_scroll": page(
        f"<article>{STORY}</article><div class='infinite-scroll'>{STORY}</div>"
    ),
    "post_add": page(
        f"<article>{STORY}</article><div id='mvp-post-add-box'><h1>Next</h1>{STORY}</div>"
    ),
    "share": page(
        f"<article>{STORY}<div class='elementor-share-buttons'><p>Share</p></div></article>"
    ),
    "forum": page(
        f"<div class='thread'>{STORY}</div><div class='comment'>{REMARK}</div>", FORUM_LD
    ),
    "no_text": page("<div><img src='a.png'></div>"),
    "article_html": ARTICLE_HTML.decode("utf-8"),
    **{path.name: path.read_text(encoding="utf-8") for path in sorted(META.glob("*.html"))},
}
#: The XPaths the guards were read from (trafilatura 2.3.1), white space collapsed: when
#: trafilatura changes one, its guard in read/maintext.py must be read again.
GUARDED_XPATHS = {
    "raw_tree_prune_0": (
        RAW_TREE_PRUNE_XPATH[0],
        ".//*[self::div or self::section or self::aside][ re:test(@id, "
        "'mvp-post-add-(?:box|wrap)|infinite-?scroll') or re:test(@class, "
        "'mvp-post-add-(?:box|wrap)|infinite-?scroll')][ not(.//h1) or re:test(@id, "
        "'mvp-post-add-(?:box|wrap)') or re:test(@class, 'mvp-post-add-(?:box|wrap)')]",
    ),
    "raw_tree_prune_1": (
        RAW_TREE_PRUNE_XPATH[1],
        ".//*[self::div or self::section or self::aside]"
        "[contains(@class, 'elementor-share-buttons')]",
    ),
    "remove_comments_and_lists": (
        REMOVE_COMMENTS_AND_LISTS_XPATH[0],
        ".//*[self::div or self::list or self::section or self::details or self::ol or "
        "self::ul][ re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') "
        "or re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')][ not(self::ol or "
        "self::ul) or re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or re:test(@class, "
        "'^[Cc]omment(?!ary)|(?:article|post)-comments')]",
    ),
    "remove_comments": (
        REMOVE_COMMENTS_XPATH[0],
        ".//*[self::div or self::list or self::section or self::details][ re:test(@id, "
        "'^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or re:test(@class, "
        "'^[Cc]omment(?!ary)|(?:article|post)-comments')]",
    ),
}


def tree_of(html: str) -> HtmlElement:
    tree = parse_html(html)
    assert tree is not None
    return tree


@pytest.mark.parametrize("name", sorted(PAGES))
def test_in_place_main_text_is_bare_extractions(name):
    url = "https://harbour.example/news/dredging"
    document = bare_extraction(
        tree_of(PAGES[name]),
        url=url,
        with_metadata=False,
        include_comments=False,
        fast=True,
        favor_precision=True,
    )
    expected = getattr(document, "text", None) or None
    assert extract_main_text(tree_of(PAGES[name]), url) == expected


def test_guarded_xpaths_are_the_ones_the_guards_were_read_from():
    assert {xpath for xpath, _ in GUARDED_XPATHS.values()} == set(PRUNE_GUARDS)
    for xpath, source in GUARDED_XPATHS.values():
        assert " ".join(xpath.path.split()) == source


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_prune_the_guard_skips_selects_nothing(name):
    tree = tree_of(PAGES[name])
    values = id_class_values(tree)
    for xpath in PRUNE_GUARDS:
        assert may_select(xpath, values) or not xpath(tree)


#: The patterns each guarded XPath tests an id or class with, as written in it.
XPATH_PATTERNS = {
    "raw_tree_prune_0": ["mvp-post-add-(?:box|wrap)|infinite-?scroll"],
    "raw_tree_prune_1": ["elementor-share-buttons"],
    "remove_comments_and_lists": [
        "^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)",
        "^[Cc]omment(?!ary)|(?:article|post)-comments",
    ],
    "remove_comments": [
        "^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)",
        "^[Cc]omment(?!ary)|(?:article|post)-comments",
    ],
}
VALUES = [
    "plain",
    "comment",
    "Comments-area",
    "commentary",
    "Commentary-2",
    "no-comment",
    "article-comments",
    "x post-comments",
    "post-comments x",
    "comol",
    "the disqus_thread",
    "disqus_thread",
    "dsq-comments",
    "infinitescroll",
    "infinite-scroll-wrap",
    "is-infinite-scroll",
    "mvp-post-add-box",
    "mvp-post-add",
    "elementor-share-buttons--view",
    "elementor-share",
]


@pytest.mark.parametrize("value", VALUES)
def test_guard_on_one_value_is_the_xpath_test(value):
    for label, (xpath, _) in GUARDED_XPATHS.items():
        expected = any(re.search(pattern, value) for pattern in XPATH_PATTERNS[label])
        assert may_select(xpath, "\n" + value) == expected, label


def test_every_guard_lets_its_prune_run_where_it_deletes():
    selecting = {
        label
        for label, (xpath, _) in GUARDED_XPATHS.items()
        for html in PAGES.values()
        if xpath(tree_of(html)) and may_select(xpath, id_class_values(tree_of(html)))
    }
    assert selecting == set(GUARDED_XPATHS)


REPAIRS = [
    "<html><body><p>plain</p></body></html>",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1">\n<html>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">',
    "<!DOCTYPE html>\n<html><body>no slash</body></html>",
    "<!doctype html><html/>\n<body><p>self-closing</p></body>",
    "<html><body><p>a\x01b\x0cc\x1fd</p></body></html>",
    "<html><body><p>\ufffe and \uffff</p></body></html>",
    "<!DOCTYPE html \x02/>\n<html><body>x</body></html>",
    "<html><body><p>tab\tand\nnewline\rand é ü 漢</p></body></html>",
]


def test_byte_sets_are_the_patterns_characters_below_u0080():
    ascii_chars = [chr(code) for code in range(0x80)]
    forbidden = {ord(c) for c in ascii_chars if INVALID_XML_CHARS.match(c)}
    assert forbidden == set(XML_FORBIDDEN_BYTES)
    assert {ord(c) for c in ascii_chars if _CONTROL.match(c)} == set(_CONTROL_BYTES)
    # above U+007F only these two, which `has_xml_forbidden` looks for in the text
    wide = [c for c in map(chr, range(0x80, 0x10000)) if INVALID_XML_CHARS.match(c)]
    assert wide == ["\ufffe", "\uffff"]


def test_all_bytes_but_leaves_only_the_chosen():
    data = bytes(range(256)) * 2
    assert data.translate(None, all_bytes_but(b"\x01\x7f")) == b"\x01\x7f\x01\x7f"


@pytest.mark.parametrize("html", REPAIRS)
def test_repair_html_is_trafilaturas(html):
    beginning = html[:50].lower()
    repaired = repair_html(html, beginning, html.encode("utf-8", "surrogatepass"))
    assert repaired == repair_faulty_html(html, beginning)


def test_repair_html_keeps_an_unchanged_page():
    html = REPAIRS[3]
    assert repair_html(html, html[:50].lower(), html.encode()) is html


@pytest.mark.parametrize(
    "raw",
    [
        b"plain text\r\nwith lines",
        b"\xef\xbb\xbfbom then text",
        "caf\u00e9 \ufffd as written".encode(),
        b"bell\x07 and delete\x7f",
        b"form feed\x0c is no garbage",
        "\u6f22\u5b57 \x1b escape".encode(),
        bytes(range(1, 32)) * 5,
    ],
)
def test_clean_utf8_is_no_garbage(raw):
    decoded = Decoded(raw.decode("utf-8-sig"), "utf-8")
    assert clean_utf8(raw, decoded) == (garbage_ratio(decoded.text) == 0)


def test_lossy_or_other_encodings_are_counted():
    raw = b"caf\xe9"
    assert not clean_utf8(raw, Decoded("caf\ufffd", "utf-8", lossy=True))
    assert not clean_utf8(raw, Decoded("café", "cp1252"))
    assert decode_bytes(raw, "cp1252").text == "café"


#: trafilatura's byline XPaths (2.3.1), white space collapsed: `may_have_byline` reads them.
BYLINE_XPATHS = [
    "//*[self::a or self::address or self::div or self::link or self::p or self::span or "
    "self::strong][ @rel='author' or @id='author' or @class='author' or @itemprop='author "
    "name' or rel='me' or @data-testid='AuthorCard' or @data-testid='AuthorURL' or "
    "re:test(@class, 'author-?name|AuthorName|authorName')]|//author",
    "//*[self::a or self::div or self::h3 or self::h4 or self::p or self::span][ "
    "@class='byline' or @class='username' or @class='byl' or @class='BBL' or "
    "contains(@itemprop, 'author') or re:test(@id, 'author|zuozhe|bianji|xiaobian') or "
    "re:test(@class, 'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|"
    "journalist-name')]",
    "//*[ contains(@data-component, 'Byline') or contains(@itemprop, 'author') or "
    "re:test(@id, '[Aa]uthor') or re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]",
]
BYLINES = {
    "none": "<p class='lede'>Sam Reed</p>",
    "class_author": "<span class='author'>Sam Reed</span>",
    "rel_author": "<a rel='author' href='/sam'>Sam Reed</a>",
    "itemprop": "<span itemprop='author'>Sam Reed</span>",
    "testid": "<div data-testid='AuthorCard'>Sam Reed</div>",
    "component": "<div data-component='Byline'>Sam Reed</div>",
    "byline": "<p class='byline'>By Sam Reed</p>",
    "bbl": "<p class='BBL'>Sam Reed</p>",
    "username": "<span class='username'>sreed</span>",
    "zuozhe": "<div id='zuozhe'>Sam Reed</div>",
    "writer": "<div class='story-writer'>Sam Reed</div>",
    "author_element": "<author>Sam Reed</author>",
    "rel_element": "<span><rel>me</rel> Sam Reed</span>",
}


def test_byline_xpaths_are_the_ones_the_guard_was_read_from():
    assert metadata.AUTHOR_XPATHS is AUTHOR_XPATHS
    assert [" ".join(xpath.path.split()) for xpath in AUTHOR_XPATHS] == BYLINE_XPATHS


@pytest.mark.parametrize("name", sorted(BYLINES))
def test_byline_search_skipped_only_where_it_finds_nothing(name):
    html = page(f"<article><h1>Dredging</h1>{BYLINES[name]}{STORY}</article>")
    found = metadata.extract_author(tree_of(html))
    assert may_have_byline(tree_of(html)) == (name != "none")
    assert (found is not None) == (name != "none")
