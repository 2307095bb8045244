"""Accounts: sign-up, login, logout that really ends the session, limits, passwords, settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from studyapp.core.passwords import MAX_LENGTH
from studyapp.extensions import db
from studyapp.models import Role, User
from studyapp.services import ServiceError, accounts
from tests.conftest import PASSWORD, make_app, make_user

SIGNUP = {"name": "Ana", "email": "ana@example.com", "password": "a long passphrase"}


def _signup(client, **change):  # type: ignore[no-untyped-def]
    data = {**SIGNUP, **change}
    data.setdefault("confirm", data["password"])
    return client.post("/account/signup", data=data)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# --- sign-up --------------------------------------------------------------------------------


def test_signup_makes_a_student_with_an_argon2id_hash_who_then_logs_in(client):
    response = _signup(client, email="Ana@Example.com ")
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    user = _user("ana@example.com")
    assert user.role == Role.STUDENT and user.password_hash.startswith("$argon2id$")
    assert SIGNUP["password"] not in user.password_hash
    page = client.get("/account/login").get_data(as_text=True)
    assert "your student account is ready" in page
    assert 'value="ana@example.com"' in page  # the email is filled in: type the password
    logged_in = client.post(
        "/account/login", data={"email": "ana@example.com", "password": SIGNUP["password"]}
    )
    assert logged_in.status_code == 302
    assert client.get("/study/").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short77", "confirm": "short77"}, "Use at least 8 characters."),
        ({"confirm": "different passphrase"}, "Passwords differ"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "required"),
    ],
)
def test_signup_refuses_bad_input_and_creates_nothing(client, change, message):
    body = _signup(client, **change).get_data(as_text=True)
    assert message.lower() in body.lower()
    assert db.session.scalar(select(User.id)) is None


def _answer_text(client, response) -> str:  # type: ignore[no-untyped-def]
    """The page a sign-up leads to, without the email it fills in."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    return re.sub(r'value="[^"]*@example.com"', "", page)


def test_signup_for_a_taken_email_is_answered_as_for_a_new_one(app, student, monkeypatch):
    hashes = []
    real_hash = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda p: hashes.append(p) or real_hash(p))
    before = (student.name, student.password_hash)

    new_client, taken_client = app.test_client(), app.test_client()
    new = _signup(new_client, email="fresh@example.com")
    taken = _signup(taken_client, email=student.email.upper(), name="Mallory")
    assert (new.status_code, new.headers["Location"]) == (302, "/account/login")
    assert (taken.status_code, taken.headers["Location"]) == (302, "/account/login")
    assert _answer_text(new_client, new) == _answer_text(taken_client, taken)
    assert "already" not in _answer_text(taken_client, taken)
    assert len(hashes) == 2  # the same work both ways: the timing does not tell either
    db.session.refresh(student)
    assert (student.name, student.password_hash) == before  # the account is untouched
    assert len(db.session.scalars(select(User)).all()) == 2  # the student and fresh@
    assert taken_client.get("/study/").status_code == 302  # and nobody is logged in to it


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "qwertyuiop", "iloveyou", "studyapp", "PassWord", "ILOVEYOU1"],
)
def test_signup_refuses_common_passwords(client, password):
    body = _signup(client, password=password).get_data(as_text=True)
    assert "list of common passwords" in body
    assert db.session.scalar(select(User.id)) is None


def test_signup_refuses_the_email_as_password(client):
    body = _signup(client, email="anakim2009@example.com", password="AnaKim2009").get_data(
        as_text=True
    )
    assert "Do not use your email address as your password." in body
    assert db.session.scalar(select(User.id)) is None


def test_password_change_refuses_common_passwords(client, auth, student):
    auth.login(student.email)
    body = _change(client, PASSWORD, "password1").get_data(as_text=True)
    assert "list of common passwords" in body
    db.session.refresh(student)
    assert accounts._verify(student.password_hash, PASSWORD)


