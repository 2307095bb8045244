"""Spaced-repetition scheduling: the ``fsrs`` package, counted in the learner's calendar days.

py-fsrs measures elapsed time in whole 24-hour periods, so a card reviewed at 23:00 and again at
08:00 the next morning counts as 0 days. A learner thinks in days that roll over at an hour of
their choosing (4 am by default). This module keeps real timestamps in ``CardState`` and, when it
asks fsrs for a prediction or a new schedule, presents the last review as lying exactly the
learner's number of days in the past, so fsrs's whole-day count equals the learner-day count.
Review intervals then land at the start of the due learner day; learning steps stay in minutes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs import Card, Scheduler, State
from fsrs import Rating as FsrsRating

from studyapp.core.timezones import clamp, clamp_day

MIN_RETENTION = 0.70
MAX_RETENTION = 0.97


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class CardPhase(StrEnum):
    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


_TO_STATE = {
    CardPhase.NEW: State.Learning,
    CardPhase.LEARNING: State.Learning,
    CardPhase.REVIEW: State.Review,
    CardPhase.RELEARNING: State.Relearning,
}
_FROM_STATE = {
    State.Learning: CardPhase.LEARNING,
    State.Review: CardPhase.REVIEW,
    State.Relearning: CardPhase.RELEARNING,
}


@dataclass(frozen=True)
class LearnerClock:
    """A learner's calendar: days roll over at ``rollover_hour`` in their time zone."""

    timezone: str = "UTC"
    rollover_hour: int = 4

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if not 0 <= self.rollover_hour <= 23:
            raise ValueError("rollover hour must be 0..23")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day(self, at: datetime) -> date:
        """The learner day that the instant ``at`` falls in (clamped at the calendar's ends)."""
        local = clamp(at).astimezone(self.zone)
        return (local - timedelta(hours=self.rollover_hour)).date()

    def days_between(self, earlier: datetime, later: datetime) -> int:
        """Learner days from ``earlier`` to ``later`` (calendar days, not 24-hour periods)."""
        return (self.day(later) - self.day(earlier)).days

    def day_start(self, day: date) -> datetime:
        """The UTC instant at which a learner day begins (clamped at the calendar's ends)."""
        local = datetime.combine(clamp_day(day), time(self.rollover_hour), tzinfo=self.zone)
        return local.astimezone(UTC)

    def next_day_start(self, at: datetime) -> datetime:
        """When the learner day after the one holding ``at`` begins."""
        return self.day_start(clamp_day(self.day(at)) + timedelta(days=1))


