"""Password reset without email: one-time, short-lived links from an instructor or the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.services import ServiceError, accounts
from tests.conftest import PASSWORD, make_user
from tests.web.quizkit import make_course

NEW = "a fresh passphrase for spring"


def _token(url: str) -> str:
    match = re.search(r"/account/reset/([^/\s\"]+)$", url)
    assert match, url
    return match.group(1)


def _cli_link(app, email: str) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["reset-link", email])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _reset(client, token: str, new: str = NEW, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"/account/reset/{token}", data={"new": new, "confirm": confirm or new})


def _logged_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/study/").status_code == 200


def test_cli_link_sets_a_new_password_and_ends_every_session(app, client, auth, student):
    phone, laptop = app.test_client(), app.test_client()
    phone.post("/account/login", data={"email": student.email, "password": PASSWORD})
    laptop.post(
        "/account/login", data={"email": student.email, "password": PASSWORD, "remember": "y"}
    )
    remember = laptop.get_cookie("remember_token").value
    assert _logged_in(phone) and _logged_in(laptop)

    url = _cli_link(app, student.email)
    assert url.startswith("http://127.0.0.1:5000/account/reset/")
    page = client.get(f"/account/reset/{_token(url)}")
    assert page.status_code == 200 and student.email in page.get_data(as_text=True)

    response = _reset(client, _token(url))
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert not _logged_in(phone) and not _logged_in(laptop)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not _logged_in(replay)
    assert "Email or password is not correct" in auth.login(student.email).get_data(as_text=True)
    assert auth.login(student.email, NEW).status_code == 302
    assert _logged_in(client)


def test_a_link_works_once(app, client, student):
    token = _token(_cli_link(app, student.email))
    other = _token(_cli_link(app, student.email))  # a second link made before the first is used
    assert _reset(client, token).status_code == 302
    for spent in (token, other):
        again = _reset(client, spent, "yet another passphrase")
        assert again.status_code == 400
        assert "does not work any more" in again.get_data(as_text=True)
        assert client.get(f"/account/reset/{spent}").status_code == 400
    db.session.refresh(student)
    assert accounts.authenticate(student.email, NEW) is not None


def test_a_link_expires_after_thirty_minutes(app, student):
    secret = app.config["SECRET_KEY"]
    made = utcnow() - timedelta(minutes=31)
    token = accounts.reset_token(student, secret_key=secret, now=made)
    almost = made + timedelta(minutes=29)
    assert accounts.account_for_reset(token, secret_key=secret, now=almost).id == student.id
    with pytest.raises(ServiceError, match="expired"):
        accounts.reset_password(token, NEW, secret_key=secret, now=utcnow())
    db.session.refresh(student)
    assert accounts.authenticate(student.email, PASSWORD) is not None


def test_an_expired_link_is_refused_on_the_page_and_changes_nothing(app, client, student):
    old = utcnow() - timedelta(hours=1)
    token = accounts.reset_token(student, secret_key=app.config["SECRET_KEY"], now=old)
    version = student.session_version
    response = _reset(client, token)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    db.session.refresh(student)
    assert student.session_version == version
    assert accounts.authenticate(student.email, PASSWORD) is not None


@pytest.mark.parametrize(
    "token",
    ["nonsense", "WzEsMl0.not-a-signature", "", "Wy0xLCAwXQ.x"],
)
def test_forged_or_mangled_links_are_refused(client, student, token):
    response = client.get(f"/account/reset/{token}x")
    assert response.status_code == 400
    assert "does not work any more" in response.get_data(as_text=True)


def test_a_link_signed_with_another_key_is_refused(app, client, student):
    token = accounts.reset_token(student, secret_key="another-secret-key-" * 3, now=utcnow())
    assert _reset(client, token).status_code == 400
    assert accounts.authenticate(student.email, PASSWORD) is not None


def test_the_new_password_follows_the_signup_rules(app, client, student):
    token = _token(_cli_link(app, student.email))
    for new, confirm, message in [
        ("short", "short", "at least 8 characters"),
        ("password123", "password123", "common passwords"),
        (student.email, student.email, "email"),
        (NEW, "something else entirely", "Passwords differ"),
    ]:
        page = _reset(client, token, new, confirm)
        assert page.status_code == 200 and message.lower() in page.get_data(as_text=True).lower()
    db.session.refresh(student)
    assert accounts.authenticate(student.email, PASSWORD) is not None
    assert _reset(client, token).status_code == 302  # the link still works after refusals


def test_cli_refuses_unknown_and_deactivated_accounts(app, student):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-link", "nobody@example.com"])
    assert result.exit_code != 0 and "No account" in result.output
    accounts.set_active(student, False)
    db.session.commit()
    result = runner.invoke(args=["reset-link", student.email])
    assert result.exit_code != 0 and "deactivated" in result.output
    result = runner.invoke(args=["reset-link", "x@example.com", "--base-url", "ftp://x"])
    assert result.exit_code != 0


def test_cli_uses_the_base_url(app, student):
    result = app.test_cli_runner().invoke(
        args=["reset-link", student.email, "--base-url", "https://study.example.org/"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("https://study.example.org/account/reset/")


def test_a_deactivated_account_cannot_use_an_earlier_link(app, client, student):
    token = _token(_cli_link(app, student.email))
    accounts.set_active(student, False)
    db.session.commit()
    assert _reset(client, token).status_code == 400


# --- from the class roster ------------------------------------------------------------------


def _roster_link(client, course_id: int, user_id: int):  # type: ignore[no-untyped-def]
    return client.post(f"/teach/courses/{course_id}/students/{user_id}/reset-link")


def test_instructor_makes_a_link_for_a_student_of_their_class(app, client, auth, instructor):
    student = make_user("pupil@example.com")
    course = make_course(instructor, [student])
    auth.login(instructor.email)
    roster = client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    assert f"/teach/courses/{course.id}/students/{student.id}/reset-link" in roster
    page = _roster_link(client, course.id, student.id)
    assert page.status_code == 200
    url = re.search(r'value="(http://localhost/account/reset/[^"]+)"', page.get_data(as_text=True))
    assert url, "the page shows the link"
    student_client = app.test_client()
    assert _reset(student_client, _token(url.group(1))).status_code == 302
    assert accounts.authenticate(student.email, NEW) is not None


def test_instructor_cannot_make_links_outside_their_class(app, client, auth, instructor):
    mine = make_user("mine@example.com")
    theirs = make_user("theirs@example.com")
    colleague = make_user("colleague@example.com", role="instructor")
    loner = make_user("loner@example.com")
    course = make_course(instructor, [mine])
    other_course = make_course(colleague, [theirs], name="Other class")
    auth.login(instructor.email)
    for course_id, user_id in [
        (course.id, theirs.id),  # another class's student, through my class
        (other_course.id, theirs.id),  # another instructor's class
        (course.id, loner.id),  # in no class
        (course.id, colleague.id),  # an instructor
        (course.id, instructor.id),  # myself
    ]:
        assert _roster_link(client, course_id, user_id).status_code == 404
    for user in (theirs, loner, colleague, instructor):
        db.session.refresh(user)
        assert accounts.authenticate(user.email, PASSWORD) is not None


def test_students_cannot_make_links(client, auth, instructor):
    student = make_user("pupil@example.com")
    classmate = make_user("classmate@example.com")
    course = make_course(instructor, [student, classmate])
    auth.login(student.email)
    assert _roster_link(client, course.id, classmate.id).status_code == 403


def test_a_removed_student_gets_no_new_link(client, auth, instructor):
    student = make_user("pupil@example.com")
    course = make_course(instructor, [student])
    auth.login(instructor.email)
    client.post(f"/teach/courses/{course.id}/students/{student.id}/remove")
    assert _roster_link(client, course.id, student.id).status_code == 404
