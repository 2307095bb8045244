"""Every free-text field refuses control characters and invisible formatting."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, SearchField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import studyapp.web
from studyapp.extensions import db
from studyapp.models import Assignment, Course, User
from tests.web.quizkit import make_course, quiz_form

FREE_TEXT = (StringField, TextAreaField, EmailField, SearchField)
BAD = ["Ana\x00", "\x1b[2JAna", "Ana \u202enimda", "Ana\u200bKim"]


def _forms() -> list[type[FlaskForm]]:
    for info in pkgutil.walk_packages(studyapp.web.__path__, "studyapp.web."):
        importlib.import_module(info.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("studyapp."):
            found.append(cls)
    return found


def test_every_free_text_field_of_every_form_refuses_hidden_characters():
    from studyapp.web.validators import PlainText

    checked = []
    for form in _forms():
        for name in dir(form):
            field = getattr(form, name)
            if not isinstance(field, UnboundField) or field.field_class not in FREE_TEXT:
                continue  # hidden fields carry values the app wrote; passwords are anything
            validators = field.kwargs.get("validators") or []
            assert any(isinstance(v, PlainText) for v in validators), f"{form.__name__}.{name}"
            checked.append(f"{form.__name__}.{name}")
    assert {"SignupForm.name", "CourseForm.name", "CourseForm.term"} <= set(checked)
    assert {"AssignmentSettingsForm.title", "JoinForm.code"} <= set(checked)


@pytest.mark.parametrize("name", BAD)
def test_signup_refuses_a_name_with_hidden_characters(client, name):
    page = client.post(
        "/account/signup",
        data={
            "name": name,
            "email": "ana@example.com",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    ).get_data(as_text=True)
    assert "Name contains invisible or control characters (U+" in page
    assert db.session.scalar(select(User.id)) is None


@pytest.mark.parametrize("text", BAD)
def test_class_names_and_terms_refuse_hidden_characters(client, auth, instructor, text):
    auth.login(instructor.email)
    for data in ({"name": text, "term": ""}, {"name": "History", "term": text}):
        page = client.post("/teach/courses", data=data, follow_redirects=True)
        assert "contains invisible or control characters" in page.get_data(as_text=True)
    assert db.session.scalar(select(Course.id)) is None


def test_quiz_titles_refuse_hidden_characters(client, auth, instructor):
    course = make_course(instructor)
    auth.login(instructor.email)
    page = client.post(
        f"/teach/courses/{course.id}/assignments/new",
        data=quiz_form(title="Quiz \u202e1", closes_at="2030-03-08T09:00", draw_count="3"),
    ).get_data(as_text=True)
    assert "Title contains invisible or control characters (U+202E)" in page
    assert db.session.scalar(select(Assignment.id)) is None


def test_a_join_code_with_hidden_characters_is_refused_clearly(client, auth, student):
    auth.login(student.email)
    page = client.post("/classes/join", data={"code": "ABCD\u200b-EFGH"}, follow_redirects=True)
    assert "Join code contains invisible or control characters (U+200B)" in page.get_data(
        as_text=True
    )
