"""Cross-cutting security behaviour: headers, redirects, errors, production checks."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from studyapp import create_app
from studyapp.config import DEV_SECRET_KEY
from studyapp.security import ProductionConfigError
from studyapp.web.safety import safe_next
from tests.conftest import PASSWORD, make_app, make_user


def test_security_headers_on_pages(client):
    response = client.get("/essay")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


def test_hsts_only_over_https_in_production(template_db, tmp_path):
    app = make_app(template_db, tmp_path, ENV_NAME="production", SECRET_KEY="x" * 40, HSTS=True)
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "/\t/evil.example",
        "",
        None,
    ],
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next(target) is None


def test_safe_next_keeps_local_paths():
    assert safe_next("/study/?x=1") == "/study/?x=1"


def test_login_next_never_leaves_the_site(app, client):
    user = make_user()
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/")
    assert "evil" not in response.headers["Location"]


def test_production_refuses_dev_secret(template_db, tmp_path):
    with pytest.raises(ProductionConfigError):
        make_app(template_db, tmp_path, ENV_NAME="production", SECRET_KEY=DEV_SECRET_KEY)


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "short-key"])
@pytest.mark.parametrize("env_name", ["development", "staging", "production"])
def test_a_served_app_refuses_a_missing_or_public_key(template_db, tmp_path, key, env_name):
    with pytest.raises(ProductionConfigError, match="STUDYAPP_SECRET_KEY"):
        make_app(template_db, tmp_path, REQUIRE_SECRET=True, ENV_NAME=env_name, SECRET_KEY=key)


def test_gunicorn_refuses_a_public_key_whatever_else_is_set(tmp_path):
    env = {
        **os.environ,
        "STUDYAPP_ENV_NAME": "development",
        "STUDYAPP_REQUIRE_SECRET": "false",
        "STUDYAPP_SECRET_KEY": DEV_SECRET_KEY,
        "STUDYAPP_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
    }
    env.pop("DATABASE_URL", None)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [gunicorn, "--workers", "1", "--bind", "127.0.0.1:0", "studyapp:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, errors = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode != 0
    assert "Set STUDYAPP_SECRET_KEY to a long random value" in errors


def test_development_makes_its_own_key_once_in_the_instance_folder(tmp_path, monkeypatch):
    """`make run` (flask run) without a configured key: a random key kept in instance/."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.delenv("STUDYAPP_SECRET_KEY", raising=False)
    monkeypatch.delenv("STUDYAPP_REQUIRE_SECRET", raising=False)
    monkeypatch.delenv("STUDYAPP_ENV_NAME", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    first = create_app(dict(config))
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert first.config["SECRET_KEY"] == key and len(key) >= 32 and key != DEV_SECRET_KEY
    assert create_app(dict(config)).config["SECRET_KEY"] == key  # kept, not made again
    assert list(instance.iterdir()) == [key_file]


def test_production_refuses_demo_accounts(template_db, tmp_path):
    app = make_app(template_db, tmp_path)
    with app.app_context():
        from studyapp.services.demo import seed_demo

        list(seed_demo())
    with pytest.raises(ProductionConfigError, match="Demo account"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "y" * 40,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            }
        )


def test_production_cookie_flags(template_db, tmp_path):
    app = make_app(template_db, tmp_path, ENV_NAME="production", SECRET_KEY="z" * 40)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.debug is False
    with app.app_context():
        email = make_user().email
    client = app.test_client()
    response = client.post(
        "/account/login",
        data={"email": email, "password": PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unhandled_error_is_generic(app, client, caplog):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR, logger="studyapp"):
        response = client.get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert "secret internals" in caplog.text  # logged for the operator


def test_request_size_is_limited(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/account/login", data={"email": big, "password": "p"})
    assert response.status_code == 413


def test_passwords_never_logged(app, client, caplog):
    user = make_user()
    with caplog.at_level(logging.DEBUG):
        client.post("/account/login", data={"email": user.email, "password": PASSWORD})
        client.post("/account/login", data={"email": user.email, "password": "wrong-password!"})
    assert PASSWORD not in caplog.text
    assert "wrong-password!" not in caplog.text


def test_no_get_route_changes_state(app):
    """State changes are POST-only: every rule with side effects refuses GET."""
    for rule in app.url_map.iter_rules():
        name = rule.endpoint.split(".")[-1]
        if any(word in name for word in ("logout", "delete", "remove", "retire", "submit")):
            assert "GET" not in rule.methods, rule
