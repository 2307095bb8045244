"""Studying: the review queue, recording answers, undo, practice and mistakes.

Modes and the schedule:
- ``study`` (scheduled review) and ``flashcard`` answers move the card's FSRS schedule. A
  flashcard answer moves it only when the card is due (or new); otherwise it is logged only.
- ``practice`` and ``mistakes`` answers are logged (they count in history and statistics) but do
  not move the schedule: cramming outside the schedule should not distort it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from studyapp.core import scheduling
from studyapp.core.grading import Verdict, check
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import QuestionType
from studyapp.core.questions.context import stable_hash
from studyapp.core.scheduling import CardPhase, CardState, LearnerClock, Rating
from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentQuestion,
    Card,
    Enrollment,
    Question,
    Review,
    ReviewMode,
    User,
)
from studyapp.services import ServiceError
from studyapp.services.bank import core_question, questions_by_ids

SCHEDULED_MODES = (ReviewMode.STUDY, ReviewMode.FLASHCARD)
DUE_WINDOW = 12  # due cards looked at per pick: enough to step over today's siblings


class StaleAnswer(ServiceError):
    """The card changed since the page was shown (answered in another tab)."""


def clock_for(user: User) -> LearnerClock:
    """The user's calendar."""
    return LearnerClock(user.timezone or "UTC", user.rollover_hour)


def new_request_id() -> str:
    """A fresh id for one shown card; a resubmission with it is recognised."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class CardView:
    """What the review screen shows."""

    question: Question
    item: CoreQuestion
    card: Card | None
    version: int
    request_id: str
    due_count: int
    new_left: int
    exam: str | None  # title of the open assignment that brought this card forward


@dataclass(frozen=True)
class AnswerResult:
    """The outcome of one answer."""

    review: Review
    verdict: Verdict
    item: CoreQuestion
    repeated: bool = False  # True when this request id had been answered already


# --- the queue ----------------------------------------------------------------------------


def open_exams(user: User, now: datetime) -> list[tuple[Assignment, list[str]]]:
    """Open assignments of the user's classes, each with its question ids."""
    assignments = db.session.scalars(
        select(Assignment)
        .join(Enrollment, Enrollment.course_id == Assignment.course_id)
        .where(
            Enrollment.user_id == user.id,
            Assignment.opens_at <= now,
            Assignment.closes_at > now,
        )
        .order_by(Assignment.closes_at)
    ).all()
    if not assignments:
        return []
    rows = db.session.execute(
        select(AssignmentQuestion.assignment_id, AssignmentQuestion.question_id).where(
            AssignmentQuestion.assignment_id.in_([a.id for a in assignments])
        )
    ).all()
    by_assignment: dict[int, list[str]] = {}
    for assignment_id, question_id in rows:
        by_assignment.setdefault(assignment_id, []).append(question_id)
    return [(a, by_assignment.get(a.id, [])) for a in assignments]


def _facts_answered_today(user: User, now: datetime, clock: LearnerClock) -> set[str]:
    start = clock.day_start(clock.day(now))
    rows = db.session.scalars(
        select(Card.fact_id)
        .join(Review, Review.card_id == Card.id)
        .where(Review.user_id == user.id, Review.created_at >= start, Review.undone_at.is_(None))
    )
    return set(rows)


def new_cards_today(user: User, now: datetime, clock: LearnerClock) -> int:
    """How many new cards the user has started this learner day (exam cards not counted)."""
    start = clock.day_start(clock.day(now))
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Review)
            .where(
                Review.user_id == user.id,
                Review.created_at >= start,
                Review.phase == CardPhase.NEW.value,
                Review.undone_at.is_(None),
                Review.mode.in_(SCHEDULED_MODES),
                Review.request_id.not_like("exam:%"),
            )
        )
        or 0
    )


def _usable(stmt):
    return stmt.join(Question, Question.id == Card.question_id).where(
        Question.in_bank.is_(True), Question.retired_at.is_(None)
    )


