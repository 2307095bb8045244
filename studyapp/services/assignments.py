"""Assigned quizzes: building them, attempts, autosave, finishing exactly once, grading.

The server's clock is the authority. An attempt's deadline is the earlier of the close time (or
the student's extension) and its start plus the time limit (plus any extra minutes). Answers
saved up to GRACE after the deadline still count; an attempt left open past that is finished
automatically, whenever it, the student's list or the gradebook is next loaded (or by the
``close-overdue`` command).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from studyapp.core.grading import check
from studyapp.core.questions import QuestionType
from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    AssignmentQuestion,
    Attempt,
    AttemptAnswer,
    AttemptState,
    Course,
    Enrollment,
    GradingMethod,
    Question,
    Review,
    ReviewMode,
    User,
    Visibility,
)
from studyapp.services import ServiceError
from studyapp.services.bank import core_question, questions_by_ids

GRACE = timedelta(seconds=30)
QUIZ_TYPES = ("multiple_choice", "cloze", "true_false", "short_answer", "ordering", "matching")


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"
    OVERDUE = "overdue"
    UPCOMING = "not open yet"
    CLOSED = "closed"


# --- building -------------------------------------------------------------------------------


def draw_questions(
    *,
    count: int,
    types: list[str],
    sections: list[str],
    seed: int,
    same_fact: bool = False,
) -> list[str]:
    """Draw questions at random from the bank: the chosen types and sections, never retired.

    Types are taken in turn so the mix is even; no two questions test the same fact unless
    ``same_fact``.
    """
    types = [t for t in (types or list(QUIZ_TYPES)) if t in QUIZ_TYPES]
    stmt = select(Question).where(
        Question.in_bank.is_(True), Question.retired_at.is_(None), Question.type.in_(types)
    )
    if sections:
        stmt = stmt.where(Question.section.in_(sections))
    rows = sorted(db.session.scalars(stmt), key=lambda q: q.id)
    rng = random.Random(seed)
    rng.shuffle(rows)
    pools = {t: [q for q in rows if q.type == t] for t in types}
    chosen: list[str] = []
    used: set[str] = set()
    while len(chosen) < count and any(pools.values()):
        for t in types:
            pool = pools[t]
            while pool:
                q = pool.pop()
                if same_fact or not set(q.fact_ids) & used:
                    chosen.append(q.id)
                    used.update(q.fact_ids)
                    break
            if len(chosen) >= count:
                break
    return chosen


@dataclass
class AssignmentSettings:
    title: str
    opens_at: datetime
    closes_at: datetime
    time_limit_minutes: int | None = None
    attempts_allowed: int = 1
    grading_method: GradingMethod = GradingMethod.HIGHEST
    shuffle_questions: bool = False
    shuffle_options: bool = False
    one_per_page: bool = False
    show_marks: Visibility = Visibility.IMMEDIATELY
    show_answers: Visibility = Visibility.AFTER_CLOSE


def _check(settings: AssignmentSettings) -> None:
    if not settings.title.strip():
        raise ServiceError("Give the quiz a title.")
    if settings.closes_at <= settings.opens_at:
        raise ServiceError("The close time must be after the open time.")
    if settings.time_limit_minutes is not None and not 1 <= settings.time_limit_minutes <= 600:
        raise ServiceError("A time limit must be between 1 and 600 minutes.")
    if not 1 <= settings.attempts_allowed <= 20:
        raise ServiceError("Allow between 1 and 20 attempts.")


def create_assignment(
    course: Course, settings: AssignmentSettings, question_ids: list[str]
) -> Assignment:
    """A new quiz for the class; the questions must be in the bank and not retired."""
    _check(settings)
    ids = list(dict.fromkeys(question_ids))
    if not ids:
        raise ServiceError("Choose at least one question.")
    rows = questions_by_ids(ids)
    bad = [i for i in ids if i not in rows or not rows[i].usable or rows[i].type == "explain"]
    if bad:
        raise ServiceError("Some chosen questions are retired or cannot be graded; choose again.")
    assignment = Assignment(course_id=course.id, **vars(settings))
    assignment.title = settings.title.strip()
    db.session.add(assignment)
    db.session.flush()
    for position, qid in enumerate(ids):
        db.session.add(
            AssignmentQuestion(assignment_id=assignment.id, question_id=qid, position=position)
        )
    db.session.commit()
    return assignment


def update_settings(assignment: Assignment, settings: AssignmentSettings) -> None:
    """Change a quiz's settings (its questions stay)."""
    _check(settings)
    for key, value in vars(settings).items():
        setattr(assignment, key, value)
    db.session.commit()


