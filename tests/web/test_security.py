"""Cross-cutting security behaviour: headers, redirects, errors, production checks."""

from __future__ import annotations

import logging

import pytest

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
