"""Accounts: sign-up, login, logout that really ends the session, limits, passwords."""

from __future__ import annotations

import re

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Role, User
from studyapp.services import accounts
from tests.conftest import PASSWORD, make_app, make_user


def test_signup_makes_a_student_and_logs_in(client):
    response = client.post(
        "/account/signup",
        data={
            "name": "Ana",
            "email": "Ana@Example.com",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "ana@example.com"))
    assert user.role == Role.STUDENT and user.password_hash.startswith("$argon2id$")
    assert client.get("/study/").status_code == 200


def test_signup_refuses_bad_input_and_changes_nothing(client, student):
    cases = [
        ({"password": "short", "confirm": "short"}, "at least 8"),
        ({"confirm": "different passphrase"}, "Passwords differ"),
        ({"email": student.email}, "already exists"),
        ({"email": "not-an-email"}, "email"),
    ]
    for change, message in cases:
        data = {
            "name": "B",
            "email": "b@example.com",
            "password": "long enough pass",
            "confirm": "long enough pass",
            **change,
        }
        body = client.post("/account/signup", data=data).get_data(as_text=True)
        assert message.lower() in body.lower(), message
    assert db.session.scalar(select(User).where(User.email == "b@example.com")) is None


def test_long_passphrases_are_accepted(client):
    phrase = "correct horse battery staple " * 10
    response = client.post(
        "/account/signup",
        data={"name": "C", "email": "c@example.com", "password": phrase, "confirm": phrase},
    )
    assert response.status_code == 302


def test_login_and_wrong_password(client, auth, student):
    assert "not correct" in auth.login(student.email, "wrong password").get_data(as_text=True)
    assert auth.login(student.email).status_code == 302


def test_replayed_cookie_is_refused_after_logout(app, client, auth, student):
    auth.login(student.email)
    captured = client.get_cookie("studyapp_session").value
    assert client.get("/study/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("studyapp_session", captured)
    response = thief.get("/study/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, client, auth, student):
    auth.login(student.email)
    other = app.test_client()
    other.post("/account/login", data={"email": student.email, "password": PASSWORD})
    assert other.get("/study/").status_code == 200
    response = client.post(
        "/account/password",
        data={
            "pw-current": PASSWORD,
            "pw-new": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/study/").status_code == 200  # this session carries on
    assert other.get("/study/").status_code == 302  # the other one is out
    bad = client.post(
        "/account/password",
        data={
            "pw-current": "nope nope nope",
            "pw-new": "another passphrase",
            "pw-confirm": "another passphrase",
        },
    )
    assert "not correct" in bad.get_data(as_text=True)


def test_deactivated_user_is_out_on_the_next_request(client, auth, student):
    auth.login(student.email)
    assert client.get("/study/").status_code == 200
    accounts.set_active(student, False)
    db.session.commit()
    assert client.get("/study/").status_code == 302
    assert "not correct" in auth.login(student.email).get_data(as_text=True)


def test_session_is_renewed_at_login(client, auth, student):
    client.get("/account/login")
    before = client.get_cookie("studyapp_session")
    auth.login(student.email)
    after = client.get_cookie("studyapp_session")
    assert after is not None and (before is None or before.value != after.value)


def test_failed_logins_are_limited_per_account(client, auth, student):
    for _ in range(5):
        assert auth.login(student.email, "wrong password").status_code == 200
    limited = auth.login(student.email, "wrong password")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert auth.login(student.email).status_code == 429  # even the right password waits


def test_successful_logins_do_not_count(client, auth, student):
    for _ in range(8):
        assert auth.login(student.email).status_code == 302
        auth.logout()


def test_failed_logins_are_limited_per_address(template_db, tmp_path):
    app = make_app(template_db, tmp_path, LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    with app.app_context():
        emails = [make_user().email for _ in range(4)]
    codes = [
        client.post("/account/login", data={"email": e, "password": "wrong!!!!"}).status_code
        for e in emails
    ]
    assert codes == [200, 200, 200, 429]


def test_create_instructor_command(app):
    result = app.test_cli_runner().invoke(
        args=["create-instructor", "--email", "t@example.com", "--name", "Teach"],
        input="a good password\na good password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "t@example.com"))
    assert user.role == Role.INSTRUCTOR


def test_csrf_is_enforced_when_enabled(template_db, tmp_path):
    app = make_app(template_db, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        email = make_user().email
    refused = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 400
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(
        "/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 302
    study = client.get("/study/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', study).group(1)
    assert client.post("/study/undo").status_code == 400  # no token: refused
    assert client.post("/account/logout").status_code == 400
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 302
