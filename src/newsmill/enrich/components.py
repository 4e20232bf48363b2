"""spaCy components newsmill adds to a pipeline, or swaps in for slow stock ones.

- `newsmill_paragraph_starts` starts a sentence at each paragraph of an article body.
- `newsmill_attributes` stands in for a stock `attribute_ruler`: the same rules and the
  same `set_annotations`, but matched by comparing arrays, not by spaCy's `Matcher`.
- `newsmill_lemmas` stands in for a stock rule or lookup `lemmatizer`: the same
  lemmatizer, asked once per distinct (text, POS, morphology).

On ~800-word news articles the two stock components took about a third of the pipeline's
time (the Matcher tries 179 rules at every token; the lemmatizer is a Python call per
token); the stand-ins take a few milliseconds and write the same values (the tests compare
them token by token). A component that is not the stock class, or a rule this module
cannot match with arrays, keeps the stock component: `swap_in` decides by name and type.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.tokens import Doc

PARAGRAPH_COMPONENT = "newsmill_paragraph_starts"
ATTRIBUTES_COMPONENT = "newsmill_attributes"
LEMMA_COMPONENT = "newsmill_lemmas"
#: Token attributes a rule may test that `Doc.to_array` reads exactly as the Matcher does.
ARRAY_ATTRS = frozenset(
    {
        "ORTH",
        "LOWER",
        "NORM",
        "SHAPE",
        "TAG",
        "POS",
        "DEP",
        "LEMMA",
        "IS_ALPHA",
        "IS_DIGIT",
        "IS_LOWER",
        "IS_UPPER",
        "IS_TITLE",
        "IS_PUNCT",
        "IS_SPACE",
        "LIKE_NUM",
    }
)


def register() -> None:
    """Make the components known to spaCy (once per process)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT in Language.factories:
        return
    Language.component(PARAGRAPH_COMPONENT, func=paragraph_starts)

    @Language.factory(ATTRIBUTES_COMPONENT)
    def make_attributes(nlp: Language, name: str) -> FastAttributes:
        ruler = cast("AttributeRuler", nlp.get_pipe("attribute_ruler"))
        rules = array_rules(ruler)
        if rules is None:
            raise ValueError("attribute_ruler has rules FastAttributes cannot match")
        return FastAttributes(ruler, rules)

    @Language.factory(LEMMA_COMPONENT)
    def make_lemmas(nlp: Language, name: str) -> FastLemmas:
        return FastLemmas(cast("Lemmatizer", nlp.get_pipe("lemmatizer")))


def swap_in(nlp: Language) -> None:
    """Put the stand-ins after the stock components they replace, and disable those."""
    if "attribute_ruler" in nlp.pipe_names and _is_stock(nlp, "attribute_ruler"):
        nlp.add_pipe(ATTRIBUTES_COMPONENT, after="attribute_ruler")
        nlp.disable_pipe("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names and _is_stock(nlp, "lemmatizer"):
        nlp.add_pipe(LEMMA_COMPONENT, after="lemmatizer")
        nlp.disable_pipe("lemmatizer")


def _is_stock(nlp: Language, name: str) -> bool:
    from spacy.pipeline import AttributeRuler, Lemmatizer

    component = nlp.get_pipe(name)
    if type(component) is AttributeRuler:
        return array_rules(component) is not None
    if not isinstance(component, Lemmatizer) or component.mode not in ("rule", "lookup"):
        return False
    method = f"{component.mode}_lemmatize"
    own = type(component)
    return own.__call__ is Lemmatizer.__call__ and getattr(own, method) is getattr(
        Lemmatizer, method
    )


def paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence after each space token holding a blank line (read off one array:
    making every Token is slow)."""
    from spacy.attrs import IS_SPACE

    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1])
    for i in spaces.tolist():
        if "\n\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


# --- lemmas ----------------------------------------------------------------------------


class FastLemmas:
    """The pipeline's own lemmatizer, called once per distinct (text, POS, morphology).

    spaCy's rule lemmatizer caches its answer on exactly that key and the lookup one reads
    the text alone, so this gives the same lemmas as running it on every token.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = _with_word_sets(lemmatizer)
        self.lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3:].copy()
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.lemmatizer.overwrite:
                continue  # set by the attribute ruler
            key = (orth, pos, morph)
            found = self.lemmas.get(key)
            if found is None:
                found = self.lemmas[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i, 0] = found
        doc.from_array([LEMMA], cast(Any, lemmas))
        return doc


