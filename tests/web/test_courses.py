"""Classes: join codes, joining, rosters, and what each side sees."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Course, Enrollment
from studyapp.services import ServiceError, courses
from tests.conftest import make_user
from tests.web.quizkit import make_course


def test_join_codes_use_an_unambiguous_alphabet():
    codes = {courses.new_join_code() for _ in range(300)}
    assert len(codes) == 300
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert not set(code) & set("01OIL")


def test_joining_by_code(app, student, instructor):
    course = make_course(instructor)
    with pytest.raises(ServiceError, match="No class has that code"):
        courses.join_course(student, "WRONG-CODE")
    joined = courses.join_course(student, "  " + course.join_code.lower().replace("-", " "))
    assert joined.id == course.id
    courses.join_course(student, course.join_code)  # twice is harmless
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    assert [c.id for c in courses.student_courses(student)] == [course.id]


def test_new_code_and_closed_joining(app, student, instructor):
    course = make_course(instructor, [student])
    old = course.join_code
    new = courses.regenerate_code(course)
    assert new != old
    other = make_user()
    with pytest.raises(ServiceError, match="No class has that code"):
        courses.join_course(other, old)
    courses.set_join_open(course, False)
    with pytest.raises(ServiceError, match="not accepting"):
        courses.join_course(other, new)
    assert courses.join_course(student, new).id == course.id  # already in: still harmless
    courses.set_join_open(course, True)
    assert courses.join_course(other, new).id == course.id


def test_instructors_cannot_join_as_students(app, instructor):
    course = make_course(instructor)
    with pytest.raises(ServiceError, match="Instructors cannot join"):
        courses.join_course(make_user(role="instructor"), course.join_code)


def test_instructor_creates_a_class_and_manages_its_code(client, auth, instructor):
    auth.login(instructor.email)
    empty = client.post("/teach/courses", data={"name": "  ", "term": ""}, follow_redirects=True)
    assert "Give the class a name" in empty.get_data(as_text=True)
    response = client.post("/teach/courses", data={"name": "Seminar", "term": "Fall 2027"})
    course = db.session.scalars(select(Course)).one()
    assert response.headers["Location"].endswith(f"/teach/courses/{course.id}")
    page = client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    assert course.join_code in page and "Fall 2027" in page
    old = course.join_code
    client.post(f"/teach/courses/{course.id}/code")
    db.session.refresh(course)
    assert course.join_code != old
    # Closing is idempotent: the form says which state it wants, a double click changes nothing.
    for _ in range(2):
        client.post(f"/teach/courses/{course.id}/joining", data={"open": "0"})
    db.session.refresh(course)
    assert course.join_open is False
    assert "Reopen joining" in client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    client.post(f"/teach/courses/{course.id}/joining", data={"open": "1"})
    db.session.refresh(course)
    assert course.join_open is True
    listing = client.get("/teach/").get_data(as_text=True)
    assert "Seminar" in listing and "0 students" in listing


def test_roster_and_removing_a_student(client, auth, instructor, student):
    course = make_course(instructor, [student])
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    assert student.name in page and student.email in page
    assert 'data-confirm="Remove Sam Student' in page  # the browser asks first
    removed = client.post(
        f"/teach/courses/{course.id}/students/{student.id}/remove", follow_redirects=True
    )
    assert "Student removed" in removed.get_data(as_text=True)
    assert courses.roster(course) == []


def test_instructor_sees_only_their_own_classes(client, auth, instructor):
    mine = make_course(instructor, name="Mine")
    theirs = make_course(make_user(role="instructor"), name="Theirs")
    auth.login(instructor.email)
    listing = client.get("/teach/").get_data(as_text=True)
    assert "Mine" in listing and "Theirs" not in listing and theirs.join_code not in listing
    assert client.get(f"/teach/courses/{theirs.id}").status_code == 404
    assert client.get(f"/teach/courses/{mine.id}").status_code == 200


def test_student_joins_through_the_page(client, auth, instructor, student):
    course = make_course(instructor)
    auth.login(student.email)
    wrong = client.post("/classes/join", data={"code": "ZZZZ-ZZZZ"}, follow_redirects=True)
    assert "No class has that code" in wrong.get_data(as_text=True)
    ok = client.post("/classes/join", data={"code": course.join_code}, follow_redirects=True)
    text = ok.get_data(as_text=True)
    assert "You are in History 101" in text and instructor.name in text
    courses.set_join_open(course, False)
    other = make_user()
    auth.logout()
    auth.login(other.email)
    closed = client.post("/classes/join", data={"code": course.join_code}, follow_redirects=True)
    assert "not accepting new students" in closed.get_data(as_text=True)
