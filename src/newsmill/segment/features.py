"""Shallow, text-only features of the lines of one page, for the body-line model.

Two feature sets, each a list of names so the model file maps weights by name:

- `LINE_FEATURES`: what a line looks like (length, punctuation, capitals, stop words,
  digits, separators, chrome words, repetition), the same for its neighbours, window
  averages, and where it sits on the page relative to the densest run of long lines.
- `CONTEXT_FEATURES`: computed from the first-stage body probabilities of the page
  (neighbour and window means, runs), so the second stage smooths the first.

Text features are computed per line in Python; everything else is computed for the whole
page at once with numpy arrays (one row per line).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from typing import Final, TypeVar

import numpy as np
from numpy.typing import NDArray

from newsmill.segment.textcache import per_text

Matrix = NDArray[np.float64]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words of the languages most common in news. Their share separates running prose
# (high) from navigation, titles and credits (low). Capitalised forms are added below so no
# per-word lower() call is needed.
_STOP_WORDS_LOWER: Final = _word_set(
    # English
    "a an the and or but of to in on at for with from by as is are was were be been being "
    "has have had do does did it its this that these those he she they we you i his her "
    "their our your not no so if than then there which who whom what when where while "
    "will would can could should may might must about after before over into out up also "
    "more most some any all one two said says just very such only other new"
    # German
    " der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind "
    "war waren wird werden wurde wurden hat haben hatte mit von zu im in auf für bei aus nach "
    "wie als auch es sie er wir ich sich noch nur so dass daß dies diese dieser um über vor "
    "durch bis zum zur am man kann"
    # French
    " le la les un une des du de et ou mais ne pas est sont était été a ont avec pour dans "
    "sur par que qui au aux ce cette ces il elle ils nous vous se son sa ses leur plus comme "
    "en y"
    # Spanish / Portuguese / Italian
    " el los las lo unos unas del al y o pero no es son fue era ha han con para por en que "
    "se su sus como más este esta estos estas le les muy sin sobre entre también "
    "o os as um uma do da dos das e mas não é são foi com para por em no na nos nas que "
    "se seu sua como mais ao à "
    " il lo gli i una di del della dei delle e ed ma non è sono era con per tra fra che "
    "si suo sua come più nel nella al alla anche"
    # Dutch / Scandinavian
    " de het een en of maar niet is zijn was waren met van voor op aan bij dat die dit "
    "er ook als om naar door uit"
    " och att det som en ett är var med för på av till den inte har jag hon han de om "
    "og at er for med på af til ikke har som jeg hun han der"
    # Polish / Czech / Russian / Turkish / Indonesian
    " i w z na do nie się że to jest jak o po od za przez a "
    " a v ve na se je to že s z do o jako by byl"
    " и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
    "из от это о для при"
    " ve bir bu da de ile için gibi daha çok olan"
    " dan yang di ke dari ini itu dengan untuk tidak akan pada juga"
)
STOP_WORDS: Final = _STOP_WORDS_LOWER | frozenset(w.capitalize() for w in _STOP_WORDS_LOWER)

# Words typical of navigation, sharing, consent and footer lines (several languages).
# Matched on the lower-cased line's words; their share marks page furniture.
CHROME_WORDS: Final = _word_set(
    "share shares tweet facebook twitter whatsapp linkedin pinterest reddit instagram "
    "youtube telegram email e-mail print subscribe subscription newsletter newsletters "
    "login log sign signup register account cookie cookies privacy policy terms "
    "advertisement advertising ad ads sponsored copyright © rights reserved menu search "
    "home skip navigation comments comment reply replies follow contact about careers "
    "app apps download podcast podcasts video videos photos gallery trending popular "
    "related recommended more read watch listen loading javascript browser "
    "teilen anmelden abonnieren datenschutz impressum werbung kommentare startseite mehr "
    "partager connexion abonnez-vous confidentialité publicité accueil commentaires "
    "compartir suscríbete privacidad publicidad inicio comentarios iniciar "
    "condividi accedi pubblicità commenti"
)

# Characters that end a sentence, and closers that may follow them.
_SENTENCE_END: Final = frozenset(".!?。！？।…")
_CLOSERS: Final = "\"'”’»)]"
# Single-character tokens that separate menu items or breadcrumbs.
_SEPARATORS: Final = frozenset("|•»›·/>–—-:+*►▶")
# Characters that open list items and menu entries.
_BULLETS: Final = frozenset("•·-–—*►▶▸◦■□●○→>+»›")
_QUOTE_RE: Final = re.compile('["“”„«»]')

_DIGIT_RE: Final = re.compile(r"\d")
_PUNCT_RE: Final = re.compile(r"[^\w\s]")
# The ASCII characters that are not digits / not punctuation by the expressions above: an
# ASCII line's digits and punctuation are counted by deleting these bytes (much faster than
# a regex list).
_ASCII_NOT_DIGIT: Final = bytes(c for c in range(128) if not _DIGIT_RE.match(chr(c)))
_ASCII_NOT_PUNCT: Final = bytes(c for c in range(128) if not _PUNCT_RE.match(chr(c)))
_CJK_RE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DATE_RE: Final = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    re.IGNORECASE,
)
# Reader-comment furniture: "Name says:", "2 days ago", "Reply", "Rating: 3 Votes". Split
# into parts so each is only tried on the part of a line where it can match (speed).
_COMMENT_SAID_RE: Final = re.compile(
    r"\b(?:said|says|wrote|writes|sagt|schrieb|a écrit|dice|dijo|escribió|disse|scrive):?$",
    re.IGNORECASE,
)
_COMMENT_STARTS: Final = (
    "reply",
    "replies",
    "antworten",
    "répondre",
    "responder",
    "rispondi",
    "report",
    "like",
    "likes",
)
_COMMENT_START_RE: Final = re.compile(rf"(?:{'|'.join(_COMMENT_STARTS)})\b", re.IGNORECASE)
# A line whose first character is ASCII can only match if it lower-cases to one of these.
_ASCII_COMMENT_INITIALS: Final = frozenset(word[0] for word in _COMMENT_STARTS)
_COMMENT_NUMBER_RE: Final = re.compile(
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?)\s+ago\b|"
    r"\b\d+\s+(?:votes?|likes?|points?)\b|\b\d{1,2}:\d{2}\s*(?:am|pm)\b",
    re.IGNORECASE,
)
_SAID_TAIL: Final = 16  # characters at the end of a line where "says:" is looked for
_START_HEAD: Final = 12
# Headers that open a reader-comment section, in several languages.
_COMMENTS_HEADER_RE: Final = re.compile(
    r"^[\[(]?\s*\d*\s*(?:comments?|responses?|replies|reactions?|kommentare?|"
    r"commentaires?|comentarios?|commenti|reacties|komentarze)\b|"
    r"\b(?:leave a (?:reply|comment)|responses? to|join the (?:discussion|conversation)|"
    r"add a comment|post a comment|schreiben sie einen kommentar|laisser un commentaire|"
    r"deja un comentario)\b",
    re.IGNORECASE,
)
# Fast paths for ASCII lines, where IGNORECASE matching is plain lower-casing (its
# non-ASCII equivalents, such as "ſ" for "s", cannot occur): the last character a
# `_COMMENT_SAID_RE` match can end on, and substrings of which every unanchored
# `_COMMENTS_HEADER_RE` phrase holds one.
_ASCII_SAID_LAST: Final = frozenset("dsetboDSETBO:\n")
_ASCII_HEADER_HINTS: Final = (
    "leave a ",
    "response",
    "join the ",
    "a comment",
    "schreiben sie",
    "laisser un",
    "deja un",
)
_LINK_RE: Final = re.compile(r"https?://|www\.|\.com\b|@\w", re.IGNORECASE)

# A line of this many words or more counts as "long" (prose-like).
LONG_WORDS: Final = 12
# Words at which a line is neutral for the densest-run search: longer lines add to a run,
# shorter ones subtract.
RUN_NEUTRAL_WORDS: Final = 8
# Lines of fewer words are gaps between blocks; this many gap lines in a row end a block.
BLOCK_MIN_WORDS: Final = 8
BLOCK_GAP: Final = 3
# Probability above which a line extends the lenient ("wide") run of body-like lines.
WIDE_RUN_PROBABILITY: Final = 0.3

# Per-line features that are also taken from neighbours (offsets below).
_NEIGHBOUR_BASE: Final = ("log_words", "terminal", "stop_ratio", "short", "nav_mark", "chrome")
_NEIGHBOUR_OFFSETS: Final = (-2, -1, 1, 2)
# Window half-widths for the averages of the prose and short-line indicators.
_WINDOWS: Final = (3, 8)
_WINDOW_BASE: Final = ("prose", "short", "log_words", "comment_meta")

BASE_FEATURES: Final = (
    "log_words",
    "log_chars",
    "short",
    "long",
    "very_long",
    "terminal",
    "colon_end",
    "ellipsis_end",
    "comma_rate",
    "inner_stops",
    "cap_ratio",
    "caps_words",
    "stop_ratio",
    "digit_ratio",
    "punct_ratio",
    "separators",
    "bullet_start",
    "nav_mark",
    "chrome",
    "chrome_any",
    "repeated",
    "date_like",
    "link_like",
    "word_length",
    "quoted",
    "lower_start",
    "prose",
    "comment_meta",
    "comments_header",
)

LINE_FEATURES: Final = (
    *BASE_FEATURES,
    *(f"{name}@{offset:+d}" for offset in _NEIGHBOUR_OFFSETS for name in _NEIGHBOUR_BASE),
    *(f"{name}_win{w}" for w in _WINDOWS for name in _WINDOW_BASE),
    "after_comments_header",
    "position",
    "first",
    "last",
    "mass_before",
    "in_run",
    "before_run",
    "after_run",
    "run_distance",
    "run_share",
    "words_vs_max",
    "block_log_words",
    "block_share",
    "block_largest",
    "block_before_largest",
    "block_after_largest",
    "blocks_to_largest",
    "block_terminal",
    "block_stops",
    "block_dates",
    "block_short",
)

CONTEXT_FEATURES: Final = (
    "logit",
    "p_prev",
    "p_next",
    *(f"p_win{w}" for w in (2, 4, 8)),
    "p_behind4",
    "p_ahead4",
    "p_behind12",
    "p_ahead12",
    *(f"p_{kind}{w}" for w in (3, 8) for kind in ("max_behind", "max_ahead", "sandwich")),
    "p_in_run",
    "p_run_distance",
    "p_in_wide_run",
    "p_wide_run_distance",
    "p_page_mean",
    "p_logit_x_short",
)


def word_count(text: str, words: Sequence[str]) -> float:
    """Whitespace words, counting CJK characters as about two per word."""
    if text.isascii():
        return float(len(words))
    cjk = len(_CJK_RE.findall(text))
    return len(words) + cjk / 2.0


def terminal(text: str) -> bool:
    end = text.rstrip(_CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_END and not end.endswith("...")


def comment_meta(text: str, has_digits: bool) -> bool:
    """Reader-comment furniture: "Name says:", "2 days ago", "Reply", "Rating: 3 Votes"."""
    return (
        _said_tail(text)
        or _comment_start(text)
        or (has_digits and _COMMENT_NUMBER_RE.search(text) is not None)
    )


def _comment_start(text: str) -> bool:
    """The line starts with "Reply", "Like" or the like (`_COMMENT_START_RE`)."""
    first = text[:1]
    if first.isascii() and first.lower() not in _ASCII_COMMENT_INITIALS:
        return False  # IGNORECASE matching is plain lower-casing for an ASCII character
    return _COMMENT_START_RE.match(text[:_START_HEAD]) is not None


def _said_tail(text: str) -> bool:
    """The line ends in "says:" or the like (`_COMMENT_SAID_RE`)."""
    if text.isascii() and text[-1:] not in _ASCII_SAID_LAST:
        return False  # most lines: the regex is not tried at each of the last characters
    return _COMMENT_SAID_RE.search(text[-_SAID_TAIL:]) is not None


def comments_header(text: str) -> bool:
    """A header opening a reader-comment section (`_COMMENTS_HEADER_RE`)."""
    if text.isascii():
        lowered = text.lower()
        if not any(hint in lowered for hint in _ASCII_HEADER_HINTS):
            # only the part anchored at the start can match: try it there alone
            return _COMMENTS_HEADER_RE.match(text) is not None
    return _COMMENTS_HEADER_RE.search(text) is not None


def has_quote(text: str) -> bool:
    """A quotation mark (`_QUOTE_RE`); the only ASCII one is the straight double quote."""
    return '"' in text if text.isascii() else _QUOTE_RE.search(text) is not None


def link_like(text: str, lowered: str) -> bool:
    if "@" not in text and "www" not in lowered and "http" not in lowered and ".com" not in lowered:
        return False
    return _LINK_RE.search(text) is not None


#: "?" and "!" as ".", so that one count finds every sentence end followed by a space.
_STOPS_AS_DOTS: Final = bytes.maketrans(b"?!", b"..")


def _char_counts(text: str) -> tuple[int, int, int]:
    """Digits and punctuation characters of ``text`` (as `_DIGIT_RE` and `_PUNCT_RE` find
    them), and its sentence ends inside the line (". ", "? " or "! "). An ASCII line is
    encoded once for all three. The three two-character ends never overlap (each ends in
    a space that none begins with), so mapped to ". " they are counted together."""
    if text.isascii():
        raw = text.encode("ascii")
        digits = len(raw.translate(None, _ASCII_NOT_DIGIT))
        punctuation = len(raw.translate(None, _ASCII_NOT_PUNCT))
        return digits, punctuation, raw.translate(_STOPS_AS_DOTS).count(b". ")
    stops = text.count(". ") + text.count("? ") + text.count("! ")
    return len(_DIGIT_RE.findall(text)), len(_PUNCT_RE.findall(text)), stops


# What the features count of each word (upper case, title case, stop word, separator,
# chrome word once lower-cased) is looked up per distinct word, packed into one int with a
# field of _FIELD_BITS bits per count, so that a line's counts are one C-level sum of its
# words' entries. The fields cannot carry into each other on lines of fewer than
# 2**_FIELD_BITS words, and five of them fit a machine word, where sum() is fastest; longer
# lines are counted word by word.
_FIELD_BITS: Final = 12
_FIELD_MASK: Final = (1 << _FIELD_BITS) - 1
_WORDS_KEPT: Final = 100_000  # the table starts afresh past this many words (~10 MB)


class _WordFacts(dict[str, int]):
    """Packed counts of every word seen so far (see _FIELD_BITS)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _WORDS_KEPT:
            self.clear()
        facts = (
            word.isupper()
            | word.istitle() << _FIELD_BITS
            | (word in STOP_WORDS) << 2 * _FIELD_BITS
            | (word in _SEPARATORS) << 3 * _FIELD_BITS
            | (word.lower() in CHROME_WORDS) << 4 * _FIELD_BITS
        )
        self[word] = facts
        return facts


