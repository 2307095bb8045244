"""Shared fixtures: an app on a throw-away database, a client, users and a login helper.

The schema and the question bank are built once per test session into a template database;
each test gets its own copy (SQLite) or a truncated schema (PostgreSQL, when
STUDYAPP_TEST_DATABASE_URL is set), so tests never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

from studyapp import create_app
from studyapp.extensions import db
from studyapp.services import accounts

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("STUDYAPP_TEST_DATABASE_URL")
KEEP_TABLES = {"question", "question_fact", "question_source", "alembic_version"}

accounts.set_hash_profile("CHEAPEST")


def _base_config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000000",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }


def _pg_url_with_schema(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with the schema and the seed question bank, built once."""
    from studyapp.cli import create_schema
    from studyapp.services.bank import sync_bank

    if PG_URL:
        schema = f"t_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url_with_schema(schema)
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        url = f"sqlite:///{path}"
    app = create_app(_base_config(url, Path(".")))
    with app.app_context():
        create_schema()
        sync_bank(0)
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        yield url
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    else:
        with sa.create_engine(url).connect() as conn:  # fold the WAL into the main file
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        yield str(path)


def _fresh_url(template_db: str, tmp_path: Path) -> str:
    if PG_URL:
        return template_db
    target = tmp_path / "test.sqlite"
    shutil.copyfile(template_db, target)
    return f"sqlite:///{target}"


def _truncate_pg(url: str) -> None:
    """Empty every table, put the whole bank back (before the app starts: production checks)."""
    import studyapp.models  # noqa: F401  (registers the tables)

    names = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
        conn.execute(sa.text("UPDATE question SET retired_at = NULL, in_bank = TRUE"))
    engine.dispose()


class Client(FlaskClient):
    """A test client whose requests never see another client's logged-in user.

    Tests keep one app context pushed (to use ``db.session`` directly), and Flask reuses it for
    requests, so Flask-Login's per-request cache in ``g`` would leak between clients.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if has_app_context():
            g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            if has_app_context():
                g.pop("_login_user", None)


def make_app(template_db: str, tmp_path: Path, **overrides) -> Flask:
    """An app on its own fresh copy of the template database."""
    config = _base_config(_fresh_url(template_db, tmp_path), tmp_path)
    config.update(overrides)
    if PG_URL:
        _truncate_pg(config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(config)
    app.test_client_class = Client
    return app


@pytest.fixture
def app(template_db: str, tmp_path: Path) -> Iterator[Flask]:
    """The app under test (pytest-flask builds ``client`` from it)."""
    app = make_app(template_db, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def make_user(
    email: str | None = None,
    *,
    name: str = "Test Student",
    password: str = PASSWORD,
    role: str = "student",
):
    """Create and commit a user (inside an app context)."""
    from studyapp.models import Role

    user = accounts.create_user(
        email or f"u{uuid.uuid4().hex[:8]}@example.com", name, password, role=Role(role)
    )
    db.session.commit()
    return user


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, follow: bool = False):
        return self._client.post(
            "/account/login",
            data={"email": email, "password": password},
            follow_redirects=follow,
        )

    def logout(self):
        return self._client.post("/account/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def student(app):
    return make_user(name="Sam Student")


@pytest.fixture
def instructor(app):
    return make_user(name="Ines Instructor", role="instructor")


# A question of the made-up kind, in the export form.
RIDDLE = {
    "id": "rd-1",
    "type": "riddle",
    "prompt": "What has keys but opens no locks?",
    "options": None,
    "answer": "A piano",
    "accept": ["piano"],
    "explanation": "A riddle.",
    "source": {"section": "1", "quote": "A quote."},
    "fact_ids": ["f"],
}


@pytest.fixture
def riddle_kind():
    """A made-up auto-graded kind ("riddle"), registered for one test and removed after."""
    from studyapp.core.questions.kinds import KINDS, TypedKind, register

    @register
    class Riddle(TypedKind):
        id = "riddle"
        label = "Riddle"
        prefix = "rd"
        template = "kinds/typed.html"

        def generate(self, ctx):  # type: ignore[no-untyped-def]
            return iter(())

    try:
        yield KINDS["riddle"]
    finally:
        del KINDS["riddle"]
