"""Scheduling in learner days over fsrs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card, Scheduler, State

from studyapp.core.scheduling import (
    CardPhase,
    CardState,
    LearnerClock,
    Rating,
    due_for_exam,
    new_card,
    rating_for,
    retrievability,
    review,
    scheduler,
)

UTC_CLOCK = LearnerClock("UTC", 4)
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _graduated(now=T0) -> CardState:
    card = review(new_card(now), Rating.GOOD, now, clock=UTC_CLOCK)
    return review(card, Rating.GOOD, now + timedelta(minutes=10), clock=UTC_CLOCK)


def test_round_trip():
    card = _graduated()
    assert CardState.from_dict(card.to_dict()) == card
    assert CardState.from_dict(new_card(T0).to_dict()) == new_card(T0)


def test_new_card_moves_through_learning_to_review():
    card = review(new_card(T0), Rating.GOOD, T0, clock=UTC_CLOCK)
    assert card.phase == CardPhase.LEARNING and card.due - T0 == timedelta(minutes=10)
    card = review(card, Rating.GOOD, T0 + timedelta(minutes=10), clock=UTC_CLOCK)
    assert card.phase == CardPhase.REVIEW
    # A review interval ends at the start of a learner day (4 am here).
    assert card.due.hour == 4 and card.due > T0 + timedelta(days=1)


def test_again_on_a_review_card_is_a_lapse():
    card = _graduated()
    after = review(card, Rating.AGAIN, card.due, clock=UTC_CLOCK)
    assert after.phase == CardPhase.RELEARNING and after.lapses == 1 and after.reps == 3


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        ("2026-03-02T23:00", "2026-03-03T03:59", 0),  # before the 4 am rollover: same day
        ("2026-03-02T23:00", "2026-03-03T04:00", 1),
        ("2026-03-02T03:00", "2026-03-02T05:00", 1),
        ("2026-03-02T05:00", "2026-03-04T03:00", 1),  # 46 hours, but one learner day
    ],
)
def test_learner_days_roll_over_at_the_chosen_hour(earlier, later, days):
    a = datetime.fromisoformat(earlier).replace(tzinfo=UTC)
    b = datetime.fromisoformat(later).replace(tzinfo=UTC)
    assert UTC_CLOCK.days_between(a, b) == days


def test_learner_days_follow_the_time_zone_and_dst():
    seoul = LearnerClock("Asia/Seoul", 4)
    # 20:00 UTC is 05:00 the next day in Seoul: already the next learner day there.
    assert seoul.day(datetime(2026, 3, 2, 20, tzinfo=UTC)) == date(2026, 3, 3)
    berlin = LearnerClock("Europe/Berlin", 4)
    # Clocks go forward on 29 March 2026; the day still starts at 04:00 local.
    assert berlin.day_start(date(2026, 3, 28)) == datetime(2026, 3, 28, 3, tzinfo=UTC)
    assert berlin.day_start(date(2026, 3, 30)) == datetime(2026, 3, 30, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        LearnerClock("Mars/Olympus", 4)


def test_retrievability_uses_learner_days_not_24_hour_periods():
    card = _graduated()
    evening = datetime(2026, 3, 5, 23, 0, tzinfo=UTC)
    morning = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)  # 9 hours later, but the next learner day
    assert retrievability(card, morning, clock=UTC_CLOCK) < retrievability(
        card, evening, clock=UTC_CLOCK
    )
    # For a whole-day gap it matches fsrs's own formula.
    days = UTC_CLOCK.days_between(card.last_review, morning)
    plain = Card(
        state=State.Review,
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=morning - timedelta(days=days),
        due=card.due,
    )
    assert retrievability(card, morning, clock=UTC_CLOCK) == pytest.approx(
        Scheduler().get_card_retrievability(plain, morning)
    )
    assert retrievability(new_card(T0), T0, clock=UTC_CLOCK) == 0.0


@pytest.mark.parametrize(
    ("correct", "score", "ms", "rating"),
    [
        (False, 0.0, 1000, Rating.AGAIN),
        (False, 0.6, 1000, Rating.HARD),
        (True, 1.0, 25_000, Rating.HARD),
        (True, 1.0, 2_000, Rating.EASY),
        (True, 1.0, 7_000, Rating.GOOD),
        (True, 1.0, None, Rating.GOOD),
    ],
)
def test_rating_for(correct, score, ms, rating):
    assert rating_for(correct, score, ms, 10_000) == rating


def test_exam_pulls_a_card_forward_only_when_needed():
    card = _graduated()
    far = card.due + timedelta(days=400)
    pulled = due_for_exam(card, far, clock=UTC_CLOCK, desired_retention=0.9)
    assert pulled == card.due  # due before the deadline anyway
    long = CardState.from_dict({**card.to_dict(), "due": (far + timedelta(days=30)).isoformat()})
    pulled = due_for_exam(long, far, clock=UTC_CLOCK, desired_retention=0.9)
    assert pulled < far
    assert retrievability(long, pulled, clock=UTC_CLOCK) >= 0.9
    soon = card.last_review + timedelta(days=1)
    assert due_for_exam(card, soon, clock=UTC_CLOCK, desired_retention=0.9) == card.due
    assert due_for_exam(new_card(T0), far, clock=UTC_CLOCK, desired_retention=0.9) == T0


@pytest.mark.parametrize("value", [0.5, 0.69, 0.98, 1.0])
def test_desired_retention_range(value):
    with pytest.raises(ValueError):
        scheduler(value)
