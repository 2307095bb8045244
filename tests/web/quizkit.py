"""Builders for the class, quiz and gradebook tests: make_course, make_quiz, answer_all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from studyapp.core.questions import Question as CoreQuestion
from studyapp.extensions import db
from studyapp.models import Attempt, Question, QuestionFact
from studyapp.services import assignments as quiz
from studyapp.services import courses
from studyapp.services.bank import core_question

NOW = datetime.now(UTC).replace(microsecond=0)


def make_course(teacher, students=(), name: str = "History 101"):  # type: ignore[no-untyped-def]
    course = courses.create_course(teacher, name, "Spring")
    for s in students:
        courses.join_course(s, course.join_code)
    return course


def make_quiz(course, n: int = 5, types=("multiple_choice", "true_false"), seed=3, **settings):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = dict(
        title="Quiz 1",
        opens_at=NOW - timedelta(hours=1),
        closes_at=NOW + timedelta(days=2),
    )
    values.update(settings)
    ids = quiz.draw_questions(count=n, types=list(types), sections=[], seed=seed)
    assert len(ids) == n
    return quiz.create_assignment(course, quiz.AssignmentSettings(**values), ids)


def make_quiz_of(course, question_ids, **settings):  # type: ignore[no-untyped-def]
    """A quiz of exactly these questions, open from an hour ago for two days."""
    values: dict[str, Any] = dict(
        title="Quiz 1",
        opens_at=NOW - timedelta(hours=1),
        closes_at=NOW + timedelta(days=2),
    )
    values.update(settings)
    return quiz.create_assignment(course, quiz.AssignmentSettings(**values), list(question_ids))


def siblings_of(question_ids) -> list[str]:  # type: ignore[no-untyped-def]
    """Usable questions outside these that test one of their facts."""
    facts = select(QuestionFact.fact_id).where(QuestionFact.question_id.in_(list(question_ids)))
    return list(
        db.session.scalars(
            select(QuestionFact.question_id)
            .join(Question, Question.id == QuestionFact.question_id)
            .where(
                QuestionFact.fact_id.in_(facts),
                QuestionFact.question_id.not_in(list(question_ids)),
                Question.in_bank.is_(True),
                Question.retired_at.is_(None),
            )
            .distinct()
            .order_by(QuestionFact.question_id)
        )
    )


def quiz_form(**changes: str) -> dict[str, str]:
    """The instructor's new-quiz form, filled in (a draw of six questions), with ``changes``."""
    return {
        "title": "Quiz A",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-08T17:30",
        "attempts_allowed": "1",
        "grading_method": "highest",
        "show_marks": "immediately",
        "show_answers": "after_close",
        "source": "draw",
        "draw_count": "6",
        **changes,
    }


def started_attempt(client, auth, student, assignment) -> Attempt:  # type: ignore[no-untyped-def]
    """Log the student in and start the quiz through its page; the attempt it opened."""
    auth.login(student.email)
    client.post(f"/classes/assignments/{assignment.id}/start")
    return db.session.scalars(select(Attempt).where(Attempt.user_id == student.id)).one()


def item(qid: str) -> CoreQuestion:
    return core_question(db.session.get(Question, qid))


def right(q: CoreQuestion) -> Any:
    """The stored form of a fully right response."""
    if q.type == "matching":
        return [list(p) for p in q.answer]
    return list(q.answer) if isinstance(q.answer, tuple) else q.answer


def wrong(q: CoreQuestion) -> Any:
    """A wrong response of the right shape."""
    if q.type == "multiple_choice":
        return next(o for o in q.options if o != q.answer)
    if q.type == "true_false":
        return not q.answer
    if q.type == "ordering":
        return list(reversed(q.answer))
    if q.type == "matching":
        lefts = [a for a, _ in q.answer]
        rights = [b for _, b in q.answer]
        return [[a, rights[(i + 1) % len(rights)]] for i, a in enumerate(lefts)]
    return "zzzz wrong 0000"


def answer_all(attempt: Attempt, correct=True, count=None, at=None) -> None:  # type: ignore[no-untyped-def]
    """Save answers to the first ``count`` questions (all by default)."""
    ids = attempt.layout["questions"][:count]
    rows = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    responses = {}
    for qid in ids:
        q = core_question(rows[qid])
        responses[qid] = right(q) if correct else wrong(q)
    quiz.save_answers(attempt, responses, at or NOW)


def finished_attempt(assignment, student, correct_count: int, at=None):  # type: ignore[no-untyped-def]
    """Start, answer ``correct_count`` questions right (the rest wrong) and submit."""
    at = at or NOW
    attempt = quiz.start_attempt(assignment, student, at)
    ids = attempt.layout["questions"]
    responses = {}
    for k, qid in enumerate(ids):
        q = item(qid)
        responses[qid] = right(q) if k < correct_count else wrong(q)
    quiz.save_answers(attempt, responses, at + timedelta(minutes=1))
    assert quiz.finish_attempt(attempt.id, at + timedelta(minutes=2))
    db.session.refresh(attempt)
    return attempt
