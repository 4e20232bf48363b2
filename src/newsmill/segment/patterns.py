"""Line patterns built from the phrase lists in ``vocab/``: markers, credits, bylines, bios.

Each function looks at one line's text only. Context (what comes before and after) is the
job of ``roles.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import Final

from newsmill.segment.vocab import alternation, phrases

WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*\.?", re.UNICODE)
SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*$|[.!?]\s*["'”’]$""")
SPLIT_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")


def _class_ranges(test: Callable[[str], bool]) -> str:
    """The inside of a regex character class (no brackets) holding every BMP character
    that passes ``test``, as ranges."""
    codes = [ord(c) for c in map(chr, range(0x10000)) if test(c)]
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


#: Every upper-case letter, in any script that has case ("Çetin", "Łukasz", "Ósk"), as the
#: inside of a character class; `UPPER` is the class itself.
UPPER_CHARS = _class_ranges(str.isupper)
UPPER = f"[{UPPER_CHARS}]"

# A person's name: 2-5 capitalised tokens, initials allowed, lower-case particles inside.
NAME_TOKEN = rf"(?:{UPPER}[\w'’\-]*\.?|{UPPER}\.)"
PARTICLES = (
    *("de", "del", "della", "der", "den", "di", "da", "du", "van", "von", "bin", "ibn"),
    *("al", "el", "la", "le", "dos", "das", "y", "St."),
)
PARTICLE = f"(?:{'|'.join(map(re.escape, PARTICLES))})"
PERSON_NAME = rf"{NAME_TOKEN}(?:\s+(?:{PARTICLE}\s+)?{NAME_TOKEN}){{1,4}}"

MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago)\b",
    re.IGNORECASE,
)
DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|am|pm|[ap]\.m\.|et|edt|est|gmt|utc|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\d{1,2}:\d{2}|[|,:\-–—•·]",
    re.IGNORECASE,
)
#: Image file names and URL slugs left in a capture as alt text ("blinken-rand-paul").
IMAGE_SLUG = re.compile(
    r"^(?:[\w]+(?:[-_][\w]+){2,}|[\w\-]+\.(?:jpe?g|png|gif|webp|avif))$", re.IGNORECASE
)
#: The opening of wire copy: a place in capitals and an agency, then a dash
#: ("WASHINGTON (Reuters) - ...", "ST. JOSEPH, Mich. (AP) — ..."). Always body.
WIRE_LEDE = re.compile(
    rf"^{UPPER}[{UPPER_CHARS} .,'’\-]{{2,40}}(?:,\s*{UPPER}[\w.]*(?:\s{UPPER}[\w.]*)?)?"
    r"\s*\([^()]{2,30}\)\s*[—–-]\s"
)
#: Any digit (as `DATE` sees one).
_DIGIT = re.compile(r"\d")
#: What every form of `DATE` holds: four digits in a row (a year), two digits around a
#: slash or dot, or a number of minutes, hours, days or weeks. Much cheaper to look for.
_DATE_HINT = re.compile(r"\d(?:\d\d\d|[/.]\d|\s+(?:minute|hour|day|week))", re.IGNORECASE)
SECTION_SEPARATOR = re.compile(r"\s(?:\||/|›|»|>|•|·)\s")


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=8192)
def word_count(text: str) -> int:
    """Whitespace-separated tokens holding a letter or digit: cheap, good enough for lengths.

    Cached: the rules ask for the same lines' lengths many times over.
    """
    if text.isascii():
        return _ascii_word_count(text)  # no ideographs: spare the second pass over the line
    words = len(_WORDISH.findall(text))
    ideographs = len(_IDEOGRAPHS.findall(text))
    return words + ideographs // IDEOGRAPHS_PER_WORD if ideographs else words


def more_words_than(text: str, limit: int) -> bool:
    """``word_count(text) > limit``, without counting a long text's words past ``limit``
    (not cached: for long texts, such as an extractor's main text, asked once)."""
    if text.isascii():
        return _ascii_word_count(text) > limit  # as fast as stopping early
    seen = len(list(islice(_WORDISH.finditer(text), limit + 1)))
    if seen > limit:
        return True
    ideographs = len(_IDEOGRAPHS.findall(text))  # all words seen: add what `word_count` adds
    return seen + ideographs // IDEOGRAPHS_PER_WORD > limit