@dataclass(frozen=True)
class CardState:
    """One learner's schedule for one question (JSON-safe via to_dict/from_dict)."""

    phase: CardPhase
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        data = asdict(self)
        data["phase"] = str(self.phase)
        data["due"] = self.due.isoformat()
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        """Rebuild from ``to_dict`` output."""
        last = data.get("last_review")
        return cls(
            phase=CardPhase(data["phase"]),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=datetime.fromisoformat(data["due"]),
            last_review=datetime.fromisoformat(last) if last else None,
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


def check_retention(desired_retention: float) -> float:
    """Desired retention must lie in 0.70..0.97."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(f"desired retention must be between {MIN_RETENTION} and {MAX_RETENTION}")
    return round(desired_retention, 3)


@lru_cache(maxsize=32)
def scheduler(desired_retention: float = 0.9) -> Scheduler:
    """An fsrs scheduler with default parameters and no fuzz (one per retention, reused)."""
    return Scheduler(desired_retention=check_retention(desired_retention), enable_fuzzing=False)


def new_card(now: datetime) -> CardState:
    """A card never reviewed: due now."""
    return CardState(CardPhase.NEW, 0, None, None, now, None)


def _fsrs_card(card: CardState, now: datetime, clock: LearnerClock) -> Card:
    last = card.last_review
    if last is not None:
        # Present the last review as exactly the learner's number of days ago (see module doc).
        days = max(clock.days_between(last, now), 0)
        same_day_gap = now - last if days == 0 else timedelta(0)
        last = now - timedelta(days=days) - same_day_gap
    return Card(
        card_id=1,
        state=_TO_STATE[card.phase],
        step=card.step if card.phase != CardPhase.REVIEW else None,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=last,
    )


def review(
    card: CardState,
    rating: Rating,
    now: datetime,
    *,
    clock: LearnerClock,
    desired_retention: float = 0.9,
    duration_ms: int | None = None,
) -> CardState:
    """The card's schedule after answering it at ``now`` with ``rating``."""
    result, _log = scheduler(desired_retention).review_card(
        _fsrs_card(card, now, clock), FsrsRating(int(rating)), now, duration_ms
    )
    phase = _FROM_STATE[result.state]
    due = result.due
    if phase == CardPhase.REVIEW:
        interval_days = max(round((result.due - now) / timedelta(days=1)), 1)
        due = clock.day_start(clock.day(now) + timedelta(days=interval_days))
    lapsed = rating == Rating.AGAIN and card.phase == CardPhase.REVIEW
    return CardState(
        phase=phase,
        step=result.step,
        stability=result.stability,
        difficulty=result.difficulty,
        due=due,
        last_review=now,
        reps=card.reps + 1,
        lapses=card.lapses + (1 if lapsed else 0),
    )


def retrievability(card: CardState, at: datetime, *, clock: LearnerClock) -> float:
    """Predicted probability of recalling the card at ``at`` (0 for a card never seen)."""
    if card.phase == CardPhase.NEW or card.last_review is None or card.stability is None:
        return 0.0
    return float(scheduler().get_card_retrievability(_fsrs_card(card, at, clock), at))


def rating_for(correct: bool, score: float, response_ms: int | None, expected_ms: int) -> Rating:
    """Rate an objective answer: wrong is Again; partly right or slow is Hard; quick is Easy.

    ``expected_ms`` is the typical answer time of the question's kind (``expected_seconds``).

    - score < 0.5 (wrong): AGAIN
    - 0.5 <= score < 1 (partly right ordering/matching): HARD
    - right but slower than twice the expected time: HARD
    - right within a third of the expected time: EASY
    - otherwise right: GOOD
    """
    if not correct:
        return Rating.AGAIN if score < 0.5 else Rating.HARD
    if response_ms is None:
        return Rating.GOOD
    if response_ms > 2 * expected_ms:
        return Rating.HARD
    if response_ms < expected_ms / 3:
        return Rating.EASY
    return Rating.GOOD


def due_for_exam(
    card: CardState, deadline: datetime, *, clock: LearnerClock, desired_retention: float
) -> datetime:
    """When to review so that predicted recall at ``deadline`` stays at the target.

    Returns ``card.due`` when recall at the deadline is already high enough; otherwise the
    start of the last learner day on which recall is still at or above the target (at the
    latest the deadline's own day), whichever is earlier. New cards are due at once.
    """
    target = check_retention(desired_retention)
    if card.phase == CardPhase.NEW or card.last_review is None:
        return min(card.due, deadline)
    if card.due <= deadline or retrievability(card, deadline, clock=clock) >= target:
        return card.due
    first = clock.day(card.last_review)
    last = clock.day(deadline)
    lo, hi = 0, (last - first).days
    while lo < hi:  # the last day whose start still predicts recall >= target
        mid = (lo + hi + 1) // 2
        start = clock.day_start(first + timedelta(days=mid))
        if retrievability(card, start, clock=clock) >= target:
            lo = mid
        else:
            hi = mid - 1
    return min(card.due, max(clock.day_start(first + timedelta(days=lo)), card.last_review))


def interval_days(card: CardState, now: datetime, clock: LearnerClock) -> int:
    """Whole learner days until the card is due (0 when due today or overdue)."""
    return max(math.floor((clock.day(card.due) - clock.day(now)).days), 0)


def with_due(card: CardState, due: datetime) -> CardState:
    """The same card with another due time."""
    return replace(card, due=due)


def interval_words(due: datetime, since: datetime, clock: LearnerClock) -> str:
    """How long from ``since`` until ``due``, as a learner reads it: "10 minutes", "3 hours",
    "16 days" (learner days, as review intervals are counted)."""
    delta = due - since
    if delta < timedelta(hours=1):
        n, unit = max(round(delta / timedelta(minutes=1)), 1), "minute"
    elif clock.day(due) == clock.day(since):
        n, unit = max(round(delta / timedelta(hours=1)), 1), "hour"
    else:
        n, unit = max(clock.days_between(since, due), 1), "day"
    return f"{n} {unit}{'' if n == 1 else 's'}"
