"""The application factory: configuration, extensions, blueprints, CLI."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from studyapp import config as config_module
from studyapp.extensions import csrf, db, limiter, login_manager, migrate


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    env_name = os.environ.get("STUDYAPP_ENV_NAME", "development")
    if test_config and "ENV_NAME" in test_config:
        env_name = test_config["ENV_NAME"]
    defaults = config_module.Production if env_name == "production" else config_module.Defaults
    app.config.from_object(defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("STUDYAPP")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if test_config:
        app.config.update(test_config)
    if served_by_gunicorn():
        app.config["REQUIRE_SECRET"] = True
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "studyapp.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"


def served_by_gunicorn() -> bool:
    """True inside a gunicorn process: the app is being served for real."""
    return "gunicorn.arbiter" in sys.modules


def instance_secret_key(instance: Path) -> str:
    """This install's own random secret key, made once in ``instance/secret_key`` (mode 0600).

    For development (`make run`, `flask` commands) when no key is configured. The file is
    written in full under a temporary name and then linked into place, so two processes
    starting at once (the reloader) agree on one key.
    """
    path = instance / "secret_key"
    if not path.exists():
        temp = instance / f".secret_key.{secrets.token_hex(8)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temp.unlink()
    return path.read_text(encoding="ascii").strip()


def _normalise_db_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _write_requests_take_the_lock(app: Flask) -> None:
    """On SQLite, a request that may write starts with BEGIN IMMEDIATE.

    A transaction that reads first and writes later cannot wait for the write lock: if another
    writer committed in between, SQLite refuses at once ("database is locked"). Taking the lock
    up front makes concurrent writers queue (busy_timeout) instead of failing. Views marked
    ``writes_late`` (login, sign-up, password changes, quiz answers) take it themselves just
    before they write, so a password hash or a page's parsing does not hold up other writers.
    """
    from flask import request

    from studyapp.db import begin_write

    @app.before_request
    def _lock_for_writes() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "writes_late", False):
            begin_write(db.session)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build and configure a studyapp Flask application."""
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY") and not app.config["REQUIRE_SECRET"]:
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from studyapp.web.auth import limits

    limits.init_app(app)

    from studyapp import security
    from studyapp.web import inputs

    security.init_app(app)
    inputs.init_app(app)  # before the blueprints: their rules use its ``id`` converter
    _write_requests_take_the_lock(app)

    from studyapp.web import register_blueprints

    register_blueprints(app)

    from studyapp import cli

    cli.init_app(app)
    return app
