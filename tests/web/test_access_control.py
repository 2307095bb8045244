"""Every instructor route refuses students, other instructors and anonymous visitors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Course, Question
from studyapp.services import assignments as quiz
from studyapp.services import courses
from tests.conftest import make_user

NOW = datetime.now(UTC)


def _owned_objects():
    """A class, quiz and attempt belonging to one instructor, with a student in it."""
    owner = make_user(role="instructor")
    student = make_user()
    course = courses.create_course(owner, "Owned", "")
    courses.join_course(student, course.join_code)
    ids = quiz.draw_questions(count=3, types=["true_false"], sections=[], seed=1)
    a = quiz.create_assignment(
        course,
        quiz.AssignmentSettings("Owned quiz", NOW - timedelta(hours=1), NOW + timedelta(days=1)),
        ids,
    )
    attempt = quiz.start_attempt(a, student, NOW)
    values = {
        "course_id": course.id,
        "assignment_id": a.id,
        "attempt_id": attempt.id,
        "user_id": student.id,
        "qid": ids[0],
    }
    return owner, student, values


def _instructor_urls(app, values):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("instructor.", "api.")):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(values[arg])).replace(
                f"<{arg}>", str(values[arg])
            )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield method, url


def test_instructor_routes_are_refused_to_everyone_else(app, client, auth):
    owner, student, values = _owned_objects()
    other = make_user(role="instructor")
    urls = list(_instructor_urls(app, values))
    assert len(urls) >= 15
    retired_before = db.session.scalar(
        select(Question.retired_at).where(Question.id == values["qid"])
    )
    for who in (None, student, other):
        if who is not None:
            auth.login(who.email)
        for method, url in urls:
            response = client.open(url, method=method)
            if who is None:
                assert (
                    response.status_code == 302 and "/account/login" in response.headers["Location"]
                ), (method, url)
            elif who is student:
                assert response.status_code == 403, (method, url)
            elif (
                "/api/" in url
                or "/questions/" in url
                or url.rstrip("/") in ("/teach", "/teach/courses")
            ):
                continue  # bank-wide actions any instructor may take; checked below
            else:
                assert response.status_code == 404, (method, url, response.status_code)
        if who is not None:
            auth.logout()
    # Nothing changed for the owner.
    db.session.rollback()
    course = db.session.get(Course, values["course_id"])
    assert course.name == "Owned" and len(courses.roster(course)) == 1
    assert (
        db.session.scalar(select(Question.retired_at).where(Question.id == values["qid"]))
        == retired_before
    )


def test_forms_accept_only_their_own_fields(client, auth):
    owner, student, values = _owned_objects()
    auth.login(owner.email)
    client.post(
        "/teach/courses",
        data={
            "name": "New",
            "term": "T",
            "instructor_id": "999",
            "join_code": "AAAA-AAAA",
            "id": "1",
        },
    )
    course = db.session.scalars(select(Course).where(Course.name == "New")).one()
    assert course.instructor_id == owner.id and course.join_code != "AAAA-AAAA"
    auth.logout()
    auth.login(student.email)
    client.post(
        "/account/settings",
        data={
            "timezone": "UTC",
            "rollover_hour": "4",
            "desired_retention": "0.9",
            "new_cards_per_day": "5",
            "role": "instructor",
            "active": "0",
        },
    )
    db.session.refresh(student)
    assert not student.is_instructor and student.active
