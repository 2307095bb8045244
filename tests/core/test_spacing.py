"""Flashcard decks keep siblings (questions sharing a fact) apart."""

from studyapp.core.spacing import siblings, spaced


def test_siblings_share_any_fact():
    assert siblings({"a", "b"}, {"b"}) and not siblings({"a"}, {"b", "c"})


def test_a_fact_does_not_come_back_card_after_card():
    deck = [
        ("a1", {"a"}),
        ("a2", {"a"}),
        ("a3", {"a", "b"}),
        ("a4", {"a"}),
        ("b1", {"b"}),
        ("c1", {"c"}),
        ("d1", {"d"}),
        ("e1", {"e"}),
        ("f1", {"f"}),
    ]
    order = spaced(deck)
    assert sorted(order) == sorted(q for q, _ in deck)
    facts = dict(deck)
    for first, second in zip(order, order[1:], strict=False):
        assert not siblings(facts[first], facts[second]), order
    assert order[0] == "a1"  # otherwise the given order is kept


def test_a_deck_of_one_fact_keeps_its_order():
    assert spaced([("x", {"a"}), ("y", {"a"}), ("z", {"a"})]) == ["x", "y", "z"]
