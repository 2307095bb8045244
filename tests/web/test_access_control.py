"""Every instructor route refuses students, other instructors and anonymous visitors; every
student quiz route refuses another student's attempt. The sweeps walk app.url_map, so a new
route cannot be forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Attempt, AttemptAnswer, Course, Question
from studyapp.services import assignments as quiz
from studyapp.services import courses
from tests.conftest import make_user

NOW = datetime.now(UTC)
BANK_WIDE = ("/api/", "/teach/questions/")  # the shared bank: any instructor may act on it


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


def _urls(app, values, prefixes):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefixes):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<id:{arg}>", str(values[arg])).replace(f"<{arg}>", str(values[arg]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_instructor_routes_are_refused_to_everyone_else(app, client, auth):
    owner, student, values = _owned_objects()
    other = make_user(role="instructor")
    urls = list(_urls(app, values, ("instructor.", "api.")))
    endpoints = {e for e, _, _ in urls}
    assert {"instructor.courses", "instructor.gradebook_csv", "instructor.attempt"} <= endpoints
    assert len(urls) >= 20
    retired_before = db.session.scalar(
        select(Question.retired_at).where(Question.id == values["qid"])
    )
    for who in (None, student, other):
        if who is not None:
            auth.login(who.email)
        for endpoint, method, url in urls:
            response = client.open(url, method=method)
            if who is None:
                assert response.status_code == 302, (method, url)
                assert "/account/login" in response.headers["Location"], (method, url)
            elif who is student:
                assert response.status_code == 403, (method, url)
            elif url.startswith(BANK_WIDE) or endpoint == "instructor.courses":
                continue  # bank-wide actions and the instructor's own list
            elif endpoint == "instructor.create_course":
                continue  # makes the other instructor's own class
            else:
                assert response.status_code == 404, (method, url, response.status_code)
        if who is not None:
            auth.logout()
    # Nothing changed for the owner.
    db.session.rollback()
    course = db.session.get(Course, values["course_id"])
    assert course.name == "Owned" and len(courses.roster(course)) == 1 and course.join_open
    assert (
        db.session.scalar(select(Question.retired_at).where(Question.id == values["qid"]))
        == retired_before
    )
    assert quiz.override_for(course.assignments[0], student.id) is None


def test_quiz_routes_refuse_another_students_attempt(app, client, auth):
    owner, student, values = _owned_objects()
    qid = values["qid"]
    urls = list(_urls(app, values, ("quiz.",)))
    assert {e for e, _, _ in urls} >= {"quiz.take", "quiz.autosave", "quiz.submit", "quiz.result"}
    intruder = make_user(name="Intruder")  # not in the class at all
    classmate = make_user(name="Classmate")  # in the class, not in the attempt
    courses.join_course(classmate, courses.own_course(owner, values["course_id"]).join_code)
    for who in (intruder, classmate):
        auth.login(who.email)
        for endpoint, method, url in urls:
            if endpoint in ("quiz.assignments", "quiz.join"):
                continue  # the student's own list and joining by code
            if who is classmate and endpoint in ("quiz.assignment", "quiz.start"):
                continue  # the class's quiz is the classmate's quiz too
            data = {f"q-{qid}-choice": "false", "go": "finish"}
            response = client.open(url, method=method, data=data)
            assert response.status_code == 404, (who.name, method, url, response.status_code)
        auth.logout()
    auth.login(owner.email)
    for _, method, url in urls:
        assert client.open(url, method=method).status_code == 403, (method, url)
    auth.logout()
    for _, method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    db.session.rollback()
    attempt = db.session.get(Attempt, values["attempt_id"])
    assert attempt.state == "open"
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_student_cannot_save_into_another_attempt_through_the_form(client, auth):
    owner, student, values = _owned_objects()
    other = make_user()
    course = db.session.get(Course, values["course_id"])
    courses.join_course(other, course.join_code)
    mine = quiz.start_attempt(course.assignments[0], other, NOW)
    theirs = db.session.get(Attempt, values["attempt_id"])
    auth.login(other.email)
    # Extra fields naming the other attempt, bank ids or positions past the end are ignored:
    # the page names its questions by position only.
    foreign = db.session.scalars(
        select(Question.id).where(Question.id.not_in(mine.layout["questions"]))
    ).first()
    client.post(
        f"/classes/attempts/{mine.id}/autosave",
        data={
            "attempt_id": str(theirs.id),
            "user_id": str(student.id),
            f"q-{foreign}-choice": "true",
            f"q-{mine.layout['questions'][1]}-choice": "true",
            "q-99-choice": "true",
            "q-1-choice": "true",
        },
    )
    assert set(quiz.saved_answers(mine)) == {mine.layout["questions"][0]}
    assert quiz.saved_answers(theirs) == {}


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
    opens = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/teach/assignments/{values['assignment_id']}/edit",
        data={
            "title": "Renamed",
            "opens_at": opens,
            "closes_at": closes,
            "attempts_allowed": "1",
            "grading_method": "highest",
            "show_marks": "immediately",
            "show_answers": "after_close",
            "course_id": str(course.id),
            "id": "999",
        },
    )
    db.session.rollback()
    a = quiz.db.session.get(quiz.Assignment, values["assignment_id"])
    assert a.title == "Renamed" and a.course_id == values["course_id"]
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
