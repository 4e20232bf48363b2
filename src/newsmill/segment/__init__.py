"""Segmentation: every non-empty line of a page gets a role; roles are assembled into articles.

``segment_page`` is the one entry point. It needs the page and, to learn site chrome across
pages, the repetition counts of its site (see ``chrome.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from newsmill.model import Line, Page, Segmented
from newsmill.options import SegmentOptions
from newsmill.segment.assemble import build_article, group_lines
from newsmill.segment.chrome import LineKeys, line_keys, page_keys, repeated_chrome
from newsmill.segment.html import apply_html_meta, main_article_groups
from newsmill.segment.lines import split_lines
from newsmill.segment.roles import assign_roles, line_cues
from newsmill.segment.scoring import body_scores

__all__ = ["LineKeys", "line_keys", "page_keys", "segment_page"]


def segment_page(
    page: Page,
    site_counts: Mapping[int, int] | None = None,
    options: SegmentOptions | None = None,
    lines: list[Line] | None = None,
    keys: LineKeys | None = None,
) -> Segmented:
    """Roles for every non-empty line of ``page`` and the articles they form.

    ``lines`` may pass in ``split_lines(page.text)`` when the caller has it already (it gets
    the roles), and ``keys`` their ``line_keys``.
    """
    options = options or SegmentOptions()
    lines = split_lines(page.text) if lines is None else lines
    repeated = repeated_chrome(
        lines, site_counts or {}, options.chrome_max_words, options.chrome_min_pages, keys
    )
    scores = body_scores(page, lines)
    cues = line_cues(lines, scores, repeated, options.body_threshold)
    assign_roles(lines, cues)
    groups = group_lines(lines)
    main = main_article_groups(lines, groups, scores) if page.html is not None else None
    articles = [build_article(page, index, lines, members) for index, members in enumerate(groups)]
    if page.html is not None and articles:
        if main is None:  # no main text found: the longest article stands in for it
            main = max(range(len(articles)), key=lambda k: len(articles[k].body))
        apply_html_meta(page.html, articles[main])
    return Segmented(page=page, lines=lines, articles=articles)
