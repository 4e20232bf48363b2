"""What a figure measures, who measured it and when: read from the words around it.

All rules work on one sentence's text with the figure's offsets in it:

- measure: the clause the number quantifies. "52% of those polled indicated ..." gives the
  words after "of"; "73% wished to continue fighting" the predicate after the number;
  "Kyiv polled the highest ... at 47%" the clause before it. A figure with no words of its
  own ("and 63% in 2023") takes the measure of the figure before it (gapping).
- source: "according to X", "X found/released/reported ...", "a poll/study by/from X",
  "a X poll/report", and "N, head of X" (the body, not its officer). A sentence that only
  refers back ("the poll", "those polled", "respondents") inherits the article's last source.
- period: years and dates in the figure's own clause ("in 2022", "from August through
  October", "an October report"), with "respectively" mapping several years onto several
  figures in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsmill.enrich.figures_numbers import MONTHS, Quantity
from newsmill.enrich.figures_vocab import alternation, figure_vocab

#: Abbreviations whose period does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "est",
        "dept",
        "univ",
        "ft",
        "mt",
    ]
)
SEASONS = "spring|summer|autumn|fall|winter"
YEAR = r"(?:1[89]\d\d|20\d\d)"
MONTH_OR_SEASON = rf"(?:{MONTHS}|{SEASONS})"
#: Period phrases, the part kept as the period in group "p".
PERIOD = re.compile(
    rf"\b(?:from\s+(?P<range>{MONTH_OR_SEASON}(?:\s+{YEAR})?\s+(?:through|to|until|till)\s+"
    rf"{MONTH_OR_SEASON}(?:\s+{YEAR})?)"
    rf"|between\s+(?P<b>{YEAR}\s+and\s+{YEAR})"
    rf"|(?:in|since|during|by|until|through|for|of)\s+(?:(?:early|late|mid)[\s-]+)?"
    rf"(?P<p>(?:{MONTHS})(?:\s+\d{{1,2}},?)?(?:\s+{YEAR})?|{YEAR}(?:\s*(?:-|–|and|to)\s*{YEAR})?)"
    rf"|(?:a|an|the|this|last)\s+(?P<adj>{MONTH_OR_SEASON})\s+(?:poll|survey|study|report)"
    rf"|(?P<rel>(?:last|this|next)\s+(?:year|month|week|quarter)|a\s+year\s+(?:earlier|ago)))\b"
)
YEAR_ONLY = re.compile(rf"\b{YEAR}\b")
#: Clause edges for the measure: strong punctuation, or a comma that opens a new clause.
CLAUSE_EDGE = re.compile(r"[;:()\[\]—–]|,\s+(?:and|but|while|whereas|compared)\b|\s-\s")
CLAUSE_EDGE_BEFORE = re.compile(r"[;:()\[\]—–]|\s-\s")
LEADING_JUNK = re.compile(
    r"^(?:[\s,]+|and\b|but\b|or\b|of\b|that\b|which\b|who\b|with\b|while\b|as\b|had\b|have\b)+",
    re.I,
)
TRAILING_JUNK = re.compile(
    r"(?:[\s,]+|\b(?:at|to|by|of|from|in|on|for|with|just|only|about|was|is|were|are|"
    r"and|but|or|the|a|an|that)\b)+$",
    re.I,
)
MAX_MEASURE_WORDS = 14
NAME = r"(?:[A-Z][\w.&'’-]*)(?:\s+(?:(?:of|for|and|on|de|the)\s+)*[A-Z][\w.&'’-]*)*"


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a paragraph with offsets; abbreviations ("U.S.", "Sen.") don't end one."""
    sentences, start = [], 0
    for boundary in re.finditer(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(]?[A-Z0-9])", text):
        word = re.search(r"([\w.]+)[.!?]$", text[start : boundary.start() + 1])
        token = word.group(1).lower() if word else ""
        if token in ABBREVIATIONS or len(token) == 1:
            continue
        end = boundary.start() + len(boundary.group().rstrip())
        sentences.append(Sentence(start, end, text[start:end]))
        start = boundary.end()
    if text[start:].strip():
        end = len(text.rstrip())
        sentences.append(Sentence(start, end, text[start:end]))
    return sentences


