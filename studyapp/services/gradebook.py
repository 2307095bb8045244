"""The gradebook and item analysis: a fixed number of queries whatever the class size."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from studyapp.core import stats
from studyapp.core.formats import csv_text
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import get_kind
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    AttemptAnswer,
    AttemptState,
    Course,
    Enrollment,
    GradingMethod,
    Question,
    User,
)
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, questions_by_ids


@dataclass(frozen=True)
class AttemptLink:
    """One attempt in a gradebook cell: its number, and whether the grade comes from it."""

    id: int
    number: int
    graded: bool


@dataclass(frozen=True)
class Cell:
    grade: float | None
    status: str
    time_taken: timedelta | None  # of the attempt the grade comes from (None when averaged)
    attempts: int
    links: tuple[AttemptLink, ...] = ()
    averaged: int = 0  # how many attempts the grade averages (the average method), else 0

    @property
    def graded_number(self) -> int | None:
        """The number of the one attempt the grade comes from (None: none, or an average)."""
        if self.averaged:
            return None
        return next((link.number for link in self.links if link.graded), None)


@dataclass(frozen=True)
class Gradebook:
    course: Course
    students: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]
    averages: dict[int, float | None]


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
            .order_by(Assignment.closes_at, Assignment.id)
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
            graded = quiz.graded_attempts(a, mine)
            averaged = a.grading_method == GradingMethod.AVERAGE
            one = graded[0] if len(graded) == 1 and not averaged else None
            taken = one.finished_at - one.started_at if one and one.finished_at else None
            cells[(s.id, a.id)] = Cell(
                quiz.grade(a, mine),
                quiz.status(a, mine, now, close).value,
                taken,
                len(mine),
                tuple(AttemptLink(t.id, t.number, t in graded) for t in mine),
                len(graded) if averaged else 0,
            )
    grades: dict[int, list[float]] = defaultdict(list)
    for (_, aid), c in cells.items():
        if c.grade is not None:
            grades[aid].append(c.grade)
    averages = {a.id: statistics.fmean(grades[a.id]) if grades[a.id] else None for a in assignments}
    return Gradebook(course, students, assignments, cells, averages)


def minutes(value: timedelta | None) -> str:
    """A duration as 'm:ss' (empty for none)."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def gradebook_csv(book: Gradebook) -> str:
    """One row per student: name, email, then each assignment's grade, status, attempts, the
    attempt the grade comes from and that attempt's time.

    Every cell goes through core.formats (formula-injection safe) with a BOM for spreadsheets.
    """
    header = ["Student", "Email"]
    for a in book.assignments:
        header += [f"{a.title} (%)", f"{a.title} status", f"{a.title} attempts"]
        header += [f"{a.title} graded attempt", f"{a.title} time (m:ss)"]
    rows = []
    for s in book.students:
        row: list[object] = [s.name, s.email]
        for a in book.assignments:
            cell = book.cells[(s.id, a.id)]
            grade = "" if cell.grade is None else f"{cell.grade:.1f}"
            basis = f"average of {cell.averaged}" if cell.averaged else cell.graded_number or ""
            row += [grade, cell.status, cell.attempts, basis, minutes(cell.time_taken)]
        rows.append(row)
    return csv_text(header, rows, bom=True)


@dataclass(frozen=True)
class ItemRow:
    position: int
    question_id: str
    prompt: str
    type: str
    retired: bool
    key: str | None  # the right option, or a typed question's key (None otherwise)
    stats: stats.ItemStats
    flags: list[str]
    # Typed kinds: what students wrote, grouped as grading normalises it (None: not typed).
    responses: list[stats.ResponseGroup] | None = None


@dataclass(frozen=True)
class AssignmentReport:
    assignment: Assignment
    summary: stats.Summary
    bins: list[stats.Bin]
    items: list[ItemRow]
    attempts: int
    which: str


