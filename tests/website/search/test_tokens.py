"""How text becomes index words and queries become lookups."""

from __future__ import annotations

from catgen.website.search.tokens import EXACT, KEYWORD, NAME, PREFIX, TEXT, add, query_words, words


def test_a_reference_is_kept_whole_with_its_tails_and_parts():
    assert words("uses model:credit-risk@3.") == {
        "uses", "model:credit-risk@3", "credit-risk@3", "3", "model", "credit", "risk"}


def test_an_address_keeps_its_domain_and_plain_text_has_no_compounds():
    assert {"alice@contoso.com", "contoso.com", "alice", "contoso", "com"} == words("Alice@Contoso.com")
    assert words("plain words only") == {"plain", "words", "only"}
    assert words(None) == set() and words({"a": 1}) == set()


def test_case_and_accents_fold_alike_in_text_and_queries():
    assert words("Modèle de crédit, Straße") == {"modele", "de", "credit", "strasse"}
    assert query_words("MODÈLE Crédit-Risk") == ["modele", "credit-risk"]
    assert words("Δοκιμή 模型 ok") == {"ok"}  # other scripts are not indexed


def test_query_words_stay_whole_and_in_order():
    assert query_words("Credit-Risk 3") == ["credit-risk", "3"]
    assert query_words("  ") == []


def test_add_keeps_the_best_class_of_a_word():
    found = {}
    add(found, "credit risk", TEXT)
    add(found, "credit", KEYWORD)
    add(found, "risk", TEXT)
    assert found == {"credit": KEYWORD, "risk": TEXT}


def test_both_weight_rows_fall_with_the_class_so_one_order_serves_both():
    assert list(EXACT) == sorted(EXACT, reverse=True) and list(PREFIX) == sorted(PREFIX, reverse=True)
    assert EXACT[NAME] > PREFIX[NAME] > EXACT[KEYWORD]  # exact name, then name prefix, then other fields
