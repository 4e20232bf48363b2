"""The fast paths of line features, cues and word counts give exactly what the plain ones give.

Each fast path (cached index arrays, shared prefix sums and batched means, byte deletion
for ASCII lines, counting a long line's words only up to a limit, searching only a line's
tail, ASCII pre-checks before a regex, per-text caches) is checked against the
straightforward expression it replaces, bit for bit, so the body model and the role rules
see the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pytest

from newsmill.segment import features as F
from newsmill.segment import patterns as pat
from newsmill.segment import roles, scoring, textcache
from newsmill.segment.patterns import more_words_than, word_count
from newsmill.segment.scoring import SHINGLE, _shingles

T = TypeVar("T")

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
    plain_means = [_plain_window_means(probs, half) for half in (2, 4, 8)]
    plain_means += [side for width in (4, 12) for side in _plain_side_means(probs, width)]
    assert np.array_equal(F.context_means(F._prefix(probs)), np.array(plain_means))
    plain_sandwiches = [values for width in (3, 8) for values in _plain_sandwich(probs, width)]
    assert np.array_equal(F.sandwiches(probs), np.array(plain_sandwiches))


def test_cached_index_arrays_are_read_only() -> None:
    lo, hi, counts = F._window(5, 2)
    assert hi.tolist() == [3, 4, 5, 5, 5]
    with pytest.raises(ValueError):
        counts[0] = 0.0
    assert not F._index(5).flags.writeable and not lo.flags.writeable
    assert not F._sandwich_index(5).flags.writeable
    assert not any(array.flags.writeable for array in F._context_ranges(5))


@pytest.mark.parametrize("text", LINES)
def test_digit_and_punctuation_counts_match_the_regex(text: str) -> None:
    digits, punctuation, _ = F._char_counts(text)
    assert digits == len(F._DIGIT_RE.findall(text))
    assert punctuation == len(F._PUNCT_RE.findall(text))


@pytest.mark.parametrize("text", LINES)
def test_more_words_than_matches_the_word_count(text: str) -> None:
    for limit in range(0, 12):
        assert more_words_than(text, limit) is (word_count(text) > limit)


# Lines for the per-line fast paths: ASCII and not, the characters each fast path turns on
# (closers, spaces of every kind, quotes, digits, case-folding oddities such as "ſ" and "İ"),
# and phrases the regexes look for.
VARIED = [
    *LINES,
    "x",
    "\x1c",
    "a\x1fb",
    "She said.",
    "She said. ”",
    'He wrote: "Go."  ',
    "Why?\n",
    "Done…)",
    "Wait...",
    "end .\u3000",
    "end.\xa0\u2003'",
    "end!\x85",
    "2 days ago",
    "Rating: 3 Votes",
    "posted 10:30 pm",
    "Jane Doe says:",
    "JANE DOE SAYS:\n",
    "Jean a écrit",
    "Ana escribió:",
    "María dijo",
    "Reply",
    "12 Comments",
    "[3] responses",
    "Leave a Reply",
    "LEAVE A COMMENT",
    "Join the conversation",
    "Responses to “The vote”",
    "Add a comment",
    "Post a comment here",
    "Schreiben Sie einen Kommentar",
    "Laisser un commentaire",
    "Deja un comentario",
    "Kommentare (4)",
    "Commentaires",
    "leave a  reply",
    "ſays:",
    "SAİD",
    "İ said",
    "He was «quoted» here",
    'A "quoted" word',
    "„Zitat“ im Text",
    "— by the way —",
    "42",
    "٤٢ ٣",
    "東京 都",
    "__init__ _ -- 3_",
    "a\tb\x0bc\x0cd\re",
]


def _random_lines(seed: int, count: int) -> list[str]:
    """Lines glued from fragments of `VARIED` and single characters, to reach the corners."""
    rng = np.random.default_rng(seed)
    pieces = [*VARIED, " ", ".", ":", "\n", '"', "”", ")", "s", "d", "A", "9", "\xa0"]
    return [
        "".join(pieces[k] for k in rng.integers(0, len(pieces), rng.integers(1, 6)))
        for _ in range(count)
    ]


ALL_LINES = VARIED + _random_lines(7, 3000)


def test_more_words_than_matches_the_word_count_on_varied_lines() -> None:
    for text in ALL_LINES:
        for limit in (0, 1, 3, 12):
            assert more_words_than(text, limit) is (word_count(text) > limit), repr(text)


def test_ascii_word_count_matches_the_regex() -> None:
    for text in [*ALL_LINES, *map(chr, range(128))]:
        if text.isascii():
            assert pat._ascii_word_count(text) == len(pat._WORDISH.findall(text)), repr(text)


def test_word_count_matches_the_plain_expression() -> None:
    for text in ALL_LINES:
        words = len(pat._WORDISH.findall(text))
        ideographs = len(pat._IDEOGRAPHS.findall(text))
        assert word_count(text) == words + ideographs // pat.IDEOGRAPHS_PER_WORD, repr(text)


def test_spaces_are_the_regex_spaces() -> None:
    everything = "".join(map(chr, range(0x110000)))
    assert "".join(re.findall(r"\s", everything)) == pat._SPACES
    assert "".join(c for c in everything if c.isspace()) == pat._SPACES


def test_ends_sentence_matches_the_regex() -> None:
    for text in ALL_LINES:
        assert pat.ends_sentence(text) is bool(pat.SENTENCE_END.search(text)), repr(text)


def test_comment_and_quote_checks_match_the_regexes() -> None:
    for text in ALL_LINES:
        said = F._COMMENT_SAID_RE.search(text[-F._SAID_TAIL :]) is not None
        assert F._said_tail(text) is said, repr(text)
        assert F.comments_header(text) is (F._COMMENTS_HEADER_RE.search(text) is not None)
        assert F.has_quote(text) is (F._QUOTE_RE.search(text) is not None), repr(text)


def test_ascii_said_endings_cover_the_regex_phrases() -> None:
    phrases = re.search(r"\(\?:(.*)\)", F._COMMENT_SAID_RE.pattern)
    assert phrases is not None
    for phrase in phrases.group(1).split("|"):
        if phrase.isascii():
            assert {phrase[-1], phrase[-1].upper()} <= F._ASCII_SAID_LAST


def test_base_features_are_the_cached_text_features_and_the_repeat_flag() -> None:
    uncached = _uncached(F.text_features)
    for text in ALL_LINES:
        if not text:
            continue
        row = list(uncached(text))
        assert F.text_features(text) == tuple(row)
        for repeated in (False, True):
            row[F._REPEATED] = float(repeated)
            assert F.base_features(text, repeated) == row


def test_line_features_flag_lines_repeated_on_the_page() -> None:
    texts = ["Home", "A line of prose, said the man.", "Home", "World"]
    rows = F.line_features(texts)
    expected = np.array([F.base_features(t, texts.count(t) > 1) for t in texts])
    assert np.array_equal(rows[:, : len(F.BASE_FEATURES)], expected)


def test_long_lines_are_computed_not_cached() -> None:
    text = "word " * (textcache.CACHE_MAX_CHARS // 2) + "end."
    assert F.text_features(text) == F.text_features(text)
    assert roles._text_cues(text) == roles._text_cues(text)


def _uncached(get: Callable[[str], T]) -> Callable[[str], T]:
    """The function a `per_text` cache wraps."""
    cells = [cell.cell_contents for cell in get.__closure__ or ()]
    return next(f for f in cells if callable(f) and not hasattr(f, "cache_info"))


def _plain_cue(text: str, body_score: float, repeated: bool, threshold: float) -> str:
    """`roles._cue` as it was written before its text-only part was cached."""
    n_words = pat.word_count(text)
    if n_words <= pat.MARKER_MAX_WORDS and pat.is_marker(text):
        return "marker"
    if pat.is_credit(text):
        return "credit"
    if n_words <= roles.CAPTION_MAX_WORDS and pat.credit_tail(text) is not None:
        return "caption"
    if n_words <= pat.BYLINE_MAX_WORDS and pat.byline_names(text) is not None:
        return "byline"
    if n_words <= pat.DATELINE_MAX_WORDS and pat.is_dateline(text):
        return "dateline"
    if pat.bio_name(text) is not None:
        return "bio"
    if roles._chrome_words(text, n_words):
        return "chrome"
    if n_words == 1 and pat.IMAGE_SLUG.match(text):
        return "image_alt"
    if repeated:
        return "label" if pat.is_section_like(text) else "chrome"
    if body_score >= threshold or pat.WIRE_LEDE.match(text):
        return "body"
    if pat.is_section_like(text):
        return "section"
    return "title" if roles._title_like(text, n_words) else "short"


CUE_LINES = [
    *VARIED,
    "By Jane Doe and John Roe",
    "Published March 5, 2024 at 10:00",
    "Photo: Jane Doe / Reuters",
    "(AP)",
    "A man walks past the station. (Reuters/Jane Doe)",
    "Jane Doe is a fellow at the Institute and writes about energy.",
    "Sign up for our newsletter",
    "Home",
    "blinken-rand-paul-hearing",
    "WASHINGTON (Reuters) - Lawmakers met on Monday.",
    "Analysis | Europe",
    "Middle East",
    "Read more",
    "Why didn't he?",
]


def test_cues_match_the_plain_rules() -> None:
    for text in CUE_LINES:
        for score in (0.1, 0.5, 0.9):
            for repeated in (False, True):
                expected = _plain_cue(text, score, repeated, 0.5)
                assert roles._cue(text, score, repeated, 0.5) == expected, repr(text)


def test_shingles_match_the_plain_slices() -> None:
    for n in range(8):
        words = [f"w{i}" for i in range(n)]
        plain = [tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
        assert list(_shingles(words)) == plain


def test_text_scores_match_the_combined_score() -> None:
    for text in CUE_LINES:
        for model in (0.0, 0.1, 0.29, 0.3, 0.5, 0.84, 0.85, 0.99):
            expected = scoring.combine(scoring.blended_score(text, model), model)
            assert scoring._text_score(text, model) == expected


def _top_level_alternatives(group: str) -> list[str]:
    """The alternatives of a regex group's body, split at the '|' outside any parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(group):
        escaped = i > 0 and group[i - 1] == "\\"
        if char in "([" and not escaped:
            depth += 1
        elif char in ")]" and not escaped:
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(group[start:i])
            start = i + 1
    return [*parts, group[start:]]


