"""Named entities of an article body, repaired and aliased within the article.

The small English model cuts names in predictable ways: it tags "State" in "Secretary
of State" as an organisation and "J. Blinken" without the "Antony" before it. This module
repairs those cuts, strips titles off people's names (keeping the title to resolve "the
Secretary" later), and maps each surname to the full name it shortens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from newsmill.enrich import aliases, vocab
from newsmill.enrich.nlp import BodyText

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: spaCy labels we keep, and the entity type each becomes.
ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
#: A person name longer than this many words is a tagging error.
MAX_NAME_WORDS = 5
#: How many capitalised words before a person span may be added back to it.
MAX_LEFT_EXTENSION = 2


@dataclass(slots=True)
class LocalMention:
    """An entity mention in an article body (body offsets), with its in-article name."""

    start: int
    end: int
    text: str  # surface text, title stripped
    type: str  # person | organization | place | group
    name: str  # fullest name in this article (surname -> full name; variants -> canonical)
    title: str = ""  # the title written before a person ("Secretary of State")
    role: bool = False  # a role phrase standing for the person ("the Secretary")


def extract_mentions(body: BodyText, doc: Doc) -> list[LocalMention]:
    """Entities of one article body, repaired, title-stripped and aliased in the article."""
    titles = [(m.start(), m.end()) for m in aliases.title_anywhere().finditer(body.text)]
    mentions = [m for span in doc.ents for m in _mentions(body, span, titles)]
    mentions = _dedupe(mentions)
    _alias_people(mentions)
    _retype_surnames(mentions)
    mentions.extend(_role_mentions(body, mentions))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _mentions(body: BodyText, span: Span, titles: list[tuple[int, int]]) -> list[LocalMention]:
    type_ = ENTITY_TYPES.get(span.label_)
    if type_ is None:
        return []
    if type_ == "person" or _looks_like_person(span):
        mention = _person(body, span)
        return [mention] if mention else []
    for start, end in titles:
        if start <= span.start_char and span.end_char <= end:
            return []  # "State" of "Secretary of State"
        if start <= span.start_char < end < span.end_char:
            return _split_after_title(body, span, end)  # "Defense Lloyd Austin"
    return _split_possessive(body, span, type_)


def _looks_like_person(span: Span) -> bool:
    """An organisation tag on a name that an appositive calls a person ("X, head of ...")."""
    nouns = vocab.mapping("speaker_nouns.tsv")
    if not _name_shaped(span.text):
        return False
    return any(
        child.dep_ == "appos" and nouns.get(child.lemma_.lower()) == "person"
        for child in span.root.children
    )


def _name_shaped(text: str) -> bool:
    """Two or three capitalised words, none of them an organisation word."""
    words = text.split()
    org_words = vocab.words("org_words.txt")
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w.replace(".", "").replace("-", "").isalpha() for w in words)
        and not any(w.lower().strip(".") in org_words for w in words)
    )


def _surname_shaped(text: str) -> bool:
    """One capitalised word right after a title ("Secretary of State Blinken’s")."""
    word = aliases.clean_name(text)
    return (
        " " not in word and word[:1].isupper() and word.lower() not in vocab.words("org_words.txt")
    )


def _split_after_title(body: BodyText, span: Span, title_end: int) -> list[LocalMention]:
    tail = body.text[title_end : span.end_char].strip()
    if not (_name_shaped(tail) or _surname_shaped(tail)):
        return []
    start = span.end_char - len(tail)
    mention = _trimmed(body, start, span.end_char, "person", _title_before(body.text, start))
    return [mention] if mention else []


def _split_possessive(body: BodyText, span: Span, type_: str) -> list[LocalMention]:
    """ "the Quincy Institute’s Mark Episkopos": an organisation, then a person."""
    match = re.search(r"['’]s\s+", span.text)
    if match is None or not _name_shaped(span.text[match.end() :]):
        mention = _trimmed(body, span.start_char, span.end_char, type_)
        return [mention] if mention else []
    cut = span.start_char + match.start()
    head = _trimmed(body, span.start_char, cut, type_)
    tail = _trimmed(body, span.start_char + match.end(), span.end_char, "person")
    return [m for m in (head, tail) if m is not None]


def _trimmed(
    body: BodyText, start: int, end: int, type_: str, title: str = ""
) -> LocalMention | None:
    """Cut possessives and stray punctuation off a span; None if nothing name-like is left."""
    raw = body.text[start:end]
    text = aliases.clean_name(raw)
    if not text or not any(ch.isalpha() for ch in text):
        return None
    start += raw.find(text)
    end = start + len(text)
    if type_ == "person" and (len(text.split()) > MAX_NAME_WORDS or any(c.isdigit() for c in text)):
        return None
    name = text if type_ == "person" else aliases.canonical_place(text)
    return LocalMention(start, end, text, type_, name, title)


def _person(body: BodyText, span: Span) -> LocalMention | None:
    start = _extend_left(span)
    text = body.text[start : span.end_char]
    title, rest = aliases.strip_title(text)
    title = title or _title_before(body.text, start)
    start = span.end_char - len(rest) if rest else start
    if "\n" in rest:
        return None
    return _trimmed(body, start, span.end_char, "person", title)


def _extend_left(span: Span) -> int:
    """Add back capitalised name words the model left out ("Antony" of "Antony J. Blinken")."""
    doc, first = span.doc, span.start
    for _ in range(MAX_LEFT_EXTENSION):
        if first == 0:
            break
        token = doc[first - 1]
        if not (token.pos_ == "PROPN" and token.is_title and token.ent_type_ in ("", "PERSON")):
            break
        if aliases.title_pattern().match(token.text + " "):
            break
        first -= 1
    return doc[first].idx


def _title_before(text: str, start: int) -> str:
    """The title written right before a name ("Secretary of State Antony Blinken")."""
    window = text[max(0, start - 40) : start]
    last_words, titles = _titles_before()
    words = window.split()
    if not window[-1:].isspace() or not words or _bare(words[-1]) not in last_words:
        return ""  # no title can end this window: skip the patterns
    for title in titles:  # longest first: "Secretary of State" before "Secretary"
        match = title.search(window)
        if match:
            return match.group(1).strip()
    return ""


@lru_cache(maxsize=1)
def _titles_before() -> tuple[frozenset[str], list[re.Pattern[str]]]:
    """The last word of each title (dots dropped), and a pattern per title ending a window."""
    titles = vocab.ordered("titles.txt")
    patterns = [
        re.compile(r"(?:^|\s)(" + re.escape(t).replace(r"\.", r"\.?") + r"\s+$)", re.IGNORECASE)
        for t in titles
    ]
    return frozenset(_bare(title.split()[-1]) for title in titles), patterns


def _bare(word: str) -> str:
    return word.replace(".", "").lower()


def _dedupe(mentions: list[LocalMention]) -> list[LocalMention]:
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[LocalMention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _alias_people(mentions: list[LocalMention]) -> None:
    people = [m for m in mentions if m.type == "person"]
    resolved = aliases.resolve_people([m.text for m in people])
    titles: dict[str, str] = {}
    for mention in people:
        mention.name = resolved.get(mention.text, mention.text)
        if mention.title:
            titles.setdefault(mention.name, mention.title)
    for mention in people:
        mention.title = mention.title or titles.get(mention.name, "")


def _retype_surnames(mentions: list[LocalMention]) -> None:
    """A one-word place or organisation that is the surname of a person in the article."""
    people = {aliases.person_name(m.name).last: m.name for m in mentions if m.type == "person"}
    for mention in mentions:
        if mention.type != "person" and " " not in mention.text:
            name = people.get(aliases.fold(mention.text))
            if name:
                mention.type, mention.name = "person", name


def _role_mentions(body: BodyText, mentions: list[LocalMention]) -> list[LocalMention]:
    """ "the Secretary" -> the one person in the article who carried that title."""
    found: list[LocalMention] = []
    taken = [(m.start, m.end) for m in mentions]
    for role, title_words in vocab.table("roles.tsv"):
        holders = {
            m.name
            for m in mentions
            if m.type == "person" and _has_title(m.title, title_words.split(","))
        }
        if len(holders) != 1:
            continue
        name = holders.pop()
        for match in re.finditer(rf"\bthe {re.escape(role)}\b", body.text, flags=re.IGNORECASE):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if not body.text[match.start() + 4].isupper() and role != "secretary":
                continue
            text = match.group(0)
            found.append(LocalMention(match.start(), match.end(), text, "person", name, role, True))
    return found


def _has_title(title: str, title_words: list[str]) -> bool:
    folded = title.lower()
    return any(word.strip() and word.strip() in folded for word in title_words)
