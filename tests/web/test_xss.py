"""Cross-site scripting: every user-supplied field is rendered escaped on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services import assignments as quiz
from studyapp.services import courses, study
from tests.conftest import make_user

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'\"><iframe src=javascript:alert(1)>",
    "{{7*7}}<b>bold</b>",
]
DANGEROUS = ["<script>alert(1)", "<img src=x", "<svg/onload", "<iframe", "<b>bold</b>"]
NOW = datetime.now(UTC)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_escaped_everywhere(app, client, auth, payload):
    teacher = make_user(name=payload, role="instructor")
    student = make_user(name=payload)
    course = courses.create_course(teacher, payload, payload)
    courses.join_course(student, course.join_code)
    ids = quiz.draw_questions(count=3, types=["short_answer", "cloze"], sections=[], seed=2)
    a = quiz.create_assignment(
        course,
        quiz.AssignmentSettings(payload, NOW - timedelta(hours=1), NOW + timedelta(days=1)),
        ids,
    )
    attempt = quiz.start_attempt(a, student, NOW)
    quiz.save_answers(attempt, {qid: payload for qid in ids}, NOW)
    quiz.finish_attempt(attempt.id, NOW)
    qid = db.session.scalars(  # one the quiz does not hold back: it is still open
        select(Question.id)
        .where(Question.type == "short_answer", Question.id.not_in(ids))
        .order_by(Question.id)
    ).first()
    result = study.record_answer(
        student,
        question_id=qid,
        card_version=0,
        request_id="x1",
        response=payload,
        duration_ms=None,
        now=NOW,
    )

    auth.login(student.email)
    student_pages = [
        "/",
        "/study/",
        "/study/progress",
        "/classes/",
        f"/classes/assignments/{a.id}",
        f"/classes/attempts/{attempt.id}/result",
        f"/study/feedback/{result.review.id}",
        "/study/mistakes",
        "/account/settings",
        "/essay",
        "/questions",
    ]
    for url in student_pages:
        body = client.get(url, follow_redirects=True).get_data(as_text=True)
        for bad in DANGEROUS:
            assert bad not in body, (url, bad)
    joined = client.post("/classes/join", data={"code": payload}, follow_redirects=True)
    assert all(bad not in joined.get_data(as_text=True) for bad in DANGEROUS)
    auth.logout()

    auth.login(teacher.email)
    teacher_pages = [
        "/teach/",
        f"/teach/courses/{course.id}",
        f"/teach/courses/{course.id}/gradebook",
        f"/teach/assignments/{a.id}",
        f"/teach/attempts/{attempt.id}",
        f"/teach/courses/{course.id}/assignments/new",
    ]
    for url in teacher_pages:
        body = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200, url
        for bad in DANGEROUS:
            assert bad not in body, (url, bad)
    csv_text = client.get(f"/teach/courses/{course.id}/gradebook.csv").get_data(as_text=True)
    for line in csv_text.splitlines()[1:]:
        assert not line.lstrip("\ufeff").startswith(("=", "+", "-", "@"))


def test_search_and_filter_parameters_are_escaped(client):
    for payload in PAYLOADS:
        body = client.get(
            "/questions",
            query_string={
                "section": payload,
                "type": payload,
                "fact": payload,
                "sentence": payload,
            },
        )
        text = body.get_data(as_text=True)
        assert body.status_code == 200
        assert all(bad not in text for bad in DANGEROUS)


def test_login_form_echo_is_escaped(client):
    response = client.post("/account/login", data={"email": PAYLOADS[1], "password": "x" * 8})
    assert "<img src=x" not in response.get_data(as_text=True)