_WORDISH = re.compile(r"[^\s\w]*[^\W_][^\s]*")
# A `_WORDISH` match is a whitespace-separated token holding a letter or digit. In an ASCII
# line those tokens are counted without making them: the other non-space bytes are deleted
# (a token without a letter or digit vanishes), every letter or digit becomes "a" and every
# byte that str.split() takes for a space becomes " ", and each token left then starts
# either the text or a " a".
_ASCII_WORD_BYTES: Final = bytes(
    32 if chr(c).isspace() else 97 if chr(c).isalnum() else c for c in range(256)
)
_ASCII_NOT_WORDISH: Final = bytes(
    c for c in range(128) if not chr(c).isspace() and not chr(c).isalnum()
)


def _ascii_word_count(text: str) -> int:
    """``len(_WORDISH.findall(text))`` for an ASCII ``text``."""
    marks = text.encode("ascii").translate(_ASCII_WORD_BYTES, _ASCII_NOT_WORDISH)
    return marks.count(b" a") + marks.startswith(b"a")


#: Chinese, Japanese and Korean text has no spaces between words: count about one word
#: per two characters, so length rules work there too.
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
IDEOGRAPHS_PER_WORD = 2
MARKER_MAX_WORDS = 8
BYLINE_MAX_WORDS = 20
DATELINE_MAX_WORDS = 12
#: Credits sit at the end of a caption; only this much of a line's end is searched.
CREDIT_TAIL_CHARS = 300


#: Whitespace as str.isspace() and the regex `\s` see it (every such character is below
#: U+3001), and the closers `SENTENCE_END` allows after the final punctuation.
_SPACES: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_SENTENCE_TRAIL: Final = _SPACES + "\"'”’)]"


def ends_sentence(text: str) -> bool:
    # A `SENTENCE_END` match starts at the punctuation that only closers and spaces follow:
    # the last character left after stripping those. Searching from there, not from the
    # start of a long line, gives the same answer.
    start = max(0, len(text.rstrip(_SENTENCE_TRAIL)) - 1)
    return SENTENCE_END.search(text, start) is not None


#: Characters that are not word characters (`\w`): every ASCII one, and the bullets,
#: dashes, quotes and spaces that often open a line.
_LEADING_NOT_WORD: Final = "".join(
    c for c in (*map(chr, range(128)), *"\xa0•·▪◦‣∙►▶»«›‹—–“”‘’„…") if not re.match(r"\w", c)
)


@dataclass(frozen=True, slots=True)
class Openings:
    """The first words of a list of phrases by their first letter, to tell cheaply that a
    line starts with none of the phrases, as a regex anchored at its start sees them with
    IGNORECASE. Only a line whose opening characters are ASCII is ruled out: there such
    matching is plain lower-casing, while a non-ASCII letter may match an ASCII one ("İ"
    matches "i", "ſ" matches "s"). A list with a first word that is not ASCII rules out
    nothing."""

    by_initial: dict[str, tuple[str, ...]]
    size: int  # characters to look at: the longest first word's

    @classmethod
    def of(cls, phrases: Iterable[str], *, alphanumeric: bool = False) -> Openings:
        """``alphanumeric``: rule out nothing unless every first word is made of letters
        and digits (for text compared after its other characters are taken out)."""
        words = sorted({phrase.split()[0].lower() for phrase in phrases})
        if not words or not all(word.isascii() for word in words):
            return cls({}, 0)
        if alphanumeric and not all(word.isalnum() for word in words):
            return cls({}, 0)
        by_initial: dict[str, tuple[str, ...]] = {}
        for word in words:
            by_initial[word[0]] = (*by_initial.get(word[0], ()), word)
        return cls(by_initial, max(map(len, words)))

    def rule_out(self, text: str) -> bool:
        """``text`` surely starts with none of the phrases."""
        head = text[: self.size]
        if not self.by_initial or not head.isascii():
            return False
        lowered = head.lower()
        words = self.by_initial.get(lowered[:1])
        return words is None or not lowered.startswith(words)


@cache
def _chrome_openings() -> Openings:
    return Openings.of(phrases("chrome_phrases"))


@cache
def _marker_openings() -> Openings:
    return Openings.of(phrases("markers"), alphanumeric=True)


@cache
def _marker_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:(?:{alternation('markers')})\s*)+$")


def is_marker(text: str) -> bool:
    """A short line made only of "read more"-style phrases (even glued: "keep readingShow less")."""
    if len(text) > 60:
        return False
    # The cleaned text below starts with the line's first run of word characters,
    # lower-cased (where it is ASCII), so it can only match if that run starts with the
    # first word of a marker phrase: most lines spare the cleaning and the match.
    if _marker_openings().rule_out(text.lstrip(_LEADING_NOT_WORD)):
        return False
    spaced = SPLIT_CAMEL.sub(" ", text).lower()
    cleaned = _NOT_WORD_OR_SPACE.sub(" ", spaced)
    cleaned = " ".join(cleaned.split())
    return bool(cleaned) and bool(_marker_re().match(cleaned))