def _with_word_sets(lemmatizer: Lemmatizer) -> Lemmatizer:
    """A copy of a rule lemmatizer whose word index holds sets instead of lists.

    For each new word the rule lemmatizer asks `form in index`, and the English index
    lists up to 57,000 words: 0.1 ms a question, a fifth of the pipeline's time on the
    first articles of a run. A set gives the same answers at once.
    """
    from spacy.lookups import Lookups, Table

    if lemmatizer.mode != "rule" or not lemmatizer.lookups.has_table("lemma_index"):
        return lemmatizer
    index = Table(name="lemma_index")
    for key, words in lemmatizer.lookups.get_table("lemma_index").items():
        index.set(key, frozenset(words))
    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        lookups.set_table(
            name, index if name == "lemma_index" else lemmatizer.lookups.get_table(name)
        )
    fast = copy.copy(lemmatizer)
    fast.lookups = lookups
    fast.lemmatize = fast.rule_lemmatize
    return fast


# --- attribute rules -------------------------------------------------------------------

#: A test on one column of the token array: the column values -> which tokens pass.
Test = Callable[[numpy.ndarray, "Doc"], numpy.ndarray]
#: Token attributes a rule may set that `Doc.from_array` writes exactly as the ruler does
#: (on the token alone: none of them is a lexeme attribute).
WRITE_ATTRS = ("LEMMA", "POS", "TAG", "DEP", "MORPH")


@dataclass(frozen=True, slots=True)
class ArrayRule:
    """One rule of an attribute ruler: its id, Matcher key, and its patterns as tests."""

    rule: int  # the ruler's attribute id: later rules win
    key: int  # the Matcher key, as `AttributeRuler.match` reports it
    patterns: tuple[tuple[tuple[tuple[int, Test], ...], ...], ...]  # pattern, token, test


class FastAttributes:
    """An AttributeRuler whose rules are matched and set with numpy.

    What each match sets is written into one array of the attributes rules set, match
    by match in the order the ruler's own `set_annotations` takes them (later rules win),
    and that array goes into the Doc at once: the same values, without a `Span` and two
    attribute writes per match.
    """

    def __init__(self, ruler: AttributeRuler, rules: list[ArrayRule]) -> None:
        from spacy.attrs import IDS

        self.ruler = ruler
        self.rules = rules
        self.attr_ids = [IDS[name] for name in sorted(ARRAY_ATTRS)]
        self.write_ids = [IDS[name] for name in WRITE_ATTRS]

    def __call__(self, doc: Doc) -> Doc:
        self.write(doc, self.match(doc))
        return doc

    def write(self, doc: Doc, matches: list[tuple[int, int, int, int]]) -> None:
        """Set what each match sets on its token, as `AttributeRuler.set_annotations`."""
        if not matches:
            return
        values = doc.to_array(self.write_ids)
        column = {attr: i for i, attr in enumerate(self.write_ids)}
        for rule, _, start, end in matches:
            index = self.ruler.indices[rule]
            token = start + index if index >= 0 else end + index
            for attr, value in self.ruler.attrs[rule].items():
                values[token, column[attr]] = value
        doc.from_array(self.write_ids, cast(Any, values))

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """What `AttributeRuler.match` returns: (rule, key, start, end), sorted."""
        if not len(doc):
            return []
        table = doc.to_array(self.attr_ids)
        matches = set()
        for rule in self.rules:
            for pattern in rule.patterns:
                for start in _starts(table, doc, pattern).tolist():
                    matches.add((rule.rule, rule.key, start, start + len(pattern)))
        return sorted(matches)