_WORD_FACTS: Final = _WordFacts()


def word_counts(words: list[str]) -> tuple[int, int, int, int, int]:
    """How many of ``words`` are upper case, title case, stop words, separators, and chrome
    words once lower-cased (``text.lower().split()`` is the lower-cased ``text.split()``:
    lower-casing neither makes nor removes spaces)."""
    if len(words) > _FIELD_MASK:
        return _plain_word_counts(words)
    packed = sum(map(_WORD_FACTS.__getitem__, words))
    return (
        packed & _FIELD_MASK,
        (packed >> _FIELD_BITS) & _FIELD_MASK,
        (packed >> 2 * _FIELD_BITS) & _FIELD_MASK,
        (packed >> 3 * _FIELD_BITS) & _FIELD_MASK,
        packed >> 4 * _FIELD_BITS,
    )


def _plain_word_counts(words: list[str]) -> tuple[int, int, int, int, int]:
    return (
        sum(map(str.isupper, words)),
        sum(map(str.istitle, words)),
        sum(map(STOP_WORDS.__contains__, words)),
        sum(map(_SEPARATORS.__contains__, words)),
        sum(CHROME_WORDS.__contains__(word.lower()) for word in words),
    )


_REPEATED: Final = BASE_FEATURES.index("repeated")