def set_override(
    assignment: Assignment, user_id: int, *, extra_minutes: int, closes_at: datetime | None
) -> None:
    """Give one student extra time and/or a later close time (0 and None remove it)."""
    if not 0 <= extra_minutes <= 600:
        raise ServiceError("Extra time must be between 0 and 600 minutes.")
    if closes_at is not None and closes_at <= assignment.opens_at:
        raise ServiceError("An extension must end after the quiz opens.")
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == assignment.course_id, Enrollment.user_id == user_id
        )
    )
    if enrolled is None:
        raise ServiceError("That student is not in this class.")
    row = db.session.scalar(
        select(AssignmentOverride).where(
            AssignmentOverride.assignment_id == assignment.id,
            AssignmentOverride.user_id == user_id,
        )
    )
    if not extra_minutes and closes_at is None:
        if row is not None:
            db.session.delete(row)
    else:
        if row is None:
            row = AssignmentOverride(assignment_id=assignment.id, user_id=user_id)
            db.session.add(row)
        row.extra_minutes, row.closes_at = extra_minutes, closes_at
    db.session.commit()


def override_for(assignment: Assignment, user_id: int) -> AssignmentOverride | None:
    return db.session.scalar(
        select(AssignmentOverride).where(
            AssignmentOverride.assignment_id == assignment.id,
            AssignmentOverride.user_id == user_id,
        )
    )


def closes_for(assignment: Assignment, user_id: int) -> datetime:
    """The close time for this student (an extension may move it later)."""
    row = override_for(assignment, user_id)
    if row is not None and row.closes_at is not None:
        return max(row.closes_at, assignment.closes_at)
    return assignment.closes_at


# --- attempts -------------------------------------------------------------------------------


def attempts_of(assignment: Assignment, user_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.assignment_id == assignment.id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        )
    )