def measures(sentence: str, quantities: list[Quantity]) -> list[str | None]:
    """What each figure of one sentence measures (offsets relative to the sentence)."""
    found: list[str | None] = []
    for index, quantity in enumerate(quantities):
        left = quantities[index - 1].end if index else 0
        aside = re.match(r"\s*\([^)]*\)", sentence[quantity.end :])  # "10 million (25% of ...)"
        skip = quantity.end + (aside.end() if aside else 0)
        later = [q.start for q in quantities[index + 1 :] if q.start >= skip]
        right = later[0] if later else len(sentence)
        measure = _measure(sentence, quantity, left, right)
        if measure is None and found and quantities[index - 1].unit == quantity.unit:
            measure = found[-1]  # "73% wished to continue fighting in 2022, and 63% in 2023"
        found.append(measure)
    return found


def _measure(sentence: str, quantity: Quantity, left: int, right: int) -> str | None:
    after = _clause_after(sentence, quantity.end, right)
    before = _clause_before(sentence, left, quantity.start)
    first_word = after.split()[0].lower() if after.split() else ""
    if after.lower().startswith("of "):
        return _trim(after[3:])
    if quantity.kind == "count" and quantity.unit and quantity.unit in quantity.text.lower():
        measure = quantity.unit + (" " + after if after and first_word not in PREPOSITIONS else "")
        return _trim(measure)
    if after and first_word not in PREPOSITIONS and len(after.split()) >= 2:
        return _trim(after)
    if before and after:
        return _trim(f"{before} {after}")
    return _trim(before) if before else _trim(after)


PREPOSITIONS = frozenset(
    ["in", "at", "on", "for", "to", "from", "by", "since", "during", "under", "over", "with", "per"]
)


def _clause_after(sentence: str, start: int, limit: int) -> str:
    text = sentence[start:limit]
    text = re.sub(r"^\s*\([^)]*\)", "", text)  # "10 million (25% of the population) had"
    edge = CLAUSE_EDGE.search(text)
    if edge:
        text = text[: edge.start()]
    text = re.sub(r"[,.]\s*$", "", text)
    text = re.split(r",\s", text)[0] if not text.lstrip().lower().startswith("of ") else text
    text = _without_periods(text)
    text = TRAILING_JUNK.sub("", LEADING_JUNK.sub("", text))
    return text.strip(' ,.“”"')


def _clause_before(sentence: str, start: int, end: int) -> str:
    text = sentence[start:end]
    edges = list(CLAUSE_EDGE_BEFORE.finditer(text))
    if edges:
        text = text[edges[-1].end() :]
    if "," in text and not re.search(r"\b(?:of|in)\s+[A-Z]", text):
        text = text.rsplit(",", 1)[-1]
    text = _without_periods(text)
    text = re.sub(r"^\s*(?:according\s+to\s+" + NAME + r")", "", text)
    text = LEADING_JUNK.sub("", text)
    return TRAILING_JUNK.sub("", text).strip(' ,.“”"')


def _without_periods(text: str) -> str:
    return re.sub(r"\s+", " ", PERIOD.sub("", text)).strip()


def _trim(text: str) -> str | None:
    text = re.sub(r"[“”\"]", "", text)
    words = text.split()
    if not words:
        return None
    return " ".join(words[:MAX_MEASURE_WORDS]).rstrip(",;.")


def periods(sentence: str, quantities: list[Quantity]) -> list[str | None]:
    """The year or dates each figure refers to, when its sentence states them."""
    found = [
        (match.start(), match.end(), _period_text(match)) for match in PERIOD.finditer(sentence)
    ]
    if not found:
        return [None] * len(quantities)
    respective = _respectively(sentence, quantities, found)
    if respective is not None:
        return respective
    result: list[str | None] = []
    for index, quantity in enumerate(quantities):
        right = quantities[index + 1].start if index + 1 < len(quantities) else len(sentence)
        left = quantities[index - 1].end if index else 0
        after = [p for s, _, p in found if quantity.end <= s < right]
        before = [p for s, e, p in found if left <= s and e <= quantity.start]
        if after:
            result.append(after[0])
        elif before:
            result.append(before[-1])
        else:
            result.append(found[0][2] if len(found) == 1 else None)
    return result