def base_features(text: str, repeated: bool) -> list[float]:
    """The per-line features, in `BASE_FEATURES` order."""
    row = list(text_features(text))
    row[_REPEATED] = float(repeated)
    return row


@per_text
def text_features(text: str) -> tuple[float, ...]:
    """The features that depend on the line's text alone, in `BASE_FEATURES` order, with
    "repeated" (which depends on the page) left at 0. Cached: lines repeat across pages."""
    words = text.split()
    n_words = word_count(text, words)
    n = max(len(words), 1)
    n_chars = len(text)
    first = text[0]
    all_caps, titled, stops, separators, chrome = word_counts(words)
    caps = titled + all_caps
    lowered = text.lower()
    digits, punctuation, inner_stops = _char_counts(text)
    is_terminal = terminal(text)
    long_line = n_words >= LONG_WORDS
    bullet = first in _BULLETS
    return (
        math.log1p(n_words),
        math.log1p(n_chars),
        float(n_words <= 3),
        float(long_line),
        float(n_words >= 30),
        float(is_terminal),
        float(text.endswith(":")),
        float(text.endswith(("...", "…"))),
        min(text.count(",") / n, 0.5),
        min(inner_stops / n, 0.5),
        caps / n,
        all_caps / n,
        stops / n,
        digits / n_chars,
        punctuation / n_chars,
        min(separators, 5) / 5.0,
        float(bullet),
        float(bullet or separators > 1 or first == "|"),
        chrome / n,
        float(chrome > 0),
        0.0,  # repeated
        float(digits > 0 and _DATE_RE.search(text) is not None),
        float(link_like(text, lowered)),
        min(n_chars / n, 20.0) / 10.0,
        float(has_quote(text)),
        float(first.islower()),
        float(long_line and is_terminal),
        float(comment_meta(text, digits > 0)),
        float(n_words <= 12 and comments_header(text)),
    )


