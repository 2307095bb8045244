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

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from studyapp.core import drafts
from studyapp.core.grading import check
from studyapp.core.questions import all_kinds, get_kind
from studyapp.core.timezones import date_problem
from studyapp.db import begin_write, utcnow
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
from studyapp.services.bank import (
    core_question,
    filter_questions,
    graded_types,
    questions_by_ids,
    usable_questions_query,
)

GRACE = timedelta(seconds=30)


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"
    OVERDUE = "overdue"
    UPCOMING = "not open yet"


# --- building -------------------------------------------------------------------------------


def _interleave(groups: list[list[Question]]) -> list[Question]:
    """Take one from each group in turn, so a draw spreads over the groups."""
    out: list[Question] = []
    for i in range(max((len(g) for g in groups), default=0)):
        out.extend(g[i] for g in groups if i < len(g))
    return out


def draw_questions(
    *,
    count: int,
    types: list[str] | None = None,
    sections: list[str] | None = None,
    seed: int,
    same_fact: bool = False,
    mix: dict[str, int] | None = None,
) -> list[str]:
    """Draw questions at random from the bank; the same seed draws the same questions.

    ``mix`` (type -> how many) chooses the mix of types; without it ``count`` questions are
    spread evenly over ``types`` (all gradable types when empty). Within a type the draw takes
    the chosen sections in turn. Retired questions, questions no longer in the bank and
    questions of self-graded kinds (explain) are never drawn; no two questions test the same fact
    unless ``same_fact``. Fewer come back when the bank cannot supply them.
    """
    graded = graded_types()
    if mix:
        quotas = {t: n for t, n in mix.items() if t in graded and n > 0}
        count = sum(quotas.values())
    else:
        wanted = [t for t in (types or graded) if t in graded] or graded
        random.Random(seed).shuffle(wanted)  # which types come first when count is small
        quotas = dict.fromkeys(wanted, count)
    if count <= 0 or not quotas:
        return []
    stmt = usable_questions_query().where(Question.type.in_(list(quotas)))
    if sections:
        stmt = stmt.where(Question.section.in_(sections))
    rows = sorted(db.session.scalars(stmt), key=lambda q: q.id)
    rng = random.Random(seed)
    rng.shuffle(rows)
    queues: dict[str, list[Question]] = {}
    for t in quotas:
        by_section: dict[str, list[Question]] = {}
        for q in rows:
            if q.type == t:
                by_section.setdefault(q.section, []).append(q)
        order = sorted(by_section)
        rng.shuffle(order)
        queues[t] = _interleave([by_section[s] for s in order])
    chosen: list[str] = []
    used: set[str] = set()
    progress = True
    while len(chosen) < count and progress:
        progress = False
        for t in quotas:
            if quotas[t] <= 0 or len(chosen) >= count:
                continue
            queue = queues[t]
            while queue:
                q = queue.pop(0)
                if same_fact or not used & set(q.fact_ids):
                    chosen.append(q.id)
                    used.update(q.fact_ids)
                    quotas[t] -= 1
                    progress = True
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
    closed_book: bool = True


MAX_QUESTIONS = 100


def validate_settings(settings: AssignmentSettings, now: datetime | None = None) -> None:
    """Refuse settings that make no sense, with a message an instructor can act on."""
    if not settings.title.strip():
        raise ServiceError("Give the quiz a title.")
    if len(settings.title.strip()) > 120:
        raise ServiceError("Keep the title under 120 characters.")
    now = now or utcnow()
    for at, what in ((settings.opens_at, "The open time"), (settings.closes_at, "The close time")):
        problem = date_problem(at, now, what)
        if problem:
            raise ServiceError(problem)
    if settings.closes_at <= settings.opens_at:
        raise ServiceError("The close time must be after the open time.")
    if settings.time_limit_minutes is not None and not 1 <= settings.time_limit_minutes <= 600:
        raise ServiceError("A time limit must be between 1 and 600 minutes (or none).")
    if not 1 <= settings.attempts_allowed <= 20:
        raise ServiceError("Allow between 1 and 20 attempts.")
    try:
        settings.grading_method = GradingMethod(settings.grading_method)
        settings.show_marks = Visibility(settings.show_marks)
        settings.show_answers = Visibility(settings.show_answers)
    except ValueError:
        raise ServiceError("Choose a grading method and when marks and answers show.") from None
    settings.closed_book = bool(settings.closed_book)


