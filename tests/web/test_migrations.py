"""Migrations build the schema the models describe, and upgrades keep existing rows."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from studyapp.extensions import db

TWO_SOURCES = [
    {"section": "2", "quote": "A.", "sentence_id": "2.1.1"},
    {"section": "3", "quote": "B.", "sentence_id": "3.2.1"},
    {"section": "2", "quote": "A.", "sentence_id": "2.1.1"},
]


def _diff(connection) -> list:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as connection:
        assert _diff(connection) == []


def _revisions(app) -> list[str]:
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_upgrade_keeps_every_row(template_db, tmp_path):
    """Build the oldest schema, fill it, upgrade step by step to head: every row survives."""
    from studyapp import create_app
    from tests.conftest import PG_URL, _base_config

    if PG_URL:
        import uuid

        schema = f"m_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        from tests.conftest import _pg_url_with_schema

        url = _pg_url_with_schema(schema)
    else:
        url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    app = create_app(_base_config(url, tmp_path))
    with app.app_context():
        revisions = _revisions(app)
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision=revisions[0])
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (email, name, password_hash, role, session_version,'
                    " active, timezone, rollover_hour, desired_retention, new_cards_per_day, demo,"
                    " created_at) VALUES ('a@example.com', 'A', 'x', 'student', 1, :t, 'UTC', 4,"
                    " 0.9, 20, :f, '2026-01-01 00:00:00')"
                ),
                {"t": True, "f": False},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO question (id, type, section, prompt, data, in_bank, created_at)"
                    " VALUES ('q1', 'cloze', '1', 'p',"
                    ' \'{"source": {"section": "1", "sentence_id": "1.1.1"}}\','
                    " :t, '2026-01-01 00:00:00')"
                ),
                {"t": True},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO question (id, type, section, prompt, data, in_bank, created_at)"
                    " VALUES ('q2', 'ordering', '2', 'p', :data, :t, '2026-01-01 00:00:00')"
                ),
                {"t": True, "data": json.dumps({"source": TWO_SOURCES[0], "sources": TWO_SOURCES})},
            )
            _insert_an_attempt_answer(conn)
        before = _counts()
        for revision in revisions[1:]:
            upgrade(directory=directory, revision=revision)
        after = _counts()
        assert {name: after[name] for name in before} == before
        with db.engine.connect() as conn:  # 0002 fills sentence_id from the stored source
            sentence = conn.execute(
                sa.text("SELECT sentence_id FROM question WHERE id = 'q1'")
            ).scalar_one()
            assert sentence == "1.1.1"
            # 0004 links every cited sentence, each once, the main one first
            links = conn.execute(
                sa.text(
                    "SELECT question_id, sentence_id, position FROM question_source"
                    " ORDER BY question_id, position"
                )
            ).all()
            assert [tuple(link) for link in links] == [
                ("q1", "1.1.1", 0),
                ("q2", "2.1.1", 0),
                ("q2", "3.2.1", 1),
            ]
            # 0006 numbers answers saved before numbering 0: any numbered save replaces them
            answer = conn.execute(sa.text("SELECT response, seq FROM attempt_answer")).one()
            assert json.loads(answer[0]) if isinstance(answer[0], str) else answer[0] == ["B", "A"]
            assert answer[1] == 0
        with db.engine.connect() as connection:
            assert _diff(connection) == []
        db.engine.dispose()
    if PG_URL:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def _insert_an_attempt_answer(conn) -> None:  # type: ignore[no-untyped-def]
    """A class, a quiz, an attempt and one saved answer, in the oldest schema."""
    at = "2026-01-01 00:00:00"
    conn.execute(
        sa.text(
            "INSERT INTO course (id, instructor_id, name, term, join_code, join_open, created_at)"
            " VALUES (1, 1, 'C', 'T', 'CODE', :t, :at)"
        ),
        {"t": True, "at": at},
    )
    conn.execute(
        sa.text(
            "INSERT INTO assignment (id, course_id, title, opens_at, closes_at, attempts_allowed,"
            " grading_method, shuffle_questions, shuffle_options, one_per_page, show_marks,"
            " show_answers, created_at) VALUES (1, 1, 'Q', :at, :at, 1, 'highest', :f, :f, :f,"
            " 'immediately', 'never', :at)"
        ),
        {"f": False, "at": at},
    )
    conn.execute(
        sa.text(
            "INSERT INTO attempt (id, assignment_id, user_id, number, state, started_at, deadline,"
            " layout) VALUES (1, 1, 1, 1, 'open', :at, :at, :layout)"
        ),
        {"at": at, "layout": json.dumps({"questions": ["q2"]})},
    )
    conn.execute(
        sa.text(
            "INSERT INTO attempt_answer (attempt_id, question_id, response, saved_at)"
            " VALUES (1, 'q2', :response, :at)"
        ),
        {"at": at, "response": json.dumps(["B", "A"])},
    )


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {
            n: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one()
            for n in names
            if n != "alembic_version"
        }