@cache
def _credit_prefix_re() -> re.Pattern[str]:
    return re.compile(
        rf"^(?:{alternation('credit_prefixes')})\s*[:|]\s*\S"
        r"|^(?:photo(?:graph)?s?|images?|pictures?|illustrations?)\s+(?:by|courtesy(?:\s+of)?)\s",
        re.IGNORECASE,
    )


@cache
def _agency_only_re() -> re.Pattern[str]:
    return re.compile(f"{_agency_first_re().pattern}|{_agency_after_slash_re().pattern}", re.I)


@cache
def _agency_first_re() -> re.Pattern[str]:
    """The first form of `_agency_only_re`: the agency opens the line ("(Reuters)")."""
    agencies = alternation("credit_agencies")
    return re.compile(
        rf"^[(\[]?\s*(?:{agencies})(?:\s*[/,]\s*[\w .'’\-]+)?\s*[)\]]?\.?$", re.IGNORECASE
    )


@cache
def _agency_after_slash_re() -> re.Pattern[str]:
    """The second form of `_agency_only_re`: a name, a slash, the agency ("Jane Doe/AP")."""
    agencies = alternation("credit_agencies")
    return re.compile(rf"^[\w .'’\-]{{1,40}}\s*/\s*(?:{agencies})\s*[)\]]?\.?$", re.IGNORECASE)


@cache
def _credit_tail_re() -> re.Pattern[str]:
    agencies = alternation("credit_agencies")
    bracketed = (
        rf"[(\[][^()\[\]]{{0,120}}?(?:\b(?:{agencies})\b|\bphoto\b|\bcredit\b|\bimage\b)"
        rf"[^()\[\]]{{0,120}}[)\]]"
    )
    return re.compile(
        rf"(?:{bracketed}|\bvia\s+(?:{agencies})\b|\b(?:{agencies})\s*/\s*[\w .'’\-]+)\.?\s*$",
        re.IGNORECASE,
    )


# Credit lines that describe the article's lead image; they open an article even right
# after a body paragraph, where other credits would belong to an inline picture.
LEAD_IMAGE = re.compile(
    r"^(?:top|header|featured?|lead|cover|main|hero)\s+(?:image|photo|picture|photograph)",
    re.IGNORECASE,
)


def is_credit(text: str) -> bool:
    """A line that is only an image credit: "Top image credit: ...", "(Reuters)", "AP Photo/X"."""
    if len(text) > 600:
        return False
    return _credit_prefix_re().match(text) is not None or _agency_only(text)


def _agency_only(text: str) -> bool:
    """`_agency_only_re` matches: one of its two forms does, and only the second holds a
    slash (most lines spare trying it)."""
    if _agency_first_re().match(text) is not None:
        return True
    return "/" in text and _agency_after_slash_re().match(text) is not None


def credit_tail(text: str) -> int | None:
    """Where a caption's trailing credit starts ("... (Reuters)", "... via REUTERS"), if any."""
    offset = max(0, len(text) - CREDIT_TAIL_CHARS)
    if not _may_have_credit_tail(text, offset):
        return None
    # No form of the credit holds a bracket past where it starts (agencies have none), and
    # the bracketed form starts at an opening one: no match starts before the last "(" or
    # "[". Searching from there spares trying the agencies at every word before it.
    start = max(offset, text.rfind("("), text.rfind("["))
    match = _credit_tail_re().search(text, start)
    if match is None or match.start() == 0:
        return None
    return match.start()


def _may_have_credit_tail(text: str, offset: int) -> bool:
    """What every `_credit_tail_re` match needs: a closing bracket at the end, a slash, or
    "via". Checked first because most lines have none of them, and the search is costly."""
    if text.rstrip().rstrip(".").endswith((")", "]")):
        return True
    tail = text[offset:]
    if "/" in tail:
        return True
    # only the "via <agency>" form is left, and it needs the agency at the very end
    return "via" in tail.lower() and not _agency_endings().rule_out(text)