def test_every_date_form_holds_a_digit() -> None:
    body = pat.DATE.pattern
    assert body.startswith(r"\b(?:") and body.endswith(r")\b")
    alternatives = _top_level_alternatives(body[len(r"\b(?:") : -len(r")\b")])
    assert len(alternatives) == 5
    assert all(r"\d" in alternative for alternative in alternatives)
    for text in ALL_LINES:
        if pat.word_count(text) <= pat.DATELINE_MAX_WORDS and pat.DATE.search(text):
            assert pat._DIGIT.search(text)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 30, 300])
def test_densest_runs_match_one_run_at_a_time(n: int) -> None:
    rng = np.random.default_rng(n)
    levels = np.array([0.5, 0.3])
    for probs in (rng.random(n), np.full(n, 0.5), np.round(rng.random(n), 1)):
        expected = [F.densest_run(probs - level) for level in (0.5, 0.3)]
        assert F.densest_runs(probs, levels) == expected


def test_lower_casing_neither_makes_nor_removes_spaces() -> None:
    """What lets the chrome-word count lower-case word by word (see `F.word_counts`)."""
    for code in range(0x110000):
        char = chr(code)
        lowered = char.lower()
        if char.isspace():
            assert lowered == char
        else:
            assert not any(c.isspace() for c in lowered), hex(code)


GREEK_AND_CASES = [
    "ΟΔΟΣ ΣΑΣ Σ",
    "ΑΣ\xa0Σ ΣΑ\u2003ΣΣ",
    "aΣ'Σ b",
    "İstanbul İ SHARE Share sHaRe",
    "YouTube LinkedIn WhatsApp E-MAIL © | • » -",
    "The Of THE Der DIE die",
]


def test_word_counts_match_the_plain_sums() -> None:
    for text in [*ALL_LINES, *GREEK_AND_CASES, "a " * 5000 + "Share"]:
        words = text.split()
        plain = (
            sum(map(str.isupper, words)),
            sum(map(str.istitle, words)),
            sum(map(F.STOP_WORDS.__contains__, words)),
            sum(map(F._SEPARATORS.__contains__, words)),
            sum(map(F.CHROME_WORDS.__contains__, text.lower().split())),
        )
        assert F.word_counts(words) == plain, repr(text)
