"""Database plumbing shared by every model: the declarative base, UTC datetimes, SQLite pragmas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Stores aware datetimes as UTC and always returns aware UTC datetimes.

    SQLite hands back naive values and ``fsrs`` rejects naive datetimes, so the conversion lives
    in the column type rather than at every call site.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base: every ``Mapped[datetime]`` column is an aware UTC datetime."""

    registry = registry(type_annotation_map={datetime: UTCDateTime})


# SQLite settings applied to every new connection (see README, "Data"):
# WAL lets readers run beside the single writer; busy_timeout makes a writer wait for the lock
# instead of failing; synchronous=NORMAL is durable against a crashed or killed process in WAL mode
# (only an OS crash or power loss can drop the last transactions), which is the trade-off SQLite
# documents for WAL.
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "busy_timeout": "10000",
    "synchronous": "NORMAL",
}


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    # Let SQLAlchemy, not the driver, emit BEGIN so write transactions can be IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for name, value in SQLITE_PRAGMAS.items():
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: sa.Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    # A write transaction takes the write lock up front: a deferred transaction that reads and
    # then writes fails with "database is locked" under contention instead of waiting its turn.
    mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def begin_write(session: Any) -> None:
    """Make the session's current transaction a write transaction (BEGIN IMMEDIATE on SQLite).

    Called first by every use case that reads and then writes. A read transaction already open
    (the request's user lookup, say) is ended first; on other databases this is a no-op.
    """
    session = session() if hasattr(session, "registry") else session  # a scoped_session
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().get_execution_options().get("sqlite_write"):
            return
        session.commit()
    session.connection(execution_options={"sqlite_write": True})


View = TypeVar("View", bound=Callable[..., Any])


def writes_late(view: View) -> View:
    """Mark a view whose use cases call ``begin_write`` themselves, just before they write.

    Other requests that may write take SQLite's write lock when they start (see
    ``app._write_requests_take_the_lock``). A marked view does its slow work first without the
    lock (hashing a password, reading and parsing a quiz page), so other writers are not held
    up meanwhile. Every write on its path must come after a ``begin_write``, and whatever it read
    before must be read again, or checked in the write itself, once the lock is held.
    """
    view.writes_late = True  # type: ignore[attr-defined]
    return view
