"""Odd input gets a clear answer and changes nothing; it never gets a server error.

Far dates (a quiz closing in 9999 or opening in year 1), digits that are not ASCII ('²', '٣'),
ids too large for the database, JSON fields of the wrong type and a signalling NaN.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import NumberConverter

from studyapp.extensions import db
from studyapp.models import Assignment, AssignmentOverride, Review
from studyapp.services import ServiceError, study
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, questions_by_ids
from studyapp.web.inputs import IdConverter
from tests.conftest import make_user
from tests.web.quizkit import NOW, make_course, make_quiz, quiz_form

FAR_EAST, FAR_WEST = "Pacific/Kiritimati", "Etc/GMT+12"  # UTC+14 and UTC-12

# --- dates: a sensible range when set, total conversion when shown ---------------------------


_quiz_form = partial(quiz_form, title="Far quiz", draw_count="3")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("closes_at", "9999-12-31T23:59", "The close time must fall between 1 Jan 2000 and 31 Dec"),
        ("opens_at", "0001-01-01T00:00", "The open time must fall between 1 Jan 2000 and 31 Dec"),
        ("opens_at", "1999-06-01T00:00", "The open time must fall between 1 Jan 2000 and 31 Dec"),
    ],
)
@pytest.mark.parametrize("zone", [FAR_EAST, FAR_WEST, "UTC"])
def test_a_quiz_far_in_the_past_or_future_is_refused(
    client, auth, instructor, zone, field, value, message
):
    instructor.timezone = zone
    db.session.commit()
    course = make_course(instructor)
    auth.login(instructor.email)
    new = client.post(
        f"/teach/courses/{course.id}/assignments/new", data=_quiz_form(**{field: value})
    )
    assert new.status_code == 200 and message in new.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0

    a = make_quiz(course)
    before = (a.opens_at, a.closes_at)
    edit = client.post(f"/teach/assignments/{a.id}/edit", data=_quiz_form(**{field: value}))
    assert edit.status_code == 200 and message in edit.get_data(as_text=True)
    db.session.refresh(a)
    assert (a.opens_at, a.closes_at) == before


def test_an_extension_far_in_the_future_is_refused(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course)
    auth.login(instructor.email)
    page = client.post(
        f"/teach/assignments/{a.id}/overrides",
        data={"student_id": str(student.id), "extra_minutes": "0", "closes_at": "9999-12-31T23:59"},
        follow_redirects=True,
    )
    assert "An extension must fall between 1 Jan 2000 and 31 Dec" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AssignmentOverride.id))) == 0


def test_the_service_keeps_quiz_dates_in_range(app, instructor):
    course = make_course(instructor)
    ids = quiz.draw_questions(count=2, seed=1)
    far = quiz.AssignmentSettings("Q", NOW, datetime(9999, 12, 31, tzinfo=UTC))
    with pytest.raises(ServiceError, match="close time must fall between"):
        quiz.create_assignment(course, far, ids, NOW)
    a = make_quiz(course)
    with pytest.raises(ServiceError, match="open time must fall between"):
        quiz.update_settings(a, quiz.AssignmentSettings("Q", datetime(1, 1, 1, tzinfo=UTC), NOW))
    ten_years = quiz.AssignmentSettings("Q", NOW, NOW.replace(year=NOW.year + 10, day=1))
    quiz.update_settings(a, ten_years, NOW)  # the far end of the range is fine


def test_pages_show_far_dates_already_stored_in_every_time_zone(client, auth, instructor):
    """Dates stored before the range was enforced still show, for users 26 hours apart."""
    east, west = make_user(name="East"), make_user(name="West")
    east.timezone, west.timezone, instructor.timezone = FAR_EAST, FAR_WEST, FAR_WEST
    db.session.commit()
    course = make_course(instructor, [east, west])
    late, early = make_quiz(course, title="Late"), make_quiz(course, title="Early")
    started = quiz.start_attempt(late, east, NOW)
    quiz.set_override(late, west.id, extra_minutes=0, closes_at=NOW + timedelta(days=5))
    # As a database from before the range was checked may hold them:
    late.closes_at = started.deadline = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    early.opens_at = datetime(1, 1, 1, tzinfo=UTC)
    db.session.scalars(select(AssignmentOverride)).one().closes_at = late.closes_at
    db.session.commit()
    pages = {
        "student": [
            "/classes/",
            f"/classes/assignments/{late.id}",
            f"/classes/assignments/{early.id}",
            f"/classes/attempts/{started.id}",
            "/study/",
            "/study/progress",
        ],
        "instructor": [
            f"/teach/courses/{course.id}",
            f"/teach/assignments/{late.id}",
            f"/teach/assignments/{late.id}/edit",
            f"/teach/assignments/{early.id}/edit",
            f"/teach/courses/{course.id}/gradebook",
            f"/teach/attempts/{started.id}",
        ],
    }
    for user, role in ((east, "student"), (west, "student"), (instructor, "instructor")):
        auth.login(user.email)
        for url in pages[role]:
            response = client.get(url)
            assert response.status_code in (200, 404), (user.timezone, url)
        auth.logout()
    auth.login(east.email)
    page = client.get(f"/classes/assignments/{late.id}").get_data(as_text=True)
    assert "31 Dec 9999, 23:59 UTC" in page  # 14 hours ahead would be the year 10000


def test_studying_in_a_far_zone_before_a_far_quiz(client, auth, instructor, student):
    """Exam-aware review counts learner days up to a close time at the end of the calendar."""
    student.timezone = FAR_EAST
    db.session.commit()
    ids = quiz.draw_questions(count=2, types=["true_false"], seed=5)
    for n, qid in enumerate(ids):  # studied two days ago, so recall at the close is in doubt
        answer = questions_by_ids([qid])[qid].data["answer"]
        study.record_answer(
            student,
            question_id=qid,
            card_version=0,
            request_id=f"r{n}",
            response=answer,
            duration_ms=4000,
            now=NOW - timedelta(days=2),
        )
    a = make_quiz(make_course(instructor, [student]), n=2, types=("true_false",), seed=5)
    assert {i.question_id for i in a.items} == set(ids)
    a.closes_at = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    db.session.commit()
    auth.login(student.email)
    for url in ("/study/", "/study/progress", "/study/flashcards", "/classes/"):
        assert client.get(url).status_code == 200, url


# --- numbers: ASCII digits within bounds, read in one place ----------------------------------

ODD_IDS = [str(10**20), str(2**31), "١", "٣", "²", "0", "-1"]


def _id_rules(app):
    """The routes with a number (a database id) in their URL."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IdConverter | NumberConverter) for c in rule._converters.values())
    ]