_COL: Final = {name: i for i, name in enumerate(BASE_FEATURES)}
_NEIGHBOUR_COLS: Final = [_COL[name] for name in _NEIGHBOUR_BASE]
_WINDOW_COLS: Final = [_COL[name] for name in _WINDOW_BASE]


def shift(values: Matrix, offset: int) -> Matrix:
    """out[i] = values[i + offset], zero beyond the page edges."""
    out = np.zeros_like(values)
    _put_shifted(out, values, offset)
    return out


def _put_shifted(out: Matrix, values: Matrix, offset: int) -> None:
    """Write values[i + offset] into the zero-filled ``out[i]``."""
    n = len(values)
    if offset > 0:
        out[: n - offset] = values[offset:]
    elif offset < 0:
        out[-offset:] = values[: n + offset]
    else:
        out[:] = values


# Pages are scored one at a time and have a few dozen lines, so the cost of these features
# is numpy's per-call overhead, not arithmetic. The index arrays that depend only on the
# page length are made once per length (cached, read-only), prefix sums are shared by the
# window and side means of one array, and the feature matrices are filled in place.
# Only pages up to _CACHED_LINES lines long have their index arrays cached, so the caches
# stay small (a few MB at most) whatever the corpus.
_INDEX_CACHE: Final = 1024
_CACHED_LINES: Final = 256
T = TypeVar("T")


