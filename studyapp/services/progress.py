"""A student's progress: forecast, history, retention, mastery, streak, weak facts, readiness.

Every number comes from aggregate queries (GROUP BY in the database), so the dashboard costs
the same handful of queries however long the history is. Days are the learner's days (time
zone and rollover hour); undone answers are left out everywhere.

Definitions:
- due on a day: cards whose due time falls in that learner day (overdue cards count as today).
- true retention: the share of scheduled-review answers (mode ``study``) given to cards in the
  review phase that were correct, over the last 90 days; learning steps are not memory tests.
- mastered: a question whose card is in the review phase with a memory stability of 21 days or
  more (predicted recall is still about 90% three weeks after the last review).
- stages, as Anki counts them: new (never studied), learning (in learning or relearning steps),
  young (in review, stability under 21 days) and mature (in review, 21 days or more: mastered).
- streak: consecutive learner days with at least one answer, ending today or yesterday.
- weakest facts: facts with the lowest mean score over their answers of the last 90 days (a
  quiz answer counts once its quiz shows its mark, services.visibility.released).
- ready for a quiz: the share of its facts on which some card of the student has a predicted
  recall at the student's close time of at least the student's desired retention (the quiz's
  own questions are held back while it is open, so its facts are studied through others).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select

from studyapp.core.scheduling import CardPhase, CardState, LearnerClock, retrievability
from studyapp.extensions import db
from studyapp.models import Card, Question, QuestionFact, Review, ReviewMode, User
from studyapp.services import visibility
from studyapp.services.bank import essay, facts_by_id
from studyapp.services.study import clock_for, open_exams

MASTERED_STABILITY_DAYS = 21
HISTORY_DAYS = 90
FORECAST_DAYS = 30
WEAKEST = 10


@dataclass(frozen=True)
class Share:
    """Part of a whole, e.g. mastered questions of a section."""

    key: str
    label: str
    done: int
    total: int

    @property
    def value(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class Stages:
    """The bank's questions by how far the student has come with them."""

    new: int
    learning: int
    young: int
    mature: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature

    def items(self) -> list[tuple[str, str, int]]:
        """(key, label, count) from new to mature."""
        return [
            ("new", "New", self.new),
            ("learning", "Learning", self.learning),
            ("young", "Young", self.young),
            ("mature", "Mature", self.mature),
        ]


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
    due_week: int  # the next 7 learner days, today included
    due_month: int  # the next 30 learner days, today included
    forecast: list[tuple[str, int]]  # cards due on each of the next 30 learner days
    history: list[tuple[str, int]]  # answers on each of the last 90 learner days
    reviews_total: int  # answers in the last 90 days
    true_retention: float | None
    retention_answers: int
    desired_retention: float
    by_section: list[Share]
    by_kind: list[Share]
    streak: int
    weakest: list[WeakFact]
    readiness: list[Readiness]
    cards: int  # cards started (questions studied at least once)
    stages: Stages


def _day_index(column, starts: list[datetime]):  # type: ignore[no-untyped-def]
    """SQL: the index i of the day [starts[i], starts[i+1]) that holds ``column`` (else NULL).

    Values before the first start fall into day 0 (overdue cards are due today).
    """
    whens = [(column < starts[i + 1], i) for i in range(len(starts) - 1)]
    return case(*whens, else_=None)


def daily_counts(user: User, clock: LearnerClock, first: date, last: date) -> dict[date, int]:
    """Answers per learner day from ``first`` to ``last`` (undone left out): one GROUP BY."""
    days = (last - first).days + 1
    starts = [clock.day_start(first + timedelta(days=i)) for i in range(days + 1)]
    index = _day_index(Review.created_at, starts).label("day")
    rows = db.session.execute(
        select(index, func.count())
        .where(
            Review.user_id == user.id,
            Review.undone_at.is_(None),
            Review.created_at >= starts[0],
            Review.created_at < starts[-1],
        )
        .group_by(index)
    ).all()
    return {first + timedelta(days=i): n for i, n in rows if i is not None}