def test_every_numeric_url_parameter_is_a_bounded_id(app):
    unbounded = [
        (rule.rule, name)
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if isinstance(converter, NumberConverter)  # werkzeug's int and float: unbounded
    ]
    assert unbounded == []
    assert len(_id_rules(app)) >= 19


@pytest.mark.parametrize("value", ODD_IDS)
def test_ids_too_large_or_not_in_ascii_digits_are_not_found(app, client, auth, value):
    teacher = make_user(role="instructor")
    pupil = make_user()
    course = make_course(teacher, [pupil])  # id 1 exists, so '١' (Arabic-Indic one) could hit it
    a = make_quiz(course)
    quiz.start_attempt(a, pupil, NOW)
    rules = _id_rules(app)
    assert len(rules) >= 19
    for user in (teacher, pupil):
        auth.login(user.email)
        for rule in rules:
            url = re.sub(r"<[^>]+>", value, rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(url, method=method).status_code == 404, (user.role, url)
        auth.logout()


def _fields_for_every_kind(attempt, value: str) -> dict[str, str]:
    fields = {}
    for qid in attempt.layout["questions"]:
        q = core_question(questions_by_ids([qid])[qid])
        if q.type == "multiple_choice":
            fields[f"q-{qid}-choice"] = value
        elif q.type == "matching":
            fields.update({f"q-{qid}-match-{i}": value for i in range(len(q.options["left"]))})
        elif q.type == "ordering":
            fields.update({f"q-{qid}-pos-{i}": value for i in range(len(q.options))})
    return fields


@pytest.mark.parametrize("odd", ["²", "١", "٣", str(10**20), "-1", "1_0", " 1\n"])
def test_quiz_answers_read_only_ascii_digits(client, auth, instructor, student, odd):
    course = make_course(instructor, [student])
    kinds = ("matching", "ordering", "multiple_choice")
    attempt = quiz.start_attempt(make_quiz(course, n=3, types=kinds), student, NOW)
    fields = _fields_for_every_kind(attempt, odd)
    assert {f.split("-")[3] for f in fields} == {"choice", "match", "pos"}  # q-mc-<hash>-choice
    auth.login(student.email)
    url = f"/classes/attempts/{attempt.id}"
    assert client.post(url + "/autosave", data=fields).status_code == 200
    saved = client.post(url + "/save", data={**fields, "go": odd})
    assert saved.status_code == 302 and saved.headers["Location"].startswith(url)
    assert not any(quiz.is_answered(r) for r in quiz.saved_answers(attempt).values())
    assert client.post(url + "/submit", data=fields).status_code == 302
    db.session.refresh(attempt)
    assert attempt.marks == 0


@pytest.mark.parametrize("odd", ["²", "١"])
def test_practice_answers_read_only_ascii_digits(client, auth, student, odd):
    ids = quiz.draw_questions(count=6, types=["matching", "ordering", "multiple_choice"], seed=2)
    fields = {}
    for qid in ids:
        q = core_question(questions_by_ids([qid])[qid])
        prefix = f"q-{qid}-"
        if q.type == "multiple_choice":
            fields[prefix + "choice"] = odd
        elif q.type == "matching":
            fields.update({f"{prefix}match-{i}": odd for i in range(len(q.options["left"]))})
        else:
            fields.update({f"{prefix}pos-{i}": odd for i in range(len(q.options))})
    auth.login(student.email)
    data = {"batch_id": "odd-batch", "question_ids": ",".join(ids), "mode": "practice", **fields}
    assert client.post("/study/practice", data=data).status_code == 302
    reviews = db.session.scalars(select(Review)).all()
    assert len(reviews) == len(ids) and not any(r.correct or r.score for r in reviews)


@pytest.mark.parametrize(("count", "shown"), [("٣٠", False), ("²", False), ("30", True)])
def test_practice_length_reads_only_ascii_digits(client, auth, student, count, shown):
    auth.login(student.email)
    page = client.get(f"/study/practice?count={count}", follow_redirects=True).get_data(
        as_text=True
    )
    assert ('name="batch_id"' in page) == shown
    assert shown or "Choose 5 to 50" in page


@pytest.mark.parametrize("page", [str(10**20), "٣", "-5", "²"])
def test_bank_pages_of_any_number_show(client, page):
    response = client.get(f"/questions?page={page}")
    assert response.status_code == 200


def test_a_signalling_nan_retention_is_refused_with_a_message(client, auth, student):
    auth.login(student.email)
    data = {
        "timezone": "Asia/Seoul",
        "rollover_hour": "5",
        "desired_retention": "sNaN",
        "new_cards_per_day": "7",
    }
    for odd in ("sNaN", "NaN", "Infinity", "9e-1", "٠.٩"):
        page = client.post("/account/settings", data={**data, "desired_retention": odd})
        assert page.status_code == 200
        assert "Choose between 0.70 and 0.97." in page.get_data(as_text=True)
    for field, odd in (("rollover_hour", "٥"), ("new_cards_per_day", "²")):
        page = client.post(
            "/account/settings", data={**data, "desired_retention": "0.8", field: odd}
        )
        assert page.status_code == 200
    db.session.refresh(student)
    assert (student.timezone, student.desired_retention) == ("UTC", 0.9)


# --- JSON: fields are text, as in a form -----------------------------------------------------


def test_a_json_request_id_that_is_a_number_is_a_400_with_a_message(client, auth, student):
    auth.login(student.email)
    card = client.get("/study/", headers={"Accept": "application/json"}).get_json()
    body = {
        "question_id": card["question_id"],
        "card_version": str(card["card_version"]),
        "request_id": 12345,
        "shown_at": card["shown_at"],
        "mode": "study",
    }
    response = client.post("/study/answer", json=body, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "fields are text" in response.get_json()["message"]
    assert db.session.scalar(select(func.count(Review.id))) == 0


@pytest.mark.parametrize(
    "body", [[1, 2], 7, "text", None, {"email": 5}, {"email": {"a": 1}}, {"email": [1]}]
)
def test_json_of_the_wrong_shape_is_a_400_for_anyone(client, body):
    response = client.post("/account/login", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "JSON object whose fields are text" in response.get_json()["message"]


# --- ids the app writes into its pages: refused when damaged, before the database ------------


def test_a_nul_in_an_id_is_refused_before_the_database(client, auth, student):
    """PostgreSQL cannot store a NUL: a form or address carrying one is refused, on any database."""
    auth.login(student.email)
    card = client.get("/study/", headers={"Accept": "application/json"}).get_json()
    valid = {
        "question_id": card["question_id"],
        "card_version": str(card["card_version"]),
        "request_id": card["request_id"],
        "shown_at": card["shown_at"],
        "mode": "study",
        "choice": "0",
        "text": "x",
        "rating": "3",
    }
    for field in ("question_id", "request_id"):
        damaged = {**valid, field: valid[field] + "\x00"}
        response = client.post(
            "/study/answer", data=damaged, headers={"Accept": "application/json"}
        )
        assert response.status_code == 400, field
    ids = ",".join(quiz.draw_questions(count=5, seed=3))
    for data in (
        {"batch_id": "b\x00", "question_ids": ids, "mode": "practice"},
        {"batch_id": "b", "question_ids": ids + ",\x00", "mode": "practice"},
    ):
        page = client.post("/study/practice", data=data, follow_redirects=True)
        assert "That quiz form was incomplete or expired" in page.get_data(as_text=True)
    page = client.get(f"/questions/{card['question_id']}%00")
    assert page.status_code == 400 and "NUL character" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Review.id))) == 0
