"""The curated fact base and its validator."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.essay import load_essay
from studyapp.core.facts import (
    FactBase,
    FactKind,
    Importance,
    OrderingSet,
    load_fact_base,
    parse_facts,
    validate_fact_base,
)
from studyapp.core.questions import generate_bank

ESSAY = load_essay()
BASE = load_fact_base()
FACTS = BASE.facts
BY_ID = {f.id: f for f in FACTS}
SMALL = load_fact_base(Path(__file__).parent / "data" / "facts.toml")
S = {f.id: f for f in SMALL.facts}


def _problems(*facts, orderings=(), matchings=()) -> list[str]:
    return validate_fact_base(FactBase(tuple(facts), tuple(orderings), tuple(matchings)), ESSAY)


def test_the_seed_fact_base_is_sound():
    assert validate_fact_base(BASE, ESSAY) == []


def test_the_small_fact_base_is_sound():
    assert validate_fact_base(SMALL, ESSAY) == []


def test_every_section_and_every_level_of_importance():
    assert {f.section for f in FACTS} == {"1", "2", "3", "4"}
    assert {f.importance for f in FACTS} == set(Importance)
    assert [f.id for f in FACTS if f.section == "front"] == []
    causes = [f for f in FACTS if f.kind == FactKind.CAUSE and "explain" in f.kinds]
    assert len(causes) >= 4  # each turn of the relationship has its causes
    assert all(f.checked.strip() for f in FACTS)


# Sentences where the essay departs from the historical record (checked once, by hand).
SLIPS = (
    "In May 1968, reformist Alexander Dubček",  # he took office on 5 January 1968
    "In March 1968, the Chinese leadership",  # Hanoi accepted US talks on 3 April 1968
    "epitomized by five summits",  # three in 2018, two in 2019
    "US Security Council",  # the UN Security Council
    "In January 2018, Trump also imposed tariffs",  # global safeguard duties
    "Based on this unique doctrine",  # the doctrine was set out after the August 1968 invasion
    "The Rodong Sinmun article, published under a pseudonym",  # a KCNA commentary, May 2017
    "from the beginning of his term of office",  # the Tsai call came before he took office
)


def test_every_fact_resting_on_one_of_the_essays_slips_carries_an_erratum():
    for fact in FACTS:
        slips = [s for s in SLIPS for quote in fact.evidence if s in quote]
        assert not slips or fact.erratum, (fact.id, slips)
    assert sum(1 for f in FACTS if f.erratum) >= 3


def test_the_authors_views_are_marked():
    views = [f for f in FACTS if f.view]
    assert views
    assert any("Mao" in f.statement for f in views)


def test_validator_catches_bad_evidence_and_duplicates():
    fact = S["zhou-visit"]
    moved = replace(fact, evidence=("Not a sentence of the essay.",))
    assert any("not a sentence" in p for p in _problems(moved))
    assert any("duplicate id" in p for p in _problems(fact, fact))
    front = replace(fact, section="front")
    assert any("not a section of the essay body" in p for p in _problems(front))


def test_validator_enforces_each_kinds_material():
    fact = S["zhou-visit"]
    no_cloze = replace(fact, kinds=("cloze",), cloze=None)
    assert any("no cloze sentence" in p for p in _problems(no_cloze))
    leaning = replace(fact, kinds=("cloze",), cloze="However, " + fact.cloze)
    assert any("leaning on another" in p for p in _problems(leaning))
    negated = replace(fact, false_statement=fact.statement.replace("paid", "never paid"))
    assert any("negation" in p for p in _problems(negated))
    few = replace(fact, distractors=("Hu Jintao", "Zhou Enlai"))
    problems = _problems(few)
    assert any("fewer than three" in p for p in problems)
    assert any("accepted answer" in p for p in problems)
    author = replace(fact, distractors=("Hu Jintao", "Daekwon Son", "Zhu Liang"))
    assert any("author" in p for p in _problems(author))
    both = replace(fact, kinds=("multiple_choice", "short_answer"))
    assert any("same question" in p for p in _problems(both))
    loose = replace(S["cause-1969"], threshold=None)
    assert any("threshold" in p for p in _problems(loose))
    lenient = replace(S["cause-1969"], threshold=1)
    assert any("threshold for 3 reasons is 2" in p for p in _problems(lenient))
    unanchored = replace(S["cause-1969"], required=())
    assert any("carries the argument" in p for p in _problems(unanchored))


def test_validator_caps_items_per_fact_by_importance():
    detail = replace(
        S["zhou-visit"],
        importance=Importance.DETAIL,
        kinds=("multiple_choice", "true_false", "cloze"),
    )
    assert any("more than 2" in p for p in _problems(detail))


def test_validator_wants_views_and_errata_attributed():
    view = replace(S["zhou-visit"], view=True)
    assert any("author's view" in p for p in _problems(view))
    slip = replace(S["zhou-visit"], erratum="The record differs.")
    assert any("according to the essay" in p for p in _problems(slip))


def test_ordering_sets_refuse_disputed_dates():
    disputed = replace(S["delegations"], erratum="The record differs.")
    facts = [S["invitation"], S["zhou-visit"], disputed, S["kim-visit"]]
    order = OrderingSet("o", "3", "Put these in order.", tuple(f.id for f in facts))
    assert any("gets wrong" in p for p in _problems(*facts, orderings=[order]))


def test_parse_errors_name_the_fact():
    with pytest.raises(ValueError, match="broken"):
        parse_facts('[[fact]]\nid = "broken"\nkind = "date"\n')
    with pytest.raises(ValueError, match="unknown keys"):
        parse_facts(
            '[[fact]]\nid="x"\nkind="date"\nstatement="s"\nanswer="a"\nsection="1"\n'
            'evidence=["e"]\nquestion="q?"\ntopic="t"\nimportance="key"\nchecked="c"\n'
            'kinds=[]\nrole="r"\n'
        )


def test_every_fact_feeds_an_item_and_context_may_come_from_another_section():
    idle = replace(S["zhou-visit"], kinds=())
    assert any("feeds no item" in p for p in _problems(idle))
    context = next(s for s in ESSAY.section("4").sentences()).text
    wide = replace(S["zhou-visit"], evidence=(*S["zhou-visit"].evidence, context))
    assert not [p for p in _problems(wide) if "section" in p]
    moved = replace(S["zhou-visit"], section="4")
    assert any("not in section 4" in p for p in _problems(moved))


def test_a_fact_citing_a_disputed_claim_carries_its_note():
    """The note travels with the claim: every fact citing the sentence shows the same correction."""
    claim, cause = BY_ID["nuclear-strike-considered"], BY_ID["cause-1969-1970"]
    assert claim.evidence[0] in cause.evidence
    assert claim.erratum in cause.erratum  # its own note (Vietnam) and the claim's
    assert "Hanoi" in cause.erratum
    souring = BY_ID["cause-2012-souring"]  # no note of its own: its claims' notes, in order
    notes = [BY_ID["sanctions-enforced"].erratum, BY_ID["patience-warning"].erratum]
    assert souring.erratum == " ".join(notes)
    bank = generate_bank(ESSAY, BASE)
    for q in bank.questions:
        for other in FACTS:
            if other.erratum and other.kind != FactKind.CAUSE:
                cited = [" ".join(s.quote.split()) for s in q.sources]
                if " ".join(other.evidence[0].split()) in cited:
                    assert q.erratum and other.erratum in q.erratum, (q.id, other.id)


def test_a_cause_does_not_lend_its_note_to_its_first_sentence():
    text = """
[[fact]]
id = "why"
kind = "cause"
section = "3"
importance = "key"
topic = "t"
question = "Why did it happen?"
answer = "because"
statement = "It happened because."
reasons = ["one", "two"]
threshold = 2
evidence = ["Behind China's North Korean U-turn were changes in China's external environment."]
erratum = "A note on the reasons."
kinds = ["explain"]
checked = "c"

[[fact]]
id = "claim"
kind = "claim"
section = "3"
importance = "key"
topic = "t"
question = "What was behind it?"
answer = "changes"
statement = "Behind it were changes."
evidence = ["Behind China's North Korean U-turn were changes in China's external environment."]
kinds = ["true_false"]
checked = "c"
"""
    assert parse_facts(text)[1].erratum is None


def test_no_note_on_the_record_says_a_thing_twice():
    """A composite fact whose own note already holds a claim's note does not get it again."""
    for fact in FACTS:
        if fact.erratum:
            sentences = [s for s in re.split(r"(?<=[.;])\s+", fact.erratum) if len(s) > 20]
            assert len(sentences) == len(set(sentences)), fact.id
    cause = BY_ID["cause-1964-1966"]
    assert cause.erratum.count(BY_ID["great-leap-aid-gap"].erratum) == 1
