"""The gradebook and item analysis: a fixed number of queries whatever the class size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from studyapp.core import stats
from studyapp.core.formats import csv_text
from studyapp.core.questions import QuestionType
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    AttemptAnswer,
    AttemptState,
    Course,
    Enrollment,
    User,
)
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, questions_by_ids


@dataclass(frozen=True)
class Cell:
    grade: float | None
    status: str
    time_taken: timedelta | None
    attempts: int
    last_attempt_id: int | None


@dataclass(frozen=True)
class Gradebook:
    course: Course
    students: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]


def gradebook(course: Course, now: datetime) -> Gradebook:
    """Students x assignments: grade by the chosen method, status, time taken."""
    quiz.finish_overdue(now, assignment_ids=[a.id for a in course.assignments])
    students = list(
        db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.course_id == course.id)
            .order_by(User.name, User.id)
        )
    )
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.course_id == course.id)
            .order_by(Assignment.closes_at)
        )
    )
    ids = [a.id for a in assignments]
    attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for a in db.session.scalars(
        select(Attempt).where(Attempt.assignment_id.in_(ids)).order_by(Attempt.number)
    ):
        attempts[(a.user_id, a.assignment_id)].append(a)
    overrides = {
        (o.user_id, o.assignment_id): o
        for o in db.session.scalars(
            select(AssignmentOverride).where(AssignmentOverride.assignment_id.in_(ids))
        )
    }
    cells = {}
    for s in students:
        for a in assignments:
            mine = attempts.get((s.id, a.id), [])
            o = overrides.get((s.id, a.id))
            close = max(o.closes_at, a.closes_at) if o and o.closes_at else a.closes_at
            finished = [t for t in mine if t.state == AttemptState.FINISHED]
            taken = (finished[-1].finished_at - finished[-1].started_at) if finished else None
            cells[(s.id, a.id)] = Cell(
                quiz.grade(a, mine),
                quiz.status(a, mine, now, close).value,
                taken,
                len(mine),
                mine[-1].id if mine else None,
            )
    return Gradebook(course, students, assignments, cells)


def gradebook_csv(book: Gradebook) -> str:
    """One row per student: name, email, then each assignment's grade and status."""
    header = ["Student", "Email"]
    for a in book.assignments:
        header += [f"{a.title} (%)", f"{a.title} status"]
    rows = []
    for s in book.students:
        row: list[object] = [s.name, s.email]
        for a in book.assignments:
            cell = book.cells[(s.id, a.id)]
            row += ["" if cell.grade is None else f"{cell.grade:.1f}", cell.status]
        rows.append(row)
    return csv_text(header, rows)


@dataclass(frozen=True)
class ItemRow:
    position: int
    question_id: str
    prompt: str
    type: str
    retired: bool
    stats: stats.ItemStats
    flags: list[str]


@dataclass(frozen=True)
class AssignmentReport:
    assignment: Assignment
    summary: stats.Summary
    bins: list[stats.Bin]
    items: list[ItemRow]
    attempts: int


def assignment_report(assignment: Assignment, now: datetime) -> AssignmentReport:
    """Score distribution and Moodle-style statistics for every question (first attempts)."""
    quiz.finish_overdue(now, assignment_ids=[assignment.id])
    finished = list(
        db.session.scalars(
            select(Attempt).where(
                Attempt.assignment_id == assignment.id,
                Attempt.state == AttemptState.FINISHED,
                Attempt.number == 1,
            )
        )
    )
    answers: dict[int, dict[str, AttemptAnswer]] = defaultdict(dict)
    if finished:
        for ans in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id.in_([a.id for a in finished]))
        ):
            answers[ans.attempt_id][ans.question_id] = ans
    question_ids = [aq.question_id for aq in assignment.items]
    rows = questions_by_ids(question_ids)
    keys = {}
    for qid in question_ids:
        item = core_question(rows[qid])
        if item.type == QuestionType.MULTIPLE_CHOICE:
            keys[qid] = (list(item.options), item.answer)
        elif item.type == QuestionType.TRUE_FALSE:
            keys[qid] = (["True", "False"], "True" if item.answer else "False")
    marks = []
    for attempt in finished:
        mine = answers.get(attempt.id, {})
        choices = {}
        for qid, ans in mine.items():
            if qid in keys:
                r = ans.response
                choices[qid] = ("True" if r else "False") if isinstance(r, bool) else r
        marks.append(
            stats.AttemptMarks(
                attempt.id,
                {qid: (mine[qid].score or 0.0) if qid in mine else 0.0 for qid in question_ids},
                {qid: 1.0 for qid in question_ids},
                choices,
            )
        )
    by_id = {s.question_id: s for s in stats.item_analysis(marks, keys)}
    items = []
    for position, qid in enumerate(question_ids, start=1):
        st = by_id.get(qid) or stats.ItemStats(qid, 0, None, None, None, None, {}, ())
        items.append(
            ItemRow(
                position,
                qid,
                rows[qid].prompt,
                rows[qid].type,
                rows[qid].retired_at is not None,
                st,
                [stats.describe_flag(f) for f in st.flags],
            )
        )
    percents = [a.percent for a in finished if a.percent is not None]
    return AssignmentReport(
        assignment,
        stats.describe(percents),
        stats.histogram(percents),
        items,
        len(finished),
    )


def attempt_detail(attempt: Attempt) -> list[tuple[int, object, object, AttemptAnswer | None]]:
    """Each question of an attempt with the student's saved answer."""
    ids = attempt.layout.get("questions", [])
    rows = questions_by_ids(ids)
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    return [(i, rows[q], core_question(rows[q]), answers.get(q)) for i, q in enumerate(ids, 1)]