def streak(
    user: User, clock: LearnerClock, today: date, recent: dict[date, int], since: date
) -> int:
    """Consecutive learner days with an answer, ending today or yesterday.

    ``recent`` holds the counts from ``since`` to today; older days are fetched 90 at a time,
    only while the streak reaches back that far.
    """
    day = today if recent.get(today) else today - timedelta(days=1)
    count, counts, first = 0, recent, since
    while True:
        if day < first:
            first = day - timedelta(days=HISTORY_DAYS - 1)
            counts = daily_counts(user, clock, first, day)
        if not counts.get(day):
            return count
        count += 1
        day -= timedelta(days=1)


def dashboard(user: User, now: datetime) -> Dashboard:
    """Everything the progress page shows, in a fixed number of aggregate queries."""
    clock = clock_for(user)
    today = clock.day(now)

    forecast_counts = _forecast(user, clock, today)
    forecast = [
        ((today + timedelta(days=d)).strftime("%d %b"), forecast_counts.get(d, 0))
        for d in range(FORECAST_DAYS)
    ]

    first = today - timedelta(days=HISTORY_DAYS - 1)
    per_day = daily_counts(user, clock, first, today)
    history = [
        ((first + timedelta(days=d)).strftime("%d %b"), per_day.get(first + timedelta(days=d), 0))
        for d in range(HISTORY_DAYS)
    ]
    answered, right = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Review.correct, 1), else_=0)), 0)).where(
            Review.user_id == user.id,
            Review.undone_at.is_(None),
            Review.created_at >= clock.day_start(first),
            Review.mode == ReviewMode.STUDY,
            Review.phase == CardPhase.REVIEW.value,
        )
    ).one()
    by_section, by_kind, started, card_stages = _mastery(user)
    return Dashboard(
        due_today=forecast_counts.get(0, 0),
        due_tomorrow=forecast_counts.get(1, 0),
        due_week=sum(forecast_counts.get(d, 0) for d in range(7)),
        due_month=sum(forecast_counts.get(d, 0) for d in range(FORECAST_DAYS)),
        forecast=forecast,
        history=history,
        reviews_total=sum(per_day.values()),
        true_retention=right / answered if answered else None,
        retention_answers=answered,
        desired_retention=user.desired_retention,
        by_section=by_section,
        by_kind=by_kind,
        streak=streak(user, clock, today, per_day, first),
        weakest=weakest_facts(user, clock.day_start(first), now),
        readiness=exam_readiness(user, now),
        cards=started,
        stages=card_stages,
    )


def _forecast(user: User, clock: LearnerClock, today: date) -> dict[int, int]:
    """Cards due per learner day from today (overdue counted today): one GROUP BY."""
    starts = [clock.day_start(today + timedelta(days=d)) for d in range(FORECAST_DAYS + 1)]
    index = _day_index(Card.due, starts).label("day")
    rows = db.session.execute(
        select(index, func.count())
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id == user.id,
            Card.due < starts[-1],
            Card.phase != CardPhase.NEW.value,  # back to new by an undo: a new card, not due
            Question.in_bank.is_(True),
            Question.retired_at.is_(None),
        )
        .group_by(index)
    ).all()
    return {i: n for i, n in rows if i is not None}


def mastery(user: User) -> tuple[list[Share], list[Share], int]:
    """Mastered share of each section's and each fact kind's questions, and cards started."""
    sections, kinds, started, _ = _mastery(user)
    return sections, kinds, started