def _period_text(match: re.Match[str]) -> str:
    for group in ("range", "b", "p", "adj", "rel"):
        if match[group]:
            return re.sub(r"\s+", " ", match[group]).strip(" ,")
    return match.group().strip()


def _respectively(
    sentence: str, quantities: list[Quantity], found: list[tuple[int, int, str]]
) -> list[str | None] | None:
    """ "92% and 93% in 2022 and 2023 respectively": the years go to the figures in order."""
    if "respectively" not in sentence:
        return None
    years = [year for _, _, period in found for year in YEAR_ONLY.findall(period)]
    last = max(start for start, _, _ in found)
    before = [q for q in quantities if q.end <= last]
    if len(years) < 2 or len(before) < len(years):
        return None
    tail = before[-len(years) :]
    mapping = {id(q): year for q, year in zip(tail, years, strict=True)}
    return [mapping.get(id(q)) for q in quantities]


@dataclass(frozen=True, slots=True)
class _SourcePatterns:
    according: re.Pattern[str]
    subject: re.Pattern[str]
    study_by: re.Pattern[str]
    named_study: re.Pattern[str]
    head_of: re.Pattern[str]
    reference: re.Pattern[str]


@cache
def _source_patterns() -> _SourcePatterns:
    words = figure_vocab().sources
    study = alternation(words["study_noun"])
    verbs = alternation(words["find_verb"])
    heads = alternation(words["head_noun"])
    return _SourcePatterns(
        according=re.compile(
            rf"\b[Aa]ccording\s+to\s+(?:(?:a|an|the)\s+)?(?:(?:new|recent|latest)\s+)?"
            rf"(?:(?:{study})\s+(?:by|from|of)\s+(?:the\s+)?)?(?P<src>{NAME})"
        ),
        subject=re.compile(
            rf"(?P<src>{NAME})\s+(?:(?:also|recently|has|have|had|just|then)\s+)*(?:{verbs})\b"
        ),
        study_by=re.compile(
            rf"\b(?:{study})\s+(?:(?:conducted|published|released|commissioned|carried\s+out)\s+)?"
            rf"(?:by|from)\s+(?:the\s+)?(?P<src>{NAME})"
        ),
        named_study=re.compile(rf"(?P<src>{NAME})(?:['’]s)?\s+(?:{study})\b"),
        head_of=re.compile(rf"^,\s+(?:the\s+)?(?:{heads})\s+of\s+(?:the\s+)?(?P<src>{NAME})"),
        reference=re.compile(rf"\b(?:{alternation(words['reference'])})\b", re.I),
    )


def sentence_sources(sentence: str) -> list[tuple[int, str]]:
    """Sources named in a sentence, with where each is named."""
    patterns = _source_patterns()
    found: list[tuple[int, str]] = []
    for pattern in (patterns.according, patterns.subject, patterns.study_by, patterns.named_study):
        for match in pattern.finditer(sentence):
            name = _clean_name(match["src"])
            if not name:
                continue
            head = patterns.head_of.match(sentence[match.end("src") :])
            if head:
                name = _clean_name(head["src"]) or name
            found.append((match.start("src"), name))
    return sorted(found)


def _clean_name(name: str) -> str | None:
    stops = figure_vocab().sources.get("name_stop", [])
    words = name.split()
    while words and words[0].lower().strip(".,") in stops:
        words.pop(0)
    while words and words[-1].lower() in ("of", "for", "and", "on", "de", "the"):
        words.pop()
    cleaned = " ".join(words).rstrip(".,'’")
    if cleaned.endswith(("U.N", "U.S", "U.K")):
        cleaned += "."
    return cleaned or None


def refers_back(sentence: str) -> bool:
    """The sentence points at a measurement named earlier ("the poll", "those polled")."""
    return _source_patterns().reference.search(sentence) is not None
