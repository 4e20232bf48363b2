"""The fast paths of line features and word counts give exactly what the plain ones give.

Each fast path (cached index arrays, shared prefix sums, byte deletion for ASCII lines,
counting a long line's words only up to a limit) is checked against the straightforward
expression it replaces, bit for bit, so the body model sees the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from newsmill.segment import features as F
from newsmill.segment.patterns import more_words_than, word_count

LINES = [
    "",
    "Home",
    "Follow us on social",
    "WASHINGTON (Reuters) - The 12 senators met on 3/4/2024 at 10:30, said: “yes!”",
    "Top image credit: Photo 12-3 by Staff / Reuters",
    "— | • ›  — -- ** __ _a",
    "Ünïcödé façade café — naïve 42 ٤٢ digits",
    "東京都の新しい政策は来年から始まります 2025",
    "Read more\tabout it\x1c here\x0b now",
    "word " * 60,
]


def _plain_window_means(values: np.ndarray, half: int) -> np.ndarray:
    n = len(values)
    prefix = np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])
    index = np.arange(n)
    lo = np.maximum(index - half, 0)
    hi = np.minimum(index + half + 1, n)
    counts = (hi - lo).astype(float)
    if values.ndim > 1:
        counts = counts[:, None]
    return (prefix[hi] - prefix[lo]) / counts


def _plain_side_means(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(values)
    prefix = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(n)
    lo = np.maximum(index - width, 0)
    hi = np.minimum(index + 1 + width, n)
    before_n = index - lo
    after_n = hi - index - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        behind = np.where(before_n > 0, (prefix[index] - prefix[lo]) / before_n, 0.5)
        ahead = np.where(after_n > 0, (prefix[hi] - prefix[index + 1]) / after_n, 0.5)
    return behind, ahead


def _plain_sandwich(probs: np.ndarray, width: int) -> list[np.ndarray]:
    n = len(probs)
    padded = np.concatenate([np.zeros(width), probs, np.zeros(width)])
    view = np.lib.stride_tricks.sliding_window_view(padded, width)
    behind = view[:n].max(axis=1)
    ahead = view[width + 1 : width + 1 + n].max(axis=1)
    return [behind, ahead, np.minimum(behind, ahead)]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 30, 129, 300])
def test_window_side_and_sandwich_means_match_the_plain_expressions(n: int) -> None:
    rng = np.random.default_rng(n)
    probs = rng.random(n)
    matrix = rng.random((n, 4)) * 40
    for half in (2, 3, 4, 8):
        assert np.array_equal(F.window_means(probs, half), _plain_window_means(probs, half))
        assert np.array_equal(F.window_means(matrix, half), _plain_window_means(matrix, half))
    for width in (4, 12):
        for fast, plain in zip(
            F.side_means(probs, width), _plain_side_means(probs, width), strict=True
        ):
            assert np.array_equal(fast, plain)
    for width in (3, 8):
        for fast, plain in zip(
            F._sandwich(probs, width), _plain_sandwich(probs, width), strict=True
        ):
            assert np.array_equal(fast, plain)


def test_cached_index_arrays_are_read_only() -> None:
    lo, hi, counts = F._window(5, 2)
    assert hi.tolist() == [3, 4, 5, 5, 5]
    with pytest.raises(ValueError):
        counts[0] = 0.0
    assert not F._index(5).flags.writeable and not lo.flags.writeable


@pytest.mark.parametrize("text", LINES)
def test_digit_and_punctuation_counts_match_the_regex(text: str) -> None:
    assert F._count(text, F._DIGIT_RE, F._ASCII_NOT_DIGIT) == len(F._DIGIT_RE.findall(text))
    assert F._count(text, F._PUNCT_RE, F._ASCII_NOT_PUNCT) == len(F._PUNCT_RE.findall(text))


@pytest.mark.parametrize("text", LINES)
def test_more_words_than_matches_the_word_count(text: str) -> None:
    for limit in range(0, 12):
        assert more_words_than(text, limit) is (word_count(text) > limit)