def test_signups_are_limited_per_address(template_db, tmp_path):
    app = make_app(template_db, tmp_path, SIGNUP_LIMIT_PER_ADDRESS="3 per hour")
    client = app.test_client()
    short = _signup(client, email="x@example.com", password="short", confirm="short")
    assert short.status_code == 200  # refused before any hashing: not counted
    codes = [_signup(client, email=f"s{i}@example.com").status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert _signup(other, email="other@example.com").status_code == 302
    with app.app_context():
        assert _user("s3@example.com") is None and _user("other@example.com") is not None


@pytest.mark.parametrize(
    "password",
    [
        "eightch8",  # exactly the minimum
        "correct horse battery staple " * 10,  # a long passphrase
        "alllowercaseletters",  # no composition rules
        "ünïcödé пароль 密码短语",
    ],
)
def test_passwords_need_only_length_and_not_to_be_common(client, password):
    assert _signup(client, password=password).status_code == 302
    assert (
        client.post(
            "/account/login", data={"email": SIGNUP["email"], "password": password}
        ).status_code
        == 302
    )


def test_password_rules_in_the_service():
    with pytest.raises(ServiceError, match="at least 8"):
        accounts.check_password_rules("1234567")
    with pytest.raises(ServiceError, match="common passwords"):
        accounts.check_password_rules("12345678")
    accounts.check_password_rules("12345678 and some words")
    with pytest.raises(ServiceError, match="at most"):
        accounts.check_password_rules("x" * (MAX_LENGTH + 1))
    with pytest.raises(ServiceError, match="email address"):
        accounts.check_password_rules("Bob.Smith.1", "bob.smith.1@example.com")


def test_signed_in_users_are_sent_home_from_signup_and_login(client, auth, student):
    auth.login(student.email)
    assert client.get("/account/signup").status_code == 302
    assert client.get("/account/login").status_code == 302


# --- login and logout -----------------------------------------------------------------------


def test_login_wrong_password_and_unknown_email_look_the_same(client, auth, student):
    wrong = auth.login(student.email, "wrong password").get_data(as_text=True)
    unknown = auth.login("nobody@example.com", "wrong password").get_data(as_text=True)
    assert "Email or password is not correct." in wrong
    assert "Email or password is not correct." in unknown
    assert auth.login(student.email.upper()).status_code == 302  # email case does not matter


def test_login_redirects_only_to_local_pages(client, student):
    data = {"email": student.email, "password": PASSWORD}
    local = client.post(
        "/account/login?next=/study/progress", data=dict(data, next="/study/progress")
    )
    assert local.headers["Location"].endswith("/study/progress")
    client.post("/account/logout")
    evil = client.post("/account/login", data=dict(data, next="https://evil.example/"))
    assert "evil" not in evil.headers["Location"]


def test_pages_need_a_login(client):
    response = client.get("/study/progress")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_logout_needs_a_post(client, auth, student):
    auth.login(student.email)
    assert client.get("/account/logout").status_code == 405
    assert client.get("/study/").status_code == 200


def test_replayed_session_cookie_is_refused_after_logout(app, client, auth, student):
    auth.login(student.email)
    captured = client.get_cookie("studyapp_session").value
    assert client.get("/study/").status_code == 200
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("studyapp_session", captured)  # the raw cookie from before the logout
    response = thief.get("/study/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert thief.get("/study/progress").status_code == 302


def test_replayed_remember_cookie_is_refused_after_logout(app, client, student):
    client.post(
        "/account/login", data={"email": student.email, "password": PASSWORD, "remember": "y"}
    )
    remember = client.get_cookie("remember_token")
    assert remember is not None
    client.post("/account/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/study/").status_code == 302


def test_remember_cookie_alone_logs_in_before_logout(app, client, student):
    client.post(
        "/account/login", data={"email": student.email, "password": PASSWORD, "remember": "y"}
    )
    other = app.test_client()
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other.get("/study/").status_code == 200


def test_session_is_renewed_at_login(client, auth, student):
    client.get("/account/login")
    before = client.get_cookie("studyapp_session")
    auth.login(student.email)
    after = client.get_cookie("studyapp_session")
    assert after is not None and (before is None or before.value != after.value)


def test_deactivated_user_is_out_on_the_next_request(client, auth, student):
    auth.login(student.email)
    assert client.get("/study/").status_code == 200
    accounts.set_active(student, False)
    db.session.commit()
    assert client.get("/study/").status_code == 302
    assert "not correct" in auth.login(student.email).get_data(as_text=True)


@pytest.mark.parametrize("how", ["service", "command"])
def test_deactivation_ends_every_session_for_good(app, client, student, how):
    client.post(
        "/account/login", data={"email": student.email, "password": PASSWORD, "remember": "y"}
    )
    session_cookie = client.get_cookie("studyapp_session").value
    remember_cookie = client.get_cookie("remember_token").value
    assert client.get("/study/").status_code == 200

    def set_active(active: bool) -> None:
        if how == "service":
            accounts.set_active(student, active)
            db.session.commit()
        else:
            flag = "--active" if active else "--inactive"
            result = app.test_cli_runner().invoke(args=["set-active", student.email, flag])
            assert result.exit_code == 0, result.output

    set_active(False)
    set_active(True)
    for name, value in (("studyapp_session", session_cookie), ("remember_token", remember_cookie)):
        replay = app.test_client()
        replay.set_cookie(name, value)  # a cookie from before the deactivation
        response = replay.get("/study/")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert client.get("/study/").status_code == 302
    assert (
        client.post(
            "/account/login", data={"email": student.email, "password": PASSWORD}
        ).status_code
        == 302
    )  # the reactivated owner logs in afresh


# --- password change ------------------------------------------------------------------------


def _change(client, current, new, confirm=None):  # type: ignore[no-untyped-def]
    return client.post(
        "/account/password",
        data={"pw-current": current, "pw-new": new, "pw-confirm": confirm or new},
    )


def test_password_change_keeps_this_session_and_ends_the_others(app, client, auth, student):
    auth.login(student.email)
    other = app.test_client()
    other.post("/account/login", data={"email": student.email, "password": PASSWORD})
    assert other.get("/study/").status_code == 200
    assert _change(client, PASSWORD, "a brand new passphrase").status_code == 302
    assert client.get("/study/").status_code == 200
    assert other.get("/study/").status_code == 302
    client.post("/account/logout")
    assert auth.login(student.email).status_code == 200  # the old password is gone
    assert auth.login(student.email, "a brand new passphrase").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("nope nope nope", "another passphrase", None, "not correct"),
        (PASSWORD, "short", None, "Use at least 8 characters."),
        (PASSWORD, "another passphrase", "something else", "Passwords differ"),
    ],
)
def test_password_change_refusals(client, auth, student, current, new, confirm, message):
    auth.login(student.email)
    body = _change(client, current, new, confirm).get_data(as_text=True)
    assert message in body
    db.session.refresh(student)
    assert accounts._verify(student.password_hash, PASSWORD)


