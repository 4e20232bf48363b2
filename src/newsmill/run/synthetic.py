"""Synthetic text pages for scale tests and benchmarks, made from seed pages, deterministic.

Each page has site chrome (a navigation line and a footer shared by every page of its
site), then one to three articles: a title, a byline and paragraphs whose words are seed
paragraphs' words shuffled and one in five
replaced by a made-up name, so every article is new text with news-like words. A few
articles are exact or near copies of an earlier one, so duplicate clusters exist.
The same ``seed`` always gives the same pages.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

#: Sites the pages are spread over, and the chrome each one repeats on every page.
SITES = ("dailyledger", "metrotimes", "valleypost", "harbornews", "capitolwire", "northstar")
NAV = ("Home", "World", "Politics", "Business", "Science", "Opinion", "Sport", "Weather")
FIRST_NAMES = ("Ana", "Ben", "Chloe", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jon")
LAST_NAMES = ("Moreno", "Okafor", "Lindqvist", "Tanaka", "Rossi", "Kowalski", "Haddad", "Reyes")
#: One word in this many is replaced by a made-up name, so that shuffled seed words do not
#: repeat the same five-word runs across thousands of articles (real news text does not).
RARE_EVERY = 5
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "sa",
    "tor",
    "vel",
    "din",
    "por",
    "ash",
    "bri",
    "col",
    "dun",
    "fen",
    "gar",
    "hol",
    "ist",
    "jor",
    "kem",
    "lun",
    "mar",
    "nor",
    "osk",
    "pel",
)
EXACT_COPY = 0.04  # share of articles that repeat an earlier one word for word
NEAR_COPY = 0.02  # share that repeat one with a few words changed


@dataclass(frozen=True, slots=True)
class SyntheticPage:
    site: str
    name: str
    text: str


def seed_paragraphs(folder: str | Path) -> list[list[str]]:
    """Words of every long line of the seed pages (a line of 40 words or more)."""
    out = []
    for path in sorted(Path(folder).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) >= 40:
                out.append(words)
    return out


def _article(rng: random.Random, paragraphs: list[list[str]]) -> list[str]:
    title_words = rng.sample(rng.choice(paragraphs), 8)
    title = " ".join(title_words).strip(".,;:\"'“”").capitalize()
    byline = f"By {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    body = []
    for _ in range(rng.randint(3, 6)):
        words = list(rng.choice(paragraphs))
        rng.shuffle(words)
        for index in range(rng.randrange(RARE_EVERY), len(words), RARE_EVERY):
            words[index] = _made_up_word(rng)
        body.append(" ".join(words))
    return [title, byline, *body]


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _near(rng: random.Random, article: list[str]) -> list[str]:
    changed = list(article)
    index = rng.randrange(2, len(changed))
    words = changed[index].split()
    for _ in range(2):
        words[rng.randrange(len(words))] = rng.choice(NAV).lower()
    changed[index] = " ".join(words)
    return changed


def synthetic_pages(seed_folder: str | Path, count: int, seed: int = 0) -> Iterator[SyntheticPage]:
    paragraphs = seed_paragraphs(seed_folder)
    rng = random.Random(seed)
    recent: deque[list[str]] = deque(maxlen=500)
    for number in range(count):
        site = SITES[number % len(SITES)]
        lines = [f"{site.title()} | " + " | ".join(NAV), "Subscribe | Sign in"]
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            if recent and roll < EXACT_COPY:
                article = rng.choice(recent)
            elif recent and roll < EXACT_COPY + NEAR_COPY:
                article = _near(rng, rng.choice(recent))
            else:
                article = _article(rng, paragraphs)
                recent.append(article)
            lines.extend(["", *article, ""])
        lines.append(f"© 2024 {site.title()} Media. All rights reserved. | Privacy | Terms")
        yield SyntheticPage(site, f"{number:07d}", "\n".join(lines) + "\n")


def write_text_pages(out: str | Path, seed_folder: str | Path, count: int, seed: int = 0) -> Path:
    """One text file per page, in a folder per site (the site of a page without a URL)."""
    root = Path(out)
    for page in synthetic_pages(seed_folder, count, seed):
        folder = root / page.site
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page.name}.txt").write_text(page.text, encoding="utf-8")
    return root


def write_jsonl_pages(
    out: str | Path, seed_folder: str | Path, count: int, seed: int = 0, per_file: int = 500
) -> Path:
    """JSON Lines files of ``per_file`` pages each, with a URL per page (its site's host)."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    pages = synthetic_pages(seed_folder, count, seed)
    for number in range(0, count, per_file):
        with (root / f"pages-{number // per_file:05d}.jsonl").open("w", encoding="utf-8") as stream:
            for page in islice(pages, per_file):
                url = f"https://www.{page.site}.example/{page.name}"
                stream.write(json.dumps({"url": url, "text": page.text}, ensure_ascii=False) + "\n")
    return root
