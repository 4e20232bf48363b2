"""Render HTML pages to block text and load the benchmark pages with their gold bodies.

The rendering is the one the HTML reader uses for `Page.text`: resiliparse's plain-text
extraction of the whole page (navigation and footers left in), one block per line, blank
lines collapsed. Benchmarks only; the reader has its own copy in `newsmill.read`.

Labels: a rendered line is body when most of its 4-word shingles (or, for lines shorter
than four words, its whole word sequence) occur in the gold article text.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

SHINGLE = 4  # words per shingle, as in the aeb metric
TOKEN_RE = re.compile(r"\w+")  # the aeb metric's tokenizer


@dataclass(slots=True)
class BenchPage:
    """One benchmark page: its HTML, its block rendering and the gold body."""

    id: str
    host: str
    html: str
    gold: str  # gold article body, paragraphs separated by newlines
    lines: list[str] = field(default_factory=list)  # non-empty rendered lines, stripped
    labels: list[int] = field(default_factory=list)  # 1 = body line


def decode_html(data: bytes) -> str:
    return bytes_to_str(data, detect_encoding(data))


def render_html(html: str) -> str:
    """Whole-page block text: one block per line, blank lines collapsed."""
    text = extract_plain_text(HTMLTree.parse(html), main_content=False, preserve_formatting=True)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def page_lines(text: str) -> list[str]:
    """The non-empty lines of a page, stripped, in order (what the segmenter sees)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text.lower())


def shingles(words: list[str], n: int = SHINGLE) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def label_lines(lines: list[str], gold: str) -> list[int]:
    """1 for lines mostly inside the gold text, else 0."""
    gold_words = tokens(gold)
    gold_shingles = set(shingles(gold_words))
    gold_joined = " " + " ".join(gold_words) + " "
    labels = []
    for line in lines:
        words = tokens(line)
        if len(words) >= SHINGLE:
            grams = shingles(words)
            inside = sum(gram in gold_shingles for gram in grams)
            labels.append(int(inside * 2 > len(grams)))
        elif words and len(words) > 1:
            labels.append(int(f" {' '.join(words)} " in gold_joined))
        else:
            labels.append(int(bool(words) and _is_gold_paragraph(words, gold)))
    return labels


def _is_gold_paragraph(words: list[str], gold: str) -> bool:
    """A one-word line counts only when a gold paragraph is exactly that word."""
    return any(tokens(paragraph) == words for paragraph in gold.splitlines() if paragraph)


def _prepare(page: BenchPage) -> BenchPage:
    page.lines = page_lines(render_html(page.html))
    page.labels = label_lines(page.lines, page.gold)
    return page


def load_aeb(data: Path, limit: int | None = None) -> list[BenchPage]:
    """aeb pages: html/<id>.html.gz with ground-truth.json (articleBody, url)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        record = truth[page_id]
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        host = urlsplit(record.get("url") or "").netloc.lower().removeprefix("www.")
        page = BenchPage(page_id, host, decode_html(raw), record.get("articleBody") or "")
        pages.append(_prepare(page))
    return pages


def fundus_gold(record: dict) -> str:
    """Body paragraphs and section headlines of a fundus gold record (summary left out)."""
    body = record.get("body") or {}
    parts: list[str] = []
    for section in body.get("sections", []):
        parts.extend(section.get("headline", []))
        parts.extend(section.get("paragraphs", []))
    return "\n".join(parts)


def iter_fundus(data: Path) -> Iterator[BenchPage]:
    """fundus-news pages: test_data/<cc>/<Publisher>_<date>.html.gz, gold in <Publisher>.json."""
    index = json.loads((data / "gold_index.json").read_text(encoding="utf-8"))
    for entry in index:
        html_path = data / entry["html"]
        gold_path = html_path.parent / f"{entry['publisher']}.json"
        record = json.loads(gold_path.read_text(encoding="utf-8")).get(entry["version"], {})
        gold = fundus_gold(record)
        if not gold:
            continue
        host = urlsplit(entry.get("url") or "").netloc.lower().removeprefix("www.")
        page = BenchPage(
            entry["html"], host, decode_html(gzip.decompress(html_path.read_bytes())), gold
        )
        yield _prepare(page)


def load_fundus(data: Path, limit: int | None = None) -> list[BenchPage]:
    pages = list(iter_fundus(data))
    return pages[:limit]
