"""Find the amounts in a text: numbers with their unit, scale, qualifier and span.

A rule-based scanner, no model: it finds number "cores" (digits, number words, fractions,
"seven in ten" ratios, "thousands of"), then reads the words around each core for a
currency sign, a scale ("10 million"), a percent sign, a unit or the counted noun, a
qualifier ("more than", "down from") and a second number that makes a range ("between 46%
and 50%", "$89 to $93 billion"). The same context rejects what is not an amount:

- years ("in 2022", "the 2008 crisis") and decades ("1990s"); a year-like number is kept
  only with a unit, a currency, a qualifier ("more than 2000") or a counted noun
  ("2000 workers" when no year word such as "in" or "the" stands before it);
- dates ("March 23", "23 March"), times ("11 a.m.", "1:36.6");
- ordinals ("24th mechanized brigade", "the third summit"): ordinal words are never read
  as numbers, and "24th" is rejected; so a unit's number in its name is not a figure;
- names with numbers: "COP29", "G20", "F-16", "Boeing 737", "Apple Watch 5",
  "Resolution 2735", "Section 427" (a capitalised word or an identifier noun before);
- ages in apposition ("Smith, 45, said"), list numbering ("1. ..."), numbers in
  parentheses after a name ("Dak Prescott (4)");
- a bare "one" ("one official", "one of the"): it is a figure only with a unit, a scale,
  "per" ("one child per woman") or a ratio ("one in four").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsmill.enrich.figures_vocab import alternation, figure_vocab

#: Function words: never the counted noun after a number ("52% of", "10 in the").
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "and",
        "or",
        "but",
        "nor",
        "not",
        "no",
        "so",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "if",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "it",
        "its",
        "they",
        "them",
        "their",
        "he",
        "him",
        "his",
        "she",
        "her",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "per",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "above",
        "below",
        "between",
        "through",
        "during",
        "against",
        "among",
        "after",
        "before",
        "since",
        "until",
        "up",
        "down",
        "out",
        "off",
        "more",
        "less",
        "most",
        "least",
        "each",
        "every",
        "all",
        "any",
        "some",
        "such",
        "only",
        "just",
        "also",
        "even",
        "still",
        "respectively",
        "said",
        "says",
        "say",
        "told",
        "according",
        "percent",
        "cent",
        "last",
        "next",
    ]
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
CHANGE_OF_KIND = {"up": "up", "down": "down", "approx": "~", "more": ">", "less": "<"}
CHANGE_OF_KIND["exact"] = "="
CHANGE_OF_KIND["margin"] = "±"
#: A scale after a fraction: "half a million", "a quarter of a million".
FRACTION_OF_SCALE = re.compile(
    r"\s+(?:of\s+)?an?\s+(?P<s>thousand|million|billion|trillion)\b", re.I
)
#: "a" or "an" before "dozen", "million": "a dozen protesters".
ARTICLE_BEFORE = re.compile(r"(?<!\w)an?\s+$", re.I)
WORD = re.compile(r"[A-Za-z]+")
#: A minus sign or word right before a number ("-1.3%", "minus-5 yards").
NEGATIVE = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=\())(?P<sign>-|−|minus[\s-])$", re.I)
#: What joins the two ends of a range: "14-18", "25 – 40", "5 to 7", "between 46% and 50%".
RANGE_LINK = re.compile(r"\s*[–—]\s*|-(?=[\d$€£¥])|\s+-\s+|\s+(?:to|and|or)\s+")
#: Words that open a range and belong to its text: "between 46% and 50%", "from 5 to 7".
RANGE_OPENER = re.compile(r"(?<!\w)(?:between|from)\s+$", re.I)
#: A bare word number that starts a range ("one to two years", "three or four years").
RANGE_NEXT = re.compile(r"\s+(?:to|or)\s+[a-z]+\s", re.I)
#: Lowercase words whose "-NN" is still a name ("covid-19").
ID_HYPHEN = frozenset({"covid", "sars", "mig", "su", "tu"})
#: Words after "1.8m" that make the "m" metres, not millions.
METRE_WORDS = frozenset({"tall", "high", "long", "wide", "deep", "away", "above", "below"})


@dataclass(slots=True)
class Quantity:
    """One amount found in a text; offsets are into that text."""

    value: float
    unit: str | None
    text: str
    start: int
    end: int
    high: float | None = None  # upper end of a range; value is the lower end as written
    change: str = "="  # = | up | down | ~ | > | < | ± (a margin of error)
    kind: str = "count"  # count | percent | money | measure | fraction | ratio | vague | number


@dataclass(slots=True)
class _Core:
    start: int
    end: int
    value: float
    kind: str  # digits | words | fraction | ratio | vague
    high: float | None = None


@dataclass(slots=True)
class _Right:
    end: int
    value: float
    unit: str | None
    kind: str
    scaled: bool
    strong: bool  # a unit, scale or percent that makes the number an amount for sure


@dataclass(frozen=True, slots=True)
class _Patterns:
    digits: re.Pattern[str]
    words: re.Pattern[str]
    fraction: re.Pattern[str]
    ratio: re.Pattern[str]
    vague: re.Pattern[str]
    prefix: re.Pattern[str]
    cue: re.Pattern[str]
    cue_kind: dict[str, str]
    scale: re.Pattern[str]
    percent: re.Pattern[str]
    unit: re.Pattern[str]
    attached: re.Pattern[str]
    id_noun: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    vocab = figure_vocab()
    number_words = alternation([*vocab.numbers, *vocab.scales])
    single_words = alternation(list(vocab.numbers))
    prefixes = alternation(list(vocab.prefixes)).replace(r"S\$", r"S\s?\$")
    cues = {phrase: kind for kind in CHANGE_OF_KIND for phrase in vocab.cues.get(kind, [])}
    units = alternation(list(vocab.units))
    attached = alternation(
        [*vocab.short_scales, *vocab.suffixes, *[u for u in vocab.units if " " not in u]]
    )
    return _Patterns(
        digits=re.compile(
            r"(?<![\w.,:/])(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<=\s)\.\d+)(?![\d,]\d)"
        ),
        words=re.compile(
            rf"\b(?:{number_words})(?:(?:[\s-]+|(?<=hundred)\s+and\s+)(?:{number_words}))*\b",
            re.I,
        ),
        fraction=re.compile(
            rf"\b(?:(?P<num>{single_words}|an?|\d+)[\s-]+)?(?P<den>{alternation(list(vocab.fractions))})\b",
            re.I,
        ),
        ratio=re.compile(
            rf"\b(?P<a>{single_words}|\d+)\s+(?:in|out\s+of|of\s+every)\s+(?P<b>{single_words}|\d+)\b",
            re.I,
        ),
        vague=re.compile(
            rf"\b(?P<a>{alternation(list(vocab.vague))})(?:\s+of\s+(?P<b>{alternation(list(vocab.vague))}))?(?=\s+of\b)",
            re.I,
        ),
        prefix=re.compile(rf"(?<![A-Za-z])(?P<p>{prefixes})\s?(?P<neg>[-−])?$"),
        cue=re.compile(rf"(?<![\w-])(?P<cue>{alternation(list(cues))})(?:\s+|(?<=±))$", re.I),
        cue_kind=cues,
        scale=re.compile(rf"^\s*(?P<s>{alternation(list(vocab.unit_scales))})\b", re.I),
        percent=re.compile(rf"^\s*(?P<p>%|(?:{alternation(list(vocab.percents))})\b)", re.I),
        unit=re.compile(rf"^[\s-]?(?P<u>{units})(?![\w-])", re.I),
        attached=re.compile(rf"(?P<u>{attached})(?![\w])", re.I),
        id_noun=re.compile(
            rf"(?<![\w-])(?:{alternation(vocab.cues.get('id_noun', []))})\s*#?\s*$", re.I
        ),
    )


def find_quantities(text: str) -> list[Quantity]:
    """Every amount in `text`, in order, without overlaps."""
    patterns = _patterns()
    quantities: list[Quantity] = []
    consumed = 0
    for core in _cores(text, patterns):
        if core.start < consumed:
            continue
        quantity = _quantity(text, core, patterns)
        if quantity is None:
            continue
        quantity = _maybe_range(text, quantity, patterns)
        consumed = quantity.end
        if quantity.kind != "score":  # "2-2", "89-89": results, not amounts
            quantities.append(quantity)
    return quantities


def _cores(text: str, patterns: _Patterns) -> list[_Core]:
    """Candidate number cores, richest first where they start at the same place.

    Words are looked up in sets and the patterns are only tried where a number word
    stands: far faster than running each alternation over the whole text.
    """
    vocab = figure_vocab()
    cores: list[tuple[int, int, _Core]] = []
    words_end, previous = 0, None
    for match in WORD.finditer(text):
        word, at = match.group().lower(), match.start()
        if word in vocab.fractions:
            start = previous.start() if previous and at - previous.end() <= 1 else at
            found = patterns.fraction.match(text, start) or patterns.fraction.match(text, at)
            fraction = _fraction(text, found) if found else None
            if fraction is not None:
                cores.append((fraction.start, 2, fraction))
        if word in vocab.vague:
            _add_vague(cores, patterns.vague.match(text, at))
        if word in vocab.numbers or word in vocab.scales:
            _add_ratio(cores, patterns.ratio.match(text, at))
            if at >= words_end:
                found = patterns.words.match(text, at)
                value = _word_value(found.group()) if found else None
                if found and value is not None:
                    words_end = found.end()
                    cores.append((at, 4, _Core(at, found.end(), value, "words")))
        previous = match
    for match in patterns.digits.finditer(text):
        value = float(match.group().replace(",", ""))
        cores.append((match.start(), 3, _Core(match.start(), match.end(), value, "digits")))
        _add_ratio(cores, patterns.ratio.match(text, match.start()))
    cores.sort(key=lambda item: (item[0], item[1]))
    return [core for _, _, core in cores]


def _add_ratio(cores: list[tuple[int, int, _Core]], match: re.Match[str] | None) -> None:
    """ "seven in ten", "1 in 5", "one out of three": a share."""
    if match is None:
        return
    a, b = _word_value(match["a"]), _word_value(match["b"])
    if a is not None and b and 0 < a < b <= 1000:
        cores.append((match.start(), 0, _Core(match.start(), match.end(), a / b, "ratio")))


def _add_vague(cores: list[tuple[int, int, _Core]], match: re.Match[str] | None) -> None:
    """ "thousands of", "hundreds of thousands of": from the scale to ten times it."""
    if match is None:
        return
    vague = figure_vocab().vague
    low = vague[match["a"].lower()] * (vague[match["b"].lower()] if match["b"] else 1)
    high = None if match["a"].lower() == "dozens" else low * 10
    cores.append((match.start(), 1, _Core(match.start(), match.end(), low, "vague", high)))


def _word_value(words: str) -> float | None:
    """Value of "seven", "twenty-five", "two hundred and five", "ten million", "4"."""
    vocab = figure_vocab()
    if words.isdigit():
        return float(words)
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word == "dozen":
            current = max(current, 1.0) * 12
        elif word in vocab.numbers:
            current += vocab.numbers[word]
        elif word == "hundred":
            current = max(current, 1.0) * 100
        elif word in vocab.scales:
            total += max(current, 1.0) * vocab.scales[word]
            current = 0.0
        else:
            return None
    return total + current


def _fraction(text: str, match: re.Match[str]) -> _Core | None:
    """ "two-thirds", "a third of", "half of", "one-quarter"; not "the third", "half-staff"."""
    vocab = figure_vocab()
    numerator, denominator = match["num"], match["den"].lower()
    after = text[match.end() : match.end() + 4].lower()
    followed_by_of = after.startswith(" of")
    if numerator is None:
        if denominator == "half" and followed_by_of:
            return _Core(match.start(), match.end(), 0.5, "fraction")
        return None
    count = 1.0 if numerator.lower() in ("a", "an") else _word_value(numerator)
    if count is None:
        return None
    plural = denominator.endswith("s") and denominator != "halves"
    hyphenated = "-" in match.group()
    if after.startswith("-"):
        return None  # "a third-party evaluation", "one-quarter-mile"
    if count == 1 and not (followed_by_of or hyphenated):
        return None
    if count > 1 and not plural:
        return None
    value = count / vocab.fractions[denominator]
    return _Core(match.start(), match.end(), value, "fraction")


def _quantity(
    text: str, core: _Core, patterns: _Patterns, in_range: bool = False
) -> Quantity | None:
    if core.kind in ("fraction", "ratio", "vague"):
        return _simple(text, core, patterns)
    if core.kind == "words" and _is_bare_word_scale(text, core):
        return None
    if _rejected_before_right(text, core, in_range):
        return None
    right = _read_right(text, core, patterns)
    if right is None:
        return None
    prefix = patterns.prefix.search(text, max(0, core.start - 8), core.start)
    if prefix and core.kind == "words":
        prefix = None
    start = prefix.start() if prefix else core.start
    value, unit, kind = right.value, right.unit, right.kind
    minus = NEGATIVE.search(text, max(0, start - 7), start)
    if minus and text[max(0, minus.start() - 8) : minus.start()].lower() == "plus or ":
        minus = None  # "plus or minus 3 points": a margin of error, not a negative number
    if minus and not prefix:
        start, value = minus.start("sign"), -value
    if prefix:
        unit = figure_vocab().prefixes[re.sub(r"\s", "", prefix["p"])]
        kind = "money"
        if prefix["neg"]:
            value = -value
    cue = patterns.cue.search(text, max(0, start - 40), start)
    strong = right.strong or prefix is not None
    if not strong and _not_an_amount(text, core, right, cue is not None, patterns):
        return None
    change = "="
    if cue:
        start = cue.start()
        change = CHANGE_OF_KIND[patterns.cue_kind[re.sub(r"\s+", " ", cue["cue"].lower())]]
    return Quantity(value, unit, text[start : right.end], start, right.end, None, change, kind)


def _simple(text: str, core: _Core, patterns: _Patterns) -> Quantity:
    """Fractions, ratios and vague amounts: a share, or a rough count of what follows."""
    start, change = core.start, "~" if core.kind == "vague" else "="
    cue = patterns.cue.search(text, max(0, start - 40), start)
    if cue:
        start = cue.start()
        change = CHANGE_OF_KIND[patterns.cue_kind[re.sub(r"\s+", " ", cue["cue"].lower())]]
    value, end = core.value, core.end
    unit: str | None = "fraction"
    if core.kind == "vague":
        unit = _counted_noun(text, core.end + 3)[0]  # after " of"
    elif core.kind == "fraction":
        scale = FRACTION_OF_SCALE.match(text, end)  # "half a million", "a quarter of a million"
        if scale:
            value *= figure_vocab().unit_scales[scale["s"].lower()]
            end, unit = scale.end(), None
    kind = "vague" if core.kind == "vague" else core.kind
    return Quantity(value, unit, text[start:end], start, end, core.high, change, kind)


def _is_bare_word_scale(text: str, core: _Core) -> bool:
    """ "million" alone is no number, but "a million" is (then the core grows to take "a")."""
    word = text[core.start : core.end].lower()
    if word not in figure_vocab().scales and word != "dozen":
        return False
    article = ARTICLE_BEFORE.search(text, max(0, core.start - 4), core.start)
    if article:
        core.start = article.start()
        return False
    return True


def _rejected_before_right(text: str, core: _Core, in_range: bool = False) -> bool:
    """Identifiers glued to letters, times and ordinals, before reading any unit."""
    before = text[core.start - 1] if core.start else " "
    after = text[core.end : core.end + 2]
    if core.kind == "digits":
        if before.isalpha():
            return True  # COP29, G20, S23
        if re.match(r"(?i)(?:st|nd|rd|th)\b", text[core.end : core.end + 3]):
            return True  # 24th
        if re.match(r":\d", after) or re.match(r"/\d", after):
            return True  # 11:30, 9/11, 24/7
        if re.match(
            r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|UTC\b|ET\b|EST\b|PST\b)", text[core.end :]
        ):
            return True
        glued = re.search(r"([A-Za-z]+)\s?-$", text[max(0, core.start - 12) : core.start])
        if (
            glued
            and (glued.group(1).lower() != "minus")
            and (not glued.group(1).islower() or glued.group(1) in ID_HYPHEN)
        ):
            return True  # F-16, Covid-19, MiG-29; not "sub-300", "now-18"
        if not in_range and re.search(r"\d[-–]$", text[max(0, core.start - 2) : core.start]):
            return True  # the second half of "2-1", "ISO 3888-2", "2019-09"
        if re.search(r"\baged\s+$", text[max(0, core.start - 8) : core.start], re.I):
            return True  # an age
    return False


def _read_right(text: str, core: _Core, patterns: _Patterns) -> _Right | None:
    vocab = figure_vocab()
    value, end, scaled, strong = core.value, core.end, False, False
    unit: str | None = None
    kind = "number"
    rest = text[end:]
    if rest[:1].isalpha():
        return _read_attached(text, core, patterns)
    scale = patterns.scale.match(rest)
    while scale and core.kind == "digits":
        value *= vocab.unit_scales[scale["s"].lower()]
        end += scale.end()
        scaled = strong = True
        rest = text[end:]
        scale = patterns.scale.match(rest)
    percent = patterns.percent.match(rest)
    if percent and not (percent["p"].lower().startswith("point") and core.kind == "words"):
        unit = vocab.percents[re.sub(r"\s+", " ", percent["p"].lower())]
        return _Right(end + percent.end(), value, unit, "percent", scaled, True)
    found = patterns.unit.match(rest)
    if found and not (found["u"].lower() == "second" and core.kind == "words"):
        unit = vocab.units[re.sub(r"\s+", " ", found["u"].lower())]
        kind = "money" if unit in vocab.prefixes.values() or unit == "cent" else "measure"
        return _Right(end + found.end(), value, unit, kind, scaled, True)
    if rest.startswith("-") and not rest[1:2].isdigit():
        return _read_compound(text, core, value, end, scaled)
    noun, noun_end = _counted_noun(text, end)
    if noun is not None:
        return _Right(noun_end, value, noun, "count", scaled, strong)
    return _Right(end, value, None, kind, scaled, strong)


def _read_attached(text: str, core: _Core, patterns: _Patterns) -> _Right | None:
    """ "256GB", "$800m", "4.3M", "10km", "118.5p"; anything else glued on is a name."""
    vocab = figure_vocab()
    if core.kind != "digits":
        return None
    percent = patterns.percent.match(text[core.end :])
    if percent:
        share = vocab.percents[percent["p"].lower()]
        return _Right(core.end + percent.end(), core.value, share, "percent", False, True)
    glued = patterns.attached.match(text, core.end)
    if glued is None:
        return None
    surface = glued["u"]
    has_currency = patterns.prefix.search(text, max(0, core.start - 8), core.start) is not None
    short = vocab.short_scales.get(surface)
    if surface == "m" and not has_currency:
        short = short if _metre_or_million(text, core, glued.end()) else None
    if short is not None and (surface[0].isupper() or len(surface) > 1 or has_currency):
        end = glued.end()
        return _Right(end, core.value * short, None, "number", True, True)
    unit = vocab.suffixes.get(surface) or vocab.units.get(surface.lower())
    if unit is None and surface.lower() in vocab.suffixes and surface.islower():
        unit = vocab.suffixes[surface.lower()]
    if unit is None:
        return None
    return _Right(glued.end(), core.value, unit, "measure", False, True)


def _read_compound(text: str, core: _Core, value: float, end: int, scaled: bool) -> _Right | None:
    """ "15-year-old", "80-yard", "60-day"; "two-state" and "one-sided" are not amounts."""
    compound = re.match(r"-(?P<w>[A-Za-z]+(?:-[A-Za-z]+)*)", text[end:])
    if compound is None:
        return None
    word = compound["w"].lower()
    units = figure_vocab().units
    unit = units.get(word) or units.get(word.split("-")[0])
    if core.kind == "words":
        return None  # "five-year plan", "two-state solution": adjectives, not amounts
    return _Right(end + compound.end(), value, unit or word, "measure", scaled, unit is not None)


def _counted_noun(text: str, end: int) -> tuple[str | None, int]:
    """The noun an amount counts: "13000 workers", "36 league games", "one child per woman"."""
    words = re.match(r"\s+([A-Za-z]+)(?:\s+([A-Za-z]+))?(?:\s+([A-Za-z]+))?", text[end:])
    if words is None:
        return None, end
    first, second = words.group(1), words.group(2)
    if first.lower() in FUNCTION_WORDS or len(first) < 2:
        return None, end
    if first[0].isupper() and not (second and second.islower() and second.endswith("s")):
        return None, end
    noun, noun_end = first.lower(), end + words.end(1)
    if (
        second
        and second.islower()
        and second not in FUNCTION_WORDS
        and second.endswith("s")
        and not first.endswith("s")
    ):
        noun, noun_end = second, end + words.end(2)
    per = re.match(r"\s+per\s+([a-z]+)", text[noun_end:])
    if per:
        noun, noun_end = f"{noun} per {per.group(1)}", noun_end + per.end()
    return noun, noun_end


def _not_an_amount(
    text: str, core: _Core, right: _Right, qualified: bool, patterns: _Patterns
) -> bool:
    """Years, dates, names, ages, list numbers and bare "one" (see the module docstring)."""
    before = text[max(0, core.start - 40) : core.start]
    after = text[right.end : right.end + 12]
    raw = text[core.start : core.end]
    if core.kind == "words" and right.unit is None and not RANGE_NEXT.match(text, right.end):
        return True  # "the bottom three", "one of the": no unit, no counted noun
    if core.kind == "words" and core.value == 1 and "per " not in text[core.end : right.end]:
        return right.unit not in figure_vocab().units.values() and not RANGE_NEXT.match(
            text, right.end
        )
    if _is_year(raw, core, right, before, qualified):
        return True
    if core.kind == "digits" and core.value <= 31 and raw.isdigit():
        if re.search(rf"\b(?:{MONTHS}|{MONTH_ABBREVIATIONS})\.?\s+$", before):
            return True
        if re.match(rf"\s+(?:of\s+)?(?:{MONTHS})\b", text[core.end : core.end + 14]):
            return True
    if qualified:
        return False
    if right.unit is None and re.match(r"\s+[A-Z]", after):
        return True  # "787 Dreamliner", "iPhone 11 Pro": a number in a name
    if patterns.id_noun.search(before) or before.endswith("#"):
        return True
    if _after_name(before):
        return True
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after) and right.unit is None:
        return True
    if re.search(r"[A-Z][a-z]+,\s*$", before) and re.match(r"\s*,", after) and right.unit is None:
        return core.value < 120  # "Smith, 45, said": an age in apposition
    line_start = text.rfind("\n", 0, core.start) + 1
    return not text[line_start : core.start].strip() and re.match(r"[.)]\s", after) is not None


def _is_year(raw: str, core: _Core, right: _Right, before: str, qualified: bool) -> bool:
    if not (core.kind == "digits" and re.fullmatch(r"1\d{3}|20\d{2}|2100", raw)):
        return False
    if qualified:
        return False
    if right.unit is None or right.kind != "count":
        return True
    previous = re.search(r"([A-Za-z’']+)[\s-]*$", before)
    year_words = figure_vocab().cues.get("year_lead", [])
    return previous is None or previous.group(1).lower() in year_words


def _after_name(before: str) -> bool:
    """A bare number right after a capitalised word is part of a name ("Boeing 737")."""
    previous = re.search(r"(?<![\w.])([A-Z][\w.’'&]*)\s+$", before)
    if previous is None:
        return False
    word = previous.group(1).rstrip(".").lower()
    return word not in figure_vocab().cues.get("leader", [])


def _maybe_range(text: str, first: Quantity, patterns: _Patterns) -> Quantity:
    """Join "46% and 50%" after "between", "$89 to $93 billion", "14-18 mpg" into one range."""
    link = RANGE_LINK.match(text, first.end)
    if link is None or first.kind in ("fraction", "ratio", "vague"):
        return first
    connector = link.group().strip()
    if connector == "or" and first.unit is not None:
        return first
    if connector == "and" and not re.search(r"\bbetween\s+$", text[: first.start], re.I):
        return first
    if connector == "to" and (
        first.change in ("up", "down") or re.search(r"\bby\s+$", text[: first.start])
    ):
        return first  # "increased by $43.6 billion to $419.2 billion": two figures
    core = _core_at(text, link.end(), patterns)
    if core is None:
        return first
    second = _quantity(text, core, patterns, in_range=True)
    if second is None or second.high is not None:
        return first
    if first.unit and second.unit and first.unit != second.unit:
        return first
    if first.unit is None and second.unit is None:
        if connector == "or":
            return first
        if connector in ("-", "–", "—"):
            return Quantity(0, None, "", first.start, second.end, kind="score")

    low = first.value
    ratio = second.value / core.value if core.value else 1.0
    plain = _plain_value(first.text)
    if ratio != 1.0 and first.value == plain and plain <= core.value:
        low = first.value * ratio  # "$89 to $93 billion": the scale covers both ends
    unit = first.unit or second.unit
    kind = first.kind if first.unit else second.kind
    end = second.end
    opener = RANGE_OPENER.search(text, max(0, first.start - 9), first.start)
    start = opener.start() if opener else first.start
    return Quantity(low, unit, text[start:end], start, end, second.value, first.change, kind)


def _core_at(text: str, start: int, patterns: _Patterns) -> _Core | None:
    prefix = re.match(r"(?:US|[A-Z]{1,2})?\s?[$€£¥]\s?", text[start:])
    at = start + (prefix.end() if prefix else 0)
    digits = patterns.digits.match(text, at)
    if digits:
        return _Core(at, digits.end(), float(digits.group().replace(",", "")), "digits")
    words = patterns.words.match(text, at)
    if words:
        value = _word_value(words.group())
        if value is not None:
            return _Core(at, words.end(), value, "words")
    return None


def _plain_value(text: str) -> float | None:
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return float(digits.group().replace(",", "")) if digits else None


def _metre_or_million(text: str, core: _Core, end: int) -> bool:
    """True when a glued "m" means million: "2.7m sales", "35m of"; not "100m race", "1.8m tall"."""
    following = re.match(r"\s+([A-Za-z]+)", text[end:])
    word = following.group(1).lower() if following else ""
    if word in METRE_WORDS:
        return False
    raw = text[core.start : core.end]
    return "." in raw or word == "of" or (word.endswith("s") and word not in FUNCTION_WORDS)