def next_card(user: User, now: datetime) -> CardView | None:
    """The next card to study: due cards first, then exam cards, then new cards up to the limit.

    A card whose fact was already answered today is passed over while another card is waiting.
    """
    clock = clock_for(user)
    seen_facts = _facts_answered_today(user, now, clock)
    # Only ids and facts of the first few due cards: the chosen one is loaded afterwards.
    due_rows = db.session.execute(
        _usable(select(Card.id, Card.fact_id))
        .where(Card.user_id == user.id, Card.due <= now)
        .order_by(Card.due)
        .limit(DUE_WINDOW)
    ).all()
    due_total = len(due_rows)
    if due_total == DUE_WINDOW:
        due_total = db.session.scalar(
            _usable(select(func.count()).select_from(Card)).where(
                Card.user_id == user.id, Card.due <= now
            )
        )
    due = _pick_due(due_rows, seen_facts)
    exam_title: str | None = None
    pick: Card | None = due
    exams = open_exams(user, now) if pick is None or pick.fact_id in seen_facts else []
    if exams and (pick is None or pick.fact_id in seen_facts):
        exam_pick, exam_title, exam_new = _exam_candidate(user, now, clock, exams, seen_facts)
        if exam_pick is not None:
            pick = exam_pick
        elif exam_new is not None:
            return _view(exam_new, None, due_total, _new_left(user, now, clock), exam_title)
    if pick is not None:
        return _view(pick.question, pick, due_total, _new_left(user, now, clock), exam_title)
    left = _new_left(user, now, clock)
    if left <= 0:
        return None
    fresh = _new_question(user, seen_facts)
    if fresh is None:
        return None
    return _view(fresh, None, due_total, left, None)


def _pick_due(rows, seen: set[str]) -> Card | None:  # type: ignore[no-untyped-def]
    """Load the first due card whose fact was not answered today (else the first due card)."""
    if not rows:
        return None
    card_id = next((r.id for r in rows if r.fact_id not in seen), rows[0].id)
    return db.session.scalar(
        select(Card).options(joinedload(Card.question)).where(Card.id == card_id)
    )


def _first_unseen(cards: list[Card], seen: set[str]) -> Card | None:
    for card in cards:
        if card.fact_id not in seen:
            return card
    return cards[0] if cards else None


def _exam_candidate(user, now, clock, exams, seen):  # type: ignore[no-untyped-def]
    """A card of an open assignment that must be reviewed before its close, or a new one."""
    for assignment, question_ids in exams:
        questions = questions_by_ids(question_ids)
        usable = [q for q in questions.values() if q.usable]
        cards = {
            c.question_id: c
            for c in db.session.scalars(
                select(Card).where(
                    Card.user_id == user.id, Card.question_id.in_([q.id for q in usable])
                )
            )
        }
        due_cards = []
        for q in usable:
            card = cards.get(q.id)
            if card is None:
                continue
            state = CardState.from_dict(card.state)
            when = scheduling.due_for_exam(
                state,
                assignment.closes_at,
                clock=clock,
                desired_retention=user.desired_retention,
            )
            if when <= now:
                due_cards.append(card)
        pick = _first_unseen(due_cards, seen)
        if pick is not None:
            return pick, assignment.title, None
        fresh = sorted(
            (q for q in usable if q.id not in cards),
            key=lambda q: (q.fact_ids[0] in seen if q.fact_ids else False, stable_hash(q.id)),
        )
        if fresh:
            return None, assignment.title, fresh[0]
    return None, None, None


def _new_left(user: User, now: datetime, clock: LearnerClock) -> int:
    return max(user.new_cards_per_day - new_cards_today(user, now, clock), 0)


def _new_question(user: User, seen: set[str]) -> Question | None:
    carded = select(Card.question_id).where(Card.user_id == user.id)
    rows = db.session.scalars(
        select(Question).where(
            Question.in_bank.is_(True),
            Question.retired_at.is_(None),
            Question.id.not_in(carded),
        )
    ).all()
    if not rows:
        return None
    rows.sort(key=lambda q: (bool(set(q.fact_ids) & seen), stable_hash("new", q.id)))
    return rows[0]


def _view(question: Question, card: Card | None, due: int, new_left: int, exam) -> CardView:  # type: ignore[no-untyped-def]
    return CardView(
        question=question,
        item=core_question(question),
        card=card,
        version=card.version if card else 0,
        request_id=new_request_id(),
        due_count=due,
        new_left=new_left,
        exam=exam,
    )


def card_view_for(user: User, question_id: str) -> CardView | None:
    """A view of a specific question (flashcards and 'study this fact')."""
    question = db.session.get(Question, question_id)
    if question is None or not question.usable:
        return None
    card = db.session.scalar(
        select(Card).where(Card.user_id == user.id, Card.question_id == question_id)
    )
    return _view(question, card, 0, 0, None)