def _starts(
    table: numpy.ndarray, doc: Doc, pattern: tuple[tuple[tuple[int, Test], ...], ...]
) -> numpy.ndarray:
    """Token positions where the pattern's tokens all pass their tests."""
    length = table.shape[0] - len(pattern) + 1
    passed = numpy.ones(max(length, 0), dtype=bool)
    for offset, tests in enumerate(pattern):
        for column, test in tests:
            passed &= test(table[offset : offset + length, column], doc)
    return numpy.flatnonzero(passed)


def array_rules(ruler: AttributeRuler) -> list[ArrayRule] | None:
    """The ruler's rules as array tests, or None when one of them needs the Matcher or
    sets something `FastAttributes.write` cannot."""
    names = sorted(ARRAY_ATTRS)
    rules = []
    for rule, entry in enumerate(ruler.patterns):
        patterns = []
        for pattern in cast("list[list[dict[str, Any]]]", entry["patterns"]):
            tokens = [_token_tests(spec, names, ruler) for spec in pattern]
            if not tokens or any(tests is None for tests in tokens):
                return None
            if not _writable(ruler, rule, len(tokens)):
                return None
            patterns.append(tuple(t for t in tokens if t is not None))
        key = ruler.vocab.strings[str(rule)]
        rules.append(ArrayRule(rule, key, tuple(patterns)))
    return rules


def _writable(ruler: AttributeRuler, rule: int, length: int) -> bool:
    """Whether the rule sets only `WRITE_ATTRS`, on a token inside a match this long."""
    from spacy.attrs import IDS

    allowed = {IDS[name] for name in WRITE_ATTRS}
    index = ruler.indices[rule]
    return -length <= index < length and all(attr in allowed for attr in ruler.attrs[rule])


def _token_tests(
    spec: dict[str, Any], names: list[str], ruler: AttributeRuler
) -> tuple[tuple[int, Test], ...] | None:
    tests = []
    for attr, value in spec.items():
        name = "ORTH" if attr.upper() == "TEXT" else attr.upper()
        if name not in ARRAY_ATTRS:
            return None  # OP, extensions, MORPH, ENT_IOB, SENT_START...: keep the Matcher
        test = _value_test(value, ruler)
        if test is None:
            return None
        tests.append((names.index(name), test))
    return tuple(tests)


def _value_test(value: Any, ruler: AttributeRuler) -> Test | None:
    from spacy.strings import get_string_id

    if isinstance(value, bool):
        return _equals(int(value))
    if isinstance(value, int):
        return _equals(value)
    if isinstance(value, str):
        return _equals(ruler.vocab.strings.add(value))
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((predicate, argument),) = value.items()
    if predicate == "REGEX" and isinstance(argument, str):
        return _regex(re.compile(argument))
    if predicate in ("IN", "NOT_IN") and isinstance(argument, list):
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in argument):
            return None
        ids = numpy.array([get_string_id(v) for v in argument], dtype=numpy.uint64)
        return _member(ids, predicate == "IN")
    return None


def _equals(wanted: int) -> Test:
    return lambda column, doc: column == wanted


def _member(ids: numpy.ndarray, inside: bool) -> Test:
    return lambda column, doc: numpy.isin(column, ids) == inside


def _regex(pattern: re.Pattern[str]) -> Test:
    def test(column: numpy.ndarray, doc: Doc) -> numpy.ndarray:
        values = numpy.unique(column)
        strings = doc.vocab.strings
        hits = [v for v in values.tolist() if pattern.search(strings[v])]
        return numpy.isin(column, numpy.array(hits, dtype=numpy.uint64))

    return test