def _cached_for_short_pages(build: Callable[..., T]) -> Callable[..., T]:
    """``build(n, ...)``, cached when the page length ``n`` is at most _CACHED_LINES."""
    cached = lru_cache(maxsize=_INDEX_CACHE)(build)

    def get(n: int, *args: int) -> T:
        return cached(n, *args) if n <= _CACHED_LINES else build(n, *args)

    return get


def _frozen(*arrays: NDArray[np.generic]) -> None:
    for array in arrays:
        array.flags.writeable = False


@_cached_for_short_pages
def _index(n: int) -> NDArray[np.intp]:
    index = np.arange(n)
    _frozen(index)
    return index


@_cached_for_short_pages
def _window(n: int, half: int) -> tuple[NDArray[np.intp], NDArray[np.intp], Matrix]:
    """Ends [lo, hi) of the window of half-width ``half`` around each line, and its size."""
    index = _index(n)
    lo = np.maximum(index - half, 0)
    hi = np.minimum(index + half + 1, n)
    counts = (hi - lo).astype(float)
    _frozen(lo, hi, counts)
    return lo, hi, counts


@_cached_for_short_pages
def _sides(n: int, width: int) -> tuple[NDArray[np.intp], NDArray[np.intp], Matrix, Matrix]:
    """Start of the ``width`` lines before each line, end of those after it, and how many
    there are on each side."""
    index = _index(n)
    lo = np.maximum(index - width, 0)
    hi = np.minimum(index + 1 + width, n)
    before = (index - lo).astype(float)
    after = (hi - index - 1).astype(float)
    _frozen(lo, hi, before, after)
    return lo, hi, before, after


def _prefix(values: Matrix) -> Matrix:
    """Running sums of ``values`` (rows) with a leading zero row."""
    prefix = np.empty((len(values) + 1, *values.shape[1:]))
    prefix[0] = 0.0
    values.cumsum(axis=0, out=prefix[1:])  # the method: np.cumsum adds a Python wrapper
    return prefix


def window_means(values: Matrix, half: int) -> Matrix:
    """Mean of values[i-half : i+half+1] (rows), clipped at the page edges."""
    return _window_means(_prefix(values), half)


def _window_means(prefix: Matrix, half: int) -> Matrix:
    lo, hi, counts = _window(len(prefix) - 1, half)
    if prefix.ndim > 1:
        counts = counts[:, None]
    return (prefix[hi] - prefix[lo]) / counts


def densest_run(gains: Matrix) -> tuple[int, int]:
    """The contiguous range [start, end] with the largest sum of gains."""
    prefix = _prefix(gains)
    lowest = np.minimum.accumulate(prefix[:-1])
    end = int((prefix[1:] - lowest).argmax())
    start = int(prefix[: end + 1].argmin())
    return start, end