def assignment_report(
    assignment: Assignment, now: datetime, which: str = "first"
) -> AssignmentReport:
    """Score distribution and Moodle-style statistics for every question.

    ``which`` is "first" (each student's first finished attempt, the default: later attempts
    are coloured by feedback from the first) or "all" finished attempts.
    """
    quiz.finish_overdue(now, assignment_ids=[assignment.id])
    stmt = select(Attempt.id, Attempt.marks, Attempt.max_marks).where(
        Attempt.assignment_id == assignment.id, Attempt.state == AttemptState.FINISHED
    )
    if which != "all":
        which = "first"
        stmt = stmt.where(Attempt.number == 1)
    finished = db.session.execute(stmt.order_by(Attempt.id)).all()
    answers: dict[int, dict[str, tuple[Any, float | None, bool | None]]] = defaultdict(dict)
    if finished:
        rows_stmt = (
            select(
                AttemptAnswer.attempt_id,
                AttemptAnswer.question_id,
                AttemptAnswer.response,
                AttemptAnswer.score,
                AttemptAnswer.correct,
            )
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(Attempt.assignment_id == assignment.id, Attempt.state == AttemptState.FINISHED)
        )
        if which == "first":
            rows_stmt = rows_stmt.where(Attempt.number == 1)
        for attempt_id, qid, response, score, correct in db.session.execute(rows_stmt):
            answers[attempt_id][qid] = (response, score, correct)
    question_ids = [aq.question_id for aq in assignment.items]
    rows = questions_by_ids(question_ids)
    items = {qid: core_question(rows[qid]) for qid in question_ids}
    keys = {
        qid: key
        for qid, item in items.items()
        if (key := get_kind(item.type).choice_key(item)) is not None
    }
    typed = {qid for qid, item in items.items() if get_kind(item.type).typed_answers}
    written: dict[str, list[tuple[str, str, bool]]] = {qid: [] for qid in typed}
    ones = dict.fromkeys(question_ids, 1.0)
    marks = []
    for attempt_id, _, _ in finished:
        mine = answers.get(attempt_id, {})
        choices = {
            qid: get_kind(items[qid].type).chosen(items[qid], response)
            for qid, (response, _, _) in mine.items()
            if qid in keys
        }
        scores = {qid: float(mine[qid][1] or 0.0) if qid in mine else 0.0 for qid in question_ids}
        marks.append(stats.AttemptMarks(attempt_id, scores, ones, choices))
        for qid, (response, _, correct) in mine.items():
            if qid in typed:
                key = get_kind(items[qid].type).response_key(items[qid], response)
                if key:
                    written[qid].append((key, str(response), bool(correct)))
    by_id = {s.question_id: s for s in stats.item_analysis(marks, keys)}
    out = []
    for position, qid in enumerate(question_ids, start=1):
        st = by_id.get(qid) or stats.ItemStats(qid, 0, None, None, None, None, {}, ())
        if not st.option_counts and qid in keys:
            st = replace(st, option_counts=dict.fromkeys(keys[qid][0], 0))
        out.append(
            ItemRow(
                position,
                qid,
                rows[qid].prompt,
                rows[qid].type,
                rows[qid].retired_at is not None,
                keys[qid][1] if qid in keys else _typed_key(items[qid], qid in typed),
                st,
                [stats.describe_flag(f) for f in st.flags],
                stats.response_analysis(written[qid]) if qid in typed else None,
            )
        )
    percents = [100.0 * m / mx for _, m, mx in finished if m is not None and mx]
    return AssignmentReport(
        assignment,
        stats.describe(percents),
        stats.histogram(percents),
        out,
        len(finished),
        which,
    )


def _typed_key(item: CoreQuestion, typed: bool) -> str | None:
    """The key of a typed question, as its kind writes it (None for other kinds)."""
    return get_kind(item.type).answer_text(item) if typed else None


@dataclass(frozen=True)
class AnswerRow:
    number: int
    row: Question
    item: CoreQuestion
    answer: AttemptAnswer | None


def attempt_detail(attempt: Attempt) -> list[AnswerRow]:
    """Each question of an attempt, in the order the student saw, with the saved answer."""
    ids = attempt.layout.get("questions", [])
    rows = questions_by_ids(ids)
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    return [
        AnswerRow(i, rows[q], core_question(rows[q]), answers.get(q))
        for i, q in enumerate(ids, 1)
        if q in rows
    ]


def student_attempts(attempt: Attempt) -> list[Attempt]:
    """All of this student's attempts at the same assignment, in order."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.assignment_id == attempt.assignment_id,
                Attempt.user_id == attempt.user_id,
            )
            .order_by(Attempt.number)
        )
    )