def create_assignment(
    course: Course,
    settings: AssignmentSettings,
    question_ids: list[str],
    now: datetime | None = None,
) -> Assignment:
    """A new quiz for the class; the questions must be in the bank, gradable and not retired."""
    validate_settings(settings, now)
    ids = list(dict.fromkeys(question_ids))
    if not ids:
        raise ServiceError("Choose at least one question.")
    if len(ids) > MAX_QUESTIONS:
        raise ServiceError(f"A quiz can have at most {MAX_QUESTIONS} questions.")
    begin_write(db.session)
    rows = questions_by_ids(ids)
    graded = graded_types()
    bad = [i for i in ids if i not in rows or not rows[i].usable or rows[i].type not in graded]
    if bad:
        db.session.rollback()
        self_graded = ", ".join(k.label for k in all_kinds() if not k.auto_graded)
        raise ServiceError(
            "Some chosen questions are retired, no longer in the bank, or self-graded "
            f"({self_graded}); choose again."
        )
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


def _like(word: str) -> str:
    """A LIKE pattern that finds the word anywhere (its own % and _ taken literally)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def pick_candidates(
    *,
    text: str = "",
    section: str | None = None,
    qtype: str | None = None,
    fact_id: str | None = None,
    exclude: list[str] | None = None,
    limit: int = 60,
) -> tuple[int, list[Question]]:
    """Questions an instructor may pick, filtered, and how many match in all.

    ``text`` keeps the questions whose prompt holds every word typed (any case); only usable
    questions of the kinds the app grades are offered, ``exclude`` (already chosen) left out.
    """
    stmt = filter_questions(section=section, qtype=qtype, fact_id=fact_id).where(
        Question.type.in_(graded_types())
    )
    for word in text.split():
        stmt = stmt.where(Question.prompt.ilike(_like(word), escape="\\"))
    if exclude:
        stmt = stmt.where(Question.id.not_in(exclude))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return total or 0, list(db.session.scalars(stmt.limit(limit)))


class QuestionEdit(StrEnum):
    """A change to a quiz's list of questions."""

    ADD = "add"
    REMOVE = "remove"
    UP = "up"
    DOWN = "down"


def edited(current: list[str], edit: QuestionEdit, ids: list[str]) -> list[str]:
    """The list of question ids after one edit (ids not in the list are ignored, except to add)."""
    order = list(current)
    if edit == QuestionEdit.ADD:
        return order + [i for i in dict.fromkeys(ids) if i not in order]
    if edit == QuestionEdit.REMOVE:
        return [i for i in order if i not in ids]
    step = -1 if edit == QuestionEdit.UP else 1
    for qid in ids[:1]:
        if qid in order:
            at = order.index(qid)
            to = at + step
            if 0 <= to < len(order):
                order[at], order[to] = order[to], order[at]
    return order


STARTED = (
    "Students have started this quiz, so its questions can no longer change: every attempt "
    "keeps the questions it began with. Make a new quiz to ask other questions."
)


def is_started(assignment: Assignment) -> bool:
    """Whether any student has started an attempt (the questions are then fixed)."""
    return (
        db.session.scalar(select(Attempt.id).where(Attempt.assignment_id == assignment.id).limit(1))
        is not None
    )


