from __future__ import annotations

from newsmill.enrich import aliases


def test_titles_are_stripped() -> None:
    assert aliases.strip_title("Sen. Rand Paul") == ("Sen.", "Rand Paul")
    assert aliases.strip_title("Secretary of State Antony J. Blinken")[1] == "Antony J. Blinken"
    assert aliases.strip_title("President Joe Biden")[1] == "Joe Biden"
    assert aliases.strip_title("Blinken") == ("", "Blinken")


def test_first_name_variants_agree_but_different_names_do_not() -> None:
    assert aliases.same_first("antony", "anthony")
    assert aliases.same_first("j", "joe")
    assert not aliases.same_first("joe", "hunter")
    assert not aliases.same_first("george", "laura")


def test_surname_resolves_to_the_one_full_name_in_the_article() -> None:
    resolved = aliases.resolve_people(["Antony J. Blinken", "Blinken", "Rand Paul", "Paul"])
    assert resolved["Blinken"] == "Antony J. Blinken"
    assert resolved["Paul"] == "Rand Paul"


def test_shared_surname_of_two_people_stays_unresolved() -> None:
    resolved = aliases.resolve_people(["George Bush", "Laura Bush", "Bush"])
    assert resolved["Bush"] == "Bush"
    assert resolved["Laura Bush"] == "Laura Bush"


def test_place_variants_come_from_the_table() -> None:
    assert aliases.canonical_place("Kiev") == "Kyiv"
    assert aliases.canonical_place("the United States") == "United States"
    assert aliases.entity_key("Kiev", "place") == aliases.entity_key("Kyiv", "place")
    assert aliases.entity_key("Anthony Blinken", "person") == "blinken"


def test_best_name_prefers_the_most_frequent_full_form() -> None:
    from collections import Counter

    forms = Counter({"Blinken": 9, "Antony Blinken": 3, "Antony J. Blinken": 1})
    assert aliases.best_name(forms) == "Antony Blinken"
