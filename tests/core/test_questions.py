"""The question engine and its item-writing checks."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import replace

import pytest

from studyapp.core.essay import load_essay
from studyapp.core.facts import Fact, FactKind, load_facts
from studyapp.core.questions import (
    KINDS,
    Question,
    QuestionType,
    Source,
    generate_bank,
    get_kind,
    make_id,
    seed_bank,
)
from studyapp.core.questions.checks import problems_with
from studyapp.core.text import date_span, normalize, parse_date
from tests.export_schema import QUESTION_KEYS, SOURCE_KEYS

ESSAY = load_essay()
FACTS = load_facts()
BY_ID = {f.id: f for f in FACTS}
BANK = seed_bank()
ALL_TYPES = set(QuestionType)


# -- the seed bank -----------------------------------------------------------------------------


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


def test_no_two_items_of_a_type_look_the_same():
    shown = Counter((q.type, q.prompt, repr(q.options)) for q in BANK.questions)
    assert [k for k, n in shown.items() if n > 1] == []


def test_ids_do_not_depend_on_the_seed():
    other = generate_bank(ESSAY, FACTS, seed=7)
    assert {q.id for q in other.questions} == {q.id for q in BANK.questions}
    mc = {q.fact_ids: q.id for q in BANK.by_type("multiple_choice")}
    assert {q.fact_ids: q.id for q in other.by_type("multiple_choice")} == mc
    # The seed changes only how ordering and matching items are shuffled.
    shown = {q.id: q.options for q in BANK.questions}
    changed = {q.type for q in other.questions if q.options != shown[q.id]}
    assert changed <= {QuestionType.ORDERING, QuestionType.MATCHING}


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
        assert q.section == q.source.section
        assert q.explanation.strip()


def test_export_schema_round_trips_through_json():
    for q in BANK.questions:
        data = q.to_dict()
        assert set(data) == QUESTION_KEYS | {"erratum"}
        assert set(data["source"]) >= SOURCE_KEYS
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
    extra = BANK.by_type("short_answer")[0]
    renamed = replace(extra, id="sa-extra", prompt="Who wrote the essay under study?")

    def one_more(ctx):
        yield renamed

    monkeypatch.setattr(get_kind(QuestionType.SHORT_ANSWER), "generate", one_more)
    bank = generate_bank(ESSAY, FACTS)
    assert [q.id for q in bank.by_type("short_answer")] == ["sa-extra"]


def test_rejected_items_are_logged_and_kept_aside(monkeypatch, caplog):
    good = BANK.by_type("short_answer")[0]
    bad = replace(good, id="sa-bad", prompt="")

    def with_a_bad_one(ctx):
        yield good
        yield bad

    monkeypatch.setattr(get_kind(QuestionType.SHORT_ANSWER), "generate", with_a_bad_one)
    with caplog.at_level(logging.INFO, logger="studyapp.questions"):
        bank = generate_bank(ESSAY, FACTS)
    assert [r.candidate.id for r in bank.rejected] == ["sa-bad"]
    assert "empty prompt" in bank.rejected[0].problems
    assert "sa-bad" in caplog.text
    assert "sa-bad" not in {q.id for q in bank.questions}


# -- per type, on the seed bank ------------------------------------------------------------------


def test_date_options_ascend_and_share_precision():
    item = next(q for q in BANK.by_type("multiple_choice") if q.fact_ids == ("zhenbao-clash",))
    assert item.answer == "March 1969"
    dates = [parse_date(o) for o in item.options]
    assert dates == sorted(dates) and all(d[1] and d[2] is None for d in dates)


def test_multiple_choice_distractors_are_homogeneous_and_never_the_key():
    owners: dict[str, list[Fact]] = {}
    for f in FACTS:
        owners.setdefault(normalize(f.answer), []).append(f)
    for q in BANK.by_type("multiple_choice"):
        fact = BY_ID[q.fact_ids[0]]
        for option in q.options:
            if option == q.answer:
                continue
            for form in fact.accepted:
                a, b = normalize(option), normalize(form)
                assert a != b and f" {a} " not in f" {b} " and f" {b} " not in f" {a} "
            found = owners.get(normalize(option), [])
            if parse_date(q.answer):
                assert parse_date(option)
            elif found:
                assert any(o.kind == fact.kind or o.category == fact.category for o in found)


def test_name_options_are_alphabetical():
    people = [q for q in BANK.by_type("multiple_choice") if BY_ID[q.fact_ids[0]].kind == "person"]
    assert people
    for q in people:
        assert list(q.options) == sorted(q.options, key=normalize)


def test_false_statements_swap_only_the_key_for_a_value_not_true_elsewhere():
    statements = {normalize(f.statement) for f in FACTS}
    falses = [q for q in BANK.by_type("true_false") if q.answer is False]
    assert falses
    for q in falses:
        fact = BY_ID[q.fact_ids[0]]
        text = q.prompt.removeprefix("True or false: ")
        assert normalize(text) not in statements
        for word in ("not", "never", "no"):
            assert word not in normalize(text).split() or word in normalize(fact.statement)
        assert not any(f" {normalize(x)} " in f" {normalize(text)} " for x in fact.exclude)


def test_every_fact_with_a_false_statement_also_has_the_true_one():
    by_fact: dict[str, set[bool]] = {}
    for q in BANK.by_type("true_false"):
        by_fact.setdefault(q.fact_ids[0], set()).add(q.answer)
    assert all(v == {True, False} for v in by_fact.values())


def test_terms_are_never_swapped_into_nonsense():
    for q in BANK.by_type("true_false"):
        assert BY_ID[q.fact_ids[0]].kind not in (FactKind.TERM, FactKind.CAUSE), q.prompt


def test_ordering_items_hide_dates_and_have_settled_order():
    items = BANK.by_type("ordering")
    assert len(items) >= 3
    for q in items:
        assert 4 <= len(q.options) <= 6 and tuple(q.options) != q.answer
        assert sorted(q.options) == sorted(q.answer)
        spans = [date_span(BY_ID[f].date) for f in q.fact_ids]
        for earlier, later in zip(spans, spans[1:], strict=False):
            assert earlier[1] < later[0]  # "1966" and "May 1966" never meet in one item
        assert q.prompt == "Put these events in the order they happened, earliest first."


def test_matching_items_are_homogeneous_and_shuffled():
    items = BANK.by_type("matching")
    assert {q.prompt.split()[2] for q in items} == {"person", "event"}
    for q in items:
        left, right = q.options["left"], q.options["right"]
        assert 4 <= len(left) <= 6 and len(set(left)) == len(left) == len(set(right))
        assert list(right) != [r for _, r in q.answer]
        assert len({BY_ID[f].kind for f in q.fact_ids}) == 1


def test_cloze_blanks_once_and_no_two_items_blank_the_same_words():
    seen = set()
    for q in BANK.by_type("cloze"):
        assert q.prompt.startswith("Fill in the blank: ") and q.prompt.count("_____") == 1
        assert q.prompt not in seen
        seen.add(q.prompt)


def test_one_explain_item_per_cause_with_its_reasons():
    causes = [f for f in FACTS if f.kind == FactKind.CAUSE]
    items = BANK.by_type("explain")
    assert sorted(q.fact_ids[0] for q in items) == sorted(f.id for f in causes)
    for q in items:
        assert q.answer.split("\n") == list(BY_ID[q.fact_ids[0]].reasons)


# -- a small hand-made fact base ---------------------------------------------------------------


def _fact(fid: str, kind: str, answer: str, statement: str, evidence: str, **extra) -> Fact:
    return Fact(
        id=fid,
        kind=FactKind(kind),
        statement=statement,
        answer=answer,
        aliases=extra.pop("aliases", ()),
        section=ESSAY.find_sentence(evidence).section_id,
        evidence=(evidence,),
        question=extra.pop("question"),
        topic=extra.pop("topic", fid),
        **extra,
    )


def _sentence(fragment: str) -> str:
    return next(s.text for s in ESSAY.sentences() if fragment in s.text)


def test_generation_on_a_small_hand_made_fact_base():
    zhenbao = _sentence("Zhenbao (Damansky) Island")
    treaty = _sentence("In July 1961")
    steps_down = _sentence("In October 1964, Khrushchev")
    brezhnev = _sentence("In May 1966, Brezhnev")
    facts = [
        _fact(
            "clash",
            "date",
            "March 1969",
            "A clash broke out near Zhenbao Island in March 1969.",
            zhenbao,
            question="When did the clash near Zhenbao Island break out?",
            category="month-year",
            date="1969-03",
            topic="Clash near Zhenbao Island",
        ),
        _fact(
            "treaty",
            "date",
            "July 1961",
            "The two countries signed their treaty in July 1961.",
            treaty,
            question="When did the two countries sign their treaty?",
            category="month-year",
            date="1961-07",
            topic="Treaty signed",
        ),
        _fact(
            "steps-down",
            "date",
            "October 1964",
            "Khrushchev stepped down in October 1964.",
            steps_down,
            question="When did Khrushchev step down?",
            category="month-year",
            date="1964-10",
            topic="Khrushchev steps down",
        ),
        _fact(
            "meets",
            "date",
            "May 1966",
            "Brezhnev met Kim Il Sung in May 1966.",
            brezhnev,
            question="When did Brezhnev meet Kim Il Sung?",
            category="month-year",
            date="1966-05",
            topic="Brezhnev meets Kim Il Sung",
        ),
    ]
    bank = generate_bank(ESSAY, facts, seed=3)
    assert bank.rejected == ()
    types = Counter(q.type for q in bank.questions)
    assert types["multiple_choice"] == types["short_answer"] == types["cloze"] == 4
    assert types["true_false"] == 8 and types["ordering"] == 1 and types["matching"] == 1
    mc = next(q for q in bank.by_type("multiple_choice") if q.fact_ids == ("clash",))
    assert "March 1969" in mc.options and len(set(mc.options)) == 4
    assert all(parse_date(o)[1] is not None for o in mc.options)  # month precision kept
    order = bank.by_type("ordering")[0]
    assert order.answer == ("Treaty signed", "Khrushchev steps down",
                            "Brezhnev meets Kim Il Sung", "Clash near Zhenbao Island")  # fmt: skip
    assert order.id == make_id(QuestionType.ORDERING, ("treaty", "steps-down", "meets", "clash"))


def test_dates_too_few_in_the_fact_base_get_nearby_values_of_the_same_precision():
    zhenbao = _sentence("Zhenbao (Damansky) Island")
    only = _fact(
        "clash",
        "date",
        "1969",
        "A clash broke out near Zhenbao Island in 1969.",
        zhenbao,
        question="In which year did the clash near Zhenbao Island break out?",
        category="year",
        date="1969",
    )
    bank = generate_bank(ESSAY, [only])
    mc = bank.by_type("multiple_choice")[0]
    assert all(len(o) == 4 and o.isdigit() for o in mc.options)
    assert all(abs(int(o) - 1969) <= 4 for o in mc.options)


# -- every check rejects a bad hand-made item ----------------------------------------------------

QUOTE = _sentence("In July 1961")
SOURCE = Source("2", QUOTE, ESSAY.find_sentence(QUOTE).id)


def make_question(qtype: str, **fields) -> Question:
    """A sound item of a type, to be spoiled one field at a time."""
    base = {
        "multiple_choice": dict(
            prompt="When did China and North Korea sign their treaty of friendship?",
            options=("March 1961", "May 1961", "July 1961", "September 1961"),
            answer="July 1961",
        ),
        "short_answer": dict(
            prompt="When did China and North Korea sign their treaty of friendship?",
            options=None,
            answer="July 1961",
        ),
        "cloze": dict(
            prompt="Fill in the blank: In _____, the two countries signed the Sino-DPRK Treaty "
            "of Friendship, Cooperation, and Mutual Assistance.",
            options=None,
            answer="July 1961",
        ),
        "true_false": dict(
            prompt="True or false: China and North Korea signed the Treaty of Friendship, "
            "Cooperation, and Mutual Assistance in September 1961.",
            options=None,
            answer=False,
        ),
        "ordering": dict(
            prompt="Put these events in the order they happened, earliest first.",
            options=(
                "Khrushchev steps down",
                "Sino-DPRK Treaty of Friendship signed",
                "Dubček elected in Czechoslovakia",
                "Soviet–Mongolian alliance treaty",
            ),
            answer=(
                "Sino-DPRK Treaty of Friendship signed",
                "Khrushchev steps down",
                "Soviet–Mongolian alliance treaty",
                "Dubček elected in Czechoslovakia",
            ),
        ),  # fmt: skip
        "matching": dict(
            prompt="Match each person to the role the essay gives them.",
            options={
                "left": ("Brezhnev", "Zhou Enlai", "Shen Dingli", "Zhu Liang"),
                "right": ("Chinese Premier", "Fudan scholar", "Soviet leader", "CCP official"),
            },
            answer=(
                ("Brezhnev", "Soviet leader"),
                ("Zhou Enlai", "Chinese Premier"),
                ("Shen Dingli", "Fudan scholar"),
                ("Zhu Liang", "CCP official"),
            ),
        ),  # fmt: skip
        "explain": dict(
            prompt="Why did China reach out to North Korea in 1969?",
            options=None,
            answer="The Soviet threat grew.\nNorth Korea might side with Moscow.",
        ),
    }[qtype]
    ids = {
        "ordering": ("treaty-1961", "khrushchev-steps-down", "mongolia-treaty", "dubcek-elected"),
        "matching": ("brezhnev-leadership", "zhou-enlai", "shen-dingli", "zhu-liang"),
        "explain": ("cause-1969-1970",),
    }.get(qtype, ("treaty-1961",))
    q = Question(
        id="test",
        type=QuestionType(qtype),
        accept=(),
        explanation="Because the essay says so.",
        sources=(SOURCE,),
        fact_ids=ids,
        **base,
    )
    return replace(q, **fields)


@pytest.mark.parametrize("qtype", sorted(ALL_TYPES))
def test_the_sound_hand_made_items_pass(qtype):
    assert problems_with(make_question(qtype), ESSAY, BY_ID) == []


LONG = ("the treaty signed in the summer of 1961", "May 1961", "July 1960", "March 1961")
BAD_ITEMS = [
    # every item
    ("short_answer", {"prompt": ""}, "empty prompt"),
    ("short_answer", {"explanation": " "}, "no explanation"),
    ("short_answer", {"sources": (Source("2", "Not in the essay.", "2.2.2"),)}, "not a sentence"),
    ("short_answer", {"sources": (replace(SOURCE, sentence_id="1.1.1"),)}, "sentence id"),
    ("short_answer", {"fact_ids": ("no-such-fact",)}, "unknown fact id"),
    # stems
    ("short_answer", {"prompt": "Name the month the treaty was signed."}, "not a question"),
    ("short_answer", {"prompt": "Which month was not the treaty month?"}, "negative stem"),
    ("short_answer", {"prompt": "Was July 1961 the month of the treaty?"}, "contains the answer"),
    ("multiple_choice", {"prompt": "The treaty was signed in a?"}, "ends in an article"),
    # multiple choice
    ("multiple_choice", {"options": ("May 1961", "July 1961", "September 1961")}, "four options"),
    ("multiple_choice", {"options": ("May 1961", "July 1961", "July 1961", "May 1962")},
     "duplicate"),
    ("multiple_choice", {"options": ("May 1961", "June 1961", "August 1961", "May 1962")},
     "key is not exactly once"),
    ("multiple_choice", {"prompt": "Who signed the treaty?", "answer": "Zhou Enlai",
                         "options": ("All of the above", "Brezhnev", "Mao", "Zhou Enlai")},
     "all/none"),
    ("multiple_choice", {"prompt": "Who signed the treaty?", "answer": "Zhou Enlai",
                         "options": ("Always Mao", "Brezhnev", "Deng", "Zhou Enlai")}, "absolute"),
    ("multiple_choice", {"prompt": "Who signed the treaty?", "answer": "Zhou Enlai",
                         "options": ("Brezhnev", "Enlai", "Mao Zedong", "Zhou Enlai")},
     "contained in"),
    ("multiple_choice", {"prompt": "What was signed?", "answer": LONG[0], "options": LONG},
     "longest"),
    ("multiple_choice", {"prompt": "Which Soviet leader signed?", "answer": "Soviet Brezhnev",
                         "options": ("Deng Xiaoping", "Kim Il Sung", "Mao Zedong",
                                     "Soviet Brezhnev")}, "repeats a word of the stem"),
    ("multiple_choice", {"options": ("July 1961", "March 1961", "May 1961", "September 1961")},
     "ascending"),
    ("multiple_choice", {"options": ("1960", "March 1961", "July 1961", "September 1961")},
     "mixed precision"),
    ("multiple_choice", {"options": ("Brezhnev", "July 1961", "March 1961", "May 1961")},
     "dates mixed"),
    ("multiple_choice", {"prompt": "Who signed the treaty?", "answer": "Zhou Enlai",
                         "options": ("Zhou Enlai", "Brezhnev", "Kim Il Sung", "Mao Zedong")},
     "alphabetical"),
    ("multiple_choice", {"prompt": "How many summits did Xi and Kim hold in 2018?",
                         "answer": "five", "fact_ids": ("five-summits",),
                         "options": ("eight", "five", "seven", "six")}, "numbers not in ascending"),
    ("multiple_choice", {"prompt": "Which slogan did Hu Jintao emphasise?",
                         "answer": "peaceful rise",
                         "fact_ids": ("peaceful-rise",),
                         "options": ("big-power chauvinism", "Chinese Dream",
                                     "great power chauvinism", "peaceful rise")}, "share a word"),
    # cloze
    ("cloze", {"prompt": make_question("cloze").prompt + " _____"}, "one blank"),
    ("cloze", {"prompt": "Fill in the blank: In _____ (July 1961), the two countries signed "
                         "the Sino-DPRK Treaty of Friendship."}, "still shows"),
    ("cloze", {"prompt": "Fill in the blank: In _____, they signed it."}, "little context"),
    ("cloze", {"answer": "the", "prompt": "Fill in the blank: In July 1961, _____ two countries "
               "signed the Sino-DPRK Treaty of Friendship, Cooperation."}, "function word"),
    # true / false
    ("true_false", {"prompt": "China and North Korea signed the treaty in 1961."}, "true or false"),
    ("true_false", {"prompt": "True or false: China and North Korea did not sign the Treaty of "
                    "Friendship, Cooperation, and Mutual Assistance in July 1961."}, "negation"),
    ("true_false", {"prompt": "True or false: China and Vietnam signed the Treaty of Friendship, "
                    "Cooperation, and Mutual Assistance in September 1961."}, "exactly the key"),
    ("true_false", {"answer": True}, "true statement is not"),
    # ordering
    ("ordering", {"prompt": "Which came first?"}, "not an instruction"),
    ("ordering", {"options": make_question("ordering").options[:3]}, "4-6 items"),
    ("ordering", {"options": make_question("ordering").answer}, "already in order"),
    ("ordering", {"options": ("Treaty of 1961", "B", "C", "D"),
                  "answer": ("Treaty of 1961", "C", "B", "D")}, "gives away its date"),
    ("ordering", {"fact_ids": ("treaty-1961", "khrushchev-steps-down", "cultural-revolution-1966",
                               "mongolia-treaty")}, "answer does not follow"),
    ("ordering", {"options": ("Khrushchev steps down", "Treaty", "Mongolian treaty", "Dubček"),
                  "answer": ("Treaty", "Khrushchev steps down", "Mongolian treaty", "Dubček")},
     "names item"),
    # matching
    ("matching", {"prompt": "People and roles"}, "not an instruction"),
    ("matching", {"options": {"left": ("Brezhnev", "Zhou Enlai", "Zhu Liang"),
                              "right": ("Chinese Premier", "Soviet leader", "CCP official")},
                  "answer": (("Brezhnev", "Soviet leader"), ("Zhou Enlai", "Chinese Premier"),
                             ("Zhu Liang", "CCP official"))}, "4-6 pairs"),
    ("matching", {"options": {"left": ("Brezhnev", "Brezhnev", "Shen Dingli", "Zhu Liang"),
                              "right": ("Chinese Premier", "Fudan scholar", "Soviet leader",
                                        "CCP official")}}, "repeats an entry"),
    ("matching", {"options": {"left": ("Brezhnev", "Zhou Enlai", "Shen Dingli", "Zhu Liang"),
                              "right": ("Premier Zhou Enlai", "Fudan scholar", "Soviet leader",
                                        "CCP official")},
                  "answer": (("Brezhnev", "Soviet leader"), ("Zhou Enlai", "Premier Zhou Enlai"),
                             ("Shen Dingli", "Fudan scholar"), ("Zhu Liang", "CCP official"))},
     "gives away"),
    ("matching", {"options": {"left": ("Brezhnev", "Zhou Enlai", "Shen Dingli", "Zhu Liang"),
                              "right": ("Soviet leader", "Chinese Premier", "Fudan scholar",
                                        "CCP official")}}, "answer order"),
    ("matching", {"options": {"left": ("Brezhnev", "Zhou Enlai", "Shen Dingli", "Zhu Liang"),
                              "right": ("Chinese Premier", "Fudan scholar", "Soviet leader",
                                        "Mao")}}, "do not match the columns"),
    ("matching", {"fact_ids": ("brezhnev-leadership", "zhou-enlai", "treaty-1961", "zhu-liang")},
     "different kinds"),
    # explain
    ("explain", {"prompt": "How did China reach out to North Korea in 1969?"}, "ask why"),
    ("explain", {"answer": "The Soviet threat grew."}, "two reasons"),
]  # fmt: skip


@pytest.mark.parametrize(("qtype", "changes", "problem"), BAD_ITEMS)
def test_each_check_rejects_a_bad_item(qtype, changes, problem):
    problems = problems_with(make_question(qtype, **changes), ESSAY, BY_ID)
    assert any(problem in p for p in problems), problems


def test_an_emphasised_negative_is_allowed():
    q = make_question("short_answer", prompt="Which month was NOT the treaty month?")
    assert not any("negative" in p for p in problems_with(q, ESSAY, BY_ID))


def test_a_distractor_of_another_kind_is_rejected():
    q = make_question(
        "multiple_choice",
        prompt="Who led the new Soviet leadership after 1964?",
        answer="Brezhnev",
        options=("Brezhnev", "Czechoslovakia", "Khrushchev", "Zhou Enlai"),
        fact_ids=("brezhnev-leadership",),
    )
    assert any("is a place, not a person" in p for p in problems_with(q, ESSAY, BY_ID))


def test_ordering_rejects_events_whose_dates_overlap():
    q = make_question(
        "ordering",
        options=("Cultural Revolution begins", "Khrushchev steps down",
                 "Soviet–Mongolian alliance treaty", "Dubček elected in Czechoslovakia"),
        answer=("Khrushchev steps down", "Cultural Revolution begins",
                "Soviet–Mongolian alliance treaty", "Dubček elected in Czechoslovakia"),
        fact_ids=("khrushchev-steps-down", "cultural-revolution-1966", "mongolia-treaty",
                  "dubcek-elected"),
    )  # fmt: skip
    assert any("do not settle their order" in p for p in problems_with(q, ESSAY, BY_ID))
