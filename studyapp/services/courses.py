"""Classes: creating them, join codes, rosters, joining."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import Assignment, Course, Enrollment, Role, User
from studyapp.services import ServiceError

# No 0/O, 1/I/L: codes are read aloud and typed from a board.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_join_code() -> str:
    """A random code like 'K7QP-M3XA' (31^8, about 850 billion codes)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without the dash."""
    raw = "".join(c for c in code.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _commit_with_fresh_code(course: Course) -> None:
    """Commit; on the (astronomically rare) clash of join codes, draw another and retry."""
    for _ in range(5):
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            db.session.add(course)
            course.join_code = new_join_code()
    raise ServiceError("Could not make a unique join code; please try again.")


def create_course(instructor: User, name: str, term: str) -> Course:
    """A new class with a fresh join code."""
    name, term = " ".join(name.split()), " ".join(term.split())
    if not name:
        raise ServiceError("Give the class a name.")
    if len(name) > 120 or len(term) > 60:
        raise ServiceError("Keep the name under 120 characters and the term under 60.")
    course = Course(instructor_id=instructor.id, name=name, term=term, join_code=new_join_code())
    db.session.add(course)
    _commit_with_fresh_code(course)
    return course


def own_course(instructor: User, course_id: int) -> Course | None:
    """The instructor's own class, or None (another instructor's classes are invisible)."""
    course = db.session.get(Course, course_id)
    if course is None or course.instructor_id != instructor.id:
        return None
    return course


@dataclass(frozen=True)
class CourseRow:
    course: Course
    students: int
    quizzes: int


def instructor_courses(instructor: User) -> list[CourseRow]:
    """The instructor's classes with their numbers of students and quizzes (one query)."""
    students = (
        select(func.count(Enrollment.id))
        .where(Enrollment.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    quizzes = (
        select(func.count(Assignment.id))
        .where(Assignment.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Course, students, quizzes)
        .where(Course.instructor_id == instructor.id)
        .order_by(Course.created_at.desc(), Course.id.desc())
    )
    return [CourseRow(c, s, q) for c, s, q in rows]


def regenerate_code(course: Course) -> str:
    """Replace the join code; the old one stops working at once."""
    course.join_code = new_join_code()
    _commit_with_fresh_code(course)
    return course.join_code


def set_join_open(course: Course, is_open: bool) -> None:
    """Open or close joining by code (enrolled students stay)."""
    course.join_open = is_open
    db.session.commit()


def roster(course: Course) -> list[Enrollment]:
    """The class's enrolments with their students, by name (one query)."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .options(contains_eager(Enrollment.user))
            .where(Enrollment.course_id == course.id)
            .order_by(User.name, User.id)
        )
    )


def roster_student(course: Course, user_id: int) -> User | None:
    """A student in this class, or None (anyone else: another class's student, an instructor)."""
    return db.session.scalar(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == course.id,
            User.id == user_id,
            User.role == Role.STUDENT,
        )
    )


def remove_student(course: Course, user_id: int) -> bool:
    """Take a student out of the class; their past attempts stay on record."""
    begin_write(db.session)
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user_id)
    )
    if enrollment is None:
        db.session.rollback()
        return False
    db.session.delete(enrollment)
    db.session.commit()
    return True


def join_course(student: User, code: str) -> Course:
    """Join the class with this code; joining twice is harmless."""
    if student.is_instructor:
        raise ServiceError("Instructors cannot join classes as students.")
    normalised = normalise_code(code)
    if not normalised:
        raise ServiceError("Enter the join code your instructor gave you.")
    begin_write(db.session)
    course = db.session.scalar(select(Course).where(Course.join_code == normalised))
    if course is None:
        db.session.rollback()
        raise ServiceError("No class has that code. Check it with your instructor.")
    exists = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == course.id, Enrollment.user_id == student.id
        )
    )
    if exists is not None:  # already in: harmless, even once joining has closed
        db.session.commit()
        return course
    if not course.join_open:
        db.session.rollback()
        raise ServiceError("This class is not accepting new students. Ask your instructor.")
    db.session.add(Enrollment(course_id=course.id, user_id=student.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # joined from another tab at the same moment
    return course


def student_courses(student: User) -> list[Course]:
    """The classes a student is in, with their instructors (one query)."""
    return list(
        db.session.scalars(
            select(Course)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .join(User, User.id == Course.instructor_id)
            .options(contains_eager(Course.instructor))
            .where(Enrollment.user_id == student.id)
            .order_by(Course.name)
        )
    )


def is_enrolled(student: User, course_id: int) -> bool:
    """Whether the student is in the class."""
    return (
        db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.course_id == course_id, Enrollment.user_id == student.id
            )
        )
        is not None
    )
