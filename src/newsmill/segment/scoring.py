"""How body-like each line is.

Text pages are scored from their text alone. For HTML pages the extractor's main text
(trafilatura) is the stronger opinion: a rendered line is body when the extractor kept it
as main text, and not otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import chain

from newsmill.model import Line, Page
from newsmill.segment import patterns as pat
from newsmill.segment.body import score_lines

#: Without a learned model, a line is body-like from this many words when it ends a
#: sentence, or from LONG_WORDS words in any case.
SENTENCE_WORDS = 12
LONG_WORDS = 25
#: The extractor's main text is trusted when it has at least this many words.
MAIN_TEXT_MIN_WORDS = 40
#: Lines are matched to the main text by word 3-grams (shorter lines must equal a
#: main-text paragraph); this share of a line's 3-grams must be found there.
SHINGLE = 3
MAIN_TEXT_SHARE = 0.5
_TOKEN = re.compile(r"\w+")
IN_MAIN_TEXT = 0.95
#: Text-model probabilities above which a line is body whatever its length, and below
#: which it is not body whatever its length.
MODEL_SURE = 0.85
MODEL_VETO = 0.3
MODEL_LEAN = 0.5
MID_WORDS = 6
NOT_IN_MAIN_TEXT = 0.05


def heuristic_score(text: str) -> float:
    n_words = pat.word_count(text)
    if n_words >= LONG_WORDS or (n_words >= SENTENCE_WORDS and pat.ends_sentence(text)):
        return 0.9
    return 0.1


def blended_score(text: str, model: float) -> float:
    """Length and punctuation decide in the middle of the model's range; the model's own
    leaning decides for mid-length lines (a list item, a line ending in a colon)."""
    n_words = pat.word_count(text)
    if n_words >= MID_WORDS and model >= MODEL_LEAN:
        return 0.9
    return heuristic_score(text)


def body_scores(page: Page, lines: Sequence[Line]) -> list[float]:
    main = page.html.body if page.html is not None else None
    if main and pat.more_words_than(main, MAIN_TEXT_MIN_WORDS - 1):  # counts no further
        return main_text_scores(main, lines)
    texts = [line.text for line in lines]
    model = score_lines(texts)
    # `_text_score`, spared the call where the model decides alone (most lines)
    return [
        p if p >= MODEL_SURE or p < MODEL_VETO else _text_score(text, p)
        for text, p in zip(texts, model, strict=True)
    ]


def _text_score(text: str, model: float) -> float:
    """``combine(blended_score(text, model), model)``, reading the text only when the
    model leaves the decision to it."""
    if model >= MODEL_SURE or model < MODEL_VETO:
        return model  # what `combine` returns there, whatever the text
    return combine(blended_score(text, model), model)


def combine(heuristic: float, model: float) -> float:
    """The text model can veto a long line (a cookie notice, a comment, a related-story
    blurb) and vouch for a short one; otherwise length and punctuation decide, which keeps
    the paragraphs of secondary articles on multi-article pages (the model, trained on
    single-article pages, rates those low)."""
    if model >= MODEL_SURE:
        return model
    if model < MODEL_VETO:
        return model
    return heuristic


def main_text_scores(main: str, lines: Sequence[Line]) -> list[float]:
    """Lines whose words mostly appear, in order, in the extractor's main text."""
    # The main text's tokens are its paragraphs' tokens in turn: a token never spans a line
    # break, and lower-casing stops there too (even the final-sigma rule). So it is
    # tokenised once, paragraph by paragraph.
    pieces = main.split("\n")
    tokens = [_tokens(piece) for piece in pieces]
    grams: set[tuple[str, ...]] = set(_shingles(list(chain.from_iterable(tokens))))
    paragraphs = {
        tuple(words) for piece, words in zip(pieces, tokens, strict=True) if piece.strip()
    }
    kept: dict[str, bool] = {}  # lines repeat on a page: each text is looked up once
    scores = []
    for line in lines:
        text = line.text
        found = kept.get(text)
        if found is None:
            found = kept[text] = _in_main_text(_tokens(text), grams, paragraphs)
        scores.append(IN_MAIN_TEXT if found else NOT_IN_MAIN_TEXT)
    return scores


def _in_main_text(
    words: list[str], grams: set[tuple[str, ...]], paragraphs: set[tuple[str, ...]]
) -> bool:
    """A line of these words equals a main-text paragraph (when shorter than a shingle),
    or at least `MAIN_TEXT_SHARE` of its shingles occur in the main text."""
    if len(words) < SHINGLE:
        return tuple(words) in paragraphs
    found = sum(map(grams.__contains__, _shingles(words)))
    return found >= MAIN_TEXT_SHARE * (len(words) - SHINGLE + 1)


#: Every ASCII byte that is not a word character (`_TOKEN`) as a space.
_ASCII_TOKEN_BYTES = bytes(c if _TOKEN.match(chr(c)) else 32 for c in range(256))


def _tokens(text: str) -> list[str]:
    """``_TOKEN.findall(text.lower())``; an ASCII text is split at its non-word characters
    instead, about twice as fast."""
    if text.isascii():
        spaced = text.encode("ascii").lower().translate(_ASCII_TOKEN_BYTES)
        return spaced.decode("ascii").split()
    return _TOKEN.findall(text.lower())


def _shingles(words: list[str]) -> Iterator[tuple[str, str, str]]:
    """Every run of `SHINGLE` (three) consecutive words, in order (zip stops at the last
    full one). Written out for three: unpacking a list of slices costs more per line than
    looking the shingles up."""
    return zip(words, words[1:], words[2:], strict=False)