def edit_questions(assignment: Assignment, edit: QuestionEdit | str, ids: list[str]) -> list[str]:
    """Add, remove or move questions of a quiz nobody has started; returns the new order.

    One write transaction: the quiz's row is locked (FOR UPDATE; BEGIN IMMEDIATE on SQLite),
    then the change is made only if no attempt exists. ``start_attempt`` takes the same lock
    before it reads the questions, so an attempt never begins with a list that then changes.
    Questions added must be usable and auto-graded; those already in the quiz may stay even if
    retired since.
    """
    try:
        edit = QuestionEdit(edit)
    except ValueError:
        raise ServiceError("Choose to add, remove or move a question.") from None
    begin_write(db.session)
    db.session.execute(
        select(Assignment.id).where(Assignment.id == assignment.id).with_for_update()
    )
    if is_started(assignment):
        db.session.rollback()
        raise ServiceError(STARTED)
    current = _question_ids(assignment.id)
    if edit != QuestionEdit.ADD and (not ids or not set(ids) <= set(current)):
        db.session.rollback()
        raise ServiceError("That question is not in this quiz.")
    order = edited(current, edit, ids)
    added = [i for i in order if i not in current]
    rows = questions_by_ids(added)
    graded = graded_types()
    if any(i not in rows or not rows[i].usable or rows[i].type not in graded for i in added):
        db.session.rollback()
        raise ServiceError(
            "Some chosen questions are retired, no longer in the bank, or self-graded; "
            "choose again."
        )
    if not order:
        db.session.rollback()
        raise ServiceError(
            "A quiz needs at least one question: add another before removing this one."
        )
    if len(order) > MAX_QUESTIONS:
        db.session.rollback()
        raise ServiceError(f"A quiz can have at most {MAX_QUESTIONS} questions.")
    if order != current:
        db.session.execute(
            delete(AssignmentQuestion).where(AssignmentQuestion.assignment_id == assignment.id)
        )
        db.session.execute(
            insert(AssignmentQuestion),
            [
                {"assignment_id": assignment.id, "question_id": qid, "position": position}
                for position, qid in enumerate(order)
            ],
        )
    db.session.commit()
    return order


def _question_ids(assignment_id: int) -> list[str]:
    """The quiz's questions in order, read from the database (not a loaded relationship)."""
    return list(
        db.session.scalars(
            select(AssignmentQuestion.question_id)
            .where(AssignmentQuestion.assignment_id == assignment_id)
            .order_by(AssignmentQuestion.position)
        )
    )


def update_settings(
    assignment: Assignment, settings: AssignmentSettings, now: datetime | None = None
) -> None:
    """Change a quiz's settings (its questions stay); open attempts get the new deadline."""
    validate_settings(settings, now)
    begin_write(db.session)
    for key, value in vars(settings).items():
        setattr(assignment, key, value)
    assignment.title = settings.title.strip()
    _refresh_deadlines(assignment)
    db.session.commit()


def set_override(
    assignment: Assignment,
    user_id: int,
    *,
    extra_minutes: int,
    closes_at: datetime | None,
    now: datetime | None = None,
) -> None:
    """Give one student extra time and/or a later close time (0 and None remove it)."""
    if not 0 <= extra_minutes <= 600:
        raise ServiceError("Extra time must be between 0 and 600 minutes.")
    if closes_at is not None:
        problem = date_problem(closes_at, now or utcnow(), "An extension")
        if problem:
            raise ServiceError(problem)
    if closes_at is not None and closes_at <= assignment.closes_at:
        raise ServiceError("An extension must end after the quiz's own close time.")
    begin_write(db.session)
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == assignment.course_id, Enrollment.user_id == user_id
        )
    )
    if enrolled is None:
        db.session.rollback()
        raise ServiceError("That student is not in this class.")
    row = override_for(assignment, user_id)
    if not extra_minutes and closes_at is None:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
    else:
        if row is None:
            row = AssignmentOverride(assignment_id=assignment.id, user_id=user_id)
            db.session.add(row)
        row.extra_minutes, row.closes_at = extra_minutes, closes_at
        db.session.flush()
    _refresh_deadlines(assignment, user_id)
    db.session.commit()


def override_for(assignment: Assignment, user_id: int) -> AssignmentOverride | None:
    return db.session.scalar(
        select(AssignmentOverride).where(
            AssignmentOverride.assignment_id == assignment.id,
            AssignmentOverride.user_id == user_id,
        )
    )


def _close(assignment: Assignment, override: AssignmentOverride | None) -> datetime:
    if override is not None and override.closes_at is not None:
        return max(override.closes_at, assignment.closes_at)
    return assignment.closes_at


def _deadline(
    assignment: Assignment, override: AssignmentOverride | None, started_at: datetime
) -> datetime:
    """min(close or extension, start + time limit + extra minutes)."""
    deadline = _close(assignment, override)
    if assignment.time_limit_minutes:
        extra = override.extra_minutes if override is not None else 0
        limit = timedelta(minutes=assignment.time_limit_minutes + extra)
        deadline = min(deadline, started_at + limit)
    return deadline


