"""Classes: creating them, join codes, rosters, joining."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from studyapp.extensions import db
from studyapp.models import Course, Enrollment, User
from studyapp.services import ServiceError

# No 0/O, 1/I/L: codes are read aloud and typed from a board.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_join_code() -> str:
    """A random code like 'K7QP-M3XA'."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without the dash."""
    raw = "".join(c for c in code.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def create_course(instructor: User, name: str, term: str) -> Course:
    """A new class with a fresh join code."""
    name, term = " ".join(name.split()), " ".join(term.split())
    if not name:
        raise ServiceError("Give the class a name.")
    course = Course(instructor_id=instructor.id, name=name, term=term, join_code=new_join_code())
    db.session.add(course)
    db.session.commit()
    return course


def own_course(instructor: User, course_id: int) -> Course | None:
    """The instructor's own class, or None (another instructor's classes are invisible)."""
    course = db.session.get(Course, course_id)
    if course is None or course.instructor_id != instructor.id:
        return None
    return course


def instructor_courses(instructor: User) -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).where(Course.instructor_id == instructor.id).order_by(Course.name)
        )
    )


def regenerate_code(course: Course) -> str:
    course.join_code = new_join_code()
    db.session.commit()
    return course.join_code


def set_join_open(course: Course, is_open: bool) -> None:
    course.join_open = is_open
    db.session.commit()


def roster(course: Course) -> list[Enrollment]:
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .options(contains_eager(Enrollment.user))
            .where(Enrollment.course_id == course.id)
            .order_by(User.name)
        )
    )


def remove_student(course: Course, user_id: int) -> bool:
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user_id)
    )
    if enrollment is None:
        return False
    db.session.delete(enrollment)
    db.session.commit()
    return True


def join_course(student: User, code: str) -> Course:
    """Join the class with this code; joining twice is harmless."""
    if student.is_instructor:
        raise ServiceError("Instructors cannot join classes as students.")
    course = db.session.scalar(select(Course).where(Course.join_code == normalise_code(code)))
    if course is None:
        raise ServiceError("No class has that code. Check it with your instructor.")
    if not course.join_open:
        raise ServiceError("This class is not accepting new students. Ask your instructor.")
    exists = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == course.id, Enrollment.user_id == student.id
        )
    )
    if exists is None:
        db.session.add(Enrollment(course_id=course.id, user_id=student.id))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # joined from another tab at the same moment
    return course


def student_courses(student: User) -> list[Course]:
    return list(
        db.session.scalars(
            select(Course)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .where(Enrollment.user_id == student.id)
            .order_by(Course.name)
        )
    )


def is_enrolled(student: User, course_id: int) -> bool:
    return (
        db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.course_id == course_id, Enrollment.user_id == student.id
            )
        )
        is not None
    )
