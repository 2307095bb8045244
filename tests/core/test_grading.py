"""Answer checking rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.facts import load_fact_base
from studyapp.core.grading import Verdict, check, typed_matches, typo_allowance
from studyapp.core.questions import Question, QuestionType, Source, seed_bank
from studyapp.core.text import is_numeric_phrase, normalize, parse_date

BANK = seed_bank()
ONE_OF_EACH = [BANK.by_type(t)[0] for t in QuestionType]


def _item(qtype, prompt, answer, accept=(), options=None) -> Question:
    """A hand-made item: the grading rules do not depend on what the bank holds."""
    return Question(
        id="t-1",
        type=QuestionType(qtype),
        prompt=prompt,
        options=options,
        answer=answer,
        accept=tuple(accept),
        explanation="",
        sources=(Source("3", "A sentence of the essay."),),
        fact_ids=("fact",),
    )


def _typed(prompt, answer, accept=()) -> Question:
    return _item(QuestionType.SHORT_ANSWER, prompt, answer, accept)


# -- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Alexander Dubček", "alexander dubcek"),  # accents
        ("  THE   Ussuri River ", "ussuri river"),  # case, spaces, leading article
        ("Workers’ Party of Korea", "workers party of korea"),  # curly apostrophe
        ("Kim Il-sung", "kim il sung"),  # hyphen
        ("big‐power chauvinism", "big power chauvinism"),  # Unicode hyphen
        ("Sino–Soviet", "sino soviet"),  # en dash
        ("“prepare for war!”", "prepare for war"),  # quotes and punctuation
        ("an armed struggle", "armed struggle"),
        ("financial & military", "financial and military"),
        ("U.S.", "u s"),
    ],
)
def test_normalize(raw, folded):
    assert normalize(raw) == folded


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


# -- typed answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "accepted", "ok"),
    [
        ("Alexander Dubcek", ["Alexander Dubček"], True),  # accents ignored
        ("dubcek", ["Alexander Dubček"], False),  # a partial name is not an alias here
        ("  THE Ussuri   river ", ["Ussuri River"], True),  # case, spaces, article
        ("Kim Il-sung", ["Kim Il Sung"], True),  # hyphens
        ("Workers' Party of Korea", ["Workers’ Party of Korea"], True),  # quote styles
        # names and terms forgive small typos, scaled to length
        ("Brezhnv", ["Brezhnev"], True),  # 1 edit in 8 letters
        ("Brzhnv", ["Brezhnev"], False),  # 2 edits are too many for 8 letters
        ("Xinjaing", ["Xinjiang"], True),  # swapped neighbours count as one edit
        ("Choe Yong gon", ["Choe Yong-gon"], True),
        ("Kim Il Sng", ["Kim Il Sung"], True),
        ("Kim Ilsung", ["Kim Il Sung"], True),  # run together
        ("Kim Jong Un", ["Kim Il Sung"], False),
        ("Southeast China", ["Northeast China"], False),  # 2 edits, but all in one short word
        ("Tiananmne", ["Tiananmen"], True),
        ("Mau", ["Mao"], False),  # no typos in 4 letters or fewer
        ("THAD", ["THAAD"], True),
        # numbers and dates: exact after normalisation
        ("1968", ["1969"], False),
        ("fife", ["five"], False),
        ("one billion", ["one million"], False),
        ("twenty-fourth", ["23rd", "twenty-third"], False),
        ("23", ["23rd", "23"], True),
        # the same date written another way, never a less precise one
        ("1969-03", ["March 1969"], True),
        ("03/1969", ["March 1969"], True),
        ("mar 1969", ["March 1969"], True),
        ("March, 1969", ["March 1969"], True),
        ("1969", ["March 1969"], False),
        ("April 1969", ["March 1969"], False),
        ("30 September 1969", ["September 30, 1969"], True),
        ("1969-09-30", ["September 30, 1969"], True),
        ("September 1969", ["September 30, 1969"], False),
        ("September 29, 1969", ["September 30, 1969"], False),
        ("", ["anything"], False),
        ("   ", ["anything"], False),
    ],
)
def test_typed_rules(given_, accepted, ok):
    assert typed_matches(given_, accepted) is ok


@pytest.mark.parametrize(
    ("key", "edits"),
    [("Mao", 0), ("THAAD", 1), ("Brezhnev", 1), ("Khrushchev", 2), ("1969", 0), ("five", 0),
     ("one million", 0)],
)  # fmt: skip
def test_typo_allowance_scales_with_length_and_spares_numbers(key, edits):
    assert typo_allowance(key) == edits


def test_number_words_are_recognised():
    assert is_numeric_phrase("one million") and is_numeric_phrase("twenty-third")
    assert not is_numeric_phrase("First Secretary") and not is_numeric_phrase("")


def test_short_answer_accepts_aliases_and_says_what_it_read():
    q = _typed(
        "Near which island did the March 1969 clash break out?",
        "Zhenbao Island",
        ["Zhenbao", "Damansky", "Damansky Island", "Zhenbao (Damansky) Island"],
    )
    assert check(q, "Damansky").correct
    assert check(q, "zhenbao island").feedback == "Correct."
    typo = check(q, "Zhenbau")
    assert typo.correct and "Zhenbao" in typo.feedback
    wrong = check(q, "Ussuri")
    assert not wrong.correct and wrong.score == 0 and "Zhenbao" in wrong.feedback


def test_number_aliases():
    q = _typed(
        "With how many countries had Beijing established relations?",
        "53",
        ["fifty-three", "fifty three"],
    )
    assert check(q, "53").correct and check(q, "fifty-three").correct
    assert not check(q, "52").correct


def test_a_qualifier_the_question_asks_for_is_accepted():
    q = _typed("With more than how many countries did Beijing have disputes?", "30", ["thirty"])
    assert "more than" in q.prompt
    assert check(q, "30").correct and check(q, "more than 30").correct
    assert check(q, "More than thirty").correct
    assert not check(q, "about 30").correct and not check(q, "more than 31").correct
    other = _typed("With how many countries had Beijing established relations?", "53")
    assert not check(other, "more than 53").correct  # that question asks for the number


def test_dates_typed_in_iso_form_are_accepted_but_not_a_bare_year():
    q = _typed("When did Chinese and Soviet forces clash near Zhenbao Island?", "March 1969")
    assert check(q, "1969-03").correct and check(q, "3/1969").correct
    v = check(q, "1969")
    assert not v.correct and v.expected == "March 1969" and "March 1969" in v.feedback


def test_cloze_accepts_the_blanked_form_and_the_fact_aliases():
    facts = {f.id: f for f in load_fact_base().facts}
    q = next(q for q in BANK.by_type("cloze") if facts[q.fact_ids[0]].aliases)
    assert q.answer in facts[q.fact_ids[0]].accepted  # the blanked form is one of the fact's
    for form in facts[q.fact_ids[0]].accepted:
        assert check(q, form).correct, form


# -- choices, true/false, ordering, matching, explain ---------------------------------------------


def test_multiple_choice_needs_an_option():
    q = _item(
        QuestionType.MULTIPLE_CHOICE,
        "When did Chinese and Soviet forces clash near Zhenbao Island?",
        "March 1969",
        options=("August 1968", "March 1969", "October 1969", "April 1970"),
    )
    assert check(q, "March 1969").correct
    wrong = next(o for o in q.options if o != "March 1969")
    v = check(q, wrong)
    assert not v.correct and v.expected == "March 1969" and "March 1969" in v.feedback
    assert check(q, "march 1969 ").score == 0  # options are clicked, not typed
    assert "Choose one of the options" in check(q, "1969").feedback


@pytest.mark.parametrize(
    ("response", "ok"),
    [(True, True), ("true", True), ("T", True), ("yes", True), (" True ", True), ("false", False),
     ("f", False), ("no", False), (False, False), ("maybe", False), (1.5, False)],
)  # fmt: skip
def test_true_false_words(response, ok):
    q = next(q for q in BANK.by_type("true_false") if q.answer is True)
    v = check(q, response)
    assert v.correct is ok and v.expected == "True"


def test_a_false_statement_is_answered_false():
    q = next(q for q in BANK.by_type("true_false") if q.answer is False)
    assert check(q, "false").correct and not check(q, True).correct
    assert check(q, "no").expected == "False"


def test_ordering_partial_credit_counts_pairs_in_the_right_order():
    q = BANK.by_type("ordering")[0]
    key = list(q.answer)
    assert check(q, key).score == 1.0 and check(q, key).correct
    swapped = key[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    n = len(key)
    pairs = n * (n - 1) / 2
    v = check(q, swapped)
    assert v.score == pytest.approx((pairs - 1) / pairs) and not v.correct
    assert "Correct order" in v.feedback and key[0] in v.expected
    assert check(q, list(reversed(key))).score == 0.0
    moved = key[1:] + key[:1]  # the first event put last: most pairs still right
    assert check(q, moved).score == pytest.approx((pairs - (n - 1)) / pairs)
    assert check(q, tuple(key)).correct  # any sequence will do


@pytest.mark.parametrize(
    "bad", [None, "text", 3, [], ["x", "y", "z", "w"], [["a"]], {"a": 1}, [None, None]]
)
def test_ordering_malformed_answers_score_zero(bad):
    q = BANK.by_type("ordering")[0]
    v = check(q, bad)
    assert v.score == 0 and not v.correct and "Correct order" in v.feedback
    key = list(q.answer)
    assert check(q, key[:-1]).score == 0  # a missing event
    assert check(q, [*key, key[0]]).score == 0  # a repeated one


def test_matching_partial_credit_counts_pairs():
    q = BANK.by_type("matching")[0]
    pairs = [list(p) for p in q.answer]
    assert check(q, pairs).correct
    rights = [r for _, r in pairs]
    broken = [[pairs[0][0], rights[1]], [pairs[1][0], rights[0]]] + pairs[2:]
    v = check(q, broken)
    assert v.score == pytest.approx((len(pairs) - 2) / len(pairs)) and not v.correct
    assert "pairs right" in v.feedback
    assert check(q, dict(q.answer)).correct  # a mapping works too
    assert check(q, {pairs[0][0]: pairs[0][1]}).score == pytest.approx(1 / len(pairs))


@pytest.mark.parametrize("bad", [None, "text", 3, [["a", "b", "c"]], [1, 2], [[None, None]]])
def test_matching_malformed_answers_score_zero(bad):
    v = check(BANK.by_type("matching")[0], bad)
    assert v.score == 0 and not v.correct


def test_explain_is_self_graded():
    q = BANK.by_type("explain")[0]
    v = check(q, "Because of the Soviet Union.")
    assert v.self_graded and not v.correct and v.score == 0 and v.expected == q.answer


@pytest.mark.parametrize(
    "junk", [None, 3, 2.5, ["x"], {"a": 1}, "", "<script>", b"bytes", object()]
)
def test_malformed_input_is_wrong_not_an_error(junk):
    for q in BANK.questions[::7]:
        v = check(q, junk)
        assert isinstance(v, Verdict) and v.score == 0 and not v.correct
        assert isinstance(v.feedback, str) and v.feedback


def test_every_key_and_alias_passes():
    for q in BANK.questions:
        if q.type == "explain":
            continue
        answer = [list(p) for p in q.answer] if q.type == "matching" else q.answer
        assert check(q, answer).score == 1.0, q.id
        for alias in q.accept:
            assert check(q, alias).correct, (q.id, alias)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ONE_OF_EACH), JSONISH)
def test_any_response_gives_a_verdict(question, response):
    v = check(question, response)
    assert 0.0 <= v.score <= 1.0 and isinstance(v.feedback, str)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_random_text_never_crashes(text):
    for q in BANK.questions[::25]:
        check(q, text)


def test_parse_date_refuses_vague_dates():
    assert parse_date("late 1964") is None and parse_date("the 1960s") is None
    assert parse_date("13/1969") is None and parse_date("February 30, 1969") is None
