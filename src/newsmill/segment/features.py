"""Shallow, text-only features of the lines of one page, for the body-line model.

Two feature sets, each a list of names so the model file maps weights by name:

- `LINE_FEATURES`: what a line looks like (length, punctuation, capitals, stop words,
  digits, separators, chrome words, repetition), the same for its neighbours, window
  averages, and where it sits on the page relative to the densest run of long lines.
- `CONTEXT_FEATURES`: computed from the first-stage body probabilities of the page
  (neighbour and window means, runs), so the second stage smooths the first.

Everything is pure Python and computed for a whole page at once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Final

# Function words of the languages most common in news. Their share separates running prose
# (high) from navigation, titles and credits (low). Capitalised forms are added below so no
# per-word lower() call is needed.
_STOP_WORDS_LOWER: Final = frozenset(
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
    .split()
)
STOP_WORDS: Final = _STOP_WORDS_LOWER | frozenset(w.capitalize() for w in _STOP_WORDS_LOWER)

# Words typical of navigation, sharing, consent and footer lines (several languages).
# Matched on the lower-cased line's words; their share marks page furniture.
CHROME_WORDS: Final = frozenset(
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
    "condividi accedi pubblicità commenti "
    .split()
)

# Characters that end a sentence, and closers that may follow them.
_SENTENCE_END: Final = frozenset(".!?。！？।…")
_CLOSERS: Final = "\"'”’»)]"
# Single-character tokens that separate menu items or breadcrumbs.
_SEPARATORS: Final = frozenset("|•»›·/>–—-:+*►▶")
# Characters that open list items and menu entries.
_BULLETS: Final = frozenset("•·-–—*►▶▸◦■□●○→>+»›")
_QUOTES: Final = frozenset("\"“”„«»")

_DIGIT_RE: Final = re.compile(r"\d")
_PUNCT_RE: Final = re.compile(r"[^\w\s]")
_CJK_RE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DATE_RE: Final = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    re.IGNORECASE,
)
# Reader-comment furniture: "Name says:", "2 days ago", "Reply", "Rating: 3 Votes".
_COMMENT_META_RE: Final = re.compile(
    r"\b(?:said|says|wrote|writes|sagt|schrieb|a écrit|dice|dijo|escribió|disse|scrive):?$|"
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?)\s+ago\b|"
    r"^(?:reply|replies|antworten|répondre|responder|rispondi|report|like|likes)\b|"
    r"\b\d+\s+(?:votes?|likes?|points?)\b|\b\d{1,2}:\d{2}\s*(?:am|pm)\b",
    re.IGNORECASE,
)
# Headers that open a reader-comment section, in several languages.
_COMMENTS_HEADER_RE: Final = re.compile(
    r"^[\[(]?\s*\d*\s*(?:comments?|responses?|replies|reactions?|kommentare?|"
    r"commentaires?|comentarios?|commenti|reacties|komentarze)\b|"
    r"\b(?:leave a (?:reply|comment)|responses? to|join the (?:discussion|conversation)|"
    r"add a comment|post a comment|schreiben sie einen kommentar|laisser un commentaire|"
    r"deja un comentario)\b",
    re.IGNORECASE,
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


def base_features(text: str, repeated: bool) -> list[float]:
    """The per-line features, in `BASE_FEATURES` order."""
    words = text.split()
    n_words = word_count(text, words)
    n = max(len(words), 1)
    n_chars = len(text)
    first = text[0]
    lowered = text.lower().split()
    caps = sum(1 for w in words if w[0].isupper())
    all_caps = sum(1 for w in words if len(w) > 1 and w.isupper())
    stops = sum(map(STOP_WORDS.__contains__, words))
    chrome = sum(map(CHROME_WORDS.__contains__, lowered))
    separators = sum(map(_SEPARATORS.__contains__, words))
    is_terminal = terminal(text)
    long_line = n_words >= LONG_WORDS
    bullet = first in _BULLETS
    return [
        math.log1p(n_words),
        math.log1p(n_chars),
        float(n_words <= 3),
        float(long_line),
        float(n_words >= 30),
        float(is_terminal),
        float(text.endswith(":")),
        float(text.endswith(("...", "…"))),
        min(text.count(",") / n, 0.5),
        min((text.count(". ") + text.count("? ") + text.count("! ")) / n, 0.5),
        caps / n,
        all_caps / n,
        stops / n,
        len(_DIGIT_RE.findall(text)) / n_chars,
        len(_PUNCT_RE.findall(text)) / n_chars,
        min(separators, 5) / 5.0,
        float(bullet),
        float(bullet or separators > 1 or first == "|"),
        chrome / n,
        float(chrome > 0),
        float(repeated),
        float(_DATE_RE.search(text) is not None),
        float(_LINK_RE.search(text) is not None),
        min(n_chars / n, 20.0) / 10.0,
        float(any(ch in _QUOTES for ch in text)),
        float(first.islower()),
        float(long_line and is_terminal),
        float(_COMMENT_META_RE.search(text) is not None),
        float(n_words <= 12 and _COMMENTS_HEADER_RE.search(text) is not None),
    ]


_BASE_INDEX: Final = {name: i for i, name in enumerate(BASE_FEATURES)}


def _after_first(flags: Sequence[float]) -> list[float]:
    """1.0 for every line after the first flagged one."""
    out, seen = [], 0.0
    for flag in flags:
        out.append(seen)
        if flag:
            seen = 1.0
    return out


def _window_means(values: Sequence[float], half: int) -> list[float]:
    """Mean of values[i-half : i+half+1], clipped at the page edges."""
    prefix = [0.0]
    for value in values:
        prefix.append(prefix[-1] + value)
    n = len(values)
    out = []
    for i in range(n):
        lo, hi = max(0, i - half), min(n, i + half + 1)
        out.append((prefix[hi] - prefix[lo]) / (hi - lo))
    return out


def densest_run(gains: Sequence[float]) -> tuple[int, int]:
    """The contiguous range [start, end] with the largest sum of gains (Kadane)."""
    best, best_start, best_end = -math.inf, 0, -1
    total, start = 0.0, 0
    for i, gain in enumerate(gains):
        if total <= 0:
            total, start = gain, i
        else:
            total += gain
        if total > best:
            best, best_start, best_end = total, start, i
    return best_start, best_end


def _run_features(n_words: Sequence[float], n: int) -> list[list[float]]:
    """Where each line sits relative to the densest run of long lines."""
    gains = [min(w, 5.0 * RUN_NEUTRAL_WORDS) / RUN_NEUTRAL_WORDS - 1.0 for w in n_words]
    start, end = densest_run(gains)
    total = sum(n_words) or 1.0
    run_words = sum(n_words[start : end + 1])
    longest = max(n_words) or 1.0
    rows = []
    before = 0.0
    for i, words in enumerate(n_words):
        distance = start - i if i < start else (i - end if i > end else 0)
        rows.append(
            [
                i / max(n - 1, 1),
                float(i == 0),
                float(i == n - 1),
                before / total,
                float(distance == 0),
                float(i < start),
                float(i > end),
                math.log1p(distance),
                run_words / total,
                words / longest,
            ]
        )
        before += words
    return rows


def blocks(n_words: Sequence[float]) -> list[int]:
    """Block number of each line: runs of prose lines, broken by BLOCK_GAP short lines in a
    row. Lines in such a gap get -1."""
    n = len(n_words)
    ids = [-1] * n
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


def _block_features(n_words: Sequence[float], columns: dict[str, list[float]]) -> list[list[float]]:
    """How large the line's block is, compared with the page's largest block, and what the
    block looks like (sentence ends, stop words, dates, short lines)."""
    ids = blocks(n_words)
    count = max(ids) + 1
    if count == 0:
        return [[0.0] * 10 for _ in n_words]
    sums = [[0.0] * 6 for _ in range(count)]
    for i, b in enumerate(ids):
        if b >= 0:
            acc = sums[b]
            acc[0] += n_words[i]
            acc[1] += 1
            acc[2] += columns["terminal"][i]
            acc[3] += columns["stop_ratio"][i]
            acc[4] += columns["date_like"][i]
            acc[5] += columns["short"][i]
    largest = max(range(count), key=lambda b: sums[b][0])
    top = sums[largest][0] or 1.0
    rows = []
    for b in ids:
        if b < 0:
            rows.append([0.0] * 10)
            continue
        words, lines, term, stops, dates, short = sums[b]
        rows.append(
            [
                math.log1p(words),
                words / top,
                float(b == largest),
                float(b < largest),
                float(b > largest),
                math.log1p(abs(b - largest)),
                term / lines,
                stops / lines,
                dates / lines,
                short / lines,
            ]
        )
    return rows


def line_features(texts: Sequence[str]) -> list[list[float]]:
    """One row per line, in `LINE_FEATURES` order. `texts` are the page's non-empty lines."""
    n = len(texts)
    if n == 0:
        return []
    counts = Counter(texts)
    base = [base_features(text, counts[text] > 1) for text in texts]
    columns = {name: [row[i] for row in base] for name, i in _BASE_INDEX.items()}
    n_words = [math.expm1(v) for v in columns["log_words"]]
    neighbour_cols = [columns[name] for name in _NEIGHBOUR_BASE]
    windows = [_window_means(columns[name], w) for w in _WINDOWS for name in _WINDOW_BASE]
    run_start = densest_run([min(w, 40.0) / RUN_NEUTRAL_WORDS - 1.0 for w in n_words])[0]
    headers = [flag if i > run_start else 0.0 for i, flag in enumerate(columns["comments_header"])]
    after_header = _after_first(headers)
    runs = _run_features(n_words, n)
    block_rows = _block_features(n_words, columns)
    rows = []
    for i in range(n):
        row = list(base[i])
        for offset in _NEIGHBOUR_OFFSETS:
            j = i + offset
            if 0 <= j < n:
                row.extend(col[j] for col in neighbour_cols)
            else:
                row.extend(0.0 for _ in neighbour_cols)
        row.extend(window[i] for window in windows)
        row.append(after_header[i])
        row.extend(runs[i])
        row.extend(block_rows[i])
        rows.append(row)
    return rows


