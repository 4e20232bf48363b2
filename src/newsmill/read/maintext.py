"""trafilatura's main text of a page, extracted in place on the page's own lxml tree.

`bare_extraction` copies the tree it is given, then copies it twice more: one copy to
clean and a backup for its readability/jusText comparison and comment handling. With
newsmill's setting (fast, favouring precision, comments excluded) the backup is never read,
and the page's tree is not used after its main text, so `extract_main_text` runs
trafilatura's own steps for that setting (`trafilatura_sequence` and the checks of
`bare_extraction`, trafilatura 2.3.1) on the tree itself.

Four of its XPath prunes delete comment sections and infinite-scroll or share containers,
three of them testing every div, section and list with regular expressions, each test a
call back into Python: 2.3 ms a page on aeb and 3.7 ms on fundus-news when all run on the
raw tree. They select only elements whose id or class matches a pattern, so each runs
only when some id or class on the page matches its pattern (`PRUNE_GUARDS`); otherwise it
would delete nothing. Reading the ids and classes costs 0.3-0.5 ms; the comment prunes
then run on 148 of the 439 aeb and fundus-news pages, the others on 9 and 2.
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml.etree import XPath, _Element
from lxml.html import HtmlElement
from trafilatura.core import _forum_thread_page
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import (
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

LOGGER = logging.getLogger(__name__)

#: Every id and class value on the page, as plain strings.
_ID_CLASS_VALUES = XPath("//@id | //@class", smart_strings=False)
#: What an id or class must hold for a comment-section prune to select anything: the union
#: of its id and class patterns (trafilatura's xpaths._COMMENTS_ID and _COMMENTS_CLASS).
_COMMENT_SECTIONS = (
    re.compile(r"\n(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)"),
    re.compile(r"-comments(?:(?<=article-comments)|(?<=post-comments))"),
)
#: For each guarded prune, patterns one of which some id or class on the page must match
#: for the XPath to select anything: it selects only elements whose id or class passes a
#: `re:test` with one of them (or, for the share buttons, contains the string). They search
#: all the values at once, each after a newline, so "\n" stands for the XPath's "^" (and
#: also matches after a newline inside a value: a false alarm costs only the XPath's run).
#: Each starts with a literal, which `re` finds fast: as one alternation the comment
#: patterns cost 0.3 ms a page, as here 0.02 ms. tests/read/test_read_shortcuts.py pins
#: the XPaths they are read from.
PRUNE_GUARDS: dict[XPath, tuple[re.Pattern[str], ...]] = {
    RAW_TREE_PRUNE_XPATH[0]: (
        re.compile(r"mvp-post-add-(?:box|wrap)"),
        re.compile(r"infinite-?scroll"),
    ),
    RAW_TREE_PRUNE_XPATH[1]: (re.compile(re.escape("elementor-share-buttons")),),
    REMOVE_COMMENTS_AND_LISTS_XPATH[0]: _COMMENT_SECTIONS,
    REMOVE_COMMENTS_XPATH[0]: _COMMENT_SECTIONS,
}


def id_class_values(tree: HtmlElement) -> str:
    """All ids and classes on the page, each after a newline, for the prune guards."""
    return "\n" + "\n".join(_ID_CLASS_VALUES(tree))


def may_select(xpath: XPath, values: str) -> bool:
    """False when the prune surely selects nothing on a page with these ids and classes."""
    guards = PRUNE_GUARDS.get(xpath)
    return guards is None or any(guard.search(values) for guard in guards)


def guarded(prunes: list[XPath], values: str) -> list[XPath]:
    """The prunes that may select something on a page with these ids and classes."""
    return [xpath for xpath in prunes if may_select(xpath, values)]


def extractor(url: str | None) -> Extractor:
    """The options `bare_extraction` builds for newsmill's setting."""
    return Extractor(output_format="python", fast=True, precision=True, comments=False, url=url)


def extract_main_text(tree: HtmlElement, url: str | None) -> str | None:
    """What `bare_extraction(tree, url=url, fast=True, favor_precision=True,
    include_comments=False).text` gives, or None; the tree is consumed."""
    options = extractor(url)
    try:
        body, text = _sequence(tree, options, url)
    except (TypeError, ValueError):  # as bare_extraction: a failed step means no document
        LOGGER.debug("trafilatura found no main text: %s", url)
        return None
    # bare_extraction's output checks; comments are off, so their length is 0
    if options.max_tree_size and len(body) > options.max_tree_size:
        etree.strip_tags(body, "hi")
        if len(body) > options.max_tree_size:
            return None
    if len(text) < options.min_output_size and options.min_output_comm_size > 0:
        return None
    return xmltotxt(body, options.formatting) or None


def _sequence(tree: HtmlElement, options: Extractor, url: str | None) -> tuple[_Element, str]:
    """trafilatura_sequence for fast extraction favouring precision, comments excluded.

    Cleaning and conversion only delete elements, clear attributes or set others than id
    and class, so the ids and classes read from the raw tree also guard the prune of the
    converted tree.
    """
    is_forum = _forum_thread_page(tree)
    values = id_class_values(tree)
    tree = prune_unwanted_nodes(tree, guarded(RAW_TREE_PRUNE_XPATH, values))
    tree = prune_unwanted_nodes(tree, guarded(REMOVE_COMMENTS_AND_LISTS_XPATH, values))
    cleaned = convert_tags(tree_cleaning(tree, options), options, url)
    if not is_forum:
        cleaned = prune_unwanted_nodes(cleaned, guarded(REMOVE_COMMENTS_XPATH, values))
    return extract_content(cleaned, options)
