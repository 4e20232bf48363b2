"""Direct and indirect quotes in an article body, with their speakers.

Direct quotes are found from quote marks on the text itself, paragraph by paragraph, so
they may span paragraphs (a paragraph that opens a quote without closing it continues
into the next one that opens with a quote mark). Speakers come from the dependency parse:
the subject of the nearest speech verb outside the quote, or of the clause the quote
hangs on, or "according to X". Indirect quotes are clausal complements of speech verbs.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy

from newsmill.enrich import vocab
from newsmill.enrich.entities import LocalMention
from newsmill.enrich.nlp import PARAGRAPH_SEPARATOR, BodyText

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Marks that open or close a double quotation. Straight marks alternate.
OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
STRAIGHT_MARKS = '"'
ANY_MARK = re.compile(f"[{OPENING_MARKS}{CLOSING_MARKS}{STRAIGHT_MARKS}]")
#: A quote with fewer words and no speech cue is a scare quote, not a quotation.
MIN_UNATTRIBUTED_WORDS = 4
#: A quoted run of this many capitalised words or fewer is a title or name, not a quote.
MAX_TITLE_WORDS = 5
#: How many tokens from a subjectless speech verb a named speaker may stand.
NEAR_VERB_TOKENS = 6
#: A dash after a quote introduces its speaker ("“...” ― Krystal Correa").
DASH_SPEAKER = re.compile(r"[ \t]*[―—–-]+[ \t]*(\S[^\n]*)")
#: Dependency labels of subjects.
SUBJECTS = ("nsubj", "nsubjpass", "csubj")
#: Labels we climb from a subjectless speech verb to find who speaks ("..., adding that").
CLIMB_DEPS = (
    "advcl",
    "xcomp",
    "pcomp",
    "prep",
    "conj",
    "ccomp",
    "acl",
    "relcl",
    "parataxis",
    "acomp",
)
#: Labels under which a speech verb is an adjective, not a cue ("the written response").
NON_CUE_DEPS = ("amod", "compound", "nmod")
#: Relative pronouns: the speaker is the noun the relative clause hangs on.
RELATIVE_TAGS = ("WDT", "WP")
#: How many heads to climb at most.
MAX_CLIMB = 4
#: Pronouns and the kinds of antecedent they take.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them", "we"})
THING_PRONOUNS = frozenset({"it"})
#: Determiners that make a role noun anonymous ("one U.S. official", "a spokesman").
INDEFINITE = frozenset({"a", "an", "one", "some", "another", "several", "two", "three"})
#: How far back (characters) a pronoun or role noun may look for the person it stands for.
ANTECEDENT_WINDOW = 1500


@dataclass(slots=True)
class Speaker:
    start: int  # body offsets of the mention as written ("he", "the diplomat", "Blinken")
    end: int
    text: str
    type: str  # person | organization | document | group | anonymous | unknown
    name: str | None = None  # in-article name of the person or body it stands for
    mention: LocalMention | None = None


@dataclass(slots=True)
class FoundQuote:
    """A quote in body offsets, before it is mapped to the page and the corpus."""

    start: int
    end: int
    kind: str  # direct | indirect | mixed
    cue: Token | None = None
    speaker: Speaker | None = None
    marks: list[tuple[int, int]] = field(default_factory=list)  # quoted pieces inside


# --- quote marks -------------------------------------------------------------------


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted content (inside the marks), continuing across paragraphs."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    paragraphs = _paragraph_bounds(text)
    for index, (start, end) in enumerate(paragraphs):
        for mark in ANY_MARK.finditer(text, start, end):  # other characters change nothing
            i, char = mark.start(), mark.group()
            if char in OPENING_MARKS or (open_at is None and _opens(text, i, start)):
                if open_at is None or text[start:i].strip():
                    open_at = i + 1  # else: a continued quote re-opens its new paragraph
            elif (char in CLOSING_MARKS or char in STRAIGHT_MARKS) and open_at is not None:
                spans.append((open_at, i))
                open_at = None
        if open_at is not None and not _opens_with_quote(text, paragraphs, index + 1):
            spans.append((open_at, end))  # unclosed at the end of a paragraph: close it
            open_at = None
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _opens(text: str, i: int, paragraph_start: int) -> bool:
    """A straight mark, or a closing mark used as an opening one (after a space, before a word)."""
    if text[i] in STRAIGHT_MARKS:
        return True
    before = text[i - 1] if i > paragraph_start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return text[i] in CLOSING_MARKS and before.isspace() and after.isalnum()


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for chunk in text.split(PARAGRAPH_SEPARATOR):
        bounds.append((start, start + len(chunk)))
        start += len(chunk) + len(PARAGRAPH_SEPARATOR)
    return bounds


def _opens_with_quote(text: str, paragraphs: list[tuple[int, int]], index: int) -> bool:
    if index >= len(paragraphs):
        return False
    start, end = paragraphs[index]
    head = text[start:end].lstrip()
    return bool(head) and (head[0] in OPENING_MARKS or head[0] in STRAIGHT_MARKS)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return start, end


# --- the main entry ----------------------------------------------------------------


def extract_quotes(body: BodyText, doc: Doc, mentions: list[LocalMention]) -> list[FoundQuote]:
    """All quotes of one article body, direct ones first resolved, then indirect ones."""
    spans = quoted_spans(body.text)
    inside = _inside_mask(len(body.text), spans)
    direct = [_direct(doc, body.text, span, inside) for span in spans]
    _share_speakers(doc, direct)
    kept = [q for q in direct if _is_quotation(body.text, q)]
    indirect = _indirect(doc, body.text, inside)
    quotes = _merge_mixed(kept, indirect)
    for quote in quotes:
        if quote.speaker is not None:
            _resolve(body, doc, quote.speaker, mentions, inside)
    return sorted(quotes, key=lambda q: q.start)


def _inside_mask(length: int, spans: list[tuple[int, int]]) -> bytearray:
    mask = bytearray(length + 1)
    for start, end in spans:
        mask[max(start - 1, 0) : end + 1] = b"\x01" * (end + 1 - max(start - 1, 0))
    return mask


def _is_quotation(text: str, quote: FoundQuote) -> bool:
    """Not a scare quote (short, no speaker) nor a title ("Fox News Sunday")."""
    words = text[quote.start : quote.end].split()
    if len(words) <= MAX_TITLE_WORDS and all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return False
    return quote.speaker is not None or len(words) >= MIN_UNATTRIBUTED_WORDS


# --- direct quotes -----------------------------------------------------------------


def _direct(doc: Doc, text: str, span: tuple[int, int], inside: bytearray) -> FoundQuote:
    quote = FoundQuote(span[0], span[1], "direct", marks=[span])
    verb = _nearest_cue(doc, span, inside)
    if verb is None:
        verb = _colon_clause(doc, text, span, inside)
    if verb is not None:
        quote.cue = verb
        quote.speaker = _speaker_of(verb, inside)
    if quote.speaker is None:
        quote.speaker = _according_to(doc, text, span, inside)
    if quote.speaker is None:
        quote.speaker = _dash_speaker(text, span)
    return quote


def _dash_speaker(text: str, span: tuple[int, int]) -> Speaker | None:
    """`“...” ― Name, place` at the end of a paragraph."""
    close = span[1] + 1
    match = DASH_SPEAKER.match(text, close)
    if match is None:
        return None
    start = match.start(1)
    end = start + len(match.group(1).split(",")[0].rstrip())
    return Speaker(start, end, text[start:end], "unknown")


def _sentences_of(doc: Doc, span: tuple[int, int]) -> list[Span]:
    first = doc.char_span(span[0], span[0] + 1, alignment_mode="expand")
    last = doc.char_span(max(span[1] - 1, span[0]), span[1], alignment_mode="expand")
    sents = []
    for piece in (first, last):
        if piece is not None and piece.sent not in sents:
            sents.append(piece.sent)
    return sents


def _nearest_cue(doc: Doc, span: tuple[int, int], inside: bytearray) -> Token | None:
    verbs = vocab.words("speech_verbs.txt")
    best: tuple[int, Token] | None = None
    for sent in _sentences_of(doc, span):
        for token in sent:
            if inside[token.idx] or not _is_cue(token, verbs):
                continue
            distance = span[0] - token.idx if token.idx < span[0] else token.idx - span[1]
            if best is None or distance < best[0]:
                best = (distance, token)
    return best[1] if best else None


def _is_cue(token: Token, verbs: frozenset[str]) -> bool:
    """A speech verb used as a verb (not "the written response")."""
    return (
        token.lemma_.lower() in verbs
        and token.pos_ in ("VERB", "AUX")
        and token.dep_ not in NON_CUE_DEPS
    )


def _colon_clause(doc: Doc, text: str, span: tuple[int, int], inside: bytearray) -> Token | None:
    """A quote hanging on a clause (`X highlighted a decline: “...”`): the clause's verb."""
    for sent in _sentences_of(doc, span):
        root = sent.root
        subject = _subject(root)
        if inside[root.idx] or root.pos_ not in ("VERB", "AUX") or subject is None:
            continue
        before = text[max(span[0] - 4, sent.start_char) : span[0]]
        named = subject.ent_type_ == "PERSON" or subject.lower_ in PERSON_PRONOUNS
        if ":" in before or (named and _long_enough(text, span)):
            return root
    return None


