"""Whether a question's key may be shown now: the one rule behind every path that shows a key
or grades an answer with feedback (bank, study, practice, mistakes, flashcards, feedback, JSON).

A question is *held* while
- it is in a quiz that is open (from the quiz's open time until its last close, extensions
  included), or
- it tests a fact of a closed-book quiz that somebody is taking (an attempt in progress, until
  its deadline plus grace).
A held question's key, explanation and source are shown to instructors only, and an answer to
it is graded only inside its quiz. The rule names no student: a visitor who is not logged in, an
account made a minute ago, a classmate and the student taking the quiz are held back alike, so
a second account or a logged-out tab gains nothing.

A quiz answer in the student's history follows its quiz's review options instead (``release``
and ``released``): its mark and key show on any page only once the instructor's choice allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from studyapp.core.questions import Question as CoreQuestion
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    AssignmentQuestion,
    Attempt,
    AttemptState,
    Question,
    QuestionFact,
    Review,
    User,
    Visibility,
)
from studyapp.services.assignments import GRACE, review_options
from studyapp.services.bank import core_question

_NOW = bindparam("held_now")
_SINCE = bindparam("held_since")  # now - GRACE: attempts whose deadline has not passed

# Questions of the quizzes open now (for anyone: an extension keeps a quiz open for all).
_OPEN_QUIZ_QUESTIONS = (
    select(AssignmentQuestion.question_id)
    .join(Assignment, Assignment.id == AssignmentQuestion.assignment_id)
    .where(
        Assignment.opens_at <= _NOW,
        or_(
            Assignment.closes_at > _NOW,
            Assignment.id.in_(
                select(AssignmentOverride.assignment_id).where(AssignmentOverride.closes_at > _NOW)
            ),
        ),
    )
)
_QUIZ_FACT = aliased(QuestionFact)
_SIBLING = aliased(QuestionFact)
# Questions on the facts of closed-book quizzes with an attempt in progress.
_ON_FACTS_BEING_TESTED = select(_SIBLING.question_id).where(
    _SIBLING.fact_id.in_(
        select(_QUIZ_FACT.fact_id)
        .join(AssignmentQuestion, AssignmentQuestion.question_id == _QUIZ_FACT.question_id)
        .join(Attempt, Attempt.assignment_id == AssignmentQuestion.assignment_id)
        .join(Assignment, Assignment.id == Attempt.assignment_id)
        .where(
            Attempt.state == AttemptState.OPEN,
            Attempt.deadline > _SINCE,
            Assignment.closed_book.is_(True),
        )
    )
)


def held(question_id: Any) -> ColumnElement[bool]:
    """SQL: the question named by ``question_id`` (a column) is held now.

    Both lists are uncorrelated subqueries, evaluated once per statement, so adding this to a
    statement costs two indexed lookups, not one per row. The statement takes the bind
    parameters of ``params(now)``.
    """
    return or_(question_id.in_(_OPEN_QUIZ_QUESTIONS), question_id.in_(_ON_FACTS_BEING_TESTED))


def params(now: datetime) -> dict[str, datetime]:
    """The bind parameters of ``held`` at ``now``."""
    return {"held_now": now, "held_since": now - GRACE}


def sees_every_key(viewer: User | None) -> bool:
    """Instructors see every key (they set the quizzes); nobody else does while it is held."""
    return viewer is not None and bool(getattr(viewer, "is_instructor", False))


def held_among(question_ids: Any, now: datetime, viewer: User | None = None) -> set[str]:
    """Which of these questions are held from ``viewer`` now (None: a visitor)."""
    ids = list(dict.fromkeys(question_ids))
    if not ids or sees_every_key(viewer):
        return set()
    stmt = select(Question.id).where(Question.id.in_(ids), held(Question.id))
    return set(db.session.scalars(stmt, params(now)))


def key_visible(viewer: User | None, question_id: str, now: datetime) -> bool:
    """Whether ``viewer`` may see this question's key now (or have an answer graded)."""
    return question_id not in held_among([question_id], now, viewer)


def fact_held(fact_id: str, now: datetime) -> bool:
    """Whether some question on this fact is held now (to say why a fact has nothing to show)."""
    stmt = select(QuestionFact.question_id).where(
        QuestionFact.fact_id == fact_id, held(QuestionFact.question_id)
    )
    return db.session.scalars(stmt.limit(1), params(now)).first() is not None


@dataclass(frozen=True)
class ShownQuestion:
    """A bank question as a page may show it to one viewer now."""

    row: Question
    item: CoreQuestion
    key_shown: bool  # False: the prompt only, no key, explanation, source or facts


def shown_questions(
    viewer: User | None, rows: list[Question], now: datetime
) -> list[ShownQuestion]:
    """Bank questions for ``viewer`` (None: a visitor), each with whether its key may show."""
    hidden = held_among([r.id for r in rows], now, viewer)
    return [ShownQuestion(r, core_question(r), r.id not in hidden) for r in rows]


# --- quiz answers in the history --------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """What a page may show of one answer in the history."""

    marks: bool
    answers: bool
    attempt: Attempt | None = None  # the quiz attempt the answer came from, if any


def release(review: Review, now: datetime) -> Release:
    """An answer's mark and key: always for study and practice, for a quiz answer as its
    quiz's review options say now (the same as the attempt's result page)."""
    if review.attempt_id is None:
        return Release(True, True)
    attempt = db.session.get(Attempt, review.attempt_id)
    if attempt is None:
        return Release(False, False)
    shown = review_options(attempt, now)
    return Release(shown.marks, shown.answers, attempt)


def released(now: datetime, *, answers: bool) -> ColumnElement[bool]:
    """SQL on Review: the answer is not a quiz answer, or its quiz shows its mark now (and its
    key too, with ``answers``). The same rule as ``release``, for many answers at once."""
    later = aliased(AssignmentOverride)
    extended = select(later.id).where(later.assignment_id == Assignment.id, later.closes_at > now)

    def shows(setting: Any, still_open: Any) -> ColumnElement[bool]:
        """assignments.visible() in SQL: immediately, or once closed (extensions included)."""
        return or_(
            setting == Visibility.IMMEDIATELY,
            and_(setting == Visibility.AFTER_CLOSE, Assignment.closes_at <= now, ~still_open),
        )

    # Marks follow the student's own close, answers the close for everybody (review_options).
    conditions = [
        Attempt.id == Review.attempt_id,
        shows(Assignment.show_marks, extended.where(later.user_id == Attempt.user_id).exists()),
    ]
    if answers:
        conditions.append(shows(Assignment.show_answers, extended.exists()))
    quiz_shows = (
        select(Attempt.id)
        .join(Assignment, Assignment.id == Attempt.assignment_id)
        .where(*conditions)
        .exists()
    )
    return or_(Review.attempt_id.is_(None), quiz_shows)
