"""Title / authors / date accuracy of newsmill's HTML reader beside bare trafilatura.

Usage: python bench/fundus_meta.py --data /work/shared/data/fundus-news [--limit N] [--misses]

Every page in gold_index.json is read twice in the same run: through newsmill's reader
(`newsmill.read.read_file` on the .html.gz, so decoding, sniffing and metadata are ours) and
through `trafilatura.bare_extraction(html, with_metadata=True)` with its defaults.

"Exact" means, after normalising both sides the same way (Unicode NFC, soft hyphens and
zero-width characters removed, runs of white space, including no-break and ideographic
spaces, collapsed to one space, ends trimmed):
- title: the strings are equal;
- authors: the *sets* of names are equal (order ignored; trafilatura's "A; B" is split on
  ";"); pages whose gold has no authors field are left out of this metric;
- date: the extracted yyyy-mm-dd equals the first ten characters of the gold
  publishing_date (the date as the publisher wrote it, in its own time zone).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trafilatura import bare_extraction
from trafilatura.settings import Document

from newsmill.model import Page
from newsmill.options import ReadOptions
from newsmill.read import read_file

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def norm(text: str | None) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))
    return " ".join(text.split())


def name_set(names: list[str] | None) -> set[str]:
    return {norm(name) for name in names or [] if norm(name)}


@dataclass
class Score:
    title: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)

    def add(
        self, gold: dict[str, Any], title: str | None, authors: list[str], date: str | None
    ) -> None:
        self.title.append(norm(title) == norm(gold["title"]))
        if gold.get("authors") is not None:
            self.authors.append(name_set(authors) == name_set(gold["authors"]))
        self.date.append((date or "")[:10] == str(gold["publishing_date"])[:10])


def ours(path: Path) -> tuple[str | None, list[str], str | None]:
    pages = [item for item in read_file(str(path), ReadOptions()) if isinstance(item, Page)]
    meta = pages[0].html if pages else None
    if meta is None:
        return None, [], None
    return meta.title, meta.authors, meta.date


def theirs(path: Path) -> tuple[str | None, list[str], str | None]:
    html = gzip.decompress(path.read_bytes())
    document = bare_extraction(html, with_metadata=True)
    if not isinstance(document, Document):
        return None, [], None
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return document.title, authors, document.date


def rate(values: list[bool]) -> str:
    return f"{sum(values) / max(1, len(values)):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--misses", action="store_true", help="print our wrong fields")
    args = parser.parse_args()
    gold_pages = json.loads((args.data / "gold_index.json").read_text(encoding="utf-8"))
    if args.limit:
        gold_pages = gold_pages[: args.limit]
    mine, baseline = Score(), Score()
    for gold in gold_pages:
        path = args.data / gold["html"]
        title, authors, date = ours(path)
        mine.add(gold, title, authors, date)
        baseline.add(gold, *theirs(path))
        if args.misses:
            show_misses(gold, mine, title, authors, date)
    print(f"fundus-news: {len(gold_pages)} pages ({len(mine.authors)} with gold authors)\n")
    print("| metric | newsmill | trafilatura |")
    print("|---|---|---|")
    print(f"| title exact | {rate(mine.title)} | {rate(baseline.title)} |")
    print(f"| authors exact (set) | {rate(mine.authors)} | {rate(baseline.authors)} |")
    print(f"| date accuracy | {rate(mine.date)} | {rate(baseline.date)} |")


def show_misses(gold: dict[str, Any], mine: Score, title: Any, authors: Any, date: Any) -> None:
    if not mine.title[-1]:
        print(f"TITLE  {title!r}\n  gold {gold['title']!r}")
    if gold.get("authors") is not None and not mine.authors[-1]:
        print(f"AUTHOR {authors!r}\n  gold {gold['authors']!r}")
    if not mine.date[-1]:
        print(f"DATE   {date!r} gold {gold['publishing_date']!r} {gold['html']}")


if __name__ == "__main__":
    main()
