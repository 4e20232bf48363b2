"""The second round of fast paths gives exactly what the plain expressions give.

Each cheaper path (a test that rules a line out before a costly regex, a search started
where a match can start, counting on bytes, tokenising the main text once, filling the
feature matrices in place from cached columns and per-block rows) is checked against the
straightforward expression it replaces, on varied text: ASCII, accented, Cyrillic, Greek,
CJK, odd whitespace and case, the non-ASCII letters that IGNORECASE matches to ASCII ones
("İ", "ſ", the Kelvin sign), and the vocabulary phrases themselves in several cases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np
import pytest
import xxhash

from newsmill.model import Line
from newsmill.segment import chrome, roles, scoring
from newsmill.segment import features as F
from newsmill.segment import patterns as pat
from newsmill.segment.lines import split_lines
from newsmill.segment.vocab import alternation, phrases

from .test_fast_paths import ALL_LINES, CUE_LINES

MULTILINGUAL = [
    "Ünïcödé façade café — naïve",
    "Москва: новости и комментарии",
    "ΟΔΟΣ ΣΑΣ. Η αγορά Σ",
    "東京都の新しい政策は来年から始まります",
    "서울 뉴스 2024",
    "İstanbul'da bugün",
    "ſhare this",
    "\u212aeep reading",
    "Read\u00a0more",
    "  padded  line  ",
    "tab\tseparated\tline",
    "a\x1cb",
    "\u2003em space\u3000ideographic",
    "“Quoted” — and «guillemets»",
    "don’t stop — it’s fine",
    "• World • Business • Tech",
    "Jane Doe/AP",
    "(Reuters)",
    "( Reuters )",
    " (Reuters)",
    "[AFP via Getty Images].",
    "Photo: Jane Doe / Reuters (left) and more (AP)",
    "A protester holds a sign. (Jane Doe/Reuters)",
    "Smoke rises over the city via REUTERS",
    "Smoke rises over the city via Reuters.  ",
    "Smoke rises (over) the city, photo via AP",
    "A man waves via ſhutterstock",
    "A man waves via SHUTTERSTOCK.COM",
    "Talks went on via Zoom for hours",
    "via Getty Images’",
    "Posted 5 minutes ago",
    "5 Days Ago",
    "Published 3/5/24",
    "Updated 2024-03-05 10:00",
    "March 5, 2024",
    "5th March 2024",
    "Jane Doe is a fellow at the Institute and writes about energy.",
    "Jean de la Fontaine was a poet and wrote fables for the court.",
    "Anna de Vries is a fellow at the Institute.",
    "Jan van Dijk is a senior fellow at the Center.",
    "*  Łukasz Nowak, is a correspondent in Warsaw.",
    "Ana St. Clair serves as director of research at the Center.",
    "JANE DOE IS A FELLOW",
    "— Jane Doe, who covers energy for the paper",
    "By Jane Doe",
    "BY: Jane Doe and John Roe",
    "Von Anna Schmidt",
    "written  by Jane Doe",
    "Sign up for our newsletter",
    "• Share this article",
    "|> Home",
    "HOME",
    "keep readingShow less",
    "...Read More »",
    "Continue reading",
    "CONTINUE READING",
    "__init__ read more",
    "• Read more",
    "» Continue reading",
    "“More”",
    "\xa0Read more",
    "— keep readingShow less",
    "…mehr lesen",
    "",
]


def _vocabulary_lines() -> list[str]:
    """Each phrase of the lists the fast paths read, as it is and in other cases, after
    a bracket or a bullet, and with "s", "k" and "i" swapped for the non-ASCII letters an
    IGNORECASE regex takes for them."""
    names = ("markers", "credit_prefixes", "credit_agencies", "byline_prefixes", "chrome_phrases")
    lines = []
    for phrase in chain.from_iterable(phrases(name) for name in names):
        for text in (phrase, phrase.upper(), phrase.title(), f"{phrase} Jane Doe"):
            lines += [text, f"({text})", f"• {text}", f"{text}: Jane Doe / Reuters"]
        lines += [phrase.replace("s", "ſ"), phrase.replace("k", "\u212a")]
        lines += [phrase.replace("i", "İ"), f"Photo {phrase}", f"Jane Doe/{phrase}"]
    return lines


TEXTS = [*ALL_LINES, *CUE_LINES, *MULTILINGUAL, *_vocabulary_lines()]


# -- patterns --------------------------------------------------------------------------


def _plain_byline_names(text: str) -> list[str] | None:
    if pat.word_count(text) > pat.BYLINE_MAX_WORDS:
        return None
    match = pat._byline_re().match(text)
    return (pat.split_names(match.group("names")) or None) if match else None


def test_anchored_phrase_checks_match_their_regexes() -> None:
    for text in TEXTS:
        credit = bool(pat._credit_prefix_re().match(text) or pat._agency_only_re().match(text))
        assert pat.is_credit(text) is (len(text) <= 600 and credit), repr(text)
        chrome_match = pat._chrome_re().match(text.strip(" \t•·|>»-–—*#"))
        expected = len(chrome_match.group().split()) if chrome_match else 0
        assert pat.chrome_phrase(text) == expected, repr(text)
        assert pat.byline_names(text) == _plain_byline_names(text), repr(text)


def test_agency_forms_are_the_two_alternatives_of_the_whole_pattern() -> None:
    whole = pat._agency_only_re()
    first, after_slash = pat._agency_first_re(), pat._agency_after_slash_re()
    assert whole.pattern == f"{first.pattern}|{after_slash.pattern}"
    assert whole.flags == first.flags == after_slash.flags


def test_openings_rule_out_only_lines_that_cannot_match() -> None:
    for name in ("credit_agencies", "chrome_phrases", "byline_prefixes"):
        anchored = re.compile(rf"^(?:{alternation(name)})", re.IGNORECASE)
        openings = pat.Openings.of(phrases(name))
        assert openings.by_initial  # the shipped lists are ASCII: the test rules out lines
        for text in TEXTS:
            if openings.rule_out(text):
                assert anchored.match(text) is None, (name, text)


def test_chrome_openings_are_the_chrome_phrases() -> None:
    assert pat._chrome_openings() == pat.Openings.of(phrases("chrome_phrases"))


def test_openings_of_a_non_ascii_first_word_rule_out_nothing() -> None:
    openings = pat.Openings.of(["ſtop here", "share"])
    assert not openings.rule_out("stop")
    assert not openings.rule_out("xyz")
    assert pat.Openings.of(["share"]).rule_out("xyz")


def _plain_is_marker(text: str) -> bool:
    if len(text) > 60:
        return False
    spaced = pat.SPLIT_CAMEL.sub(" ", text).lower()
    cleaned = " ".join(pat._NOT_WORD_OR_SPACE.sub(" ", spaced).split())
    return bool(cleaned) and bool(pat._marker_re().match(cleaned))


def _plain_credit_tail(text: str) -> int | None:
    offset = max(0, len(text) - pat.CREDIT_TAIL_CHARS)
    tail = text[offset:]
    bracket = text.rstrip().rstrip(".").endswith((")", "]"))
    if not (bracket or "/" in tail or "via" in tail.lower()):
        return None
    match = pat._credit_tail_re().search(text, offset)
    return None if match is None or match.start() == 0 else match.start()


def _plain_bio_name(text: str) -> str | None:
    if len(text) > 1200:
        return None
    match = pat._bio_re().match(text)
    if match is None or not pat._bio_word_re().search(text):
        return None
    name = match.group("name")
    return name if pat.split_names(name) == [name] else None


def _plain_is_dateline(text: str) -> bool:
    if pat.word_count(text) > pat.DATELINE_MAX_WORDS or pat._DIGIT.search(text) is None:
        return False
    if pat.DATE.search(text) is None:
        return False
    return pat.word_count(pat.DATE_WORDS.sub(" ", pat.DATE.sub(" ", text))) <= 2


def _plain_is_section_like(text: str) -> bool:
    if len(text) > 60 or pat.ends_sentence(text):
        return False
    tokens = pat.words(text)
    if not 1 <= len(tokens) <= 6 or text.endswith((",", ";", ":")):
        return False
    if pat.SECTION_SEPARATOR.search(text):
        return True
    return all(t[0].isupper() or t.lower() in {"and", "of", "the", "&"} for t in tokens)


def test_line_checks_match_their_plain_versions() -> None:
    for text in TEXTS:
        assert pat.is_marker(text) is _plain_is_marker(text), repr(text)
        assert pat.credit_tail(text) == _plain_credit_tail(text), repr(text)
        assert pat.bio_name(text) == _plain_bio_name(text), repr(text)
        assert pat.is_dateline(text) is _plain_is_dateline(text), repr(text)
        assert pat.is_section_like(text) is _plain_is_section_like(text), repr(text)


def test_credit_agencies_hold_no_bracket() -> None:
    """What lets `credit_tail` start its search at the last opening bracket."""
    assert not any(set(phrase) & set("()[]") for phrase in phrases("credit_agencies"))


def test_marker_phrases_start_with_ascii_words() -> None:
    """What lets `is_marker` rule lines out by their first word."""
    openings = pat._marker_openings()
    words = [word for group in openings.by_initial.values() for word in group]
    assert words and openings.size == max(map(len, words))
    assert all(word.isascii() and word.isalnum() for word in words)


def test_bio_particles_are_the_pattern() -> None:
    expected = r"(?:de|del|della|der|den|di|da|du|van|von|bin|ibn|al|el|la|le|dos|das|y|St\.)"
    assert expected == pat.PARTICLE


def test_date_hint_holds_wherever_a_date_does() -> None:
    dates = [
        f"{prefix}{month} {day}{suffix}"
        for prefix in ("", "Updated ", "on ")
        for month in ("March", "mar.", "SEPT", "ſept")
        for day in ("5, 2024", "5th 2024", "12 1999")
        for suffix in ("", " at 10:00")
    ]
    dates += ["5 March 2024", "2024-03-05", "3/5/24", "3.5.2024", "5 minutes ago", "2 DAYS AGO"]
    for text in [*TEXTS, *dates]:
        if pat.DATE.search(text):
            assert pat._DATE_HINT.search(text), repr(text)


def test_more_words_than_counts_long_texts_like_word_count() -> None:
    for text in [*TEXTS, " ".join(TEXTS), "東京 " * 30, "слово " * 50]:
        for limit in (0, 5, 39, 200):
            assert pat.more_words_than(text, limit) is (pat.word_count(text) > limit)


# -- chrome keys -----------------------------------------------------------------------


def _plain_key(*texts: str) -> int:
    normalised = "\x00".join(" ".join(t.split()).lower() for t in texts)
    return xxhash.xxh64_intdigest(normalised.encode("utf-8"), seed=chrome._SEED) - (1 << 63)


def test_keys_match_the_plain_normalisation() -> None:
    for text in TEXTS:
        assert chrome._normalised(text) == " ".join(text.split()).lower().encode("utf-8")
        assert chrome._key(text) == _plain_key(text), repr(text)
        assert chrome._key("\x01", text) == _plain_key("\x01", text), repr(text)


def _lines(texts: Sequence[str]) -> list[Line]:
    return split_lines("\n".join(texts))


def _plain_line_keys(lines: Sequence[Line], max_words: int) -> chrome.LineKeys:
    texts = [line.text for line in lines]
    short = [pat.word_count(text) <= max_words for text in texts]
    n, reach = len(texts), chrome.REACH
    keys: list[int | None] = []
    for j, text in enumerate(texts):
        if short[j]:
            keys.append(_plain_key(text))
        elif any(short[max(0, j - reach) : j]) or any(short[j + 1 : min(n, j + 1 + reach)]):
            keys.append(_plain_key("\x01", text))
        else:
            keys.append(None)
    return chrome.LineKeys(short, keys)


def _plain_repeated(keys: chrome.LineKeys, counts: dict[int, int], min_pages: int) -> list[bool]:
    short, key, n, reach = keys.short, keys.keys, len(keys.short), chrome.REACH
    flags = []
    for i in range(n):
        own = key[i]
        pages = counts.get(own, 0) if short[i] and own is not None else 0
        if pages < min_pages:
            flags.append(False)
            continue
        around = (*range(max(0, i - reach), i), *range(i + 1, min(n, i + 1 + reach)))
        near = [counts.get(key[j] or 0, 0) for j in around if not short[j] and key[j] is not None]
        flags.append(not any(min_pages <= c and pages <= chrome.OUTNUMBER * c for c in near))
    return flags


def _random_page(rng: np.random.Generator) -> list[str]:
    short = [t for t in TEXTS if t.strip() and pat.word_count(t) <= 4]
    long = [f"{t} " * int(rng.integers(3, 9)) for t in TEXTS if t.strip()]
    pool = short + long
    return [pool[k] for k in rng.integers(0, len(pool), int(rng.integers(1, 40)))]


@pytest.mark.parametrize("seed", range(40))
def test_line_keys_and_repeated_chrome_match_the_plain_loops(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lines = _lines(_random_page(rng))
    for max_words in (3, 12):
        keys = chrome.line_keys(lines, max_words)
        assert keys == _plain_line_keys(lines, max_words)
        # kept with a pending page: read back only for the same max_words and line count
        packed = keys.pack(max_words)
        assert chrome.LineKeys.unpack(packed, max_words, len(lines)) == keys
        assert chrome.LineKeys.unpack(packed, max_words + 1, len(lines)) is None
        assert chrome.LineKeys.unpack(packed, max_words, len(lines) + 1) is None
        assert chrome.LineKeys.unpack(packed[:-1], max_words, len(lines)) is None
        assert chrome.LineKeys.unpack(None, max_words, len(lines)) is None
        distinct = sorted(keys.distinct())
        counts = {k: int(rng.integers(0, 9)) for k in distinct if rng.random() < 0.8}
        for min_pages in (1, 2, 4):
            expected = _plain_repeated(keys, counts, min_pages)
            assert chrome.repeated_chrome(lines, counts, max_words, min_pages, keys) == expected


# -- main text -------------------------------------------------------------------------


def _plain_tokens(text: str) -> list[str]:
    return scoring._TOKEN.findall(text.lower())


def _plain_main_text_scores(main: str, lines: Sequence[Line]) -> list[float]:
    tokens = _plain_tokens(main)
    grams = set(zip(*(tokens[k:] for k in range(scoring.SHINGLE)), strict=False))
    paragraphs = {tuple(_plain_tokens(p)) for p in main.split("\n") if p.strip()}
    scores = []
    for line in lines:
        words = _plain_tokens(line.text)
        if len(words) < scoring.SHINGLE:
            kept = tuple(words) in paragraphs
        else:
            shingles = list(zip(*(words[k:] for k in range(scoring.SHINGLE)), strict=False))
            found = sum(shingle in grams for shingle in shingles)
            kept = found >= scoring.MAIN_TEXT_SHARE * len(shingles)
        scores.append(scoring.IN_MAIN_TEXT if kept else scoring.NOT_IN_MAIN_TEXT)
    return scores


def test_tokens_match_the_regex() -> None:
    for text in [*TEXTS, "".join(map(chr, range(128)))]:
        assert scoring._tokens(text) == _plain_tokens(text), repr(text)


@pytest.mark.parametrize("seed", range(30))
def test_main_text_scores_match_the_plain_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    page = _random_page(rng)
    chosen = [page[k] for k in rng.integers(0, len(page), len(page) // 2 + 1)]
    # a main text of some of the page's lines, others cut, joined or with odd breaks
    pieces = [t[: len(t) // 2] if rng.random() < 0.3 else t for t in chosen]
    main = rng.choice(["\n", "\n\n", " \n", "\nΣ\n", "ΑΣ\nΣΑ"]).join(pieces)
    lines = _lines(page)
    assert scoring.main_text_scores(main, lines) == _plain_main_text_scores(main, lines)


def test_lower_casing_stops_at_line_breaks() -> None:
    """What lets the main text be tokenised paragraph by paragraph (final sigma included)."""
    for text in ["ΑΣ\nΣΑ", "ΟΔΟΣ\nΣ", "aΣ\n'Σ b", "İ\nİ", *MULTILINGUAL]:
        joined = "\n".join(piece.lower() for piece in text.split("\n"))
        assert joined == text.lower()


# -- features --------------------------------------------------------------------------


def test_char_counts_match_the_regexes() -> None:
    for text in TEXTS:
        stops = text.count(". ") + text.count("? ") + text.count("! ")
        expected = (len(F._DIGIT_RE.findall(text)), len(F._PUNCT_RE.findall(text)), stops)
        assert F._char_counts(text) == expected, repr(text)


def test_comment_start_matches_the_regex() -> None:
    starts = [f"{w}{tail}" for w in F._COMMENT_STARTS for tail in ("", " 3", "d")]
    for text in [*TEXTS, *starts, *(s.upper() for s in starts)]:
        expected = F._COMMENT_START_RE.match(text[: F._START_HEAD]) is not None
        assert F._comment_start(text) is expected, repr(text)


def _plain_run_features(n_words: np.ndarray) -> tuple[np.ndarray, int]:
    n = len(n_words)
    gains = np.minimum(n_words, 5.0 * F.RUN_NEUTRAL_WORDS) / F.RUN_NEUTRAL_WORDS - 1.0
    start, end = F.densest_run(gains)
    distance = F.run_distance(n, (start, end))
    total = n_words.sum() or 1.0
    index = np.arange(n)
    rows = np.empty((n, 10))
    rows[:, 0] = index / max(n - 1, 1)
    rows[:, 1] = index == 0
    rows[:, 2] = index == n - 1
    rows[0, 3] = 0.0
    n_words[:-1].cumsum(out=rows[1:, 3])
    rows[:, 3] /= total
    rows[:, 4] = distance == 0
    rows[:, 5] = index < start
    rows[:, 6] = index > end
    rows[:, 7] = np.log1p(distance)
    rows[:, 8] = n_words[start : end + 1].sum() / total
    rows[:, 9] = n_words / (n_words.max() or 1.0)
    return rows, start


def _plain_block_features(n_words: np.ndarray, base: np.ndarray) -> np.ndarray:
    n = len(n_words)
    ids = np.array(F.blocks(n_words.tolist()))
    count = int(ids.max()) + 1
    if count == 0:
        return np.zeros((n, 10))
    member = ids >= 0
    safe = np.where(member, ids, 0)
    words = np.bincount(safe, weights=n_words * member, minlength=count)
    lines = np.bincount(safe, weights=member.astype(float), minlength=count)
    largest = int(words.argmax())
    means = [
        np.bincount(safe, weights=base[:, col] * member, minlength=count) / np.maximum(lines, 1)
        for col in F._BLOCK_MEANS
    ]
    block_words = words[safe]
    rows = np.empty((n, 10))
    rows[:, 0] = np.log1p(block_words)
    rows[:, 1] = block_words / (words[largest] or 1.0)
    rows[:, 2] = safe == largest
    rows[:, 3] = safe < largest
    rows[:, 4] = safe > largest
    rows[:, 5] = np.log1p(np.abs(safe - largest))
    for column, mean in enumerate(means, start=6):
        rows[:, column] = mean[safe]
    rows[~member] = 0.0
    return rows


def _plain_line_features(texts: Sequence[str]) -> np.ndarray:
    n = len(texts)
    base = np.array([F.base_features(t, texts.count(t) > 1) for t in texts])
    n_words = np.expm1(base[:, F._COL["log_words"]])
    parts = [base]
    neighbours = base[:, F._NEIGHBOUR_COLS]
    parts += [F.shift(neighbours, offset) for offset in F._NEIGHBOUR_OFFSETS]
    parts += [F.window_means(base[:, F._WINDOW_COLS], w) for w in F._WINDOWS]
    runs, run_start = _plain_run_features(n_words)
    headers = base[:, F._COL["comments_header"]] * (np.arange(n) > run_start)
    parts += [((headers.cumsum() - headers) > 0)[:, None], runs]
    parts.append(_plain_block_features(n_words, base))
    return np.hstack(parts)


def _page_texts(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    prose = [t for t in TEXTS if pat.word_count(t) >= 8]
    pool = [*TEXTS, *prose, *(f"{t} " * 3 for t in prose)]
    texts = [pool[k] for k in rng.integers(0, len(pool), int(rng.integers(1, 60)))]
    texts = [t.strip() for t in texts if t.strip()]
    return texts or ["x"]


@pytest.mark.parametrize("seed", range(60))
def test_line_features_match_the_plain_matrix(seed: int) -> None:
    texts = _page_texts(seed)
    expected = _plain_line_features(texts)
    assert expected.shape == (len(texts), len(F.LINE_FEATURES))
    assert np.array_equal(F.line_features(texts), expected)


@pytest.mark.parametrize("n", [1, 2, 5, 30, 257, 300])
def test_block_and_run_features_match_on_random_pages(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(20):
        n_words = np.expm1(np.log1p(np.round(rng.random(n) * rng.choice([6, 20, 60]))))
        base = rng.random((n, len(F.BASE_FEATURES)))
        out = np.zeros((n, F._BLOCK_COLUMNS))
        F._block_features(n_words, base, out)
        assert np.array_equal(out, _plain_block_features(n_words, base))
        runs = np.zeros((n, F._RUN_COLUMNS))
        expected, start = _plain_run_features(n_words)
        assert F._run_features(n_words, runs) == start
        assert np.array_equal(runs, expected)


def _plain_context_features(probs: np.ndarray, short: np.ndarray) -> np.ndarray:
    n = len(probs)
    z = F.logit(probs)
    run, wide_run = (F.densest_run(probs - level) for level in (0.5, F.WIDE_RUN_PROBABILITY))
    distance, wide_distance = F.run_distance(n, run), F.run_distance(n, wide_run)
    columns = [z, F.shift(probs, -1), F.shift(probs, 1)]
    columns += list(F.context_means(F._prefix(probs)))
    columns += list(F.sandwiches(probs))
    columns += [distance == 0, np.log1p(distance), wide_distance == 0, np.log1p(wide_distance)]
    columns += [np.full(n, probs.mean()), z * short]
    return np.column_stack(columns).astype(float)


@pytest.mark.parametrize("n", [1, 2, 3, 9, 40, 257, 300])
def test_context_features_match_the_plain_columns(n: int) -> None:
    rng = np.random.default_rng(n)
    for probs in (rng.random(n), np.full(n, 0.5), np.round(rng.random(n), 1)):
        short = (rng.random(n) < 0.3).astype(float)
        assert np.array_equal(
            F.context_features(probs, short), _plain_context_features(probs, short)
        )


def test_cues_of_varied_lines_match_the_plain_rules() -> None:
    from .test_fast_paths import _plain_cue

    for text in TEXTS:
        if not text:
            continue
        for score, repeated in ((0.1, False), (0.9, False), (0.5, True)):
            assert roles._cue(text, score, repeated, 0.5) == _plain_cue(text, score, repeated, 0.5)