@dataclass(frozen=True, slots=True)
class _Endings:
    """The last words of the credit agencies, to rule out a "via <agency>" credit at the
    end of a line the way `Openings` rules out phrases at its start (only where the end
    is ASCII)."""

    words: tuple[str, ...]  # final dots left out: the `\.?` after an agency may take one
    size: int

    def rule_out(self, text: str) -> bool:
        end = text.rstrip().rstrip(".")[-self.size :]  # the form ends `<agency>\b\.?\s*$`
        return bool(self.words) and end.isascii() and not end.lower().endswith(self.words)


@cache
def _agency_endings() -> _Endings:
    words = tuple(sorted({p.split()[-1].rstrip(".") for p in phrases("credit_agencies")}))
    if not words or not all(word.isascii() and word for word in words):
        return _Endings((), 0)
    return _Endings(tuple(word.lower() for word in words), max(map(len, words)))


@cache
def _chrome_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{alternation('chrome_phrases')})\b", re.IGNORECASE)


def chrome_phrase(text: str) -> int:
    """Words in the newsletter, social, legal or navigation phrase the line starts with
    (0 if none)."""
    stripped = text.strip(" \t•·|>»-–—*#")
    if _chrome_openings().rule_out(stripped):  # most lines: the long alternation is spared
        return 0
    match = _chrome_re().match(stripped)
    return len(match.group().split()) if match else 0


@cache
def _byline_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{alternation('byline_prefixes')})\s*:?\s+(?P<names>\S.*)$", re.I)


def byline_names(text: str) -> list[str] | None:
    """Names from a byline ("By Jane Doe and John Roe"), or None if the line isn't one."""
    if word_count(text) > BYLINE_MAX_WORDS:
        return None
    match = _byline_re().match(text)
    if match is None:
        return None
    names = split_names(match.group("names"))
    return names or None


NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\|)\s*")
FULL_NAME = re.compile(rf"^{PERSON_NAME}$")


def split_names(text: str) -> list[str]:
    """Person names in a list like "Jane Doe, John Roe and Ann Poe"; junk is dropped."""
    text = DATE.split(text)[0]
    junk = set(phrases("name_junk"))
    names = []
    for piece in NAME_SPLIT.split(text):
        name = " ".join(piece.split()).strip(" .:-–—")
        if name and name.lower() not in junk and FULL_NAME.match(name):
            names.append(name)
    return names


@cache
def _bio_re() -> re.Pattern[str]:
    return re.compile(
        rf"^[\s*_—–-]*(?P<name>{PERSON_NAME}),?\s+(?:{alternation('bio_verbs')})\b",
    )


@cache
def _bio_word_re() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternation('bio_words')})\b", re.IGNORECASE)


#: What `_bio_re` allows before the name.
_BIO_LEAD: Final = _SPACES + "*_—–-"


def _may_open_with_name(text: str) -> bool:
    """What `_bio_re` needs of a line's first two words: its name's first token fills the
    first word (whitespace must follow it) and starts with a capital, and the second word
    starts with a capital or is a particle. Checked first because most lines fail it."""
    first_words = text.lstrip(_BIO_LEAD).split(None, 2)
    if len(first_words) < 2 or not first_words[0][:1].isupper():
        return False
    return first_words[1][:1].isupper() or first_words[1] in PARTICLES


def bio_name(text: str) -> str | None:
    """The person an author bio is about ("Jane Doe is a fellow at ..."), else None."""
    if len(text) > 1200 or not _may_open_with_name(text):
        return None
    match = _bio_re().match(text)
    if match is None or not _bio_word_re().search(text):
        return None
    name = match.group("name")
    return name if split_names(name) == [name] else None


def is_dateline(text: str) -> bool:
    """A short line that is essentially a date ("Published March 5, 2024 at 10:00")."""
    if word_count(text) > DATELINE_MAX_WORDS or _DATE_HINT.search(text) is None:
        return False  # most lines spare the search for `DATE`
    match = DATE.search(text)
    if match is None:
        return False
    rest = DATE_WORDS.sub(" ", DATE.sub(" ", text))
    return word_count(rest) <= 2


def is_section_like(text: str) -> bool:
    """A short label: "Analysis | Europe", "Middle East", "WORLD"."""
    if len(text) > 60 or text.endswith((",", ";", ":")) or ends_sentence(text):
        return False
    if text.isascii() and word_count(text) > 6:
        return False  # cached; each such word holds at least one of `words`
    tokens = words(text)
    if not 1 <= len(tokens) <= 6:
        return False
    if SECTION_SEPARATOR.search(text):
        return True
    return all(t[0].isupper() or t.lower() in {"and", "of", "the", "&"} for t in tokens)
