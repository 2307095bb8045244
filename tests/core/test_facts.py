"""The curated fact base."""

from __future__ import annotations

import re
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


def test_date_answers_match_their_category_and_sort_key():
    month_year = re.compile(
        r"^(January|February|March|April|May|June|July|August|September|"
        r"October|November|December) \d{4}$"
    )
    shapes = {
        "year": re.compile(r"^\d{4}$"),
        "month-year": month_year,
        "full-date": re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$"),
    }
    for fact in FACTS:
        if fact.kind == FactKind.DATE:
            assert shapes[fact.category].match(fact.answer), fact.id
            assert fact.date.startswith(fact.answer[-4:]), fact.id


def test_numbers():
    assert BY_ID["five-summits"].answer == "five"
    assert BY_ID["disputes-30"].answer == "30" and BY_ID["relations-53"].answer == "53"
    assert "more than 30" in BY_ID["disputes-30"].statement
    assert BY_ID["one-million"].answer == "one million"
    assert BY_ID["23rd-congress"].answer == "23rd" and BY_ID["20th-anniversary"].answer == "20th"


def test_named_people_are_covered():
    people = {f.answer for f in FACTS if f.kind == FactKind.PERSON}
    named = {
        "Shen Dingli", "Deng Yuwen", "Yang Junfeng", "Wang Hongguang", "Kim Chol", "Zhu Liang",
        "Khrushchev", "Brezhnev", "Mao Zedong", "Kim Il Sung", "Alexander Dubček",
        "Choe Yong-gon", "Zhou Enlai", "Deng Xiaoping", "Hu Jintao", "Xi Jinping",
        "Kim Jong-un", "Trump", "Tsai Ing-wen",
    }  # fmt: skip
    assert named <= people


def test_every_turn_has_its_causes():
    causes = {f.id: f for f in FACTS if f.kind == FactKind.CAUSE}
    turns = {"cause-1964-1966", "cause-1969-1970", "cause-2018", "cause-2012-2017"}
    assert set(causes) == turns
    for fact in causes.values():
        assert len(fact.reasons) >= 3 and fact.question.startswith("Why")


def test_people_have_roles_unless_kept_out_of_matching():
    for fact in FACTS:
        if fact.kind == FactKind.PERSON and "matching" not in fact.skip_types:
            assert fact.role, fact.id
    roles = [f.role for f in FACTS if f.role]
    assert len(roles) == len(set(roles))  # a matching item never has two equal right-hand sides


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
    word = replace(BY_ID["ussuri-river"], question="Which river saw the 1969 clash?")
    assert any("gives away" in p for p in validate_facts((word,), ESSAY))


def test_validator_catches_evidence_from_another_section_and_a_bad_date_key():
    moved = replace(BY_ID["zhenbao-clash"], section="2")
    assert any("not in section 2" in p for p in validate_facts((moved,), ESSAY))
    undated = replace(BY_ID["zhenbao-clash"], date=None)
    assert any("date sort key" in p for p in validate_facts((undated,), ESSAY))
    garbled = replace(BY_ID["zhenbao-clash"], date="March 1969")
    assert any("YYYY" in p for p in validate_facts((garbled,), ESSAY))


def test_validator_wants_reasons_for_causes_and_answers_in_statements():
    cause = replace(BY_ID["cause-2018"], reasons=("Only one.",))
    assert any("two reasons" in p for p in validate_facts((cause,), ESSAY))
    fact = replace(BY_ID["zhenbao-clash"], statement="A clash broke out in 1969.")
    assert any("statement does not contain" in p for p in validate_facts((fact,), ESSAY))


def test_parse_errors_name_the_fact():
    with pytest.raises(ValueError, match="broken"):
        parse_facts('[[fact]]\nid = "broken"\nkind = "date"\n')
    with pytest.raises(ValueError, match="unknown kind"):
        parse_facts(
            '[[fact]]\nid="x"\nkind="colour"\nstatement="s"\nanswer="a"\nsection="1"\n'
            'evidence=["e"]\nquestion="q?"\ntopic="t"\n'
        )
