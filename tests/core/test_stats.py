"""Descriptive statistics and Moodle-style item analysis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core import stats
from studyapp.core.stats import AttemptMarks, Bin, describe, describe_flag, histogram, item_analysis

ONES = {"a": 1.0, "b": 1.0, "c": 1.0}


def make_attempt(attempt_id: int, marks: dict[str, float], choices=None) -> AttemptMarks:
    """An attempt at the questions in ``marks``, each out of 1."""
    return AttemptMarks(attempt_id, marks, dict.fromkeys(marks, 1.0), choices or {})


def four_attempts() -> list[AttemptMarks]:
    """Totals 3, 2, 2, 0 over questions a (1,1,0,0), b (1,0,1,0) and c (1,1,1,0)."""
    rows = [(1, 1, 1), (1, 0, 1), (0, 1, 1), (0, 0, 0)]
    return [
        make_attempt(i, dict(zip("abc", map(float, row), strict=True)))
        for i, row in enumerate(rows, 1)
    ]


def by_id(attempts, keys=None) -> dict[str, stats.ItemStats]:
    return {s.question_id: s for s in item_analysis(attempts, keys)}


# --- describe and histogram ------------------------------------------------------------------


def test_describe_uses_the_sample_standard_deviation():
    s = describe([2, 4, 4, 4, 5, 5, 7, 9])
    assert (s.count, s.mean, s.median, s.minimum, s.maximum) == (8, 5.0, 4.5, 2.0, 9.0)
    assert s.sd == pytest.approx(math.sqrt(32 / 7))  # n - 1 in the denominator


def test_describe_of_nothing_and_of_one_score():
    assert describe([]) == stats.Summary(0, None, None, None, None, None)
    one = describe([70.0])
    assert (one.count, one.mean, one.median, one.sd) == (1, 70.0, 70.0, None)


def test_histogram_edges_and_top_edge_inclusive():
    bins = histogram([0, 9.99, 10, 55, 100, 100, -1, 101])
    assert len(bins) == 10
    assert bins[0] == Bin(0.0, 10.0, 2) and bins[1] == Bin(10.0, 20.0, 1)
    assert bins[5].count == 1 and bins[9] == Bin(90.0, 100.0, 2)
    assert sum(b.count for b in bins) == 6  # -1 and 101 are outside 0..100


def test_histogram_puts_values_on_an_edge_in_the_upper_bin():
    bins = histogram([0.3, 0.7], lo=0.0, hi=1.0, bins=10)
    assert [b.count for b in bins] == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]


def test_histogram_rejects_bad_ranges():
    with pytest.raises(ValueError):
        histogram([1], bins=0)
    with pytest.raises(ValueError):
        histogram([1], lo=5, hi=5)


# --- item analysis, hand-computed --------------------------------------------------------------


def test_item_statistics_match_the_hand_computation():
    a = by_id(four_attempts())["a"]
    assert a.attempts == 4 and a.facility == pytest.approx(50.0)
    assert a.sd == pytest.approx(100 * math.sqrt(1 / 3))
    # x = 1,1,0,0 against the rest of the test 2,1,2,0: Sxy = 0.5, Sxx = 1, Syy = 2.75.
    assert a.discrimination_index == pytest.approx(100 * 0.5 / math.sqrt(2.75))
    # Sorted pairs (0,0) (0,1) (1,2) (1,2) give the largest possible Sxy, 1.5.
    assert a.discriminative_efficiency == pytest.approx(100 * 0.5 / 1.5)
    c = by_id(four_attempts())["c"]
    assert c.facility == pytest.approx(75.0) and c.discriminative_efficiency == pytest.approx(100)


def test_strong_student_right_and_weak_student_wrong_discriminates():
    strong = make_attempt(1, {"q": 1.0, "r": 1.0, "s": 1.0})
    weak = make_attempt(2, {"q": 0.0, "r": 0.0, "s": 1.0})
    q = by_id([strong, weak])["q"]
    assert q.discrimination_index == pytest.approx(100.0)
    assert q.discriminative_efficiency == pytest.approx(100.0)


def test_weak_student_right_and_strong_student_wrong_is_negative_and_flagged():
    strong = make_attempt(1, {"q": 0.0, "r": 1.0, "s": 1.0})
    middle = make_attempt(2, {"q": 0.0, "r": 1.0, "s": 0.0})
    weak = make_attempt(3, {"q": 1.0, "r": 0.0, "s": 0.0})
    q = by_id([strong, middle, weak])["q"]
    assert q.discrimination_index is not None and q.discrimination_index < 0
    assert q.discriminative_efficiency is not None and q.discriminative_efficiency < 0
    assert "low_discrimination" in q.flags


def test_a_constant_item_has_no_discrimination():
    attempts = [make_attempt(i, {"q": 1.0, "r": float(i % 2)}) for i in range(6)]
    q = by_id(attempts)["q"]
    assert q.facility == 100.0 and q.sd == 0.0
    assert q.discrimination_index is None and q.discriminative_efficiency is None
    assert q.flags == ("too_easy",)  # no low-discrimination flag without a number


def test_constant_rest_of_test_has_no_discrimination():
    attempts = [make_attempt(i, {"q": float(i % 2), "r": 1.0}) for i in range(4)]
    q = by_id(attempts)["q"]
    assert q.facility == 50.0 and q.discrimination_index is None


def test_a_single_attempt_has_a_facility_but_no_spread():
    q = by_id([make_attempt(1, {"q": 0.5, "r": 1.0})])["q"]
    assert q.facility == 50.0 and q.sd is None
    assert q.discrimination_index is None and q.discriminative_efficiency is None


def test_facility_is_a_share_of_each_questions_maximum():
    attempts = [
        AttemptMarks(1, {"q": 2.0, "r": 1.0}, {"q": 4.0, "r": 1.0}),
        AttemptMarks(2, {"q": 4.0, "r": 0.0}, {"q": 4.0, "r": 1.0}),
    ]
    assert by_id(attempts)["q"].facility == pytest.approx(75.0)


def test_questions_missing_from_an_attempt_count_only_where_present():
    attempts = [make_attempt(1, {"q": 1.0}), make_attempt(2, {"q": 0.0, "r": 1.0})]
    result = by_id(attempts)
    assert result["q"].attempts == 2 and result["r"].attempts == 1


def test_no_attempts_gives_no_rows():
    assert item_analysis([]) == []


# --- flags -------------------------------------------------------------------------------------


def _facility_run(right: int, total: int) -> stats.ItemStats:
    attempts = [
        make_attempt(i, {"q": 1.0 if i < right else 0.0, "r": float(i % 2)}) for i in range(total)
    ]
    return by_id(attempts)["q"]


def test_facility_thresholds():
    assert "too_hard" in _facility_run(1, 20).flags  # 5%
    assert "too_hard" not in _facility_run(6, 100).flags  # 6%
    assert "too_easy" in _facility_run(19, 20).flags  # 95%
    assert "too_easy" not in _facility_run(94, 100).flags  # 94%


def _choice_run(picks: dict[str, int]) -> stats.ItemStats:
    attempts = []
    for option, times in picks.items():
        for _ in range(times):
            i = len(attempts)
            right = option == "A"
            choices = {"q": option}
            attempts.append(make_attempt(i, {"q": float(right), "r": float(i % 3 == 0)}, choices))
    return by_id(attempts, {"q": (["A", "B", "C", "D"], "A")})["q"]


def test_weak_distractors_are_flagged_from_twenty_attempts():
    q = _choice_run({"A": 15, "B": 4, "C": 1})  # 20 attempts; nobody picks D
    assert q.option_counts == {"A": 15, "B": 4, "C": 1, "D": 0}
    assert "weak_distractor:D" in q.flags
    assert "weak_distractor:C" not in q.flags  # exactly 5% is not below 5%
    assert not any(f == "weak_distractor:A" for f in q.flags)  # the key is no distractor


def test_no_distractor_flags_below_twenty_attempts():
    q = _choice_run({"A": 15, "B": 4})
    assert q.attempts == 19 and q.option_counts["D"] == 0
    assert not any(f.startswith("weak_distractor:") for f in q.flags)


def test_choices_without_keys_are_still_counted():
    attempts = [make_attempt(i, {"q": 1.0}, {"q": c}) for i, c in enumerate("xyx")]
    attempts.append(make_attempt(9, {"q": 0.0}, {"q": None}))
    assert by_id(attempts)["q"].option_counts == {"x": 2, "y": 1}


def test_flags_read_as_sentences():
    assert "Too hard" in describe_flag("too_hard")
    assert "15%" in describe_flag("low_discrimination")
    assert "\u201cNixon\u201d" in describe_flag("weak_distractor:Nixon")
    assert describe_flag("something_new") == "something_new"


# --- test level --------------------------------------------------------------------------------


def test_test_stats_summarise_percentages_and_internal_consistency():
    result = stats.test_stats(four_attempts())
    assert isinstance(result, stats.Summary)
    assert result.count == 4 and result.mean == pytest.approx(175 / 3)
    assert (result.minimum, result.maximum) == (0.0, 100.0)
    # Item variances 1/3 + 1/3 + 1/4 = 11/12; total variance 19/12; p = 3.
    assert result.cic == pytest.approx(100 * 1.5 * (1 - 11 / 19))
    assert result.error_ratio == pytest.approx(100 * math.sqrt(1 - result.cic / 100))
    assert result.standard_error == pytest.approx(result.error_ratio * result.sd / 100)


def test_test_stats_without_enough_data():
    assert stats.test_stats([]).count == 0 and stats.test_stats([]).cic is None
    one_question = [make_attempt(i, {"q": float(i % 2)}) for i in range(4)]
    assert stats.test_stats(one_question).cic is None
    same_totals = [make_attempt(i, {"q": 1.0, "r": 0.0}) for i in range(4)]
    assert stats.test_stats(same_totals).cic is None


# --- properties --------------------------------------------------------------------------------

QUESTIONS = ["q1", "q2", "q3", "q4"]


@st.composite
def attempt_sets(draw, *, every_question: bool = False) -> list[AttemptMarks]:
    maxima = {q: draw(st.sampled_from([1.0, 2.0, 0.5, 3.0])) for q in QUESTIONS}
    n = draw(st.integers(min_value=0, max_value=30))
    out = []
    for i in range(n):
        taken = (
            set(QUESTIONS)
            if every_question
            else draw(st.sets(st.sampled_from(QUESTIONS), min_size=1))
        )
        shares = {q: draw(st.floats(min_value=0, max_value=1)) for q in sorted(taken)}
        marks = {q: maxima[q] * share for q, share in shares.items()}
        out.append(AttemptMarks(i, marks, {q: maxima[q] for q in taken}))
    return out


@given(attempt_sets())
def test_item_statistics_stay_in_range(attempts):
    for s in item_analysis(attempts):
        assert 1 <= s.attempts <= len(attempts)
        assert s.facility is not None and 0.0 <= s.facility <= 100.0
        assert s.sd is None or s.sd >= 0.0
        d = s.discrimination_index
        assert d is None or -100.0 <= d <= 100.0
        e = s.discriminative_efficiency
        assert e is None or e <= 100.0 + 1e-9
        assert (d is None) == (e is None)


@given(attempt_sets(every_question=True))
def test_test_statistics_stay_in_range(attempts):
    result = stats.test_stats(attempts)
    assert result.count == len(attempts)
    if result.count:
        assert result.minimum >= 0.0 and result.maximum <= 100.0 + 1e-9
        assert result.minimum - 1e-9 <= result.mean <= result.maximum + 1e-9
    # Cronbach's alpha cannot exceed 1 when every attempt has every question.
    assert result.cic is None or result.cic <= 100.0 + 1e-9
    assert result.error_ratio is None or result.error_ratio >= 0.0


# --- response analysis (typed answers) -------------------------------------------------------


def test_typed_answers_group_by_key_most_frequent_first_with_how_they_were_marked():
    groups = stats.response_analysis(
        [
            ("kim il sung", "Kim Il Sung", True),
            ("zhou enlai", "Zhou Enlai", False),
            ("kim il sung", "kim il-sung", True),
            ("zhou enlai", " zhou enlai ", False),
            ("kim il sung", "Kim Il Sung", True),
            ("zhou enlai", "Zhou Enlai", False),
            ("mao", "Mao", False),
            ("1969 03", "1969-03", True),  # the same key marked both ways: mixed
            ("1969 03", "1969 03", False),
        ]
    )
    assert [(g.text, g.count, g.right, g.marked) for g in groups] == [
        ("Kim Il Sung", 3, 3, "right"),  # the spelling most students typed stands for them
        ("Zhou Enlai", 3, 0, "wrong"),
        ("1969-03", 2, 1, "mixed"),  # spellings as frequent: the first typed
        ("Mao", 1, 0, "wrong"),
    ]
    assert stats.response_analysis([]) == []