def densest_runs(values: Matrix, levels: Matrix) -> list[tuple[int, int]]:
    """``densest_run(values - level)`` for each of ``levels``, computed together (one row
    per level; the same arithmetic, element by element)."""
    prefix = np.empty((len(levels), len(values) + 1))
    prefix[:, 0] = 0.0
    (values - levels[:, None]).cumsum(axis=1, out=prefix[:, 1:])
    lowest = np.minimum.accumulate(prefix[:, :-1], axis=1)
    ends = (prefix[:, 1:] - lowest).argmax(axis=1).tolist()
    return [(int(row[: end + 1].argmin()), end) for row, end in zip(prefix, ends, strict=True)]


def run_distance(n: int, run: tuple[int, int]) -> Matrix:
    """Lines between each line and the run (0 inside it)."""
    index = _index(n)
    start, end = run
    return np.maximum(start - index, 0) + np.maximum(index - end, 0).astype(float)


_RUN_COLUMNS: Final = 10


#: Pages up to this many lines have the `_run_places` of their runs cached, this many
#: at most: 5 MB at worst, as each holds ten floats per line.
_RUN_PLACES_LINES: Final = 64
_RUN_PLACES_CACHE: Final = 1024


def _run_places(n: int, start: int, end: int) -> Matrix:
    """The columns of `_run_features` that depend only on the page length and the run:
    where each line sits on the page and relative to the run (the others left at 0).
    Cached and read-only for short pages: pages of a length often have their run in the
    same place."""
    if n <= _RUN_PLACES_LINES:
        return _cached_run_places(n, start, end)
    return _build_run_places(n, start, end)


def _build_run_places(n: int, start: int, end: int) -> Matrix:
    index = _index(n)
    distance = run_distance(n, (start, end))
    rows = np.zeros((n, _RUN_COLUMNS))
    rows[:, 0] = index / max(n - 1, 1)
    rows[:, 1] = index == 0
    rows[:, 2] = index == n - 1
    rows[:, 4] = distance == 0
    rows[:, 5] = index < start
    rows[:, 6] = index > end
    rows[:, 7] = np.log1p(distance)
    _frozen(rows)
    return rows


_cached_run_places: Final = lru_cache(maxsize=_RUN_PLACES_CACHE)(_build_run_places)


def _run_features(n_words: Matrix, out: Matrix) -> int:
    """Where each line sits relative to the densest run of long lines, written into the
    `_RUN_COLUMNS` columns of ``out``; where the run starts."""
    gains = np.minimum(n_words, 5.0 * RUN_NEUTRAL_WORDS) / RUN_NEUTRAL_WORDS - 1.0
    start, end = densest_run(gains)
    out[:] = _run_places(len(n_words), start, end)
    # the ufuncs' reduce, as the .sum() and .max() methods do it, without their wrappers
    total = np.add.reduce(n_words) or 1.0
    n_words[:-1].cumsum(out=out[1:, 3])
    out[:, 3] /= total
    out[:, 8] = np.add.reduce(n_words[start : end + 1]) / total
    out[:, 9] = n_words / (np.maximum.reduce(n_words) or 1.0)
    return start


def blocks(n_words: Sequence[float]) -> list[int]:
    """Block number of each line: runs of prose lines, broken by BLOCK_GAP short lines in a
    row. Lines in such a gap get -1."""
    ids = [-1] * len(n_words)
    block, gap, last_prose = -1, BLOCK_GAP, -1
    for i, words in enumerate(n_words):
        if words < BLOCK_MIN_WORDS:
            gap += 1
            continue
        if gap >= BLOCK_GAP:
            block += 1
        elif last_prose >= 0:
            for j in range(last_prose + 1, i):
                ids[j] = block
        ids[i] = block
        gap, last_prose = 0, i
    return ids


_BLOCK_MEANS: Final = [_COL[name] for name in ("terminal", "stop_ratio", "date_like", "short")]
_BLOCK_COLUMNS: Final = 6 + len(_BLOCK_MEANS)


def _block_features(n_words: Matrix, base: Matrix, out: Matrix) -> None:
    """How large the line's block is, compared with the page's largest block, and what the
    block looks like (sentence ends, stop words, dates, short lines), written into the
    `_BLOCK_COLUMNS` zero-filled columns of ``out`` (lines in no block keep zeros).

    A page has a few blocks: their sums are np.bincount's, the rest is worked out in
    Python, one row per block (the logarithms in one numpy call on a contiguous array, as
    for one row per line), and the lines take their block's row.
    """
    ids = blocks(n_words.tolist())
    count = max(ids, default=-1) + 1
    if count == 0:
        return
    member = np.array(ids) >= 0
    safe = np.where(member, ids, 0)
    words = np.bincount(safe, weights=n_words * member, minlength=count)
    lines = np.maximum(np.bincount(safe, weights=member.astype(float), minlength=count), 1)
    means = [
        (np.bincount(safe, weights=base[:, col] * member, minlength=count) / lines).tolist()
        for col in _BLOCK_MEANS
    ]
    largest = int(words.argmax())
    logs = np.log1p([*words.tolist(), *(float(abs(k - largest)) for k in range(count))])
    scale = words[largest] or 1.0
    table = [
        [logs[k], words[k] / scale, k == largest, k < largest, k > largest, logs[count + k]]
        + [mean[k] for mean in means]
        for k in range(count)
    ]
    table.append([0.0] * _BLOCK_COLUMNS)  # block -1: lines in no block
    out[:] = np.array(table, dtype=np.float64)[ids]


