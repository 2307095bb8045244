"""Demo data for a first run: an instructor, a class and students."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Course, Enrollment, Role, User
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
    yield f"Demo accounts (password for each: {DEMO_PASSWORD}):"
    yield f"  instructor: {teacher.email}"
    for s in students:
        yield f"  student:    {s.email}"
    yield f"  class: {course.name} (join code {course.join_code})"
