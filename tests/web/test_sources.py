"""Every sentence a key rests on, and any note on the record, wherever the key is shown."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import sqlite3
import zipfile
from datetime import timedelta

import genanki
import pytest
from markupsafe import escape
from sqlalchemy import select

from studyapp.core.questions import seed_bank
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, QuestionSource, ReviewMode
from studyapp.services import assignments as quiz
from studyapp.services import bank, study
from studyapp.services.bank import core_question
from tests.web.helpers import answer_fields, hidden, sql_statements
from tests.web.quizkit import make_course, right
from tests.web.sourcekit import ERRATUM, Cited, cite_two_sentences


@pytest.fixture
def cited(app, monkeypatch) -> Cited:
    return cite_two_sentences(monkeypatch)


def _item(cited: Cited):  # type: ignore[no-untyped-def]
    return core_question(db.session.get(Question, cited.question_id))


def assert_shows_every_source(html: str, cited: Cited) -> None:
    """Both sentences, each once, with its section and a link into the essay; the erratum."""
    for sentence in (cited.main, cited.extra):
        assert html.count(f"<blockquote>{escape(sentence.text)}</blockquote>") == 1
        assert html.count(f'href="/essay#s-{sentence.id}"') == 1
    section = bank.essay().section(cited.extra.section_id)
    assert f"Section {section.number}: {escape(section.title)}" in html
    assert "The essay says this in 2 sentences:" in html
    assert html.count("<strong>Note on the record:</strong>") == 1
    assert str(escape(ERRATUM)) in html


def assert_shows_no_key(html: str, cited: Cited) -> None:
    assert f'href="/essay#s-{cited.extra.id}"' not in html
    assert "Note on the record" not in html and str(escape(ERRATUM)) not in html


# --- the reader and the bank -------------------------------------------------------------------


def test_sync_links_every_cited_sentence_once_and_follows_changes(cited, monkeypatch):
    links = db.session.execute(
        select(QuestionSource.sentence_id, QuestionSource.position)
        .where(QuestionSource.question_id == cited.question_id)
        .order_by(QuestionSource.position)
    ).all()
    assert [tuple(link) for link in links] == [(cited.main.id, 0), (cited.extra.id, 1)]
    monkeypatch.undo()  # the generator as it is: one source again, no erratum
    assert bank.sync_bank(0).updated == 1
    links = db.session.scalars(
        select(QuestionSource.sentence_id)
        .where(QuestionSource.question_id == cited.question_id)
        .order_by(QuestionSource.position)
    ).all()
    assert links == list(cited.generated)
    assert _item(cited).erratum is None


def test_reader_links_every_cited_sentence(cited, client):
    html = client.get("/essay").get_data(as_text=True)
    for sentence in (cited.main, cited.extra):
        assert f'class="sentence cited" id="s-{sentence.id}"' in html
    # The second sentence is cited by this question alone: its count is 1 and opens it.
    link = re.search(
        rf'id="s-{re.escape(cited.extra.id)}"[^>]*>.*?</span><a class="cite" href="([^"]+)"[^>]*>'
        r"(\d+)</a>",
        html,
    )
    assert link and link.group(2) == "1"
    assert link.group(1) == f"/questions?sentence={cited.extra.id}"
    for sentence in (cited.main, cited.extra):
        listed = client.get(f"/questions?sentence={sentence.id}").get_data(as_text=True)
        assert f'href="/questions/{cited.question_id}"' in listed


def test_reader_lists_a_question_once_under_a_sentence_it_cites_twice(cited, client):
    listed = client.get(f"/questions?sentence={cited.main.id}").get_data(as_text=True)
    assert listed.count(f'href="/questions/{cited.question_id}"') == 1


def test_reader_reads_the_citations_in_one_query(cited, client):
    with sql_statements() as statements:
        assert client.get("/essay").status_code == 200
    assert len([s for s in statements if "question" in s]) == 1


def test_retired_questions_leave_the_reader(cited, client):
    before = client.get("/essay").get_data(as_text=True)
    assert f'class="sentence cited" id="s-{cited.extra.id}"' in before
    bank.retire_question(cited.question_id, utcnow())
    after = client.get("/essay").get_data(as_text=True)
    assert f'class="sentence cited" id="s-{cited.extra.id}"' not in after


def _browsed_item(html: str, cited: Cited) -> str:
    """The bank browser's entry for the question."""
    (item,) = [
        chunk
        for chunk in html.split('<li class="question-item">')[1:]
        if f'href="/questions/{cited.question_id}"' in chunk
    ]
    return item


def test_question_page_and_bank_browser_show_every_source(cited, client):
    assert_shows_every_source(client.get(f"/questions/{cited.question_id}").get_data(True), cited)
    browse = client.get(f"/questions?sentence={cited.extra.id}").get_data(as_text=True)
    assert_shows_every_source(_browsed_item(browse, cited), cited)


