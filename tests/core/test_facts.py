"""The curated fact base."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from studyapp.core.essay import load_essay
from studyapp.core.facts import FactKind, load_facts, parse_facts, validate_facts

ESSAY = load_essay()
FACTS = load_facts()
BY_ID = {f.id: f for f in FACTS}


def test_the_seed_fact_base_is_sound():
    assert validate_facts(FACTS, ESSAY) == []


def test_size_and_spread():
    assert len(FACTS) >= 60
    sections = Counter(f.section for f in FACTS)
    assert set(sections) == {"front", "1", "2", "3", "4"}
    assert set(f.kind for f in FACTS) == set(FactKind)


def test_evidence_is_verbatim_and_answers_occur_in_it():
    for fact in FACTS:
        for quote in fact.evidence:
            assert ESSAY.find_sentence(quote).text == quote
        assert any(
            a in fact.evidence[0] or a.replace("'", "’") in fact.evidence[0] for a in fact.accepted
        ), fact.id


@pytest.mark.parametrize(
    ("answer", "alias"),
    [("Zhenbao", "Damansky"), ("Kim Il Sung", "Kim Il-sung"), ("Alexander Dubček", "Dubcek")],
)
def test_named_aliases(answer, alias):
    assert any(f.answer == answer and alias in f.aliases for f in FACTS)


def test_dates_keep_the_essays_precision():
    answers = {f.answer for f in FACTS if f.kind == FactKind.DATE}
    assert {"March 1969", "September 30, 1969", "1966", "July 1961"} <= answers


def test_numbers():
    assert BY_ID["five-summits"].answer == "five"
    assert BY_ID["disputes-30"].answer == "30" and BY_ID["relations-53"].answer == "53"


def test_the_three_turns_have_causes():
    causes = {f.id: f for f in FACTS if f.kind == FactKind.CAUSE}
    assert set(causes) == {"cause-1964-1966", "cause-1969-1970", "cause-2018"}
    for fact in causes.values():
        assert len(fact.reasons) >= 3 and fact.question.startswith("Why")


def test_people_have_roles():
    for fact in FACTS:
        if fact.kind == FactKind.PERSON:
            assert fact.role, fact.id


def test_validator_catches_bad_evidence_and_duplicates():
    good = FACTS[0]
    bad_quote = replace(good, evidence=("This sentence is not in the essay.",))
    twin = replace(FACTS[1], id=good.id)
    problems = validate_facts((bad_quote, twin), ESSAY)
    assert any("not a sentence of the essay" in p for p in problems)
    assert any("duplicate id" in p for p in problems)


def test_validator_catches_a_question_that_gives_the_answer_away():
    fact = replace(BY_ID["zhenbao-clash"], question="When was the March 1969 clash?")
    assert any("gives away" in p for p in validate_facts((fact,), ESSAY))


def test_parse_errors_name_the_fact():
    with pytest.raises(ValueError, match="broken"):
        parse_facts('[[fact]]\nid = "broken"\nkind = "date"\n')
    with pytest.raises(ValueError, match="unknown kind"):
        parse_facts(
            '[[fact]]\nid="x"\nkind="colour"\nstatement="s"\nanswer="a"\nsection="1"\n'
            'evidence=["e"]\nquestion="q?"\ntopic="t"\n'
        )
