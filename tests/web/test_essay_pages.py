"""The essay reader and the question bank browser."""

from __future__ import annotations

import json
import re

from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services.bank import essay
from tests.export_schema import ESSAY_KEYS, QUESTION_KEYS, SOURCE_KEYS, TYPES


def test_reader_shows_every_section_and_marks_cited_sentences(client):
    response = client.get("/essay")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for section in essay().sections:
        assert section.title in html
    assert "SUNGKYUN CHINA INSIGHT" not in html  # the running header is gone
    cited = re.findall(r'class="sentence cited" id="s-([^"]+)"', html)
    assert len(cited) > 30
    assert "<em>Foreign Affairs</em>" in html  # the author's emphasis survives


def test_every_question_links_to_a_sentence_in_the_reader(app, client):
    reader = client.get("/essay").get_data(as_text=True)
    anchors = set(re.findall(r'id="s-([^"]+)"', reader))
    rows = db.session.scalars(db.select(Question).where(Question.in_bank.is_(True))).all()
    assert {row.type for row in rows} == set(TYPES)  # the whole bank, every kind
    for row in rows:
        for source in [row.data["source"], *row.data.get("sources", [])]:
            assert source.get("sentence_id") in anchors, row.id


def test_question_page_shows_answer_explanation_and_source(app, client):
    row = db.session.scalars(
        db.select(Question).where(Question.type == "multiple_choice").limit(1)
    ).one()
    html = client.get(f"/questions/{row.id}").get_data(as_text=True)
    assert row.data["explanation"].split()[0] in html
    assert f'href="/essay#s-{row.data["source"]["sentence_id"]}"' in html
    assert "Answer" in html


def test_unknown_question_is_404(client):
    assert client.get("/questions/nope").status_code == 404


def test_browse_filters_by_section_type_and_fact(app, client):
    all_html = client.get("/questions").get_data(as_text=True)
    total = int(re.search(r"(\d+) questions", all_html).group(1))
    section_html = client.get("/questions?section=3").get_data(as_text=True)
    in_section = int(re.search(r"(\d+) questions?", section_html).group(1))
    assert 0 < in_section < total
    assert "Section 1<" not in section_html
    typed = client.get("/questions?type=ordering").get_data(as_text=True)
    assert "Ordering" in typed and "Multiple choice</span>" not in typed
    fact = db.session.scalars(db.select(Question).limit(1)).one().fact_ids[0]
    by_fact = client.get(f"/questions?fact={fact}").get_data(as_text=True)
    assert int(re.search(r"(\d+) questions?", by_fact).group(1)) >= 1


def test_browse_ignores_bad_filters_and_pages(client):
    response = client.get("/questions?section=99&type=evil&fact=<script>&page=-4")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)
    assert client.get("/questions?page=abc").status_code == 200


def test_export_questions_cli_json_schema(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export-questions", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["essay"]) == ESSAY_KEYS
    types = set()
    for q in data["questions"]:
        assert set(q) >= QUESTION_KEYS
        assert set(q["source"]) >= SOURCE_KEYS
        types.add(q["type"])
    assert types == set(TYPES)


def test_export_questions_cli_csv(app):
    result = app.test_cli_runner().invoke(args=["export-questions", "--format", "csv"])
    assert result.exit_code == 0
    header = result.output.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("id,type,prompt")


def test_seed_and_init_db_are_idempotent(app):
    runner = app.test_cli_runner()
    count = db.session.scalar(db.select(db.func.count()).select_from(Question))
    for _ in range(2):
        assert runner.invoke(args=["init-db"]).exit_code == 0
        result = runner.invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        assert "0 new" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == count


def test_downloads_are_for_instructors_only(app, client, auth, student, instructor):
    assert client.get("/api/questions.json").status_code == 302  # to the login page
    auth.login(student.email)
    assert client.get("/api/questions.json").status_code == 403
    auth.logout()
    auth.login(instructor.email)
    for suffix in ("json", "csv", "apkg"):
        response = client.get(f"/api/questions.{suffix}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]


def test_export_questions_before_any_database_exports_the_generated_bank(tmp_path):
    from studyapp.app import create_app
    from tests.conftest import _base_config

    app = create_app(_base_config(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["export-questions"])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questions"] and all(q["sources"] for q in data["questions"])
    assert "No database yet" in result.stderr


def test_a_question_changed_by_another_process_is_read_afresh(app):
    from studyapp.services.bank import core_question

    row = db.session.scalars(db.select(Question).order_by(Question.id)).first()
    assert core_question(row).erratum is None
    row.data = {**row.data, "erratum": "Changed by a reseed in another process."}
    db.session.commit()
    assert core_question(row).erratum == "Changed by a reseed in another process."