def _mastery(user: User) -> tuple[list[Share], list[Share], int, Stages]:
    """Mastery by section and fact kind, cards started, and the stages of every question.

    One GROUP BY over (section, primary fact); fact kinds come from the fact base.
    """
    stability = Card.state["stability"].as_float()
    mastered = and_(Card.phase == CardPhase.REVIEW.value, stability >= MASTERED_STABILITY_DAYS)
    learning = Card.phase.in_([CardPhase.LEARNING.value, CardPhase.RELEARNING.value])
    young = and_(Card.phase == CardPhase.REVIEW.value, ~mastered)
    fact = Question.data[("fact_ids", 0)].as_string().label("fact")
    rows = db.session.execute(
        select(
            Question.section,
            fact,
            func.count(Question.id),
            func.coalesce(func.sum(case((Card.phase != CardPhase.NEW.value, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mastered, 1), else_=0)), 0),
            func.coalesce(func.sum(case((learning, 1), else_=0)), 0),
            func.coalesce(func.sum(case((young, 1), else_=0)), 0),
        )
        .outerjoin(Card, and_(Card.question_id == Question.id, Card.user_id == user.id))
        .where(Question.in_bank.is_(True), Question.retired_at.is_(None))
        .group_by(Question.section, fact)
    ).all()
    facts = facts_by_id()
    total_section: Counter[str] = Counter()
    done_section: Counter[str] = Counter()
    total_kind: Counter[str] = Counter()
    done_kind: Counter[str] = Counter()
    started = all_questions = in_learning = in_young = all_mature = 0
    for section, fact_id, total, cards, done, learn, yng in rows:
        all_questions += total
        in_learning += learn
        in_young += yng
        all_mature += done
        kind = facts[fact_id].kind.value if fact_id in facts else "other"
        total_section[section] += total
        done_section[section] += done
        total_kind[kind] += total
        done_kind[kind] += done
        started += cards
    sections = [
        Share(s.id, section_label(s.id), done_section[s.id], total_section[s.id])
        for s in essay().all_sections()
        if total_section[s.id]
    ]
    kinds = [
        Share(k, k.replace("_", " ").capitalize(), done_kind[k], total_kind[k])
        for k in sorted(total_kind)
    ]
    new = all_questions - in_learning - in_young - all_mature
    return sections, kinds, started, Stages(new, in_learning, in_young, all_mature)


def stages(user: User) -> Stages:
    """The bank's usable questions by stage: new, learning, young, mature."""
    return _mastery(user)[3]


def section_label(section_id: str) -> str:
    """How a section is named on student pages."""
    section = essay().section(section_id)
    return "About the author" if section.id == "front" else f"{section.number}. {section.title}"


def weakest_facts(
    user: User, since: datetime, now: datetime, limit: int = WEAKEST
) -> list[WeakFact]:
    """Facts with the lowest mean score over the user's answers since ``since`` (below 100%).

    Quiz answers whose marks are not shown yet (at ``now``) are left out: a mean over one
    answer is that answer's mark.
    """
    mean = func.avg(Review.score)
    rows = db.session.execute(
        select(QuestionFact.fact_id, func.count(), mean)
        .join(QuestionFact, QuestionFact.question_id == Review.question_id)
        .where(
            Review.user_id == user.id,
            Review.undone_at.is_(None),
            Review.created_at >= since,
            visibility.released(now, answers=False),
        )
        .group_by(QuestionFact.fact_id)
        .having(mean < 1.0)
        .order_by(mean, func.count().desc(), QuestionFact.fact_id)
        .limit(limit)
    ).all()
    facts = facts_by_id()
    return [
        WeakFact(fid, facts[fid].topic if fid in facts else fid, n, float(score))
        for fid, n, score in rows
    ]


def exam_readiness(user: User, now: datetime) -> list[Readiness]:
    """For each open quiz: how many of its facts are predicted recalled at its close."""
    exams = open_exams(user, now)
    if not exams:
        return []
    clock = clock_for(user)
    wanted = {f for exam in exams for f in exam.fact_ids}
    states: dict[str, list[dict]] = {}
    for fact_id, state in db.session.execute(
        select(QuestionFact.fact_id, Card.state)
        .join(Card, Card.question_id == QuestionFact.question_id)
        .where(Card.user_id == user.id, QuestionFact.fact_id.in_(wanted))
    ):
        states.setdefault(fact_id, []).append(state)
    out = []
    for exam in exams:
        ready = sum(
            1
            for fact_id in exam.fact_ids
            if any(
                retrievability(CardState.from_dict(state), exam.closes_at, clock=clock)
                >= user.desired_retention
                for state in states.get(fact_id, ())
            )
        )
        out.append(
            Readiness(exam.assignment_id, exam.title, exam.closes_at, ready, len(exam.fact_ids))
        )
    return out
