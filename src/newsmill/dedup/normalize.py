"""Text normalisation for duplicate detection.

Two copies of an article count as the same text when they differ only in whitespace,
quote and dash styles, case, Unicode normal form and punctuation. The fast path in
`signatures` works on UTF-8 bytes with numpy; the functions here are the reference
definition it must agree with (tests check that), and serve small inputs directly.

A *word* is a maximal run of word characters after normalisation. Word characters are
ASCII letters and digits and every non-ASCII character except the separators below.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Latin-1 characters that separate words (no-break space, guillemets, soft hyphen,
#: middle dot, copyright/registered signs, degree). Other Latin-1 symbols such as
#: superscripts or "ª" normalise (NFKC) to letters or digits, so they are not listed.
LATIN1_SEPARATORS: Final = "\u00a0\u00ab\u00bb\u00ad\u00b7\u00a9\u00ae\u00b0"
#: General punctuation block (spaces, dashes, curly quotes, ellipsis, bullets...) and the
#: superscripts/subscripts right after it: U+2000 to U+207F, all separators.
GENERAL_PUNCTUATION: Final = (0x2000, 0x207F)

#: Quote and dash characters folded to ASCII by `normalize_text` (for display and tests;
#: words never contain them anyway).
QUOTES: Final = {
    **{ord(c): "'" for c in "‘’‚‛′`´"},
    **{ord(c): '"' for c in "“”„‟″«»"},
}
DASHES: Final = {ord(c): "-" for c in "‐‑‒–—―−"}

#: Trailing phrases that turn an article's lead into a teaser ("... Read more"). They are
#: cut off before hashing so a teaser's text is its lead. Lower case, matched at the end.
TEASER_MARKERS: Final = (
    "read more",
    "read the full story",
    "read the full article",
    "continue reading",
    "keep reading",
    "keep readingshow less",
    "show less",
    "read on",
)
_MARKER_TAIL = re.compile(
    r"(?:[\s…:>»|-]*\b(?:"
    + "|".join(re.escape(marker) for marker in sorted(TEASER_MARKERS, key=len, reverse=True))
    + r")[\s.…:>»|-]*)+$",
    re.IGNORECASE,
)
_TAIL_CHARS: Final = 60  # markers are short; only the end of a text is searched

_WHITESPACE = re.compile(r"\s+")


def is_separator(char: str) -> bool:
    code = ord(char)
    if code < 0x80:
        return not char.isalnum()
    return GENERAL_PUNCTUATION[0] <= code <= GENERAL_PUNCTUATION[1] or char in LATIN1_SEPARATORS


def needs_unicode_pass(text: str) -> bool:
    """True if the text has non-ASCII characters other than separators (letters, symbols)."""
    if text.isascii():
        return False
    return any(ord(char) >= 0x80 and not is_separator(char) for char in text)


_MARKER_ENDS: Final = tuple({marker.split()[-1] for marker in TEASER_MARKERS})
_TAIL_PUNCTUATION: Final = " \t\n.…:>»|-"


def strip_teaser_marker(text: str) -> str:
    """Cut a trailing "Read more"-style marker off a text (only at the very end)."""
    if not text[-_TAIL_CHARS:].rstrip(_TAIL_PUNCTUATION).lower().endswith(_MARKER_ENDS):
        return text  # the common case, without the regular expression
    head, tail = text[:-_TAIL_CHARS], text[-_TAIL_CHARS:]
    match = _MARKER_TAIL.search(tail)
    if match is None or (match.start() == 0 and not head):
        return text
    return head + tail[: match.start()]


def fold(text: str) -> str:
    """The case and Unicode folding both paths apply: NFKC and lower case when needed."""
    if needs_unicode_pass(text):
        return unicodedata.normalize("NFKC", text).lower()
    return text.lower()


def words(text: str) -> list[str]:
    """Reference tokenisation: the words duplicate detection sees in a text."""
    folded = fold(strip_teaser_marker(text))
    out: list[str] = []
    current: list[str] = []
    for char in folded:
        if is_separator(char):
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        out.append("".join(current))
    return out


def normalize_text(text: str) -> str:
    """Readable normal form: NFKC, ASCII quotes and dashes, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES).translate(DASHES)
    return _WHITESPACE.sub(" ", text).strip().lower()


def shingles(tokens: list[str], size: int) -> list[tuple[str, ...]]:
    """Word shingles of ``size`` words; a text shorter than that is one shingle."""
    if not tokens:
        return []
    if len(tokens) < size:
        return [tuple(tokens)]
    return [tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