# --- login limits: see test_login_limits.py ------------------------------------------------


def test_viewing_the_login_page_is_not_counted(client, auth, student):
    for _ in range(10):
        assert client.get("/account/login").status_code == 200
    assert auth.login(student.email).status_code == 302


# --- roles ----------------------------------------------------------------------------------


def test_create_instructor_command(app):
    result = app.test_cli_runner().invoke(
        args=["create-instructor", "--email", "t@example.com", "--name", "Teach"],
        input="a good password\na good password\n",
    )
    assert result.exit_code == 0, result.output
    assert _user("t@example.com").role == Role.INSTRUCTOR


def test_instructors_do_not_study(client, auth, instructor):
    auth.login(instructor.email)
    assert client.get("/study/").status_code == 403
    assert client.get("/study/progress").status_code == 403


# --- settings -------------------------------------------------------------------------------

SETTINGS = {
    "timezone": "Asia/Seoul",
    "rollover_hour": "5",
    "desired_retention": "0.85",
    "new_cards_per_day": "7",
}


def test_settings_are_saved(client, auth, student):
    auth.login(student.email)
    page = client.get("/account/settings").get_data(as_text=True)
    assert 'value="0.90"' in page and 'value="20"' in page
    assert client.post("/account/settings", data=SETTINGS).status_code == 302
    db.session.refresh(student)
    assert (
        student.timezone,
        student.rollover_hour,
        student.desired_retention,
        student.new_cards_per_day,
    ) == ("Asia/Seoul", 5, 0.85, 7)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "between 0.70 and 0.97"),
        ("desired_retention", "0.5", "between 0.70 and 0.97"),
        ("desired_retention", "lots", "between 0.70 and 0.97"),
        ("rollover_hour", "24", "between 0 and 23"),
        ("rollover_hour", "-1", "between 0 and 23"),
        ("new_cards_per_day", "-3", "between 0 and 500"),
        ("new_cards_per_day", "9999", "between 0 and 500"),
        ("timezone", "Mars/Olympus", "Choose a time zone from the list"),
    ],
)
def test_settings_are_validated(client, auth, student, field, value, message):
    auth.login(student.email)
    body = client.post("/account/settings", data={**SETTINGS, field: value}).get_data(as_text=True)
    assert message in body
    db.session.refresh(student)
    assert (student.timezone, student.desired_retention) == ("UTC", 0.9)


def test_retention_bounds_are_accepted(client, auth, student):
    auth.login(student.email)
    for value in ("0.70", "0.97"):
        data = {**SETTINGS, "desired_retention": value}
        assert client.post("/account/settings", data=data).status_code == 302
        db.session.refresh(student)
        assert student.desired_retention == float(value)


# --- CSRF on --------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _token(html: str) -> str:
    m = TOKEN.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1) or m.group(2)


def test_forms_refuse_a_post_without_the_token(template_db, tmp_path):
    """With CSRF protection on (as in production), every POST needs the page's token."""
    app = make_app(template_db, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()  # no app context held: requests must not share ``g``
    with app.app_context():
        email = make_user().email
    refused = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "Your form expired" in refused.get_data(as_text=True)
    assert (
        client.post("/account/signup", data={**SIGNUP, "confirm": SIGNUP["password"]}).status_code
        == 400
    )
    page = client.get("/account/login").get_data(as_text=True)
    ok = client.post(
        "/account/login", data={"email": email, "password": PASSWORD, "csrf_token": _token(page)}
    )
    assert ok.status_code == 302
    study_page = client.get("/study/").get_data(as_text=True)
    for path in ("/study/undo", "/study/answer", "/study/practice", "/account/logout"):
        assert client.post(path).status_code == 400, path
    assert client.post("/account/settings", data=SETTINGS).status_code == 400
    assert client.get("/study/").status_code == 200  # still logged in
    assert (
        client.post("/account/logout", data={"csrf_token": _token(study_page)}).status_code == 302
    )
    assert client.get("/study/").status_code == 302