# --- answering ------------------------------------------------------------------------------


def _existing(user: User, request_id: str) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.user_id == user.id, Review.request_id == request_id)
    )


def _result_of(review: Review, repeated: bool) -> AnswerResult:
    item = core_question(review.question)
    verdict = check(item, review.response)
    if verdict.self_graded:
        verdict = Verdict(
            review.correct, review.score, verdict.expected, verdict.feedback, self_graded=True
        )
    return AnswerResult(review, verdict, item, repeated)


def record_answer(
    user: User,
    *,
    question_id: str,
    card_version: int,
    request_id: str,
    response: Any,
    duration_ms: int | None,
    now: datetime,
    mode: ReviewMode = ReviewMode.STUDY,
    self_rating: int | None = None,
) -> AnswerResult:
    """Grade and store one answer, moving the schedule when the mode does; exactly once.

    The same request id returns the first result. A card changed since it was shown raises
    StaleAnswer and records nothing.
    """
    if not request_id or len(request_id) > 64:
        raise ServiceError("This answer form is incomplete. Reload the page and try again.")
    begin_write(db.session)
    previous = _existing(user, request_id)
    if previous is not None:
        return _result_of(previous, repeated=True)
    question = db.session.get(Question, question_id)
    if question is None or not question.usable:
        raise ServiceError("This question is no longer in the bank.")
    item = core_question(question)
    verdict = check(item, response)
    if self_rating is not None and not 1 <= int(self_rating) <= 4:
        raise ServiceError("Choose Again, Hard, Good or Easy.")
    if item.type == QuestionType.EXPLAIN or mode == ReviewMode.FLASHCARD:
        if self_rating is None:
            raise ServiceError("Rate how well you recalled it: Again, Hard, Good or Easy.")
        rating = Rating(int(self_rating))
        correct = rating >= Rating.HARD
        score = {1: 0.0, 2: 0.5, 3: 1.0, 4: 1.0}[int(rating)]
    else:
        rating = scheduling.rating_for(
            verdict.correct,
            verdict.score,
            duration_ms,
            scheduling.EXPECTED_MS.get(item.type, 15_000),
        )
        correct, score = verdict.correct, verdict.score
    card = db.session.scalar(
        select(Card).where(Card.user_id == user.id, Card.question_id == question_id)
    )
    before = after = None
    phase = card.phase if card else CardPhase.NEW.value
    moves = mode == ReviewMode.STUDY or (
        mode == ReviewMode.FLASHCARD and (card is None or card.due <= now)
    )
    if moves:
        card, before, after = _move(user, question, card, card_version, rating, now, duration_ms)
    review = Review(
        user_id=user.id,
        question_id=question_id,
        card_id=card.id if card else None,
        mode=mode,
        response=response,
        correct=bool(correct),
        score=float(score),
        rating=int(rating) if moves else None,
        phase=phase,
        duration_ms=duration_ms,
        card_before=before,
        card_after=after,
        request_id=request_id,
        created_at=now,
    )
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        previous = _existing(user, request_id)
        if previous is None:
            raise
        return _result_of(previous, repeated=True)
    db.session.commit()
    final = verdict
    if verdict.self_graded or mode == ReviewMode.FLASHCARD:
        final = Verdict(correct, score, verdict.expected, verdict.feedback, verdict.self_graded)
    return AnswerResult(review, final, item)


