"""A student's progress: forecast, history, retention, mastery, streak, weak facts, readiness."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from studyapp.core.scheduling import CardPhase, CardState, retrievability
from studyapp.extensions import db
from studyapp.models import Card, Question, Review, ReviewMode, User
from studyapp.services.bank import essay, facts_by_id
from studyapp.services.study import clock_for, open_exams

MASTERED_STABILITY_DAYS = 21


@dataclass(frozen=True)
class Share:
    label: str
    done: int
    total: int

    @property
    def value(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class WeakFact:
    fact_id: str
    topic: str
    answers: int
    mean_score: float


@dataclass(frozen=True)
class Readiness:
    assignment_id: int
    title: str
    closes_at: datetime
    ready: int
    total: int

    @property
    def value(self) -> float:
        return self.ready / self.total if self.total else 0.0


@dataclass(frozen=True)
class Dashboard:
    due_today: int
    due_tomorrow: int
    due_week: int
    due_month: int
    forecast: list[tuple[str, int]]  # next 30 learner days
    history: list[tuple[str, int]]  # reviews per day, last 90 learner days
    reviews_total: int
    true_retention: float | None
    retention_answers: int
    desired_retention: float
    by_section: list[Share]
    by_kind: list[Share]
    streak: int
    weakest: list[WeakFact]
    readiness: list[Readiness]
    cards: int


def dashboard(user: User, now: datetime) -> Dashboard:
    """Everything the progress page shows, in a fixed number of queries."""
    clock = clock_for(user)
    today = clock.day(now)
    cards = db.session.execute(
        select(Card.question_id, Card.fact_id, Card.due, Card.state, Question.section)
        .join(Question, Question.id == Card.question_id)
        .where(Card.user_id == user.id, Question.in_bank.is_(True), Question.retired_at.is_(None))
    ).all()
    forecast_counts: Counter[int] = Counter()
    for _, _, due, _, _ in cards:
        offset = max((clock.day(due) - today).days, 0)
        forecast_counts[offset] += 1
    due_today = forecast_counts[0]
    due_tomorrow = forecast_counts[1]
    due_week = sum(forecast_counts[d] for d in range(7))
    due_month = sum(forecast_counts[d] for d in range(30))
    forecast = [
        ((today + timedelta(days=d)).strftime("%d %b"), forecast_counts[d]) for d in range(30)
    ]

    since = clock.day_start(today - timedelta(days=89))
    reviews = db.session.execute(
        select(
            Review.created_at,
            Review.correct,
            Review.score,
            Review.mode,
            Review.phase,
            Review.question_id,
        ).where(Review.user_id == user.id, Review.undone_at.is_(None), Review.created_at >= since)
    ).all()
    per_day: Counter[date] = Counter(clock.day(r.created_at) for r in reviews)
    history = [
        ((today - timedelta(days=d)).strftime("%d %b"), per_day[today - timedelta(days=d)])
        for d in range(89, -1, -1)
    ]
    retention = [
        r.correct for r in reviews if r.mode == ReviewMode.STUDY and r.phase == CardPhase.REVIEW
    ]
    true_retention = sum(retention) / len(retention) if retention else None

    streak = 0
    day = today if per_day[today] else today - timedelta(days=1)
    while per_day[day]:
        streak += 1
        day -= timedelta(days=1)

    by_section, by_kind = _mastery(user, cards, now, clock)
    weakest = _weakest(reviews)
    readiness = exam_readiness(user, now)
    return Dashboard(
        due_today=due_today,
        due_tomorrow=due_tomorrow,
        due_week=due_week,
        due_month=due_month,
        forecast=forecast,
        history=history,
        reviews_total=len(reviews),
        true_retention=true_retention,
        retention_answers=len(retention),
        desired_retention=user.desired_retention,
        by_section=by_section,
        by_kind=by_kind,
        streak=streak,
        weakest=weakest,
        readiness=readiness,
        cards=len(cards),
    )


def _mastered(state: dict) -> bool:
    card = CardState.from_dict(state)
    return card.phase == CardPhase.REVIEW and (card.stability or 0) >= MASTERED_STABILITY_DAYS


def _mastery(user, cards, now, clock):  # type: ignore[no-untyped-def]
    """Share of each section's and each fact kind's questions that are mastered.

    A question is mastered when its card is in review with a stability of 21 days or more
    (recall stays near 90% three weeks after the last review).
    """
    totals_section: Counter[str] = Counter()
    totals_kind: Counter[str] = Counter()
    facts = facts_by_id()
    rows = db.session.execute(
        select(Question.id, Question.section, Question.data["fact_ids"]).where(
            Question.in_bank.is_(True), Question.retired_at.is_(None)
        )
    ).all()
    kind_of_question: dict[str, str] = {}
    for qid, section, fact_ids in rows:
        totals_section[section] += 1
        first = (fact_ids or [None])[0]
        kind = facts[first].kind.value if first in facts else "other"
        kind_of_question[qid] = kind
        totals_kind[kind] += 1
    done_section: Counter[str] = Counter()
    done_kind: Counter[str] = Counter()
    for question_id, _, _, state, section in cards:
        if _mastered(state):
            done_section[section] += 1
            done_kind[kind_of_question.get(question_id, "other")] += 1
    sections = []
    for s in essay().all_sections():
        label = "About the author" if s.id == "front" else f"{s.number}. {s.title}"
        sections.append(Share(label, done_section[s.id], totals_section[s.id]))
    kinds = [Share(k.capitalize(), done_kind[k], totals_kind[k]) for k in sorted(totals_kind)]
    return sections, kinds


def _weakest(reviews) -> list[WeakFact]:  # type: ignore[no-untyped-def]
    scores: dict[str, list[float]] = defaultdict(list)
    question_facts = (
        dict(
            db.session.execute(
                select(Question.id, Question.data["fact_ids"]).where(
                    Question.id.in_({r.question_id for r in reviews})
                )
            ).all()
        )
        if reviews
        else {}
    )
    for r in reviews:
        for fact_id in (question_facts.get(r.question_id) or [])[:1]:
            scores[fact_id].append(r.score)
    facts = facts_by_id()
    weak = [
        WeakFact(fid, facts[fid].topic if fid in facts else fid, len(v), sum(v) / len(v))
        for fid, v in scores.items()
    ]
    weak.sort(key=lambda w: (w.mean_score, -w.answers, w.topic))
    return [w for w in weak if w.mean_score < 1.0][:10]


def exam_readiness(user: User, now: datetime) -> list[Readiness]:
    """For each open assignment: its questions predicted to be recalled at the close time."""
    clock = clock_for(user)
    out = []
    for assignment, question_ids in open_exams(user, now):
        states = db.session.scalars(
            select(Card.state).where(Card.user_id == user.id, Card.question_id.in_(question_ids))
        ).all()
        ready = sum(
            1
            for s in states
            if retrievability(CardState.from_dict(s), assignment.closes_at, clock=clock)
            >= user.desired_retention
        )
        out.append(
            Readiness(
                assignment.id, assignment.title, assignment.closes_at, ready, len(question_ids)
            )
        )
    return out