def _side_means(values: Sequence[float], width: int) -> tuple[list[float], list[float]]:
    """Mean of the `width` values before and after each position (0.5 where none)."""
    n = len(values)
    prefix = [0.0]
    for value in values:
        prefix.append(prefix[-1] + value)
    behind, ahead = [], []
    for i in range(n):
        lo, hi = max(0, i - width), min(n, i + 1 + width)
        behind.append((prefix[i] - prefix[lo]) / (i - lo) if i > lo else 0.5)
        ahead.append((prefix[hi] - prefix[i + 1]) / (hi - i - 1) if hi > i + 1 else 0.5)
    return behind, ahead


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def context_features(probs: Sequence[float], short: Sequence[float]) -> list[list[float]]:
    """One row per line, in `CONTEXT_FEATURES` order, from first-stage probabilities."""
    n = len(probs)
    if n == 0:
        return []
    windows = [_window_means(probs, w) for w in (2, 4, 8)]
    behind4, ahead4 = _side_means(probs, 4)
    behind12, ahead12 = _side_means(probs, 12)
    run = densest_run([p - 0.5 for p in probs])
    wide = densest_run([p - WIDE_RUN_PROBABILITY for p in probs])
    page_mean = sum(probs) / n
    rows = []
    for i, p in enumerate(probs):
        distance = _distance(i, run)
        wide_distance = _distance(i, wide)
        z = logit(p)
        rows.append(
            [
                z,
                probs[i - 1] if i > 0 else 0.0,
                probs[i + 1] if i + 1 < n else 0.0,
                *(window[i] for window in windows),
                behind4[i],
                ahead4[i],
                behind12[i],
                ahead12[i],
                *_sandwich(probs, i, 3),
                *_sandwich(probs, i, 8),
                float(distance == 0),
                math.log1p(distance),
                float(wide_distance == 0),
                math.log1p(wide_distance),
                page_mean,
                z * short[i],
            ]
        )
    return rows


def _distance(i: int, run: tuple[int, int]) -> int:
    start, end = run
    return start - i if i < start else (i - end if i > end else 0)


def _sandwich(probs: Sequence[float], i: int, width: int) -> tuple[float, float, float]:
    """Highest probability within `width` lines before and after, and the lower of the two:
    a short line between two body lines is probably body too."""
    behind = max(probs[max(0, i - width) : i], default=0.0)
    ahead = max(probs[i + 1 : i + 1 + width], default=0.0)
    return behind, ahead, min(behind, ahead)