def line_features(texts: Sequence[str]) -> Matrix:
    """One row per line, in `LINE_FEATURES` order. `texts` are the page's non-empty lines.

    Pages have a few dozen lines, so numpy's per-call overhead is the cost: each group of
    columns is written in place into the one zero-filled matrix.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(LINE_FEATURES)))
    # np.fromiter over the chained rows builds the matrix faster than np.array(rows)
    features = chain.from_iterable(map(text_features, texts))
    base = np.fromiter(features, np.float64, n * len(BASE_FEATURES)).reshape(n, -1)
    if len(set(texts)) < n:  # some line repeats on the page
        counts = Counter(texts)
        base[:, _REPEATED] = [counts[text] > 1 for text in texts]
    n_words = np.expm1(base[:, _COL["log_words"]])
    rows = np.zeros((n, len(LINE_FEATURES)))
    column = _put(rows, 0, base)
    neighbours = base[:, _NEIGHBOUR_COLS]
    for offset in _NEIGHBOUR_OFFSETS:
        _put_shifted(rows[:, column : column + len(_NEIGHBOUR_COLS)], neighbours, offset)
        column += len(_NEIGHBOUR_COLS)
    column = _put(rows, column, _all_window_means(_prefix(base[:, _WINDOW_COLS])))
    runs = rows[:, column + 1 : column + 1 + _RUN_COLUMNS]
    run_start = _run_features(n_words, runs)
    headers = base[:, _COL["comments_header"]]
    if np.logical_or.reduce(headers):  # .any(), less its wrapper; else the column stays 0
        headers = headers * (_index(n) > run_start)
        rows[:, column] = (headers.cumsum() - headers) > 0
    column += 1 + _RUN_COLUMNS
    _block_features(n_words, base, rows[:, column : column + _BLOCK_COLUMNS])
    return rows


@_cached_for_short_pages
def _all_windows(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp], Matrix]:
    """`_window` for each of `_WINDOWS` side by side: ends (n, len(_WINDOWS)) and sizes
    (n, len(_WINDOWS), 1)."""
    ends = [_window(n, half) for half in _WINDOWS]
    lo = np.stack([lo for lo, _, _ in ends], axis=1)
    hi = np.stack([hi for _, hi, _ in ends], axis=1)
    counts = np.stack([counts for _, _, counts in ends], axis=1)[:, :, None]
    _frozen(lo, hi, counts)
    return lo, hi, counts


def _all_window_means(prefix: Matrix) -> Matrix:
    """`_window_means` of the running sums ``prefix`` (one column per value) for each of
    `_WINDOWS` in turn, side by side: the same arithmetic, in one go."""
    n = len(prefix) - 1
    lo, hi, counts = _all_windows(n)
    return ((prefix[hi] - prefix[lo]) / counts).reshape(n, -1)


def _put(rows: Matrix, column: int, values: Matrix) -> int:
    """Copy ``values`` (one or more columns) into ``rows`` from ``column``; the next free
    column."""
    if values.ndim == 1:
        rows[:, column] = values
        return column + 1
    rows[:, column : column + values.shape[1]] = values
    return column + values.shape[1]


def logit(p: Matrix) -> Matrix:
    clipped = np.minimum(np.maximum(p, 1e-6), 1 - 1e-6)  # np.clip, at less call overhead
    return np.log(clipped / (1 - clipped))


#: Widths of the sandwich features, and the padding that serves them all.
_SANDWICH_WIDTHS: Final = (3, 8)
_SANDWICH_PAD: Final = max(_SANDWICH_WIDTHS)


@_cached_for_short_pages
def _sandwich_index(n: int) -> NDArray[np.intp]:
    """Positions, in the page padded with `_SANDWICH_PAD` zeros at each end, of the lines
    before and after each line, for each width in turn (behind, ahead, behind, ahead...):
    shape (2 * len(_SANDWICH_WIDTHS), n, _SANDWICH_PAD). A narrower window fills its spare
    places with position 0, a padding zero, which leaves its maximum unchanged
    (probabilities are never negative)."""
    index = np.zeros((2 * len(_SANDWICH_WIDTHS), n, _SANDWICH_PAD), dtype=np.intp)
    for k, width in enumerate(_SANDWICH_WIDTHS):
        behind = _index(n)[:, None] + np.arange(_SANDWICH_PAD - width, _SANDWICH_PAD)
        index[2 * k, :, :width] = behind
        index[2 * k + 1, :, :width] = behind + width + 1
    _frozen(index)
    return index


def sandwiches(probs: Matrix) -> Matrix:
    """For each width in `_SANDWICH_WIDTHS`: the highest probability within that many lines
    before and after each line, and the lower of the two (a short line between two body
    lines is probably body too). One row per feature, in `CONTEXT_FEATURES` order."""
    n = len(probs)
    padded = np.zeros(n + 2 * _SANDWICH_PAD)
    padded[_SANDWICH_PAD : _SANDWICH_PAD + n] = probs
    highest = np.maximum.reduce(padded[_sandwich_index(n)], axis=2)  # .max(), less its wrapper
    out = np.empty((3 * len(_SANDWICH_WIDTHS), n))
    out[0::3] = highest[0::2]
    out[1::3] = highest[1::2]
    np.minimum(highest[0::2], highest[1::2], out=out[2::3])
    return out


#: The context features that are means of the previous probabilities over a range of lines:
#: windows of these half-widths, then the lines behind and ahead within these widths.
_CONTEXT_WINDOWS: Final = (2, 4, 8)
_CONTEXT_SIDES: Final = (4, 12)


@_cached_for_short_pages
def _context_ranges(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp], Matrix, NDArray[np.bool_]]:
    """For each mean of `context_means` (one row each) and line: the prefix-sum positions
    to subtract (end, start), the count to divide by (at least 1), and whether the range
    holds any line at all (else the mean is 0.5)."""
    index = _index(n)
    ends, starts, sizes = [], [], []
    for half in _CONTEXT_WINDOWS:
        lo, hi, counts = _window(n, half)
        ends.append(hi)
        starts.append(lo)
        sizes.append(counts)
    for width in _CONTEXT_SIDES:
        lo, hi, before, after = _sides(n, width)
        ends += [index, hi]
        starts += [lo, index + 1]
        sizes += [before, after]
    size = np.array(sizes)
    ranges = (np.array(ends), np.array(starts), np.maximum(size, 1.0), size > 0)
    _frozen(*ranges)
    return ranges


def context_means(prefix: Matrix) -> Matrix:
    """Means of the probabilities (given as running sums, `_prefix`) over the window of each
    half-width in `_CONTEXT_WINDOWS`, then over the lines behind and ahead within each width
    in `_CONTEXT_SIDES`: one row per feature, in `CONTEXT_FEATURES` order. All in one go
    (pages are small: numpy's per-call overhead is the cost), with the arithmetic of one
    mean at a time, element by element: the difference of two running sums over the count."""
    end, start, divisor, present = _context_ranges(len(prefix) - 1)
    return np.where(present, (prefix[end] - prefix[start]) / divisor, 0.5)


#: Probabilities above which a line extends the run of body lines, and the wide run.
_RUN_LEVELS: Final = np.array([0.5, WIDE_RUN_PROBABILITY])
_frozen(_RUN_LEVELS)


def context_features(probs: Matrix, short: Matrix) -> Matrix:
    """One row per line, in `CONTEXT_FEATURES` order, from the previous stage's
    probabilities."""
    n = len(probs)
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    z = logit(probs)
    prefix = _prefix(probs)
    run, wide_run = densest_runs(probs, _RUN_LEVELS)
    rows = np.zeros((n, len(CONTEXT_FEATURES)))
    rows[:, 0] = z
    _put_shifted(rows[:, 1], probs, -1)
    _put_shifted(rows[:, 2], probs, 1)
    column = _put(rows, 3, context_means(prefix).T)
    column = _put(rows, column, sandwiches(probs).T)
    for start, end in (run, wide_run):
        # in the run, and log1p of the distance to it: line features' cached columns
        column = _put(rows, column, _run_places(n, start, end)[:, _IN_RUN_AND_DISTANCE])
    rows[:, column] = np.add.reduce(probs) / n  # probs.mean(), less its Python wrapper
    rows[:, column + 1] = z * short
    return rows


#: The columns of `_run_places` with "in the run" and log1p of the distance to it.
_IN_RUN_AND_DISTANCE: Final = slice(4, 8, 3)
