"""SQLite settings on every connection, and write requests that take the lock up front (or,
for password hashing, only once the hash is made)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy import select

from studyapp.db import SQLITE_PRAGMAS, UTCDateTime
from studyapp.extensions import db
from studyapp.models import User
from studyapp.services import accounts
from studyapp.services import assignments as quiz
from tests.conftest import PASSWORD, PG_URL
from tests.web.helpers import answer_fields, sql_statements
from tests.web.quizkit import item, make_course, make_quiz, right, started_attempt

pytestmark = pytest.mark.skipif(PG_URL is not None, reason="SQLite settings")


def test_every_connection_gets_the_pragmas(app):
    for _ in range(3):  # fresh pool connections too
        with db.engine.connect() as conn:
            values = {
                name: str(conn.exec_driver_sql(f"PRAGMA {name}").scalar()).lower()
                for name in SQLITE_PRAGMAS
            }
        db.engine.dispose()
        assert values == {
            "journal_mode": "wal",
            "foreign_keys": "1",
            "busy_timeout": "10000",
            "synchronous": "1",
        }  # NORMAL


def test_foreign_keys_are_enforced(app):
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO enrollment (course_id, user_id, joined_at) VALUES (999, 999, '2026-01-01')"
        )


def test_write_requests_begin_immediate_and_reads_do_not(app, client, auth, student):
    auth.login(student.email)
    db.session.commit()  # requests share this test's session: start each from no transaction
    with sql_statements() as on_read:
        client.get("/study/")
    db.session.commit()
    with sql_statements() as on_write:
        client.post("/study/undo")
    reads = [s for s in on_read if s.startswith("BEGIN")]
    assert reads and all(s == "BEGIN DEFERRED" for s in reads)
    assert [s for s in on_write if s.startswith("BEGIN")][0] == "BEGIN IMMEDIATE"


def _another_writer_gets_in() -> bool:
    """Whether another connection can take the write lock at once (no waiting)."""
    conn = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        conn.close()


@pytest.fixture
def hashing(monkeypatch):
    """Whether another writer got in during each password hash or check of a request."""
    seen: list[bool] = []
    real_hash, real_verify = accounts.hash_password, accounts._verify

    def hash_password(password: str) -> str:
        seen.append(_another_writer_gets_in())
        return real_hash(password)

    def verify(stored: str, password: str) -> bool:
        seen.append(_another_writer_gets_in())
        return real_verify(stored, password)

    monkeypatch.setattr(accounts, "hash_password", hash_password)
    monkeypatch.setattr(accounts, "_verify", verify)
    db.session.commit()  # requests share this test's session: start from no transaction
    return seen


def test_others_write_while_a_login_checks_and_rehashes_the_password(app, client, student, hashing):
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    student.password_hash = old  # made with other parameters: rehashed at the next login
    db.session.commit()
    response = client.post("/account/login", data={"email": student.email, "password": PASSWORD})
    assert response.status_code == 302
    assert hashing == [True, True]  # the check, then the new hash
    db.session.expire_all()
    assert student.password_hash != old and accounts._verify(student.password_hash, PASSWORD)


def test_others_write_while_a_sign_up_hashes_the_password(app, client, hashing):
    data = {"name": "Ana", "email": "ana@example.com", "password": "a long passphrase"}
    response = client.post("/account/signup", data={**data, "confirm": data["password"]})
    assert response.status_code == 302
    assert hashing == [True]
    assert db.session.scalar(select(User.id).where(User.email == "ana@example.com")) is not None


def test_others_write_while_a_password_change_hashes(app, client, auth, student, hashing):
    auth.login(student.email)
    hashing.clear()
    db.session.commit()
    new = "a brand new passphrase"
    response = client.post(
        "/account/password", data={"pw-current": PASSWORD, "pw-new": new, "pw-confirm": new}
    )
    assert response.status_code == 302
    assert hashing == [True, True]  # the current password's check, the new one's hash
    db.session.expire_all()
    assert accounts._verify(student.password_hash, new)


def test_others_write_while_a_quiz_page_is_read(
    app, client, auth, instructor, student, monkeypatch
):
    """A quiz save reads and parses the page first, then takes the lock just to write."""
    from studyapp.web.quiz import views

    a = make_quiz(make_course(instructor, [student]), n=2)
    attempt = started_attempt(client, auth, student, a)
    qid = attempt.layout["questions"][0]
    seen: list[bool] = []
    real = views.read_answers

    def read_answers(*args):  # type: ignore[no-untyped-def]
        seen.append(_another_writer_gets_in())
        return real(*args)

    monkeypatch.setattr(views, "read_answers", read_answers)
    db.session.commit()
    with sql_statements() as statements:
        fields = answer_fields(item(qid), prefix="q-1-")
        saved = client.post(f"/classes/attempts/{attempt.id}/autosave", data=fields)
    assert saved.status_code == 200 and saved.get_json()["saved"] == 1
    assert seen == [True]
    assert [s for s in statements if s.startswith("BEGIN")][
        -1
    ] == "BEGIN IMMEDIATE"  # the write itself still takes the lock
    assert quiz.saved_answers(attempt) == {qid: right(item(qid))}


def test_the_trivial_route_answers_without_the_database(app, client):
    """GET /healthz, the benchmarks' baseline, runs the app and its middleware but no SQL."""
    with sql_statements() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    assert statements == []


def test_utc_column_refuses_naive_datetimes():
    from datetime import datetime

    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), sa.dialects.sqlite.dialect())
