"""The question engine and its item-writing checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from studyapp.core.essay import load_essay
from studyapp.core.facts import load_facts
from studyapp.core.questions import Question, QuestionType, Source, generate_bank, seed_bank
from studyapp.core.questions.checks import problems_with

ESSAY = load_essay()
FACTS = load_facts()
BANK = seed_bank()
ALL_TYPES = set(QuestionType)


def test_the_seed_bank_has_no_rejected_item():
    assert [(r.candidate.id, r.problems) for r in BANK.rejected] == []


def test_size_types_and_coverage():
    assert len(BANK.questions) >= 250
    assert {q.type for q in BANK.questions} == ALL_TYPES
    tested = {fid for q in BANK.questions for fid in q.fact_ids}
    assert tested == {f.id for f in FACTS}


def test_ids_are_unique_and_stable():
    ids = [q.id for q in BANK.questions]
    assert len(ids) == len(set(ids))
    again = generate_bank(ESSAY, FACTS, seed=0)
    assert [q.to_dict() for q in again.questions] == [q.to_dict() for q in BANK.questions]
    other_seed = generate_bank(ESSAY, FACTS, seed=7)
    assert {q.id for q in other_seed.questions} == set(ids)  # ids do not depend on the seed


def test_multiple_choice_key_positions_are_balanced():
    positions = Counter(q.options.index(q.answer) for q in BANK.by_type("multiple_choice"))
    expected = sum(positions.values()) / 4
    for pos in range(4):
        assert 0.7 * expected <= positions[pos] <= 1.3 * expected, positions


def test_true_false_is_balanced():
    items = BANK.by_type("true_false")
    share = sum(1 for q in items if q.answer is True) / len(items)
    assert 0.4 <= share <= 0.6


def test_every_item_cites_a_real_sentence():
    for q in BANK.questions:
        assert ESSAY.sentence(q.source.sentence_id).text == q.source.quote


def test_date_options_ascend_and_share_precision():
    item = next(q for q in BANK.by_type("multiple_choice") if q.fact_ids == ("zhenbao-clash",))
    assert item.answer == "March 1969"
    assert all(len(o.split()) == 2 for o in item.options)


def test_to_dict_round_trips():
    for q in BANK.questions:
        assert Question.from_dict(q.to_dict()) == q


def test_ordering_items_hide_dates_and_are_shuffled():
    for q in BANK.by_type("ordering"):
        assert 4 <= len(q.options) <= 6 and tuple(q.options) != q.answer


def _mc(**changes) -> Question:
    base = next(q for q in BANK.by_type("multiple_choice") if q.fact_ids == ("zhenbao-island",))
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"options": ("Zhenbao", "Xinjiang", "Mongolia")}, "not four options"),
        ({"options": ("Zhenbao", "Xinjiang", "All of the above", "Mongolia")}, "all/none"),
        ({"options": ("Zhenbao", "Zhenbao Island area", "Xinjiang", "Mongolia")}, "contained"),
        ({"options": ("Zhenbao", "Xinjiang", "Xinjiang", "Mongolia")}, "duplicate options"),
        ({"prompt": "Which island is not near Zhenbao?"}, "negative stem"),
        ({"prompt": "The clash happened near an?"}, "ends in an article"),
        ({"prompt": "Near which island, Zhenbao, did the clash break out?"}, "contains the answer"),
        (
            {"options": ("Zhenbao", "Xinjiang", "Mongolia", "Always Ussuri")},
            "absolute word",
        ),
    ],
)
def test_checks_reject_bad_multiple_choice(changes, problem):
    assert any(problem in p for p in problems_with(_mc(**changes), ESSAY))


def test_checks_reject_a_long_key_and_a_fake_source():
    long_key = _mc(
        answer="the small island of Zhenbao in the Ussuri",
        options=("the small island of Zhenbao in the Ussuri", "Xinjiang", "Mongolia", "Tibet"),
    )
    assert any("longest" in p for p in problems_with(long_key, ESSAY))
    fake = _mc(source=Source("3", "Not in the essay.", "3.1.1"))
    assert any("not a sentence" in p for p in problems_with(fake, ESSAY))


def test_checks_reject_bad_cloze_tf_ordering_matching():
    cloze = next(q for q in BANK.by_type("cloze") if q.fact_ids == ("zhenbao-island",))
    shown = replace(cloze, prompt=cloze.prompt.replace("_____", "Zhenbao (_____) Island"))
    assert any("still shows" in p for p in problems_with(shown, ESSAY))
    two = replace(cloze, prompt=cloze.prompt + " _____")
    assert any("one blank" in p for p in problems_with(two, ESSAY))
    tf = next(q for q in BANK.by_type("true_false") if q.answer is False)
    negated = replace(tf, prompt="True or false: It is never the case that nothing happened.")
    assert any("negation" in p for p in problems_with(negated, ESSAY))
    order = BANK.by_type("ordering")[0]
    in_order = replace(order, options=order.answer)
    assert any("already in order" in p for p in problems_with(in_order, ESSAY))
    match = BANK.by_type("matching")[0]
    short = replace(
        match, options={"left": match.options["left"][:3], "right": match.options["right"][:3]}
    )
    assert any("4-6 pairs" in p for p in problems_with(short, ESSAY))