def _long_enough(text: str, span: tuple[int, int]) -> bool:
    return len(text[span[0] : span[1]].split()) >= MIN_UNATTRIBUTED_WORDS


def _according_to(doc: Doc, text: str, span: tuple[int, int], inside: bytearray) -> Speaker | None:
    for sent in _sentences_of(doc, span):
        speaker = _according_in(text, sent, inside)
        if speaker is not None:
            return speaker
    return None


def _according_in(text: str, sent: Span, inside: bytearray) -> Speaker | None:
    lowered = text[sent.start_char : sent.end_char].lower()
    for phrase in vocab.ordered("cue_phrases.txt"):
        at = lowered.find(phrase + " ")
        if at < 0 or inside[sent.start_char + at]:
            continue
        after = sent.doc.char_span(
            sent.start_char + at + len(phrase) + 1, sent.end_char, alignment_mode="expand"
        )
        if after is None:
            continue
        objects = [t for t in after if t.dep_ == "pobj" and t.head.i == after.start - 1]
        named = [t for t in after[:8] if t.ent_type_ in ("PERSON", "ORG")]
        nouns = [t for t in after if t.pos_ in ("PROPN", "NOUN", "PRON")]
        for token in objects or named or nouns[:1]:
            return _mention_of(token, inside)
    return None


