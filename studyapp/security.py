"""Cross-cutting web security: the user loader, headers, error pages and production checks."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

from studyapp.config import DEV_SECRET_KEY
from studyapp.core.numbers import parse_small_int
from studyapp.extensions import db, login_manager
from studyapp.models import User
from studyapp.web.inputs import MAX_ID, BadInput

log = logging.getLogger("studyapp")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """Load the user named by the session, refusing stale session versions and inactive users."""
    raw_id, _, raw_version = cookie_id.partition(":")
    user_id = parse_small_int(raw_id, 1, MAX_ID)
    version = parse_small_int(raw_version, 0, MAX_ID)
    if user_id is None or version is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


class ProductionConfigError(RuntimeError):
    """Raised when a production app is configured unsafely."""


def check_secret_key(app: Flask) -> None:
    """A served app (gunicorn, `make serve`, production) needs a real secret key of its own."""
    if not (app.config["REQUIRE_SECRET"] or app.config["ENV_NAME"] == "production"):
        return
    key = app.config.get("SECRET_KEY") or ""
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    if not isinstance(key, str) or key == DEV_SECRET_KEY or len(key) < 32:
        raise ProductionConfigError(
            "Set STUDYAPP_SECRET_KEY to a long random value (32+ characters) before serving, "
            "for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def check_production(app: Flask) -> None:
    """Refuse to run in production in debug mode or while demo accounts exist."""
    if app.config["ENV_NAME"] != "production":
        return
    if app.debug:
        raise ProductionConfigError("DEBUG must be off in production.")
    with app.app_context():
        from sqlalchemy import inspect, select

        if inspect(db.engine).has_table("user"):
            demo = db.session.scalar(select(User.email).where(User.demo.is_(True)).limit(1))
            if demo is not None:
                raise ProductionConfigError(
                    f"Demo account {demo} exists; remove demo data before serving in production."
                )


def init_app(app: Flask) -> None:
    """Wire login handling, security headers and error pages into the app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS") and request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(500, _server_error)
    check_secret_key(app)
    check_production(app)
    trust_proxies(app)


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from N trusted proxies' X-Forwarded-* headers.

    Only with STUDYAPP_TRUSTED_PROXIES=N: otherwise anyone could claim any address in the
    header and slip past the per-address login limits.
    """
    count = app.config["TRUSTED_PROXIES"]
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10:
        raise ProductionConfigError(
            "STUDYAPP_TRUSTED_PROXIES must be a whole number of proxies from 0 to 10."
        )
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


_MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "You do not have access to that page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Slow down", "Too many attempts. Please wait a few minutes and try again."),
    500: ("Something went wrong", "An unexpected error happened. It has been logged."),
}


def _error_page(error):  # type: ignore[no-untyped-def]
    code = getattr(error, "code", 500) or 500
    title, message = _MESSAGES.get(code, _MESSAGES[500])
    if code == 400 and getattr(error, "description", "").startswith("The CSRF"):
        message = "Your form expired or was sent from elsewhere. Reload the page and try again."
    if isinstance(error, BadInput):
        message = error.description
    wants_json = request.accept_mimetypes.best == "application/json" or request.is_json
    if wants_json or request.path.startswith("/api/"):
        return {"error": title, "message": message}, code
    return render_template("error.html", code=code, title=title, message=message), code


def _server_error(error):  # type: ignore[no-untyped-def]
    db.session.rollback()
    log.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    title, message = _MESSAGES[500]
    if request.path.startswith("/api/"):
        return {"error": title, "message": message}, 500
    return render_template("error.html", code=500, title=title, message=message), 500