def test_a_hidden_key_hides_its_sources_and_erratum(cited, client, auth, student, instructor):
    course = make_course(instructor, [student])
    now = utcnow()
    settings = quiz.AssignmentSettings(
        title="Open quiz", opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1)
    )
    quiz.create_assignment(course, settings, [cited.question_id])
    auth.login(student.email)
    assert_shows_no_key(client.get(f"/questions/{cited.question_id}").get_data(True), cited)
    browse = client.get(f"/questions?sentence={cited.extra.id}").get_data(as_text=True)
    assert 'data-testid="open-quiz"' in browse and "Back to the essay" in browse
    assert_shows_no_key(browse.replace(f'href="/essay#s-{cited.extra.id}">Back', ""), cited)


# --- study feedback ----------------------------------------------------------------------------


def test_study_feedback_shows_every_source(cited, client, auth, student):
    result = study.record_answer(
        student,
        question_id=cited.question_id,
        card_version=0,
        request_id="r1",
        response=right(_item(cited)),
        duration_ms=None,
        now=utcnow(),
        mode=ReviewMode.PRACTICE,
    )
    auth.login(student.email)
    html = client.get(f"/study/feedback/{result.review.id}").get_data(as_text=True)
    assert_shows_every_source(html, cited)
    # The note sits with the key, before the explanation and the sources, and shows once.
    assert html.index("Note on the record") < html.index('class="explanation"')
    assert html.count("Note on the record") == 1


@pytest.mark.parametrize("mode", ["practice", "mistakes"])
def test_practice_and_mistakes_results_show_every_source(cited, client, auth, student, mode):
    auth.login(student.email)
    data = {"batch_id": f"b-{mode}", "question_ids": cited.question_id, "mode": mode}
    data.update(answer_fields(_item(cited), False, prefix=f"q-{cited.question_id}-"))
    done = client.post("/study/practice", data=data)
    assert_shows_every_source(client.get(done.headers["Location"]).get_data(True), cited)


def test_flashcard_back_shows_every_source(cited, client, auth, student):
    deck = study.flashcard_deck(now=utcnow(), fact_id=cited.fact_id)
    i = deck.index(cited.question_id)
    auth.login(student.email)
    front = client.get(f"/study/flashcards?fact={cited.fact_id}&i={i}").get_data(as_text=True)
    assert_shows_no_key(front, cited)
    back = client.get(f"/study/flashcards?fact={cited.fact_id}&i={i}&show=1").get_data(True)
    assert hidden(back, "question_id") == cited.question_id
    assert_shows_every_source(back, cited)


def test_quiz_result_shows_every_source(cited, client, auth, student, instructor):
    course = make_course(instructor, [student])
    now = utcnow()
    settings = quiz.AssignmentSettings(
        title="Closed quiz", opens_at=now - timedelta(hours=3), closes_at=now - timedelta(hours=1)
    )
    assignment = quiz.create_assignment(course, settings, [cited.question_id])
    attempt = quiz.start_attempt(assignment, student, now - timedelta(hours=2))
    quiz.save_answers(attempt, {cited.question_id: right(_item(cited))}, now - timedelta(hours=2))
    assert quiz.finish_attempt(attempt.id, now - timedelta(hours=2))
    auth.login(student.email)
    html = client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert_shows_every_source(html, cited)


# --- exports -----------------------------------------------------------------------------------


def test_csv_export_carries_every_source_and_the_erratum(cited, client, auth, instructor):
    auth.login(instructor.email)
    text = client.get("/api/questions.csv").get_data(as_text=True).removeprefix("\ufeff")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    row = rows[cited.question_id]
    assert row["quote"] == cited.main.text
    assert row["sources"] == (
        f"{cited.main.section_id}: {cited.main.text} | {cited.extra.section_id}: {cited.extra.text}"
    )
    assert row["erratum"] == ERRATUM
    errata = {q.id: q.erratum or "" for q in seed_bank(0).questions}
    assert all(r["erratum"] == errata[qid] for qid, r in rows.items() if qid != cited.question_id)


def test_anki_export_carries_every_source_and_the_erratum(
    cited, client, auth, instructor, tmp_path
):
    auth.login(instructor.email)
    data = client.get("/api/questions.apkg").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as conn:
        (fields,) = conn.execute(
            "SELECT flds FROM notes WHERE guid = ?", (genanki.guid_for(cited.question_id),)
        ).fetchone()
    back = fields.split("\x1f")[1]
    for sentence in (cited.main, cited.extra):
        assert back.count(f"<blockquote>{html_lib.escape(sentence.text)}</blockquote>") == 1
    assert f"<p><b>Note on the record:</b> {html_lib.escape(ERRATUM)}</p>" in back