def _move(user, question, card, seen_version, rating, now, duration_ms):  # type: ignore[no-untyped-def]
    """Apply one schedule step with a conditional update (a stale version changes nothing)."""
    clock = clock_for(user)
    if card is None:
        if seen_version != 0:
            raise StaleAnswer("You already answered this card in another tab.")
        state = scheduling.new_card(now)
        card = Card(
            user_id=user.id,
            question_id=question.id,
            fact_id=question.fact_ids[0] if question.fact_ids else "",
            phase=state.phase.value,
            due=state.due,
            state=state.to_dict(),
            version=0,
            created_at=now,
        )
        db.session.add(card)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise StaleAnswer("You already answered this card in another tab.") from None
    state = CardState.from_dict(card.state)
    new_state = scheduling.review(
        state,
        rating,
        now,
        clock=clock,
        desired_retention=user.desired_retention,
        duration_ms=duration_ms,
    )
    changed = db.session.execute(
        update(Card)
        .where(and_(Card.id == card.id, Card.version == seen_version))
        .values(
            state=new_state.to_dict(),
            phase=new_state.phase.value,
            due=new_state.due,
            last_review=new_state.last_review,
            reps=new_state.reps,
            lapses=new_state.lapses,
            version=Card.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise StaleAnswer("You already answered this card in another tab.")
    db.session.expire(card)
    return card, state.to_dict(), new_state.to_dict()


def undo_last(user: User, now: datetime) -> Review | None:
    """Undo the user's latest schedule-moving answer of today: restore the card, mark it undone.

    Undone answers are excluded from every statistic. Returns the undone review, or None.
    """
    begin_write(db.session)
    clock = clock_for(user)
    start = clock.day_start(clock.day(now))
    review = db.session.scalar(
        select(Review)
        .where(
            Review.user_id == user.id,
            Review.undone_at.is_(None),
            Review.card_after.is_not(None),
            Review.created_at >= start,
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    if review is None or review.card_id is None:
        db.session.rollback()
        return None
    card = db.session.get(Card, review.card_id)
    if card is None or card.state != review.card_after:
        db.session.rollback()  # the card moved on since (another answer): nothing to undo
        return None
    before = CardState.from_dict(review.card_before)
    changed = db.session.execute(
        update(Card)
        .where(Card.id == card.id, Card.version == card.version)
        .values(
            state=before.to_dict(),
            phase=before.phase.value,
            due=before.due,
            last_review=before.last_review,
            reps=before.reps,
            lapses=before.lapses,
            version=Card.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    marked = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.undone_at.is_(None))
        .values(undone_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1 or marked != 1:
        db.session.rollback()
        return None
    db.session.commit()
    db.session.refresh(review)
    return review


# --- practice and mistakes ------------------------------------------------------------------


def practice_questions(
    *,
    sections: list[str],
    types: list[str],
    count: int,
    seed: int,
    fact_id: str | None = None,
) -> list[Question]:
    """Questions for a practice quiz: the chosen sections and types, one per fact where possible."""
    stmt = select(Question).where(
        Question.in_bank.is_(True),
        Question.retired_at.is_(None),
        Question.type != QuestionType.EXPLAIN.value,  # self-graded: studied, not quizzed
    )
    if sections:
        stmt = stmt.where(Question.section.in_(sections))
    if types:
        stmt = stmt.where(Question.type.in_(types))
    rows = db.session.scalars(stmt).all()
    if fact_id:
        rows = [q for q in rows if fact_id in q.fact_ids]
    rows.sort(key=lambda q: stable_hash("practice", seed, q.id))
    chosen: list[Question] = []
    used: set[str] = set()
    for q in rows:  # first one question per fact, then fill up
        if len(chosen) < count and not (set(q.fact_ids) & used):
            chosen.append(q)
            used.update(q.fact_ids)
    for q in rows:
        if len(chosen) >= count:
            break
        if q not in chosen:
            chosen.append(q)
    return chosen


def mistake_questions(user: User, now: datetime, limit: int = 20) -> list[Question]:
    """Questions answered wrong in the last 30 days and not answered right since."""
    since = now - timedelta(days=30)
    rows = db.session.execute(
        select(Review.question_id, Review.correct, Review.created_at)
        .where(Review.user_id == user.id, Review.created_at >= since, Review.undone_at.is_(None))
        .order_by(Review.created_at)
    ).all()
    last: dict[str, bool] = {}
    for question_id, correct, _ in rows:
        last[question_id] = correct
    wrong = [qid for qid, ok in last.items() if not ok]
    questions = questions_by_ids(wrong)
    usable = [questions[q] for q in reversed(wrong) if q in questions and questions[q].usable]
    return [q for q in usable if q.type != QuestionType.EXPLAIN.value][:limit]


def grade_practice(
    user: User,
    questions: list[Question],
    responses: dict[str, Any],
    *,
    batch_id: str,
    mode: ReviewMode,
    now: datetime,
) -> list[AnswerResult]:
    """Grade a finished practice quiz and log every answer once (resubmitting changes nothing)."""
    results = []
    for q in questions:
        results.append(
            record_answer(
                user,
                question_id=q.id,
                card_version=0,
                request_id=f"{batch_id}:{q.id}"[:64],
                response=responses.get(q.id),
                duration_ms=None,
                now=now,
                mode=mode,
            )
        )
    return results
