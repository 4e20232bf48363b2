"""The one lxml tree an HTML page is read from: parsed cheaply, cleared of code early.

trafilatura's `load_html` parses with lxml.html's parser, whose element class lookup calls
back into Python for every element proxy that any later XPath or iteration creates (some
300,000 calls on the 181 aeb pages). Our parser has trafilatura's settings and a C-level
lookup that makes every element a plain `HtmlElement`. It is fed UTF-8 bytes, which lxml
parses a quarter faster than a str, to the same tree on all 439 aeb and fundus-news pages;
otherwise the parse is trafilatura's (its repairs first, the other input type retried when
lxml refuses one).

trafilatura's first repair deletes the characters XML forbids with a regular expression
over the whole page (0.8 ms a page on aeb and fundus-news), although one page of the 439
has any. The UTF-8 bytes the parser needs anyway show them in 0.1 ms: only then does the
deletion run (`repair_html`).
"""

from __future__ import annotations

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, repair_faulty_html

from newsmill.read.decode import all_bytes_but

#: JSON-LD blocks stay when code is dropped: trafilatura's baseline and forum check read them.
JSON_LD = "application/ld+json"
#: Elements that hold no reading text, which trafilatura deletes anyway, only later.
CODE_TAGS = ("style", "svg")
#: Page regions trafilatura's main extraction and its whole-text measure both delete.
ASIDE_TAGS = ("aside", "footer")
#: The characters below U+0020 that XML forbids (trafilatura's utils.INVALID_XML_CHARS, less
#: U+FFFE and U+FFFF): in UTF-8 these bytes stand for these characters and nothing else.
XML_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NOT_XML_FORBIDDEN_BYTES = all_bytes_but(XML_FORBIDDEN_BYTES)


def _parser() -> HTMLParser:
    parser = HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    lookup = etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
    parser.set_element_class_lookup(lookup)
    return parser


PARSER = _parser()


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree, or None for no HTML at all (as trafilatura's `load_html` decides)."""
    beginning = html[:50].lower()
    markup = html.encode("utf-8", "surrogatepass")
    repaired = repair_html(html, beginning, markup)
    if repaired is not html:
        markup = repaired.encode("utf-8", "surrogatepass")
    tree = _parse(markup)
    if tree is None or not len(tree):
        retry = _parse(repaired)
        tree = tree if retry is None else retry
    if tree is None or ("html" not in beginning and len(tree) < 2):
        return None
    return tree


def repair_html(html: str, beginning: str, markup: bytes) -> str:
    """trafilatura's `repair_faulty_html` of ``html``, whose UTF-8 encoding is ``markup``;
    ``html`` itself when no repair changes it."""
    if has_xml_forbidden(html, markup):
        return repair_faulty_html(html, beginning)
    return _repair_tags(html, beginning)


def has_xml_forbidden(html: str, markup: bytes) -> bool:
    """Whether the page has a character that XML forbids (one `repair_faulty_html` deletes)."""
    if "\ufffe" in html or "\uffff" in html:
        return True
    return bool(markup.translate(None, _NOT_XML_FORBIDDEN_BYTES))


def _repair_tags(html: str, beginning: str) -> str:
    """The rest of `repair_faulty_html` (trafilatura 2.3.1), keeping ``html`` when unchanged:
    a doctype with a slash dropped (an lxml bug), a self-closing <html/> opened."""
    if "doctype" in beginning:
        firstline, newline, rest = html.partition("\n")
        cut = DOCTYPE_TAG.sub("", firstline, count=1)
        if cut != firstline or not newline:
            html = cut + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


def _parse(markup: str | bytes) -> HtmlElement | None:
    try:
        return fromstring(markup, parser=PARSER)
    except (ValueError, etree.LxmlError):  # an encoding declaration in a str; no document
        return None


def drop_code(tree: HtmlElement) -> None:
    """Delete scripts (JSON-LD kept), styles and SVG, keeping the text that follows them.

    trafilatura deletes them too, but only after its XPath prunes of the raw tree and
    several copies of it, and its author search runs XPaths over the whole tree: on a
    smaller tree all of these run faster, with the same authors on aeb and fundus-news.
    """
    etree.strip_elements(tree, *CODE_TAGS, with_tail=False)
    for script in list(tree.iter("script")):
        if script.get("type") != JSON_LD:
            script.drop_tree()


def drop_asides(tree: HtmlElement) -> None:
    """Delete asides and footers (text after them kept) before the main-text extraction.

    With `drop_code`, trafilatura's main text takes about 15% less time on aeb and
    fundus-news and is the same on 436 of 439 pages (a related-links aside and two
    inline scripts no longer leak into it). Bylines may sit in a footer, so the author
    search runs before this.
    """
    etree.strip_elements(tree, *ASIDE_TAGS, with_tail=False)
