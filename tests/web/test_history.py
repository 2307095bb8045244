"""Answer tracking: every answer stored once, append-only; resends, double submits, two tabs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Card, Question, Review, ReviewMode
from studyapp.services import study
from tests.conftest import PASSWORD, make_app, make_user
from tests.web.helpers import answer_shown, hidden

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _reviews() -> list[Review]:
    return list(db.session.scalars(select(Review).order_by(Review.id)))


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _question(qtype: str) -> Question:
    return db.session.scalars(
        select(Question).where(Question.type == qtype).order_by(Question.id)
    ).first()


def _answer(user, question, request_id, response, now=NOW, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("card_version", 0)
    kw.setdefault("duration_ms", 4000)
    return study.record_answer(
        user, question_id=question.id, request_id=request_id, response=response, now=now, **kw
    )


def test_every_answer_is_stored_with_its_full_record(app, student):
    q = _question("true_false")
    result = _answer(student, q, "req-1", not q.data["answer"], duration_ms=3500)
    review = _reviews()[0]
    card = db.session.scalars(select(Card)).one()
    assert result.review.id == review.id and not result.repeated
    assert (review.user_id, review.question_id, review.card_id) == (student.id, q.id, card.id)
    assert review.mode == ReviewMode.STUDY and review.request_id == "req-1"
    assert review.response is (not q.data["answer"])  # the response exactly as given
    assert (review.correct, review.score, review.rating) == (False, 0.0, 1)  # wrong is Again
    assert review.duration_ms == 3500 and review.phase == "new"
    assert review.created_at == NOW and review.created_at.tzinfo is not None
    assert review.card_before["phase"] == "new" and review.card_before["reps"] == 0
    assert review.card_after == card.state and card.version == 1
    assert review.undone_at is None


def test_an_item_edited_by_a_reseed_is_graded_against_its_new_key(app, student):
    """The id stays when a reseed changes a key; no process may keep grading the old one."""
    q = _question("true_false")
    original = dict(q.data)
    first = _answer(student, q, "req-before", q.data["answer"])
    q.data = {**q.data, "answer": not q.data["answer"]}  # what another process's reseed writes
    db.session.commit()
    try:
        second = _answer(student, q, "req-after", q.data["answer"], card_version=1)
    finally:  # the bank outlives a test on PostgreSQL: put the item back
        q.data = original
        db.session.commit()
    assert first.review.correct and second.review.correct


def test_answers_accumulate_and_nothing_is_rewritten(app, student):
    q = _question("true_false")
    answer = q.data["answer"]
    _answer(student, q, "a1", answer)
    _answer(student, q, "a2", answer, card_version=1, now=NOW + timedelta(minutes=15))
    _answer(student, q, "p1", not answer, mode=ReviewMode.PRACTICE, now=NOW + timedelta(hours=1))
    first = [(r.id, r.request_id, r.response, r.card_after) for r in _reviews()]
    study.undo_last(student, NOW + timedelta(hours=2))
    after = [(r.id, r.request_id, r.response, r.card_after) for r in _reviews()]
    assert first == after and len(after) == 3  # undo marks; it never deletes or edits
    assert [r.undone_at is not None for r in _reviews()] == [False, True, False]


def test_same_request_id_twice_records_once_and_returns_the_first_result(app, student):
    q = _question("true_false")
    first = _answer(student, q, "twice", q.data["answer"])
    # A resend may even carry another response: the first one stands.
    second = _answer(student, q, "twice", not q.data["answer"])
    assert second.repeated and second.review.id == first.review.id
    assert second.verdict.correct is True
    assert _count(Review) == 1
    card = db.session.scalars(select(Card)).one()
    assert card.version == 1 and card.reps == 1  # one schedule step, not two


@pytest.mark.parametrize("mode", [ReviewMode.PRACTICE, ReviewMode.MISTAKES])
def test_same_request_id_in_logged_only_modes(app, student, mode):
    q = _question("multiple_choice")
    first = _answer(student, q, "batch:1", q.data["answer"], mode=mode)
    again = _answer(student, q, "batch:1", q.data["answer"], mode=mode)
    assert again.repeated and again.review.id == first.review.id and _count(Review) == 1


def test_request_id_race_is_resolved_by_the_unique_constraint(app, student, monkeypatch):
    """Two workers pass every check at once: the loser rolls back and returns the stored row."""
    q = _question("cloze")
    stored = _answer(student, q, "race", q.data["answer"], mode=ReviewMode.PRACTICE)
    lookups = []
    real = study._existing

    def spy(user, request_id):  # type: ignore[no-untyped-def]
        lookups.append(request_id)
        return real(user, request_id)

    monkeypatch.setattr(study, "_existing", spy)
    again = _answer(student, q, "race", "something else", mode=ReviewMode.PRACTICE)
    assert lookups == ["race"]  # looked up only after the INSERT hit uq_review_user_request
    assert again.repeated and again.review.id == stored.review.id
    assert again.review.response == q.data["answer"]
    assert _count(Review) == 1


def test_stale_card_version_is_refused_without_a_second_step(app, student):
    q = _question("short_answer")
    _answer(student, q, "tab-1", q.data["answer"])
    card_before = db.session.scalars(select(Card)).one().state
    with pytest.raises(study.StaleAnswer, match="already answered this card in another tab"):
        _answer(student, q, "tab-2", q.data["answer"], card_version=0)
    db.session.expire_all()
    card = db.session.scalars(select(Card)).one()
    assert card.state == card_before and card.version == 1
    assert _count(Review) == 1


def test_a_new_card_answered_in_two_tabs_is_created_once(app, student):
    q = _question("short_answer")
    _answer(student, q, "tab-1", q.data["answer"])
    with pytest.raises(study.StaleAnswer):
        _answer(student, q, "tab-2", "wrong", card_version=0)
    assert _count(Card) == 1 and _count(Review) == 1


def test_resend_after_undo_returns_the_first_result(app, student):
    q = _question("true_false")
    first = _answer(student, q, "r", q.data["answer"])
    study.undo_last(student, NOW + timedelta(minutes=1))
    again = _answer(student, q, "r", q.data["answer"], now=NOW + timedelta(minutes=2))
    assert again.repeated and again.review.id == first.review.id
    card = db.session.scalars(select(Card)).one()
    assert card.reps == 0 and card.version == 2  # undone, and not moved again


# --- through the web, with the forms ------------------------------------------------------


def test_double_submit_shows_the_first_result(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    first, _, data = answer_shown(client, page, right=True)
    second = client.post("/study/answer", data=data)
    assert second.headers["Location"] == first.headers["Location"]
    notice = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already been recorded" in notice
    assert _count(Review) == 1 and db.session.scalars(select(Card)).one().reps == 1


def test_second_tab_gets_a_clear_message(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    other_tab = client.get("/study/").get_data(as_text=True)  # same card, another request id
    assert hidden(other_tab, "question_id") == hidden(page, "question_id")
    assert hidden(other_tab, "request_id") != hidden(page, "request_id")
    answer_shown(client, page)
    response, _, _ = answer_shown(client, other_tab)
    assert response.status_code == 302 and response.headers["Location"].endswith("/study/")
    text = client.get("/study/").get_data(as_text=True)
    assert "You already answered this card in another tab" in text
    assert _count(Review) == 1


def test_json_answers_report_repeats_and_stale_cards(client, auth, student):
    auth.login(student.email)
    headers = {"Accept": "application/json"}
    card = client.get("/study/", headers=headers).get_json()
    q = db.session.get(Question, card["question_id"])
    from studyapp.services.bank import core_question
    from tests.web.helpers import answer_fields

    data = {
        "question_id": card["question_id"],
        "card_version": card["card_version"],
        "request_id": card["request_id"],
        "shown_at": card["shown_at"],
        "mode": "study",
        **answer_fields(core_question(q), True),
    }
    first = client.post("/study/answer", data=data, headers=headers).get_json()
    again = client.post("/study/answer", data=data, headers=headers).get_json()
    assert again["repeated"] and again["review_id"] == first["review_id"]
    stale = client.post("/study/answer", data=dict(data, request_id="x2"), headers=headers)
    assert stale.status_code == 409 and "another tab" in stale.get_json()["error"]


def test_feedback_of_another_learners_answer_is_not_found(app, client, auth, student):
    q = _question("true_false")
    result = _answer(student, q, "mine", q.data["answer"])
    other = make_user()
    auth.login(other.email)
    assert client.get(f"/study/feedback/{result.review.id}").status_code == 404


# --- with CSRF protection on ----------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _token(html: str) -> str:
    m = TOKEN.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1) or m.group(2)


def test_answers_need_the_csrf_token(template_db, tmp_path):
    # No app context is held around the requests: Flask would share ``g`` (and its cached
    # token) between them, which a real browser never sees.
    app = make_app(template_db, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        email = make_user().email
    login_page = client.get("/account/login").get_data(as_text=True)
    client.post(
        "/account/login",
        data={"email": email, "password": PASSWORD, "csrf_token": _token(login_page)},
    )
    page = client.get("/study/").get_data(as_text=True)
    data = {
        name: hidden(page, name)
        for name in ("question_id", "card_version", "request_id", "shown_at", "mode")
    }
    with app.app_context():
        from tests.web.helpers import answer_fields

        data.update(answer_fields(study.shown_item(data["question_id"])))
    refused = client.post("/study/answer", data=data)
    assert refused.status_code == 400
    assert "Your form expired or was sent from elsewhere" in refused.get_data(as_text=True)
    forged = client.post("/study/answer", data=dict(data, csrf_token="forged"))
    assert forged.status_code == 400
    with app.app_context():
        assert _count(Review) == 0
    ok = client.post("/study/answer", data=dict(data, csrf_token=_token(page)))
    assert ok.status_code == 302 and "/study/feedback/" in ok.headers["Location"]
    assert client.post("/study/undo").status_code == 400
    feedback = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert client.post("/study/undo", data={"csrf_token": _token(feedback)}).status_code == 302
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert review.undone_at is not None
        db.session.remove()
        db.engine.dispose()