def _refresh_deadlines(assignment: Assignment, user_id: int | None = None) -> None:
    """Recompute the deadline of open attempts after the settings or an override changed."""
    stmt = select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.state == AttemptState.OPEN
    )
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    attempts = list(db.session.scalars(stmt))
    if not attempts:
        return
    overrides = {
        o.user_id: o
        for o in db.session.scalars(
            select(AssignmentOverride).where(AssignmentOverride.assignment_id == assignment.id)
        )
    }
    for attempt in attempts:
        attempt.deadline = _deadline(assignment, overrides.get(attempt.user_id), attempt.started_at)


def closes_for(assignment: Assignment, user_id: int) -> datetime:
    """The close time for this student (an extension may move it later)."""
    return _close(assignment, override_for(assignment, user_id))


def last_close(assignment: Assignment) -> datetime:
    """When the quiz is closed for everybody (the latest extension included)."""
    latest = db.session.scalar(
        select(func.max(AssignmentOverride.closes_at)).where(
            AssignmentOverride.assignment_id == assignment.id
        )
    )
    return max(latest, assignment.closes_at) if latest is not None else assignment.closes_at


# --- attempts -------------------------------------------------------------------------------


def attempts_of(assignment: Assignment, user_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.assignment_id == assignment.id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        )
    )


def _layout(assignment: Assignment, user_id: int, number: int) -> dict[str, Any]:
    """The question order and option orders this attempt shows (fixed at its start)."""
    items = _question_ids(assignment.id)
    rng = random.Random(f"{assignment.id}:{user_id}:{number}")
    if assignment.shuffle_questions:
        rng.shuffle(items)
    option_orders: dict[str, list[int]] = {}
    if assignment.shuffle_options:
        rows = questions_by_ids(items)
        for qid in items:
            item = core_question(rows[qid])
            if get_kind(item.type).shuffle_options:
                order = list(range(len(item.options)))
                rng.shuffle(order)
                option_orders[qid] = order
    return {"questions": items, "options": option_orders}


def start_attempt(assignment: Assignment, user: User, now: datetime) -> Attempt:
    """Start (or resume) an attempt. The unique (assignment, student, number) settles races."""
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == assignment.course_id, Enrollment.user_id == user.id
        )
    )
    if enrolled is None:
        raise ServiceError("You are not in this class.")
    override = override_for(assignment, user.id)
    if now < assignment.opens_at:
        raise ServiceError("This quiz has not opened yet.")
    if now >= _close(assignment, override):
        raise ServiceError("This quiz is closed.")
    finish_overdue(now, user_id=user.id, assignment_ids=[assignment.id])
    begin_write(db.session)
    # The lock edit_questions takes (shared: students may start together), so the questions
    # read for the layout are the ones the quiz keeps.
    db.session.execute(
        select(Assignment.id).where(Assignment.id == assignment.id).with_for_update(read=True)
    )
    attempts = attempts_of(assignment, user.id)
    for attempt in attempts:
        if attempt.state == AttemptState.OPEN:
            db.session.commit()
            return attempt
    if len(attempts) >= assignment.attempts_allowed:
        db.session.rollback()
        raise ServiceError("You have used all the attempts this quiz allows.")
    number = len(attempts) + 1
    attempt = Attempt(
        assignment_id=assignment.id,
        user_id=user.id,
        number=number,
        state=AttemptState.OPEN,
        started_at=now,
        deadline=_deadline(assignment, override, now),
        layout=_layout(assignment, user.id, number),
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # started from another tab at the same moment: that one wins
        db.session.rollback()
        for other in attempts_of(assignment, user.id):
            if other.state == AttemptState.OPEN:
                return other
        raise ServiceError("You have used all the attempts this quiz allows.") from None
    return attempt


def own_attempt(user: User, attempt_id: int) -> Attempt | None:
    """The student's own attempt in a class they are still in, or None (one query)."""
    return db.session.scalar(
        select(Attempt)
        .join(Attempt.assignment)
        .join(
            Enrollment,
            (Enrollment.course_id == Assignment.course_id) & (Enrollment.user_id == user.id),
        )
        .where(Attempt.id == attempt_id, Attempt.user_id == user.id)
        .options(contains_eager(Attempt.assignment))
    )


def is_answered(response: Any) -> bool:
    """Whether a saved response says anything (a cleared text box or empty list does not)."""
    if response is None:
        return False
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list):
        return any(r is not None for r in response)
    return True