def start_attempt(assignment: Assignment, user: User, now: datetime) -> Attempt:
    """Start (or resume) an attempt. The unique (assignment, student, number) settles races."""
    close = closes_for(assignment, user.id)
    if now < assignment.opens_at:
        raise ServiceError("This quiz has not opened yet.")
    if now >= close:
        raise ServiceError("This quiz is closed.")
    finish_overdue(now, user_id=user.id)
    begin_write(db.session)
    attempts = attempts_of(assignment, user.id)
    for attempt in attempts:
        if attempt.state == AttemptState.OPEN:
            db.session.commit()
            return attempt
    if len(attempts) >= assignment.attempts_allowed:
        db.session.rollback()
        raise ServiceError("You have used all the attempts this quiz allows.")
    row = override_for(assignment, user.id)
    extra = timedelta(minutes=row.extra_minutes) if row else timedelta(0)
    deadline = close
    if assignment.time_limit_minutes:
        deadline = min(deadline, now + timedelta(minutes=assignment.time_limit_minutes) + extra)
    items = [aq.question_id for aq in assignment.items]
    rng = random.Random(f"{assignment.id}:{user.id}:{len(attempts) + 1}")
    if assignment.shuffle_questions:
        rng.shuffle(items)
    option_orders: dict[str, list[int]] = {}
    if assignment.shuffle_options:
        rows = questions_by_ids(items)
        for qid in items:
            item = core_question(rows[qid])
            if item.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.ORDERING):
                order = list(range(len(item.options)))
                rng.shuffle(order)
                option_orders[qid] = order
    attempt = Attempt(
        assignment_id=assignment.id,
        user_id=user.id,
        number=len(attempts) + 1,
        state=AttemptState.OPEN,
        started_at=now,
        deadline=deadline,
        layout={"questions": items, "options": option_orders},
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # started from another tab at the same moment
        db.session.rollback()
        return next(a for a in attempts_of(assignment, user.id) if a.state == AttemptState.OPEN)
    return attempt


def own_attempt(user: User, attempt_id: int) -> Attempt | None:
    """The student's own attempt, or None: another student's is invisible."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        return None
    return attempt


def saved_answers(attempt: Attempt) -> dict[str, Any]:
    return {
        a.question_id: a.response
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }


def save_answers(attempt: Attempt, responses: dict[str, Any], now: datetime) -> int:
    """Autosave: store the latest response to each question (only while the attempt is open)."""
    if attempt.state != AttemptState.OPEN:
        raise ServiceError("This attempt has been submitted; answers can no longer change.")
    if now > attempt.deadline + GRACE:
        finish_attempt(attempt.id, now, by="deadline")
        raise ServiceError("Time is up: your attempt was submitted with the answers saved.")
    allowed = set(attempt.layout.get("questions", []))
    begin_write(db.session)
    existing = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    saved = 0
    for qid, response in responses.items():
        if qid not in allowed:
            continue
        row = existing.get(qid)
        if row is None:
            db.session.add(
                AttemptAnswer(
                    attempt_id=attempt.id, question_id=qid, response=response, saved_at=now
                )
            )
        else:
            row.response, row.saved_at = response, now
        saved += 1
    still_open = (
        db.session.scalar(select(Attempt.state).where(Attempt.id == attempt.id))
        == AttemptState.OPEN
    )
    if not still_open:
        db.session.rollback()
        raise ServiceError("This attempt has been submitted; answers can no longer change.")
    try:
        db.session.commit()
    except IntegrityError:  # the same question saved from two tabs at once: keep the later one
        db.session.rollback()
        return save_answers(attempt, responses, now)
    return saved


def finish_attempt(attempt_id: int, now: datetime, *, by: str = "submitted") -> bool:
    """Grade and close an open attempt, exactly once. Returns False if it was already closed.

    The close is a conditional UPDATE ... WHERE state = 'open' whose row count decides who
    finished it; answers then go to the student's answer history once each.
    """
    begin_write(db.session)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.state != AttemptState.OPEN:
        db.session.rollback()
        return False
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
        )
    }
    ids = attempt.layout.get("questions", [])
    rows = questions_by_ids(ids)
    marks = 0.0
    for qid in ids:
        answer = answers.get(qid)
        if answer is None or qid not in rows:
            continue
        verdict = check(core_question(rows[qid]), answer.response)
        answer.score, answer.correct = verdict.score, verdict.correct
        marks += verdict.score
    finished = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.state == AttemptState.OPEN)
        .values(
            state=AttemptState.FINISHED,
            finished_at=min(now, attempt.deadline + GRACE) if by == "deadline" else now,
            finished_by=by,
            marks=marks,
            max_marks=float(len(ids)),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if finished != 1:
        db.session.rollback()
        return False
    for qid, answer in answers.items():
        db.session.add(
            Review(
                user_id=attempt.user_id,
                question_id=qid,
                attempt_id=attempt.id,
                mode=ReviewMode.QUIZ,
                response=answer.response,
                correct=bool(answer.correct),
                score=float(answer.score or 0.0),
                request_id=f"attempt:{attempt.id}:{qid}"[:64],
                created_at=answer.saved_at,
            )
        )
    db.session.commit()
    db.session.expire(attempt)
    return True


def finish_overdue(
    now: datetime, *, user_id: int | None = None, assignment_ids: list[int] | None = None
) -> int:
    """Finish every open attempt whose deadline (plus grace) has passed."""
    stmt = select(Attempt.id).where(
        Attempt.state == AttemptState.OPEN, Attempt.deadline < now - GRACE
    )
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    if assignment_ids is not None:
        stmt = stmt.where(Attempt.assignment_id.in_(assignment_ids))
    done = 0
    for attempt_id in db.session.scalars(stmt).all():
        done += finish_attempt(attempt_id, now, by="deadline")
    return done


# --- what students see ----------------------------------------------------------------------


def grade(assignment: Assignment, attempts: list[Attempt]) -> float | None:
    """The student's grade (percent) by the assignment's method over finished attempts."""
    scores = [
        a.percent for a in attempts if a.state == AttemptState.FINISHED and a.percent is not None
    ]
    if not scores:
        return None
    if assignment.grading_method == GradingMethod.LAST:
        return scores[-1]
    if assignment.grading_method == GradingMethod.AVERAGE:
        return sum(scores) / len(scores)
    return max(scores)


def status(
    assignment: Assignment, attempts: list[Attempt], now: datetime, close: datetime
) -> Status:
    if any(a.state == AttemptState.OPEN for a in attempts):
        return Status.IN_PROGRESS
    if any(a.state == AttemptState.FINISHED for a in attempts):
        return Status.SUBMITTED
    if now < assignment.opens_at:
        return Status.UPCOMING
    if now >= close:
        return Status.OVERDUE
    return Status.NOT_STARTED


def visible(setting: Visibility, assignment: Assignment, close: datetime, now: datetime) -> bool:
    """Whether marks (or answers) may be shown now under the review option."""
    if setting == Visibility.IMMEDIATELY:
        return True
    if setting == Visibility.AFTER_CLOSE:
        return now >= close
    return False


@dataclass(frozen=True)
class StudentAssignment:
    assignment: Assignment
    course: Course
    attempts: list[Attempt]
    status: Status
    close: datetime
    grade: float | None
    marks_visible: bool


def student_assignments(user: User, now: datetime) -> list[StudentAssignment]:
    """Every assignment of the student's classes, with status, in due-date order."""
    finish_overdue(now, user_id=user.id)
    rows = db.session.execute(
        select(Assignment, Course)
        .join(Course, Course.id == Assignment.course_id)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id)
        .order_by(Assignment.closes_at)
    ).all()
    attempts: dict[int, list[Attempt]] = {}
    for a in db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.number)
    ):
        attempts.setdefault(a.assignment_id, []).append(a)
    overrides = {
        o.assignment_id: o
        for o in db.session.scalars(
            select(AssignmentOverride).where(AssignmentOverride.user_id == user.id)
        )
    }
    out = []
    for assignment, course in rows:
        mine = attempts.get(assignment.id, [])
        o = overrides.get(assignment.id)
        close = (
            max(o.closes_at, assignment.closes_at) if o and o.closes_at else assignment.closes_at
        )
        out.append(
            StudentAssignment(
                assignment,
                course,
                mine,
                status(assignment, mine, now, close),
                close,
                grade(assignment, mine),
                visible(assignment.show_marks, assignment, close, now),
            )
        )
    return out


def attempt_count(assignment: Assignment) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.assignment_id == assignment.id)
        )
        or 0
    )