def _share_speakers(doc: Doc, quotes: list[FoundQuote]) -> None:
    """A quote with no cue of its own continues the quote just before it.

    That is the quote in the same sentence (`“...” that would “...”`) or the quote right
    after the sentence that attributed the one before (`“...,” said X. “...”`).
    """
    starts = [sent.start_char for sent in doc.sents]
    for previous, quote in itertools.pairwise(quotes):
        if quote.speaker is not None or previous.speaker is None:
            continue
        sentence = bisect.bisect_right(starts, quote.start)
        gap = sentence - bisect.bisect_right(starts, previous.end)
        opens_sentence = quote.start - starts[sentence - 1] <= 2
        if gap == 0 or (gap == 1 and opens_sentence):
            quote.speaker = previous.speaker
            quote.cue = previous.cue


# --- speakers ------------------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    """The verb's subject; of two (a parse error), the one nearest the verb."""
    subjects = [child for child in verb.children if child.dep_ in SUBJECTS]
    return min(subjects, key=lambda child: abs(child.i - verb.i)) if subjects else None


def _speaker_of(verb: Token, inside: bytearray) -> Speaker | None:
    """The subject of a speech verb, climbing to the clause it hangs on when it has none."""
    token = verb
    for _ in range(MAX_CLIMB):
        subject = _subject(token)
        if subject is not None and subject.tag_ in RELATIVE_TAGS and token.dep_ == "relcl":
            return _mention_of(token.head, inside)
        if subject is not None and not inside[subject.idx]:
            return _mention_of(subject, inside)
        agent = _agent(token)
        if agent is not None:
            return _mention_of(agent, inside)
        if token.dep_ in ("acl", "relcl") and not inside[token.head.idx]:
            return _mention_of(token.head, inside)
        if token.dep_ not in CLIMB_DEPS or token.head is token:
            break
        token = token.head
    return _named_near(verb, inside)


