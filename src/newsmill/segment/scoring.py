"""How body-like each line is.

The learned scorer in ``body.py`` reads the text of the whole page; for HTML pages the
extractor's main text is a second opinion: a line the extractor kept as main text is
body-like even where the text model hesitates.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsmill.model import Line, Page
from newsmill.segment import patterns as pat

#: Without a learned model, a line is body-like from this many words when it ends a
#: sentence, or from LONG_WORDS words in any case.
SENTENCE_WORDS = 12
LONG_WORDS = 25


def heuristic_score(text: str) -> float:
    n_words = pat.word_count(text)
    if n_words >= LONG_WORDS or (n_words >= SENTENCE_WORDS and pat.ends_sentence(text)):
        return 0.9
    return 0.1


def body_scores(page: Page, lines: Sequence[Line]) -> list[float]:
    scores = [heuristic_score(line.text) for line in lines]
    return scores
