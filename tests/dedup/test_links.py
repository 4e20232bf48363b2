"""Linking and clustering on made-up articles (in memory)."""

from __future__ import annotations

import random

import numpy as np

from newsmill.dedup import cluster_articles
from newsmill.dedup.lsh import band_keys, candidate_pairs
from newsmill.dedup.normalize import shingles, words
from newsmill.dedup.signatures import estimated_jaccard, sign
from newsmill.model import Article, Part
from newsmill.options import DedupOptions

from .helpers import body, paragraphs, run, same, text


def noisy(source: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    out = []
    for word in source.split(" "):
        if rng.random() < rate and len(word) > 3:
            i = rng.randrange(1, len(word) - 1)
            word = word[:i] + word[i + 1 :]
        out.append(word)
    return " ".join(out)


def test_exact_copy_with_other_quotes_dashes_and_spacing() -> None:
    copy = body("budget_a").replace("“", '"').replace("”", '"').replace("’", "'")
    copy = copy.replace(" ", "  ").upper()
    members, links = run(text("a", body("budget_a")), text("a2", copy))
    assert same(members, "a", "a2")
    assert [link.kind for link in links] == ["exact"]
    assert members["a2"].kind in ("exact", "canonical")


def test_noisy_copy_is_a_near_duplicate() -> None:
    members, links = run(text("a", body("budget_a")), text("a2", noisy(body("budget_a"), 0.02, 1)))
    assert same(members, "a", "a2")
    assert links[0].kind == "near" and 0.7 <= links[0].score < 1.0


def test_abridged_copy_is_contained() -> None:
    short = "\n".join(paragraphs("budget_a")[i] for i in (0, 1, 3, 6))
    members, _ = run(text("a", body("budget_a")), text("short", short, partial=True))
    assert same(members, "a", "short")
    assert members["a"].canonical
    assert members["short"].kind == "contained" and members["short"].score >= 0.9


def test_teaser_attaches_to_its_article() -> None:
    teaser = paragraphs("storm")[0] + " Read more"
    members, _ = run(
        text("storm", body("storm")),
        text("t", teaser, partial=True, title=False),
        text("a", body("budget_a")),
    )
    assert same(members, "storm", "t")
    assert not same(members, "t", "a")
    assert members["storm"].canonical and not members["t"].canonical
    assert members["t"].kind == "contained" and members["t"].matched_with == "storm"
    assert members["t"].score == 1.0


def test_article_embedded_in_a_larger_page() -> None:
    page = "\n".join(
        [
            "Most read today",
            *paragraphs("budget_b")[:2],
            body("storm"),
            "Sign up for our newsletter",
        ]
    )
    members, _ = run(text("storm", body("storm")), text("page", page, title=False))
    assert same(members, "storm", "page")
    assert members["storm"].canonical  # the page has no title
    assert members["page"].kind == "contains"


def test_same_story_different_articles_stay_apart() -> None:
    """budget_a and budget_b report one story and quote the mayor with the same sentence."""
    members, links = run(text("a", body("budget_a")), text("b", body("budget_b")))
    assert not same(members, "a", "b")
    assert links == []
    left, right = (set(shingles(words(body(n)), 5)) for n in ("budget_a", "budget_b"))
    assert len(left & right) > 0  # they do share shingles (the quote)


def test_teaser_of_a_quote_goes_to_its_own_article() -> None:
    """A teaser made of the quoted sentence sits inside both budget articles: it must join
    only one, and must not bridge them."""
    teaser = paragraphs("budget_a")[1] + " Continue reading"
    members, _ = run(
        text("a", body("budget_a")), text("b", body("budget_b")), text("t", teaser, partial=True)
    )
    assert not same(members, "a", "b")
    assert same(members, "t", "a") or same(members, "t", "b")


def test_page_of_teasers_never_chains_articles() -> None:
    leads = [paragraphs(name)[0] for name in ("budget_a", "budget_b", "storm")]
    listing = "\n".join(f"{lead} Read more" for lead in leads)
    teasers = [text(f"t{i}", f"{lead} Read more", partial=True) for i, lead in enumerate(leads)]
    members, _ = run(
        text("a", body("budget_a")),
        text("b", body("budget_b")),
        text("storm", body("storm")),
        text("listing", listing, title=False),
        *teasers,
    )
    assert len({members[i].cluster for i in ("a", "b", "storm", "listing")}) == 4
    assert same(members, "t0", "a") and same(members, "t1", "b") and same(members, "t2", "storm")


def test_page_of_teasers_without_their_articles_stays_apart() -> None:
    leads = [paragraphs(name)[0] for name in ("budget_a", "budget_b", "storm")]
    listing = "\n".join(f"{lead} Read more" for lead in leads)
    teasers = [text(f"t{i}", f"{lead} Read more", partial=True) for i, lead in enumerate(leads)]
    members, _ = run(text("listing", listing, title=False), *teasers)
    assert len({members[f"t{i}"].cluster for i in range(3)}) == 3


def test_two_articles_glued_together_join_one_story_only() -> None:
    glued = body("budget_a") + "\n" + body("storm")
    members, _ = run(
        text("a", body("budget_a")), text("storm", body("storm")), text("glued", glued)
    )
    assert not same(members, "a", "storm")


def test_canonical_prefers_complete_titled_copy() -> None:
    first = paragraphs("budget_a")[0]
    members, _ = run(
        text("teaser", first + " Read more", partial=True, title=False),
        text("untitled", body("budget_a"), title=False),
        text("full", body("budget_a")),
    )
    assert members["full"].canonical
    assert {m.cluster for m in members.values()} == {"teaser"}  # id of the first member
    assert members["untitled"].kind == "exact" and members["teaser"].kind == "contained"


def test_short_texts_are_never_linked() -> None:
    members, _ = run(text("x", "Read more here"), text("y", "Read more here"))
    assert not same(members, "x", "y")


def test_every_text_gets_a_cluster() -> None:
    members, _ = run(*(text(n, body(n)) for n in ("budget_a", "budget_b", "storm")))
    assert len(members) == 3 and all(m.canonical for m in members.values())


def test_estimated_jaccard_tracks_true_jaccard() -> None:
    options = DedupOptions()
    source = body("budget_a")
    variants = [noisy(source, rate, seed) for seed, rate in enumerate((0.02, 0.05, 0.1, 0.2))]
    signed = sign([source, *variants], options)
    base = set(shingles(words(source), options.shingle_words))
    for i, variant in enumerate(variants, start=1):
        other = set(shingles(words(variant), options.shingle_words))
        true = len(base & other) / len(base | other)
        assert abs(estimated_jaccard(signed.minhash[0], signed.minhash[i]) - true) < 0.15


def test_lsh_finds_near_copies_and_skips_unrelated() -> None:
    options = DedupOptions()
    texts = [body("budget_a"), noisy(body("budget_a"), 0.02, 3), body("budget_b"), body("storm")]
    signed = sign(texts, options)
    pairs = candidate_pairs(band_keys(signed.minhash, options.bands)).tolist()
    assert [0, 1] in pairs
    assert all(pair == [0, 1] for pair in pairs)


def test_winnowing_finds_a_short_lead() -> None:
    options = DedupOptions()
    lead = " ".join(body("storm").split()[:20])
    signed = sign([body("storm"), lead], options)
    assert len(np.intersect1d(signed.fingerprint_set(0), signed.fingerprint_set(1))) >= 1


def test_cluster_articles_on_model_records() -> None:
    def article(article_id: str, paras: list[str], title: str | None, partial: bool) -> Article:
        parts = [Part("body", i + 1, i + 1, 0, len(p), p) for i, p in enumerate(paras)]
        return Article(article_id, "sha", 0, parts=parts, title=title, partial=partial)

    records = [
        article("full", paragraphs("storm"), "Storm knocks out power", False),
        article("teaser", paragraphs("storm")[:1], None, True),
        article("other", paragraphs("budget_b"), "Residents question", False),
    ]
    members, stats = cluster_articles(records, DedupOptions())
    by_id = {m.article: m for m in members}
    assert by_id["teaser"].cluster == by_id["full"].cluster != by_id["other"].cluster
    assert by_id["full"].canonical and stats.contained == 1
