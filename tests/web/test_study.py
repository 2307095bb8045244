"""Studying: the queue, answers recorded exactly once, undo, modes, days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Card, Question, Review, ReviewMode
from studyapp.services import ServiceError, study
from tests.web.helpers import answer_shown, hidden

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _right(view):
    """The right response to a shown card, in the form record_answer takes."""
    answer = view.item.answer
    if view.item.type == "matching":
        return [list(p) for p in answer]
    return list(answer) if isinstance(answer, tuple) else answer


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def test_study_needs_a_student(client, auth, instructor):
    assert client.get("/study/").status_code == 302
    auth.login(instructor.email)
    assert client.get("/study/").status_code == 403


def test_answer_right_then_see_feedback_with_source(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    response, item, _ = answer_shown(client, page, right=True)
    assert response.status_code == 302 and "/study/feedback/" in response.headers["Location"]
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Correct" in feedback or "You rated" in feedback
    assert f"/essay#s-{item.source.sentence_id}" in feedback
    review = db.session.scalars(select(Review)).one()
    assert review.user_id == student.id and review.mode == ReviewMode.STUDY
    assert review.card_before is not None and review.card_after is not None
    assert review.request_id and review.created_at.tzinfo is not None


def test_wrong_answer_is_rated_again(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    response, item, _ = answer_shown(client, page, right=False)
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    review = db.session.scalars(select(Review)).one()
    if item.type != "explain":
        assert not review.correct and review.rating == 1
        assert "Not quite" in feedback or "Partly right" in feedback


def test_double_submit_records_once(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    first, _, data = answer_shown(client, page)
    second = client.post("/study/answer", data=data)
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(Review) == 1
    assert db.session.scalars(select(Card)).one().reps == 1


def test_two_tabs_second_answer_is_refused(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    _, _, data = answer_shown(client, page)
    other_tab = dict(data, request_id="another-tab-request-id")
    response = client.post("/study/answer", data=other_tab, follow_redirects=True)
    assert "already answered this card in another tab" in response.get_data(as_text=True)
    assert _count(Review) == 1
    assert db.session.scalars(select(Card)).one().version == 1


def test_record_answer_service_rules(app, student):
    qid = db.session.scalars(select(Question.id).where(Question.type == "true_false")).first()
    kwargs = dict(question_id=qid, card_version=0, response=True, duration_ms=4000, now=NOW)
    first = study.record_answer(student, request_id="r1", **kwargs)
    again = study.record_answer(student, request_id="r1", **kwargs)
    assert again.repeated and again.review.id == first.review.id
    with pytest.raises(study.StaleAnswer):
        study.record_answer(student, request_id="r2", **kwargs)  # version 0 is stale now
    assert _count(Review) == 1
    with pytest.raises(ServiceError):
        study.record_answer(student, request_id="", **kwargs)


def test_practice_answers_do_not_move_the_schedule(app, student):
    qid = db.session.scalars(select(Question.id).where(Question.type == "true_false")).first()
    study.record_answer(
        student,
        question_id=qid,
        card_version=0,
        request_id="p1",
        response=True,
        duration_ms=None,
        now=NOW,
        mode=ReviewMode.PRACTICE,
    )
    assert _count(Card) == 0 and _count(Review, mode=ReviewMode.PRACTICE) == 1


def test_undo_restores_the_card_and_hides_the_answer(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    answer_shown(client, page)
    card = db.session.scalars(select(Card)).one()
    assert card.reps == 1
    response = client.post("/study/undo", follow_redirects=True)
    assert "undone" in response.get_data(as_text=True)
    db.session.expire_all()
    card = db.session.scalars(select(Card)).one()
    assert card.reps == 0 and card.phase == "new"
    review = db.session.scalars(select(Review)).one()
    assert review.undone_at is not None  # kept in the log, out of the statistics
    again = client.post("/study/undo", follow_redirects=True)
    assert "no answer from today left to undo" in again.get_data(as_text=True)


def test_daily_new_card_limit(app, student):
    student.new_cards_per_day = 3
    db.session.commit()
    shown = 0
    for i in range(6):
        view = study.next_card(student, NOW + timedelta(minutes=i))
        if view is None:
            break
        study.record_answer(
            student,
            question_id=view.question.id,
            card_version=view.version,
            request_id=f"n{i}",
            response=_right(view),
            duration_ms=None,
            now=NOW + timedelta(minutes=i),
            self_rating=3,
        )
        shown += 1
    assert shown >= 3
    assert (
        study.new_cards_today(student, NOW + timedelta(minutes=10), study.clock_for(student)) == 3
    )


def test_siblings_are_not_shown_back_to_back(app, student):
    seen_facts = []
    for i in range(8):
        view = study.next_card(student, NOW + timedelta(minutes=i))
        seen_facts.append(view.question.fact_ids[0])
        study.record_answer(
            student,
            question_id=view.question.id,
            card_version=view.version,
            request_id=f"s{i}",
            response=_right(view),
            duration_ms=None,
            now=NOW + timedelta(minutes=i),
            self_rating=3,
        )
    assert len(set(seen_facts)) == len(seen_facts)


def test_due_cards_come_before_new_ones(app, student):
    view = study.next_card(student, NOW)
    study.record_answer(
        student,
        question_id=view.question.id,
        card_version=0,
        request_id="d1",
        response="wrong",
        duration_ms=None,
        now=NOW,
        self_rating=1,
    )
    later = NOW + timedelta(minutes=30)  # the learning step has passed
    assert study.next_card(student, later).question.id == view.question.id


def test_answer_form_errors_are_clear_and_change_nothing(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    data = {
        "question_id": hidden(page, "question_id"),
        "card_version": "0",
        "request_id": hidden(page, "request_id"),
        "mode": "study",
    }
    response = client.post("/study/answer", data=data)
    assert response.status_code in (400, 302)
    assert _count(Review) == 0


def test_practice_quiz_flow(client, auth, student):
    auth.login(student.email)
    setup = client.get("/study/practice")
    assert setup.status_code == 200
    quiz = client.get("/study/practice?sections=3&types=true_false&count=5")
    html = quiz.get_data(as_text=True)
    ids = hidden(html, "question_ids").split(",")
    assert len(ids) == 5
    data = {"batch_id": hidden(html, "batch_id"), "question_ids": ",".join(ids), "mode": "practice"}
    for qid in ids:
        data[f"q-{qid}-choice"] = "true"
    done = client.post("/study/practice", data=data)
    results = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your result" in results and results.count("question-item") == 5
    client.post("/study/practice", data=data)  # resubmitted: nothing counted twice
    assert _count(Review, mode=ReviewMode.PRACTICE) == 5
    assert _count(Card) == 0
    bad = client.get("/study/practice?count=500")
    assert "Choose 5 to 50" in bad.get_data(as_text=True)


def test_mistakes_lists_wrong_answers_until_answered_right(app, client, auth, student):
    qid = db.session.scalars(select(Question.id).where(Question.type == "true_false")).first()
    now = datetime.now(UTC)
    study.record_answer(
        student,
        question_id=qid,
        card_version=0,
        request_id="m1",
        response="maybe",
        duration_ms=None,
        now=now,
        mode=ReviewMode.PRACTICE,
    )
    assert [q.id for q in study.mistake_questions(student, now)] == [qid]
    auth.login(student.email)
    assert qid in client.get("/study/mistakes").get_data(as_text=True)
    right = db.session.get(Question, qid).data["answer"]
    study.record_answer(
        student,
        question_id=qid,
        card_version=0,
        request_id="m2",
        response=right,
        duration_ms=None,
        now=now,
        mode=ReviewMode.MISTAKES,
    )
    assert study.mistake_questions(student, now) == []


def test_flashcards_self_rating_moves_a_due_card(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/flashcards?section=2&show=1").get_data(as_text=True)
    data = {
        "question_id": hidden(page, "question_id"),
        "card_version": hidden(page, "card_version"),
        "request_id": hidden(page, "request_id"),
        "shown_at": hidden(page, "shown_at"),
        "mode": "flashcard",
        "rating": "3",
        "next_url": "/study/flashcards?section=2&i=1",
    }
    response = client.post("/study/answer", data=data)
    assert response.status_code == 302
    review = db.session.scalars(select(Review)).one()
    assert review.mode == ReviewMode.FLASHCARD and review.rating == 3
    assert _count(Card) == 1


def test_settings_validate_and_apply(client, auth, student):
    auth.login(student.email)
    bad = client.post(
        "/account/settings",
        data={
            "timezone": "Asia/Seoul",
            "rollover_hour": "4",
            "desired_retention": "0.99",
            "new_cards_per_day": "20",
        },
    )
    assert "between 0.70 and 0.97" in bad.get_data(as_text=True)
    ok = client.post(
        "/account/settings",
        data={
            "timezone": "Asia/Seoul",
            "rollover_hour": "5",
            "desired_retention": "0.85",
            "new_cards_per_day": "7",
        },
    )
    assert ok.status_code == 302
    db.session.refresh(student)
    assert (
        student.timezone,
        student.rollover_hour,
        student.desired_retention,
        student.new_cards_per_day,
    ) == ("Asia/Seoul", 5, 0.85, 7)