def _named_near(verb: Token, inside: bytearray) -> Speaker | None:
    """A parse that lost the subject: the nearest person or body named next to the verb."""
    sent = verb.sent
    near = [
        t
        for t in sent
        if t.ent_type_ in ("PERSON", "ORG")
        and not inside[t.idx]
        and abs(t.i - verb.i) <= NEAR_VERB_TOKENS
    ]
    if not near:
        return None
    return _mention_of(min(near, key=lambda t: abs(t.i - verb.i)), inside)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _mention_of(token: Token, inside: bytearray) -> Speaker:
    """The words that name the speaker: the entity around the token, else its phrase."""
    doc = token.doc
    named = [c for c in token.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
    if named and not token.ent_type_:  # "The ambassador, Peter Lind, insisted"
        token = named[0]
    if token.ent_type_:
        ent = _entity_around(token)
        return Speaker(ent.start_char, ent.end_char, ent.text, "unknown")
    if token.pos_ == "PRON":
        return Speaker(token.idx, token.idx + len(token.text), token.text, "unknown")
    left = token.left_edge.i
    right = token.i
    for child in token.rights:  # keep "of the diplomats", drop relative clauses
        if child.dep_ == "prep" and not inside[child.idx]:
            right = max(right, child.right_edge.i)
    right = min(right, token.i + 6)
    while left < token.i and inside[doc[left].idx]:
        left += 1
    span = doc[left : right + 1]
    return Speaker(span.start_char, span.end_char, span.text, "unknown")


def _entity_around(token: Token) -> Span:
    """The entity span a token tagged with an entity type belongs to."""
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _resolve(
    body: BodyText, doc: Doc, speaker: Speaker, mentions: list[LocalMention], inside: bytearray
) -> None:
    """Name and classify a speaker mention: entity, pronoun, role noun, or unnamed."""
    span = doc.char_span(speaker.start, speaker.end, alignment_mode="expand")
    if span is None:
        return
    head = span.root
    entity = _overlapping(mentions, head.idx, head.idx + len(head.text))
    if entity is not None:
        speaker.start, speaker.end, speaker.text = entity.start, entity.end, entity.text
        speaker.type = "person" if entity.type == "person" else _entity_speaker_type(entity)
        speaker.name = entity.name
        speaker.mention = entity
        return
    lowered = head.text.lower()
    if head.pos_ == "PRON":
        _resolve_pronoun(speaker, lowered, mentions, inside)
        return
    _resolve_noun(speaker, span, head, mentions, inside)


def _entity_speaker_type(entity: LocalMention) -> str:
    return {"organization": "organization", "place": "organization", "group": "group"}.get(
        entity.type, "unknown"
    )


def _overlapping(mentions: list[LocalMention], start: int, end: int) -> LocalMention | None:
    for mention in mentions:
        if mention.start < end and start < mention.end:
            return mention
    return None


def _resolve_pronoun(
    speaker: Speaker, pronoun: str, mentions: list[LocalMention], inside: bytearray
) -> None:
    if pronoun in PERSON_PRONOUNS:
        wanted: tuple[str, ...] = ("person",)
    elif pronoun in GROUP_PRONOUNS:
        wanted = ("organization", "group")
    elif pronoun in THING_PRONOUNS:
        wanted = ("organization",)
    else:
        return  # "I", "you": the author or the reader, not resolved
    antecedent = _antecedent(mentions, speaker.start, wanted, inside)
    if antecedent is None:
        speaker.type = "person" if wanted == ("person",) else "group"
        return
    speaker.name = antecedent.name
    speaker.mention = antecedent
    speaker.type = "person" if antecedent.type == "person" else _entity_speaker_type(antecedent)


def _antecedent(
    mentions: list[LocalMention], before: int, types: tuple[str, ...], inside: bytearray
) -> LocalMention | None:
    for mention in reversed(mentions):
        if mention.start >= before or before - mention.start > ANTECEDENT_WINDOW:
            continue
        if mention.type in types and not inside[mention.start]:
            return mention
    return None


def _resolve_noun(
    speaker: Speaker, span: Span, head: Token, mentions: list[LocalMention], inside: bytearray
) -> None:
    nouns = vocab.mapping("speaker_nouns.tsv")
    noun = _role_noun(span, head)
    kind = nouns.get(noun.lemma_.lower()) or nouns.get(noun.text.lower())
    determiners = {t.text.lower() for t in span if t.dep_ in ("det", "nummod") or t.i == span.start}
    plural = noun.tag_ in ("NNS", "NNPS")
    if kind is None and (head.like_num or head.text.endswith("%")):
        speaker.type = "group"  # "52% of those polled"
        return
    if kind is None:
        speaker.type = "organization" if head.pos_ == "PROPN" else "unknown"
        return
    if kind == "person" and (determiners & INDEFINITE or head.lemma_.lower() == "one"):
        speaker.type = "anonymous"
    elif kind == "person" and plural:
        speaker.type = "group"
    elif kind == "person":
        speaker.type = "person"
        antecedent = _antecedent(mentions, speaker.start, ("person",), inside)
        if antecedent is not None:  # "the diplomat" -> the person last named
            speaker.name = antecedent.name
            speaker.mention = antecedent
    else:
        speaker.type = kind


def _role_noun(span: Span, head: Token) -> Token:
    """The noun that says what the speaker is; for "one of the diplomats", "diplomats"."""
    if head.lower_ in INDEFINITE or head.pos_ == "NUM":
        for child in head.children:
            if child.dep_ == "prep":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
    return head


# --- indirect and mixed quotes -------------------------------------------------------


def _indirect(doc: Doc, text: str, inside: bytearray) -> list[FoundQuote]:
    """`X said (that) ...`, `X told Y that ...`, and `according to X, ...`."""
    verbs = vocab.words("speech_verbs.txt")
    found: list[FoundQuote] = []
    for token in _verbs(doc):
        if token.lemma_.lower() not in verbs or inside[token.idx]:
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if clause is None:
            continue
        speaker = _speaker_of(token, inside)
        if speaker is None:
            continue
        start, end = _clause_bounds(clause, token)
        if end - start < 3:
            continue
        found.append(FoundQuote(start, end, "indirect", cue=token, speaker=speaker))
    found.extend(_according_quotes(doc, text, inside))
    return found


def _verbs(doc: Doc) -> Iterator[Token]:
    """Tokens tagged VERB or AUX (read off one array: making every Token is slow)."""
    from spacy.symbols import AUX, POS, VERB

    tags = doc.to_array(POS)
    for i in (numpy.flatnonzero((tags == VERB) | (tags == AUX))).tolist():
        yield doc[i]


def _clause_bounds(clause: Token, verb: Token) -> tuple[int, int]:
    doc = clause.doc
    left, right = clause.left_edge.i, clause.right_edge.i
    if left < verb.i < right:  # the cue sits inside the clause: keep the side after it
        left = verb.i + 1
    while left < right and (doc[left].is_punct or doc[left].lower_ == "that" or doc[left].is_space):
        left += 1
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def _according_quotes(doc: Doc, text: str, inside: bytearray) -> list[FoundQuote]:
    found = []
    for sent in doc.sents:
        speaker = _according_in(text, sent, inside)
        if speaker is None:
            continue
        start, end = sent.start_char, sent.end_char
        if speaker.end < end and speaker.start - start < 20:
            start = speaker.end  # "According to X, the clause..."
        else:
            end = speaker.start
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        while start < end and text[end - 1 - 12 : end].lower().endswith("according to"):
            end -= len("according to")
        if end - start >= 10:
            found.append(FoundQuote(start, end, "indirect", speaker=speaker))
    return found


def _merge_mixed(direct: list[FoundQuote], indirect: list[FoundQuote]) -> list[FoundQuote]:
    """An indirect clause that contains quoted words becomes one mixed quote."""
    result: list[FoundQuote] = []
    used: set[int] = set()
    for quote in indirect:
        inner = [
            i for i, d in enumerate(direct) if quote.start <= d.start and d.end <= quote.end + 1
        ]
        overlapping = [
            i for i, d in enumerate(direct) if d.start < quote.end and quote.start < d.end
        ]
        if not overlapping:
            result.append(quote)
            continue
        if not inner or _covers(direct, inner, quote):
            continue  # the clause is the quotation itself: the direct quote stands
        quote.kind = "mixed"
        quote.marks = [direct[i].marks[0] for i in inner]
        used.update(inner)
        result.append(quote)
    result.extend(d for i, d in enumerate(direct) if i not in used)
    return result


def _covers(direct: list[FoundQuote], inner: list[int], quote: FoundQuote) -> bool:
    quoted = sum(direct[i].end - direct[i].start for i in inner)
    return quoted >= 0.7 * (quote.end - quote.start)


#: Used by the benchmark to tell direct content from paraphrase.
QUOTE_MARK = re.compile(f"[{OPENING_MARKS}{CLOSING_MARKS}{STRAIGHT_MARKS}]")
