"""The question engine and its item-writing checks."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.essay import load_essay
from studyapp.core.facts import FactBase, Importance, items_per_fact, load_fact_base
from studyapp.core.questions import (
    KINDS,
    Question,
    QuestionType,
    Source,
    generate_bank,
    get_kind,
    seed_bank,
)
from studyapp.core.questions.checks import problems_with
from studyapp.core.text import parse_date
from tests.export_schema import QUESTION_KEYS, SOURCE_KEYS

ESSAY = load_essay()
BASE = load_fact_base()
FACTS = BASE.facts
BY_ID = {f.id: f for f in FACTS}
BANK = seed_bank()
ALL_TYPES = set(QuestionType)

SMALL = load_fact_base(Path(__file__).parent / "data" / "facts.toml")
SMALL_BY_ID = {f.id: f for f in SMALL.facts}
SMALL_BANK = generate_bank(ESSAY, SMALL)


# -- the seed bank -----------------------------------------------------------------------------


def test_the_seed_bank_has_no_rejected_item():
    assert [(r.candidate.id, r.problems) for r in BANK.rejected] == []


def test_every_kind_is_there_and_every_fact_is_asked():
    assert {q.type for q in BANK.questions} == ALL_TYPES
    asked = {fid for q in BANK.questions for fid in q.fact_ids}
    assert asked == {f.id for f in FACTS}


def test_the_bank_is_weighted_to_the_argument():
    per_fact = Counter(fid for q in BANK.questions for fid in set(q.fact_ids))
    assert max(per_fact.values()) <= 6
    for fact in FACTS:
        assert (
            per_fact[fact.id]
            <= {"thesis": 6, "key": 4, "supporting": 3, "detail": 2}[fact.importance]
        ), fact.id
    weight = Counter()
    for q in BANK.questions:
        for fid in q.fact_ids:
            weight[BY_ID[fid].importance] += 1
    assert weight[Importance.THESIS] + weight[Importance.KEY] >= weight[Importance.DETAIL]
    # Every section's claims are asked, and the thesis is asked more than once.
    assert {q.section for q in BANK.questions} == {"1", "2", "3", "4"}
    assert weight[Importance.THESIS] >= 3


def test_date_recall_is_at_most_a_quarter_of_the_bank():
    def recalls_a_date(q: Question) -> bool:
        if q.type == QuestionType.MATCHING:
            return all(parse_date(r) for r in q.options["right"])
        if q.type == QuestionType.TRUE_FALSE:
            return any(BY_ID[f].kind == "date" for f in q.fact_ids)
        return isinstance(q.answer, str) and parse_date(q.answer) is not None

    dated = sum(1 for q in BANK.questions if recalls_a_date(q))
    assert dated <= len(BANK.questions) / 4


def test_no_front_matter_and_no_prompt_asked_twice():
    assert all(s.section != "front" for q in BANK.questions for s in q.sources)
    prompts = Counter(q.prompt for q in BANK.questions if q.type not in ("ordering", "matching"))
    assert [p for p, n in prompts.items() if n > 1] == []


def test_ids_are_unique_and_stable():
    ids = [q.id for q in BANK.questions]
    assert len(ids) == len(set(ids))
    again = generate_bank(ESSAY, BASE, seed=0)
    assert [q.to_dict() for q in again.questions] == [q.to_dict() for q in BANK.questions]


def test_ids_do_not_depend_on_the_seed():
    other = generate_bank(ESSAY, BASE, seed=7)
    assert {q.id for q in other.questions} == {q.id for q in BANK.questions}


def test_true_false_is_balanced():
    items = BANK.by_type("true_false")
    share = sum(1 for q in items if q.answer is True) / len(items)
    assert 0.35 <= share <= 0.65


def test_every_part_of_a_key_is_cited():
    for q in BANK.questions:
        quotes = {s.quote for s in q.sources}
        for fid in q.fact_ids:
            assert BY_ID[fid].evidence[0] in quotes or any(
                " ".join(BY_ID[fid].evidence[0].split()) == qu for qu in quotes
            ), (q.id, fid)
        for s in q.sources:
            assert ESSAY.sentence(s.sentence_id).text == s.quote
    for q in BANK.by_type("ordering") + BANK.by_type("matching"):
        assert len(q.sources) >= len(set(BY_ID[f].evidence[0] for f in q.fact_ids))


def test_errata_travel_with_their_items():
    with_erratum = [f for f in FACTS if f.erratum]
    assert with_erratum, "the essay's known slips are recorded"
    for q in BANK.questions:
        notes = [BY_ID[f].erratum for f in q.fact_ids if BY_ID[f].erratum]
        if q.type == "ordering":
            assert not notes  # no order may hinge on a disputed date
        for note in notes:
            assert note in q.erratum and note in q.explanation


def test_export_schema_round_trips_through_json():
    for q in BANK.questions:
        data = q.to_dict()
        assert set(data) == QUESTION_KEYS | {"erratum"}
        assert set(data["source"]) >= SOURCE_KEYS
        assert data["sources"][0] == data["source"]
        assert Question.from_dict(json.loads(json.dumps(data))) == q


def test_export_shapes_per_type():
    shapes = {q.type: q.to_dict() for q in BANK.questions}
    assert isinstance(shapes["multiple_choice"]["options"], list)
    assert isinstance(shapes["ordering"]["answer"], list)
    assert set(shapes["matching"]["options"]) == {"left", "right"}
    assert all(len(p) == 2 for p in shapes["matching"]["answer"])
    assert shapes["true_false"]["answer"] in (True, False)
    for qtype in ("cloze", "short_answer", "true_false", "explain"):
        assert shapes[qtype]["options"] is None


def test_registry_holds_every_type_and_takes_new_ones(monkeypatch):
    assert set(KINDS) == ALL_TYPES
    extra = SMALL_BANK.by_type("short_answer")[0]
    renamed = replace(extra, id="sa-extra", prompt="Which day did the invitation come?")

    def one_more(ctx):
        yield renamed

    monkeypatch.setattr(get_kind(QuestionType.SHORT_ANSWER), "generate", one_more)
    bank = generate_bank(ESSAY, SMALL)
    assert [q.id for q in bank.by_type("short_answer")] == ["sa-extra"]


def test_rejected_items_are_logged_and_kept_aside(monkeypatch, caplog):
    good = SMALL_BANK.by_type("short_answer")[0]
    bad = replace(good, id="sa-bad", prompt="")

    def with_a_bad_one(ctx):
        yield good
        yield bad

    monkeypatch.setattr(get_kind(QuestionType.SHORT_ANSWER), "generate", with_a_bad_one)
    with caplog.at_level(logging.INFO, logger="studyapp.questions"):
        bank = generate_bank(ESSAY, SMALL)
    assert [r.candidate.id for r in bank.rejected] == ["sa-bad"]
    assert "empty prompt" in bank.rejected[0].problems
    assert "sa-bad" in caplog.text


def test_the_same_question_in_two_kinds_is_asked_once(monkeypatch):
    good = SMALL_BANK.by_type("short_answer")[0]
    twin = replace(good, id="sa-twin")

    def twice(ctx):
        yield twin

    monkeypatch.setattr(get_kind(QuestionType.CLOZE), "generate", twice)
    bank = generate_bank(ESSAY, SMALL)
    assert any("asks the same" in p for r in bank.rejected for p in r.problems)


# -- generation on a small hand-made fact base ---------------------------------------------------


def test_the_small_base_yields_one_sound_item_per_kind_and_set():
    assert SMALL_BANK.rejected == ()
    kinds = Counter(q.type for q in SMALL_BANK.questions)
    assert kinds == Counter(
        {
            "multiple_choice": 1,
            "true_false": 1,
            "short_answer": 2,
            "cloze": 1,
            "ordering": 1,
            "matching": 1,
            "explain": 1,
        }
    )
    assert items_per_fact(SMALL)["zhou-visit"] == 4


def test_generated_items_follow_the_fact_base():
    mc = SMALL_BANK.by_type("multiple_choice")[0]
    assert mc.options == ("Deng Xiaoping", "Hu Jintao", "Zhou Enlai", "Zhu Liang")
    cz = SMALL_BANK.by_type("cloze")[0]
    assert cz.prompt.count("_____") == 1 and cz.answer == "great power chauvinism"
    assert cz.accept == ("great-power chauvinism",)
    order = SMALL_BANK.by_type("ordering")[0]
    assert order.answer[0] == "China's invitation to the National Day ceremony"
    assert order.options != order.answer and len(order.sources) == 4
    match = SMALL_BANK.by_type("matching")[0]
    assert len(match.sources) == 4
    explain = SMALL_BANK.by_type("explain")[0]
    assert "the first point and at least 1 of the other 2" in explain.explanation
    assert len(explain.sources) == 2
    dubcek = next(q for q in SMALL_BANK.questions if q.fact_ids == ("dubcek",))
    assert dubcek.erratum and "5 January 1968" in dubcek.explanation


# -- each rule rejects a bad item ----------------------------------------------------------------


def _item(kind: str) -> Question:
    return next(q for q in SMALL_BANK.questions if q.type == kind)


def _fails(q: Question, needle: str, facts=None) -> None:
    problems = problems_with(q, ESSAY, SMALL_BY_ID if facts is None else facts)
    assert any(needle in p for p in problems), problems


@pytest.mark.parametrize("kind", sorted(ALL_TYPES))
def test_the_sound_items_pass(kind):
    assert problems_with(_item(kind), ESSAY, SMALL_BY_ID) == []


def test_cloze_rules():
    q = _item("cloze")
    blanked = q.prompt.replace("Meeting Kim Il Sung in October 1970, ", "However, ")
    _fails(replace(q, prompt=blanked), "leans on another sentence")
    _fails(replace(q, prompt=q.prompt.replace("Cultural", '"Cultural')), "quotation marks")
    rival = q.prompt.replace("during the Cultural", "rather than small power chauvinism in the")
    _fails(replace(q, prompt=rival), "rival fill")
    _fails(replace(q, prompt=q.prompt + " _____"), "not exactly one blank")
    _fails(replace(q, prompt="Fill in the blank: Mao admitted _____."), "too little context")
    fact = SMALL_BY_ID[q.fact_ids[0]]
    synonyms = ("armed struggle", "armed revolution", "armed uprising", "armed revolt")
    loose = {**SMALL_BY_ID, fact.id: replace(fact, answer="armed struggles", aliases=synonyms)}
    _fails(q, "wordings", loose)  # a blank that synonyms fill has more than one defensible fill
    one_more = ("great-power chauvinism", "big power chauvinism")
    spelled = {**SMALL_BY_ID, fact.id: replace(fact, aliases=fact.aliases + one_more)}
    assert not [p for p in problems_with(q, ESSAY, spelled) if "wordings" in p]


def test_matching_rules():
    q = _item("matching")
    left, right = q.options["left"], list(q.options["right"])
    cued = [f"Chinese premier who {right[0]}", *right[1:]]
    pairs = tuple((a, cued[right.index(b)] if b in right else b) for a, b in q.answer)
    _fails(replace(q, options={"left": left, "right": tuple(cued)}, answer=pairs), "cue")
    shared = [f"{right[0]} like Zhou", *right[1:]]
    pairs = tuple((a, shared[right.index(b)]) for a, b in q.answer)
    _fails(replace(q, options={"left": left, "right": tuple(shared)}, answer=pairs), "shares")
    mixed = {**SMALL_BY_ID, "invitation": replace(SMALL_BY_ID["invitation"], section="4")}
    _fails(q, "mixes eras", mixed)
    _fails(replace(q, options={"left": left[:3], "right": tuple(right[:3])}), "4-5 pairs")


def test_ordering_rules():
    q = _item("ordering")
    late = {**SMALL_BY_ID, "kim-visit": replace(SMALL_BY_ID["kim-visit"], date="2016-12")}
    _fails(q, "one phase", late)
    disputed = {**SMALL_BY_ID, "delegations": replace(SMALL_BY_ID["delegations"], erratum="x")}
    _fails(q, "disputes", disputed)
    vague = {**SMALL_BY_ID, "delegations": replace(SMALL_BY_ID["delegations"], date="1970")}
    _fails(q, "do not settle", vague)
    far = {**SMALL_BY_ID, "invitation": replace(SMALL_BY_ID["invitation"], date="1963-09-30")}
    _fails(q, "common sense", far)
    _fails(replace(q, sources=q.sources[:1]), "does not cite")
    first, *rest = q.options
    _fails(replace(q, options=(f"{first}'s return", *rest)), "tells its place")


def test_distractor_rules():
    q = _item("multiple_choice")
    author = ("Daekwon Son", "Hu Jintao", "Zhou Enlai", "Zhu Liang")
    _fails(replace(q, options=author), "author")
    subject = ("Hu Jintao", "Kim Il Sung", "Zhou Enlai", "Zhu Liang")
    talks = "Which Chinese premier held talks with Kim Il Sung in Pyongyang in April 1970?"
    _fails(replace(q, prompt=talks, options=subject), "own subject")
    sa = next(x for x in SMALL_BANK.by_type("short_answer") if x.fact_ids == ("invitation",))
    dates = ("September 30, 1949", "September 30, 1969", "October 1, 1969", "May 1, 1970")
    _fails(replace(sa, type=QuestionType.MULTIPLE_CHOICE, options=dates), "another era")
    kinds = ("Deng Xiaoping", "great power chauvinism", "Zhou Enlai", "Zhu Liang")
    _fails(replace(q, options=kinds), "is a term, not a person")


def test_true_false_rules():
    q = _item("true_false")
    fact = SMALL_BY_ID["zhou-visit"]
    negated = fact.statement.replace("paid a return", "did not pay a return")
    negative = {**SMALL_BY_ID, "zhou-visit": replace(fact, false_statement=negated)}
    false_item = replace(q, prompt="True or false: " + negated, answer=False)
    _fails(false_item, "negation", negative)
    _fails(replace(q, prompt="True or false: Zhou Enlai never visited.", answer=False), "curated")
    other = Source("3", SMALL_BY_ID["kim-visit"].evidence[0], "x")
    _fails(replace(q, sources=(other, *q.sources)), "states the claim")


def test_short_answer_rules():
    q = next(x for x in SMALL_BANK.by_type("short_answer") if x.fact_ids == ("invitation",))
    open_ = {
        **SMALL_BY_ID,
        "invitation": replace(SMALL_BY_ID["invitation"], exclude=("October 1, 1969",)),
    }
    _fails(q, "according to the essay", open_)


def test_explain_rules():
    q = _item("explain")
    loose = q.explanation.replace("the first point and at least 1 of the other 2", "the main ones")
    _fails(replace(q, explanation=loose), "threshold")
    _fails(replace(q, answer=q.answer + "\nA symptom, not a cause."), "not the essay's reasons")


def test_views_and_errata_are_attributed():
    q = next(x for x in SMALL_BANK.by_type("short_answer") if x.fact_ids == ("dubcek",))
    _fails(replace(q, prompt="In which month was Dubček elected First Secretary?"), "disputes")
    _fails(replace(q, explanation="Dubček was elected in May 1968."), "erratum")
    view = {**SMALL_BY_ID, "zhou-visit": replace(SMALL_BY_ID["zhou-visit"], view=True)}
    _fails(_item("multiple_choice"), "author's interpretation", view)


def test_front_matter_is_never_cited():
    q = _item("short_answer")
    front = next(iter(ESSAY.front.sentences()))
    _fails(replace(q, sources=(Source("front", front.text, front.id),)), "front matter")


def test_a_fact_base_of_plain_facts_still_generates():
    bank = generate_bank(ESSAY, FactBase(SMALL.facts))
    assert not bank.by_type("ordering") and bank.by_type("multiple_choice")


def test_no_item_gives_away_the_key_of_another():
    """In one quiz, a prompt or option that names another item's key answers it.

    Actors (people, places, bodies) recur across the essay's story by nature; a term, a claim,
    a number or a date asked in one item must not be written out in another.
    """
    from studyapp.core.text import normalize

    asked = [
        q
        for q in BANK.questions
        if isinstance(q.answer, str)
        and q.type != "explain"
        and BY_ID[q.fact_ids[0]].kind not in ("person", "place", "organisation")
    ]
    found = []
    for q in asked:
        key = f" {normalize(q.answer)} "
        for other in BANK.questions:
            if set(other.fact_ids) & set(q.fact_ids):
                continue
            options = other.options or ()
            shown = [*options["left"], *options["right"]] if isinstance(options, dict) else options
            text = " ".join([other.prompt, *map(str, shown)])
            if key in f" {normalize(text)} ":
                found.append((q.id, q.answer, other.id))
    assert found == []


def test_pages_show_the_note_on_the_record_once():
    q = next(q for q in BANK.questions if q.erratum and q.type != "matching")
    assert q.explanation.endswith(f"Note on the record: {q.erratum}")
    assert q.erratum not in q.why and q.why and q.explanation.startswith(q.why)
    plain = next(q for q in BANK.questions if not q.erratum)
    assert plain.why == plain.explanation