def saved_answers(attempt: Attempt) -> dict[str, Any]:
    """question id -> latest saved response."""
    return {qid: response for qid, (response, _) in saved_drafts(attempt).items()}


def saved_drafts(attempt: Attempt) -> dict[str, tuple[Any, int]]:
    """question id -> (latest saved response, its number)."""
    return {
        qid: (response, seq)
        for qid, response, seq in db.session.execute(
            select(AttemptAnswer.question_id, AttemptAnswer.response, AttemptAnswer.seq).where(
                AttemptAnswer.attempt_id == attempt.id
            )
        )
    }


def saved_numbers(attempt: Attempt) -> dict[str, int]:
    """question id -> the number of its stored answer (which answers a page has changed)."""
    return {
        qid: seq
        for qid, seq in db.session.execute(
            select(AttemptAnswer.question_id, AttemptAnswer.seq).where(
                AttemptAnswer.attempt_id == attempt.id
            )
        )
    }


GONE = (
    "This attempt no longer exists, or you are no longer in its class: answers cannot be "
    "saved to it."
)


class AttemptGone(ServiceError):
    """The attempt was removed (with its student or quiz) while its page was open."""

    def __init__(self) -> None:
        super().__init__(GONE)


@dataclass(frozen=True)
class QuizSaved(drafts.Saved):
    """What an autosave did, and the attempt's deadline as it stood then."""

    deadline: datetime


