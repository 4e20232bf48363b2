from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from newsmill.dedup.normalize import normalize_text, shingles, strip_teaser_marker, words
from newsmill.dedup.signatures import sign, tokenize
from newsmill.options import DedupOptions

TRICKY = [
    "Hello, World! It’s “quoted” — fine… Read more",
    "",
    "   ",
    "short text",
    "Ünïcode ÉCOLE café naïve résumé ﬁne",
    "a_b c²d ª x\u00a0y «z» 12,000 don't",
    "Москва и ПЕТЕРБУРГ: 2024 год",
    "emoji 🙂 mid😀word and 中文字符 text",
    "tab\tand\nnew lines\r\nand soft\u00adhyphen",
    "long wordsthatgobeyondsixteenbytes andmorethantwentyfourbytesinoneword",
]


@pytest.mark.parametrize("sample", TRICKY)
def test_fast_words_match_reference(sample: str) -> None:
    fast = tokenize([sample])
    reference = tokenize([" ".join(words(sample))])
    assert len(fast.hashes) == len(words(sample))
    assert np.array_equal(fast.hashes, reference.hashes)


def test_batch_gives_same_hashes_as_single() -> None:
    batch = tokenize(TRICKY)
    for i, sample in enumerate(TRICKY):
        assert np.array_equal(batch.of(i), tokenize([sample]).hashes)


def test_exact_hash_ignores_style_but_not_words() -> None:
    base = "The mayor said “it’s a budget that keeps the lights on” — and left. Café"
    variants = [
        'the mayor said "it\'s a budget that keeps the lights on" - and left. Cafe\u0301',
        "THE  MAYOR SAID ‘IT’S A BUDGET THAT KEEPS THE LIGHTS ON’ – AND LEFT.\nCAFÉ",
        unicodedata.normalize("NFD", base),
    ]
    options = DedupOptions()
    signed = sign([base, *variants, base.replace("mayor", "major")], options)
    assert len(set(signed.exact[:4].tolist())) == 1
    assert signed.exact[4] != signed.exact[0]


def test_teaser_marker_is_cut_only_at_the_end() -> None:
    assert strip_teaser_marker("The lead sentence. Read more »") == "The lead sentence."
    assert strip_teaser_marker("Lead. keep readingShow less") == "Lead."
    assert strip_teaser_marker("Read more about it here") == "Read more about it here"
    assert strip_teaser_marker("Read more") == "Read more"


def test_normalize_text_folds_quotes_dashes_case_space() -> None:
    assert normalize_text("  “Hi”  —  It’s\u00a0ﬁne ") == '"hi" - it\'s fine'


def test_shingles_of_short_text_is_one_shingle() -> None:
    assert shingles(["a", "b"], 5) == [("a", "b")]
    assert len(shingles(list("abcdefg"), 5)) == 3
    assert shingles([], 5) == []


def test_signatures_are_stable_across_processes() -> None:
    """Seeded numpy/xxhash hashing, never Python's randomised hash()."""
    code = (
        "from newsmill.dedup.signatures import sign;from newsmill.options import DedupOptions;"
        "s=sign(['Same text in another process, with enough words to shingle.'],DedupOptions());"
        "print(int(s.exact[0]), s.minhash[0][:8].tolist())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    signed = sign(["Same text in another process, with enough words to shingle."], DedupOptions())
    assert runs == {f"{int(signed.exact[0])} {signed.minhash[0][:8].tolist()}\n"}


def test_teaser_marker_needs_a_word_boundary() -> None:
    assert strip_teaser_marker("They started a thread on") == "They started a thread on"
