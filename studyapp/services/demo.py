"""Demo data for a first run: an instructor, a class and students."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select

from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Assignment, Course, Enrollment, Role, User
from studyapp.services.accounts import create_user

DEMO_PASSWORD = "studyapp-demo"
DEMO_INSTRUCTOR = ("teacher@example.com", "Dr. Demo Teacher")
DEMO_STUDENTS = (
    ("student@example.com", "Demo Student"),
    ("ana@example.com", "Ana Kim"),
    ("ben@example.com", "Ben Park"),
)
DEMO_JOIN_CODE = "DEMO-7K3Q"


def _user(email: str, name: str, role: Role) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = create_user(email, name, DEMO_PASSWORD, role=role, demo=True)
    return user


def seed_demo() -> Iterator[str]:
    """Create (once) the demo instructor, class and students; yield lines to print."""
    teacher = _user(*DEMO_INSTRUCTOR, Role.INSTRUCTOR)
    students = [_user(email, name, Role.STUDENT) for email, name in DEMO_STUDENTS]
    course = db.session.scalar(select(Course).where(Course.join_code == DEMO_JOIN_CODE))
    if course is None:
        course = Course(
            instructor=teacher,
            name="Modern East Asian History",
            term="Spring",
            join_code=DEMO_JOIN_CODE,
        )
        db.session.add(course)
        db.session.flush()
    enrolled = set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )
    for s in students:
        if s.id not in enrolled:
            db.session.add(Enrollment(course_id=course.id, user_id=s.id))
    db.session.commit()
    _demo_quiz(course, students)
    yield f"Demo accounts (password for each: {DEMO_PASSWORD}):"
    yield f"  instructor: {teacher.email}"
    for s in students:
        yield f"  student:    {s.email}"
    yield f"  class: {course.name} (join code {course.join_code}), with an open quiz"


DEMO_QUIZ = "Week 1 check: the 1960s"


def _demo_quiz(course: Course, students: list[User]) -> None:
    """One open quiz (closing in a week) with finished attempts by two of the students."""
    from studyapp.services import assignments as quiz
    from studyapp.services.bank import core_question, questions_by_ids

    exists = db.session.scalar(
        select(Assignment.id).where(
            Assignment.course_id == course.id, Assignment.title == DEMO_QUIZ
        )
    )
    if exists is not None:
        return
    now = utcnow()
    ids = quiz.draw_questions(
        count=8,
        types=["multiple_choice", "true_false", "cloze", "ordering"],
        sections=["2", "3"],
        seed=2023,
    )
    settings = quiz.AssignmentSettings(
        title=DEMO_QUIZ,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        time_limit_minutes=20,
        attempts_allowed=2,
    )
    a = quiz.create_assignment(course, settings, ids)
    rows = questions_by_ids(ids)
    for student, right_share in zip(students[1:3], (1.0, 0.5), strict=True):
        attempt = quiz.start_attempt(a, student, now - timedelta(hours=3))
        responses = {}
        for k, qid in enumerate(attempt.layout["questions"]):
            item = core_question(rows[qid])
            if k < len(ids) * right_share:
                answer = item.answer
                responses[qid] = list(answer) if isinstance(answer, tuple) else answer
            else:
                responses[qid] = "not sure"
        quiz.save_answers(attempt, responses, now - timedelta(hours=3) + timedelta(minutes=5))
        quiz.finish_attempt(attempt.id, now - timedelta(hours=3) + timedelta(minutes=9))