def save_answers(
    attempt: Attempt,
    responses: dict[str, Any],
    now: datetime,
    seqs: dict[str, int] | None = None,
) -> QuizSaved:
    """Autosave: keep the newest answer to each question, only while the attempt is open.

    Each answer may carry its number (``seqs``, see core.drafts); one without is the newest at
    its arrival. A stored answer is replaced only by a higher number, with a conditional
    ``UPDATE ... WHERE seq < :seq``, so a late save, a second tab or a page reloaded mid-save
    never brings back an older answer. The attempt's row is locked first (BEGIN IMMEDIATE on
    SQLite, FOR UPDATE elsewhere), so a save and a finish never interleave: a save either lands
    before grading or is refused. Only the answers given are read and written (the quiz views
    pass just those a page changed). AttemptGone if the attempt no longer exists.
    """
    attempt_id = attempt.id  # read before the lock: taking it ends the read transaction
    allowed = set(attempt.layout.get("questions", []))
    responses = {qid: r for qid, r in responses.items() if qid in allowed}  # its own questions
    begin_write(db.session)
    row = db.session.execute(
        select(Attempt.state, Attempt.deadline).where(Attempt.id == attempt_id).with_for_update()
    ).one_or_none()
    if row is None:
        db.session.rollback()
        raise AttemptGone()
    state, deadline = row
    if state != AttemptState.OPEN:
        db.session.rollback()
        raise ServiceError("This attempt has been submitted; answers can no longer change.")
    if now - GRACE > deadline:
        db.session.rollback()
        finish_attempt(attempt_id, now, by="deadline")
        raise ServiceError("Time is up: your attempt was submitted with the answers saved.")
    stored = {
        qid: (response, seq, saved_at)
        for qid, response, seq, saved_at in (
            db.session.execute(
                select(
                    AttemptAnswer.question_id,
                    AttemptAnswer.response,
                    AttemptAnswer.seq,
                    AttemptAnswer.saved_at,
                ).where(
                    AttemptAnswer.attempt_id == attempt_id,
                    AttemptAnswer.question_id.in_(list(responses)),
                )
            )
            if responses
            else ()
        )
    }
    seqs = seqs or {}
    count, kept = 0, []
    for qid, response in responses.items():
        row = stored.get(qid)
        seq = seqs.get(qid)
        if seq is None:
            seq = drafts.at_arrival(now, row[1] if row else None)
        if row is None:
            db.session.add(
                AttemptAnswer(
                    attempt_id=attempt_id, question_id=qid, response=response, seq=seq, saved_at=now
                )
            )
            count += 1
            continue
        old, old_seq, old_saved_at = row
        if seq == old_seq:
            count += 1  # this very answer is already stored
            continue
        replaced = (
            drafts.wins(seq, old_seq)
            and db.session.execute(
                update(AttemptAnswer)
                .where(
                    AttemptAnswer.attempt_id == attempt_id,
                    AttemptAnswer.question_id == qid,
                    AttemptAnswer.seq < seq,
                )
                .values(
                    response=response,
                    seq=seq,
                    # An unchanged answer keeps its time: it is when the answer was given.
                    saved_at=now if response != old else old_saved_at,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
        if replaced:
            count += 1
        else:
            kept.append(qid)
    db.session.commit()
    return QuizSaved(count, tuple(kept), deadline)


def finish_attempt(attempt_id: int, now: datetime, *, by: str = "submitted") -> bool:
    """Grade and close an open attempt, exactly once. Returns False if it was already closed.

    The close is a conditional UPDATE ... WHERE state = 'open' whose row count decides who
    finished it; answers then go to the student's answer history once each.
    """
    begin_write(db.session)
    attempt = db.session.get(Attempt, attempt_id, with_for_update=True, populate_existing=True)
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
            finished_at=min(now, attempt.deadline) if by == "deadline" else now,
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
        if qid not in rows or not is_answered(answer.response):
            continue
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
    """Finish every open attempt whose deadline (plus grace) has passed; returns how many."""
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


def graded_attempts(assignment: Assignment, attempts: list[Attempt]) -> list[Attempt]:
    """The finished attempts the grade comes from, in order.

    Highest: the first attempt with the best mark; last: the last finished one; average:
    every finished attempt. ``attempts`` are the student's, in attempt order.
    """
    finished = [a for a in attempts if a.state == AttemptState.FINISHED and a.percent is not None]
    if not finished or assignment.grading_method == GradingMethod.AVERAGE:
        return finished
    if assignment.grading_method == GradingMethod.LAST:
        return finished[-1:]
    best = max(a.percent or 0.0 for a in finished)
    return [next(a for a in finished if a.percent == best)]


def grade(assignment: Assignment, attempts: list[Attempt]) -> float | None:
    """The student's grade (percent) by the assignment's method over finished attempts."""
    scores = [a.percent or 0.0 for a in graded_attempts(assignment, attempts)]
    if not scores:
        return None
    return sum(scores) / len(scores)


def status(
    assignment: Assignment, attempts: list[Attempt], now: datetime, close: datetime
) -> Status:
    """Not started, in progress, submitted, overdue (closed unattempted) or not open yet."""
    if any(a.state == AttemptState.OPEN for a in attempts):
        return Status.IN_PROGRESS
    if any(a.state == AttemptState.FINISHED for a in attempts):
        return Status.SUBMITTED
    if now < assignment.opens_at:
        return Status.UPCOMING
    if now >= close:
        return Status.OVERDUE
    return Status.NOT_STARTED


def visible(setting: Visibility, close: datetime, now: datetime) -> bool:
    """Whether marks (or answers) may be shown now under the review option."""
    if setting == Visibility.IMMEDIATELY:
        return True
    if setting == Visibility.AFTER_CLOSE:
        return now >= close
    return False


@dataclass(frozen=True)
class ReviewOptions:
    """What a student may see of a finished attempt now."""

    marks: bool
    answers: bool
    close: datetime


def review_options(attempt: Attempt, now: datetime) -> ReviewOptions:
    """Marks follow the student's own close; answers wait until the quiz is closed for all."""
    a = attempt.assignment
    close = closes_for(a, attempt.user_id)
    marks = visible(a.show_marks, close, now)
    answers = visible(a.show_answers, last_close(a), now)
    return ReviewOptions(marks, answers, close)


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
        .order_by(Assignment.closes_at, Assignment.id)
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
        close = _close(assignment, overrides.get(assignment.id))
        out.append(
            StudentAssignment(
                assignment,
                course,
                mine,
                status(assignment, mine, now, close),
                close,
                grade(assignment, mine),
                visible(assignment.show_marks, close, now),
            )
        )
    return out
