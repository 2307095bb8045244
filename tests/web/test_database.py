"""SQLite settings on every connection, and write requests that take the lock up front."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from studyapp.db import SQLITE_PRAGMAS, UTCDateTime
from studyapp.extensions import db
from tests.conftest import PG_URL

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
    seen: list[str] = []

    def hook(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    auth.login(student.email)
    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        db.session.commit()  # requests share this test's session: start each from no transaction
        client.get("/study/")
        reads = list(seen)
        seen.clear()
        db.session.commit()
        client.post("/study/undo")
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)
    assert reads and all(s == "BEGIN DEFERRED" for s in reads)
    assert seen[0] == "BEGIN IMMEDIATE"


def test_utc_column_refuses_naive_datetimes():
    from datetime import datetime

    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), sa.dialects.sqlite.dialect())
