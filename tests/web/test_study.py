"""Studying: the queue and its rules, answering each type, modes, undo, settings in use.

Rules about days call the services with explicit datetimes; page tests go through the forms.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from studyapp.core.scheduling import CardPhase, CardState
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    AssignmentQuestion,
    Card,
    Course,
    Enrollment,
    Question,
    QuestionFact,
    Review,
    ReviewMode,
)
from studyapp.services import ServiceError, study
from studyapp.services.bank import core_question
from tests.conftest import make_user
from tests.export_schema import TYPES
from tests.web.bankkit import add_questions, twin_of
from tests.web.helpers import answer_fields, answer_shown, hidden, shown_item

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # 12:00 UTC, a Monday


# --- builders -------------------------------------------------------------------------------


def _questions(qtype: str | None = None) -> list[Question]:
    stmt = select(Question).order_by(Question.id)
    if qtype:
        stmt = stmt.where(Question.type == qtype)
    return list(db.session.scalars(stmt))


def make_card(user, question, *, due, phase="review", stability=10.0, last_review=None):  # type: ignore[no-untyped-def]
    """A card already in the given phase, due at ``due``."""
    last = last_review or due - timedelta(days=max(int(stability), 1))
    state = CardState(
        phase=CardPhase(phase),
        step=None if phase == "review" else 0,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last,
        reps=3,
        lapses=0,
    )
    card = Card(
        user_id=user.id,
        question_id=question.id,
        fact_id=question.fact_ids[0],
        phase=phase,
        due=due,
        last_review=last,
        reps=3,
        state=state.to_dict(),
        version=1,
        created_at=last,
    )
    db.session.add(card)
    db.session.commit()
    return card


def make_open_quiz(student, question_ids, *, opens, closes, title="Quiz 1"):  # type: ignore[no-untyped-def]
    teacher = make_user(role="instructor")
    course = Course(instructor_id=teacher.id, name="Class", join_code=f"J{teacher.id:07d}")
    db.session.add(course)
    db.session.flush()
    db.session.add(Enrollment(course_id=course.id, user_id=student.id))
    assignment = Assignment(course_id=course.id, title=title, opens_at=opens, closes_at=closes)
    db.session.add(assignment)
    db.session.flush()
    for i, qid in enumerate(question_ids):
        db.session.add(AssignmentQuestion(assignment_id=assignment.id, question_id=qid, position=i))
    db.session.commit()
    return assignment


def right_response(item) -> Any:  # type: ignore[no-untyped-def]
    """The right response in the shape record_answer takes."""
    if item.type == "matching":
        return [list(p) for p in item.answer]
    if item.type == "ordering":
        return list(item.answer)
    return item.answer


def answer(user, view, now, *, right=True, rating=3, duration_ms=6000, request_id=None):  # type: ignore[no-untyped-def]
    return study.record_answer(
        user,
        question_id=view.question_id,
        card_version=view.version,
        request_id=request_id or view.request_id,
        response=right_response(view.item) if right else "wrong",
        duration_ms=duration_ms,
        now=now,
        self_rating=rating if right else 1,
    )


def _count(model, **where) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def _siblings(request) -> tuple[str, Question, Question]:  # type: ignore[no-untyped-def]
    """A usable objective question and a sibling added for the test (the same primary fact)."""
    first = next(q for q in _questions() if q.type != "explain" and q.usable)
    (sibling,) = add_questions(request, [twin_of(core_question(first))])
    return first.fact_ids[0], first, sibling


def _other_than(fact: str) -> Question:
    """A usable objective question whose primary fact is not ``fact``."""
    return next(
        q for q in _questions() if q.type != "explain" and q.usable and q.fact_ids[0] != fact
    )


# --- access and the page --------------------------------------------------------------------


def test_study_needs_a_student(client, auth, instructor):
    assert client.get("/study/").status_code == 302
    auth.login(instructor.email)
    assert client.get("/study/").status_code == 403


def test_review_page_obeys_the_content_security_policy(client, auth, student):
    auth.login(student.email)
    for path in ("/study/", "/study/progress", "/study/practice", "/study/flashcards"):
        html = client.get(path).get_data(as_text=True)
        assert "/static/js/study.js" in html and "/static/css/study.css" in html, path
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, path  # no inline script
        assert " style=" not in html and "<style" not in html, path
        assert re.search(r"<[^>]+\son[a-z]+=", html) is None, path  # no inline handlers


def test_review_page_shows_counts_and_undo(client, auth, student):
    auth.login(student.email)
    html = client.get("/study/").get_data(as_text=True)
    assert 'data-testid="due-count">0<' in html and 'data-testid="new-left">20<' in html
    assert 'action="/study/undo"' in html and "Undo last answer" in html
    assert 'action="/study/answer"' in html


@pytest.mark.parametrize("qtype", TYPES)
def test_each_type_is_answered_with_plain_forms(client, auth, student, qtype):
    """No JavaScript: POST the answer, follow the redirect to the feedback page, then Next."""
    question = _questions(qtype)[0]
    make_card(student, question, due=utcnow() - timedelta(hours=1))
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    item = shown_item(page)
    assert item.id == question.id
    fields = {
        "multiple_choice": 'type="radio" name="choice"',
        "true_false": 'name="choice" value="false"',
        "cloze": 'type="text" id="text" name="text"',
        "short_answer": 'type="text" id="text" name="text"',
        "ordering": 'name="pos-0"',
        "matching": 'name="match-0"',
        "explain": "<textarea",
    }
    assert fields[qtype] in page
    if qtype == "explain":  # think, reveal, compare, then rate
        data = {
            name: hidden(page, name)
            for name in ("question_id", "card_version", "request_id", "shown_at", "mode")
        }
        revealed = client.post(
            "/study/answer", data=dict(data, text="Soviet pressure", action="reveal")
        )
        html = revealed.get_data(as_text=True)
        assert revealed.status_code == 200 and "Soviet pressure" in html
        assert "The essay's answer" in html or "The essay&#39;s answer" in html
        assert 'name="rating" value="3"' in html and _count(Review) == 0
        response = client.post("/study/answer", data=dict(data, text="Soviet pressure", rating="3"))
    else:
        response, _, _ = answer_shown(client, page, right=True)
    assert response.status_code == 302 and "/study/feedback/" in response.headers["Location"]
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    if qtype == "explain":
        assert "You rated your recall: <strong>Good</strong>" in feedback
    else:
        assert "Correct" in feedback and "Your answer:" in feedback
    assert str(escape(item.explanation.split()[0])) in feedback
    if item.source.sentence_id:
        assert f'href="/essay#s-{item.source.sentence_id}"' in feedback
    assert 'href="/study/"' in feedback and "Next card" in feedback
    assert "Undo this answer" in feedback and "Next review of this card" in feedback
    review = db.session.scalars(select(Review)).one()
    assert review.correct and review.rating in (2, 3, 4)


def test_a_wrong_answer_shows_the_right_one(client, auth, student):
    question = _questions("short_answer")[0]
    make_card(student, question, due=utcnow() - timedelta(hours=1))
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    response, item, _ = answer_shown(client, page, right=False)
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not quite" in feedback and "zzzz wrong 0000" in feedback
    assert item.answer in feedback
    review = db.session.scalars(select(Review)).one()
    assert (review.correct, review.rating, review.phase) == (False, 1, "review")


def test_incomplete_answers_are_refused_with_a_message(client, auth, student):
    question = _questions("multiple_choice")[0]
    make_card(student, question, due=utcnow() - timedelta(hours=1))
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    data = {
        name: hidden(page, name)
        for name in ("question_id", "card_version", "request_id", "shown_at", "mode")
    }
    response = client.post("/study/answer", data=data)
    assert response.status_code == 400 and "Choose one of the options." in response.get_data(
        as_text=True
    )
    missing = client.post("/study/answer", data={"question_id": question.id})
    assert missing.status_code == 302
    assert _count(Review) == 0


def test_json_next_card(client, auth, student):
    auth.login(student.email)
    data = client.get("/study/", headers={"Accept": "application/json"}).get_json()
    assert data["done"] is False and data["card_version"] == 0 and len(data["request_id"]) >= 16
    assert data["new_left"] == 20 and data["type"] in TYPES


# --- the queue ------------------------------------------------------------------------------


def test_due_cards_come_first_by_due_time_then_new_cards(app, student):
    a, b, c = _questions("cloze")[:3]
    make_card(student, a, due=NOW - timedelta(hours=1))
    make_card(student, b, due=NOW - timedelta(days=2))
    make_card(student, c, due=NOW + timedelta(days=1))  # not due
    view = study.next_card(student, NOW)
    assert (view.question_id, view.kind, view.due_count) == (b.id, "due", 2)
    answer(student, view, NOW)
    view = study.next_card(student, NOW + timedelta(minutes=1))
    assert view.question_id == a.id
    answer(student, view, NOW + timedelta(minutes=1))
    view = study.next_card(student, NOW + timedelta(minutes=2))
    assert view.kind == "new" and view.card_id is None and view.version == 0
    assert view.question_id not in {a.id, b.id, c.id}


def test_a_learning_card_comes_back_when_its_step_is_due(app, student):
    view = study.next_card(student, NOW)
    answer(student, view, NOW, right=False)  # Again: a one-minute step
    again = study.next_card(student, NOW + timedelta(minutes=2))
    # Its own fact was answered today, but it is not its own sibling: it comes back first.
    assert again.question_id == view.question_id and again.kind == "due"


def test_new_cards_per_learner_day_in_the_learners_time_zone(app, student):
    student.timezone, student.rollover_hour, student.new_cards_per_day = "Asia/Seoul", 4, 2
    db.session.commit()
    start = NOW  # 21:00 in Seoul
    for i in range(2):
        view = study.next_card(student, start + timedelta(seconds=i))
        assert view.kind == "new"
        # Easy, whether the item rates itself (quick and right) or is self-rated
        answer(student, view, start + timedelta(seconds=i), duration_ms=1000, rating=4)
    assert study.next_card(student, start + timedelta(minutes=1)) is None
    late = datetime(2026, 5, 4, 18, 30, tzinfo=UTC)  # 03:30 next morning: still the same day
    assert study.new_cards_today(student, late) == 2
    assert study.next_card(student, late) is None
    morning = datetime(2026, 5, 4, 19, 30, tzinfo=UTC)  # 04:30: a new learner day
    assert study.new_cards_today(student, morning) == 0
    view = study.next_card(student, morning)
    assert view.kind == "new" and view.new_left == 2


def test_new_card_limit_zero_still_serves_due_cards(app, student):
    student.new_cards_per_day = 0
    db.session.commit()
    assert study.next_card(student, NOW) is None
    q = _questions("cloze")[0]
    make_card(student, q, due=NOW - timedelta(days=1))
    assert study.next_card(student, NOW).question_id == q.id


def test_siblings_are_not_shown_back_to_back(app, student, request):
    fact, first, sibling = _siblings(request)
    other = _other_than(fact)
    make_card(student, first, due=NOW - timedelta(days=3))
    make_card(student, sibling, due=NOW - timedelta(days=2))
    make_card(student, other, due=NOW - timedelta(days=1))
    view = study.next_card(student, NOW)
    assert view.question_id == first.id
    answer(student, view, NOW, duration_ms=1000)
    # The sibling is due earlier than `other`, but its fact was just answered.
    assert study.next_card(student, NOW + timedelta(minutes=1)).question_id == other.id


def test_a_sibling_comes_when_nothing_else_is_left(app, student, request):
    student.new_cards_per_day = 0
    db.session.commit()
    _fact, first, sibling = _siblings(request)
    make_card(student, first, due=NOW - timedelta(days=3))
    make_card(student, sibling, due=NOW - timedelta(days=2))
    answer(student, study.next_card(student, NOW), NOW, duration_ms=1000)
    assert study.next_card(student, NOW + timedelta(minutes=1)).question_id == sibling.id


def test_new_cards_skip_siblings_of_todays_facts(app, student, request):
    fact, first, sibling = _siblings(request)
    others: dict[str, Question] = {}  # three more new cards, each on a fact of its own
    for q in _questions():
        if q.type != "explain" and q.usable and q.fact_ids[0] != fact and len(others) < 3:
            others.setdefault(q.fact_ids[0], q)
    keep = {first.id, sibling.id, *(q.id for q in others.values())}
    for q in _questions():
        if q.id not in keep:
            q.retired_at = NOW
    db.session.commit()
    shown = []
    for i in range(5):
        now = NOW + timedelta(minutes=i)
        view = study.next_card(student, now)
        assert view.kind == "new"
        shown.append(view.question_id)
        answer(student, view, now, duration_ms=1000, rating=4)  # Easy: out of today's queue
    facts = [db.session.get(Question, qid).fact_ids[0] for qid in shown]
    # Whichever of the two came first, the other waited until nothing else was left.
    assert len(set(facts[:4])) == 4 and facts[4] == fact and set(shown) == keep
    assert study.next_card(student, NOW + timedelta(minutes=5)) is None


def test_sibling_rule_holds_the_next_day_too_only_for_that_day(app, student, request):
    fact, first, sibling = _siblings(request)
    other = _other_than(fact)
    make_card(student, first, due=NOW - timedelta(days=3))
    make_card(student, sibling, due=NOW - timedelta(days=2))
    make_card(student, other, due=NOW - timedelta(days=1))
    answer(student, study.next_card(student, NOW), NOW, duration_ms=1000)
    tomorrow = NOW + timedelta(days=1)
    assert study.next_card(student, tomorrow).question_id == sibling.id


def test_retired_and_dropped_questions_are_never_shown(app, student):
    retired, dropped, kept = _questions("cloze")[:3]
    for q in (retired, dropped, kept):
        make_card(student, q, due=NOW - timedelta(days=1))
    retired.retired_at = NOW
    dropped.in_bank = False
    db.session.commit()
    view = study.next_card(student, NOW)
    assert view.question_id == kept.id and view.due_count == 1
    first_new = study._unstudied(student, NOW)[0]
    db.session.get(Question, first_new).retired_at = NOW
    db.session.commit()
    assert first_new not in study._unstudied(student, NOW)
    with pytest.raises(ServiceError, match="no longer in the bank"):
        study.record_answer(
            student,
            question_id=retired.id,
            card_version=1,
            request_id="r",
            response="x",
            duration_ms=None,
            now=NOW,
        )


# --- open quizzes ---------------------------------------------------------------------------


def _quiz_facts(  # type: ignore[no-untyped-def]
    request, n: int, qtype: str = "multiple_choice"
) -> tuple[list[str], dict[str, set[str]]]:
    """``n`` questions of one type on different facts, with two more questions added on each
    of those facts, and each fact's other usable questions on it alone (the quiz's facts reach
    study through those)."""
    chosen: dict[str, Question] = {}  # fact -> the quiz's question on it
    for q in _questions(qtype):
        if q.usable and len(q.fact_ids) == 1 and len(chosen) < n:
            chosen.setdefault(q.fact_ids[0], q)
    assert len(chosen) == n
    add_questions(
        request,
        [twin_of(core_question(q), f"other-{k}") for q in chosen.values() for k in (1, 2)],
    )
    by_fact: dict[str, set[str]] = {}  # questions on one fact only (no matching, no ordering)
    for q in _questions():
        if q.usable and len(q.fact_ids) == 1:
            by_fact.setdefault(q.fact_ids[0], set()).add(q.id)
    facts = {fact: by_fact[fact] - {q.id} for fact, q in chosen.items()}
    return [q.id for q in chosen.values()], facts


def test_quiz_facts_come_first_among_new_cards_through_other_questions(app, request, student):
    student.new_cards_per_day = 1
    db.session.commit()
    qids, facts = _quiz_facts(request, 3)
    make_open_quiz(student, qids, opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=5))
    covered = set()
    for i in range(3):
        now = NOW + timedelta(minutes=i)
        view = study.next_card(student, now)
        assert view.kind == "exam" and view.exam == "Quiz 1" and view.new_left == 1
        assert view.question_id not in qids  # the quiz's own questions are held back
        covered |= set(db.session.get(Question, view.question_id).fact_ids) & set(facts)
        answer(student, view, now, duration_ms=1000)
    assert covered == set(facts)  # one new question per fact of the quiz
    assert study.new_cards_today(student, NOW + timedelta(minutes=5)) == 0
    view = study.next_card(student, NOW + timedelta(minutes=5))
    assert view.kind == "new"
    assert not set(db.session.get(Question, view.question_id).fact_ids) & set(facts)


def test_a_quiz_brings_one_question_per_fact_not_all_of_them(app, request, student):
    student.new_cards_per_day = 0
    db.session.commit()
    (qid,), facts = _quiz_facts(request, 1)
    make_open_quiz(student, [qid], opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=5))
    view = study.next_card(student, NOW)
    assert view.kind == "exam" and view.question_id != qid
    assert set(facts) <= set(db.session.get(Question, view.question_id).fact_ids)
    answer(student, view, NOW, duration_ms=1000)  # easy: recalled at the close
    assert study.next_card(student, NOW + timedelta(minutes=1)) is None


def test_an_open_quizs_own_questions_are_never_studied(app, request, student):
    student.new_cards_per_day = 0
    db.session.commit()
    (qid,), facts = _quiz_facts(request, 1)
    q = db.session.get(Question, qid)
    make_card(student, q, due=NOW - timedelta(days=1))  # due, and studied before the quiz
    quiz = make_open_quiz(
        student, [qid], opens=NOW - timedelta(hours=1), closes=NOW + timedelta(days=2)
    )
    view = study.next_card(student, NOW)
    assert view is not None and view.question_id != qid and view.due_count == 0
    quiz.closes_at = NOW - timedelta(minutes=1)
    db.session.commit()
    assert study.next_card(student, NOW).question_id == qid


def test_quiz_pulls_a_card_forward_so_it_is_recalled_at_the_close(app, request, student):
    student.new_cards_per_day = 0
    db.session.commit()
    (qid,), facts = _quiz_facts(request, 1)
    other = db.session.get(Question, sorted(next(iter(facts.values())))[0])
    # Scheduled for a lower target than today's 90% (due in 20 days), stability 5 days, last
    # seen 6 days ago: predicted recall is already below 90% and lower still at the close.
    last = NOW - timedelta(days=6)
    make_card(student, other, due=NOW + timedelta(days=20), stability=5.0, last_review=last)
    assert study.next_card(student, NOW) is None
    make_open_quiz(student, [qid], opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=7))
    view = study.next_card(student, NOW)
    assert view is not None and view.question_id == other.id
    assert (view.kind, view.exam, view.due_count) == ("exam", "Quiz 1", 1)


def test_quiz_pulls_forward_only_when_recall_would_drop_before_the_close(app, request, student):
    student.new_cards_per_day = 0
    db.session.commit()
    (qid,), facts = _quiz_facts(request, 1)
    other = db.session.get(Question, sorted(next(iter(facts.values())))[0])
    last = NOW - timedelta(days=2)
    make_card(student, other, due=NOW + timedelta(days=20), stability=5.0, last_review=last)
    make_open_quiz(student, [qid], opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=7))
    assert study.next_card(student, NOW) is None  # recall still above 90% today
    assert study.next_card(student, NOW + timedelta(days=4)).question_id == other.id


def test_quiz_far_enough_ahead_changes_nothing(app, request, student):
    student.new_cards_per_day = 0
    db.session.commit()
    (qid,), facts = _quiz_facts(request, 1)
    other = db.session.get(Question, sorted(next(iter(facts.values())))[0])
    make_card(student, other, due=NOW + timedelta(days=3), stability=60.0)
    make_open_quiz(student, [qid], opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=2))
    assert study.next_card(student, NOW) is None  # recall at the close is high: not pulled


@pytest.mark.parametrize(
    ("opens", "closes", "enrolled"),
    [
        (NOW + timedelta(days=1), NOW + timedelta(days=3), True),  # not open yet
        (NOW - timedelta(days=3), NOW - timedelta(days=1), True),  # closed
        (NOW - timedelta(days=1), NOW + timedelta(days=3), False),  # not my class
    ],
)
def test_only_open_quizzes_of_my_classes_count(app, student, opens, closes, enrolled):
    student.new_cards_per_day = 0
    db.session.commit()
    q = _questions("true_false")[0]
    quiz = make_open_quiz(student, [q.id], opens=opens, closes=closes)
    if not enrolled:
        db.session.execute(Enrollment.__table__.delete())
        db.session.commit()
    assert study.open_exams(student, NOW) == []
    assert study.next_card(student, NOW) is None
    assert quiz.id


def test_an_extension_keeps_the_quiz_open_for_that_student(app, student):
    student.new_cards_per_day = 0
    db.session.commit()
    q = _questions("true_false")[0]
    quiz = make_open_quiz(
        student, [q.id], opens=NOW - timedelta(days=5), closes=NOW - timedelta(hours=1)
    )
    db.session.add(
        AssignmentOverride(
            assignment_id=quiz.id, user_id=student.id, closes_at=NOW + timedelta(days=2)
        )
    )
    db.session.commit()
    (exam,) = study.open_exams(student, NOW)
    assert exam.closes_at == NOW + timedelta(days=2) and list(exam.fact_ids) == q.fact_ids
    view = study.next_card(student, NOW)
    assert view.kind == "exam" and view.question_id != q.id
    assert set(db.session.get(Question, view.question_id).fact_ids) & set(q.fact_ids)


# --- grading and rating ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "duration_ms", "rating"),
    [(False, 3000, 1), (True, 1000, 4), (True, 6000, 3), (True, 40_000, 2), (True, None, 3)],
)
def test_objective_answers_rate_themselves(app, student, right, duration_ms, rating):
    q = _questions("true_false")[0]  # expected time 8 s
    item = core_question(q)
    study.record_answer(
        student,
        question_id=q.id,
        card_version=0,
        request_id="r",
        response=item.answer if right else not item.answer,
        duration_ms=duration_ms,
        now=NOW,
        self_rating=4,  # ignored: objective items are not self-rated
    )
    review = db.session.scalars(select(Review)).one()
    assert (review.rating, review.correct) == (rating, right)


@pytest.mark.parametrize(
    ("rating", "correct", "score"), [(1, False, 0.0), (2, True, 0.5), (4, True, 1.0)]
)
def test_explain_items_take_the_students_rating(app, student, rating, correct, score):
    q = _questions("explain")[0]
    kwargs = dict(question_id=q.id, card_version=0, response="", duration_ms=None, now=NOW)
    with pytest.raises(ServiceError, match="Rate how well"):
        study.record_answer(student, request_id="r0", **kwargs)
    result = study.record_answer(student, request_id="r1", self_rating=rating, **kwargs)
    assert (result.review.rating, result.review.correct, result.review.score) == (
        rating,
        correct,
        score,
    )
    assert result.verdict.self_graded


def test_desired_retention_sets_the_interval(app):
    low, high = make_user(), make_user()
    low.desired_retention, high.desired_retention = 0.70, 0.97
    db.session.commit()
    q = _questions("true_false")[0]
    item = core_question(q)
    dues = []
    for user in (low, high):
        for i, at in enumerate((NOW, NOW + timedelta(minutes=15))):
            study.record_answer(
                user,
                question_id=q.id,
                card_version=i,
                request_id=f"r{i}",
                response=item.answer,
                duration_ms=6000,
                now=at,
            )
        dues.append(db.session.scalars(select(Card.due).where(Card.user_id == user.id)).one())
    assert dues[0] > dues[1]  # a lower target spaces reviews further apart


# --- modes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [ReviewMode.PRACTICE, ReviewMode.MISTAKES])
def test_practice_and_mistakes_answers_never_move_the_schedule(app, student, mode):
    q = _questions("true_false")[0]
    card = make_card(student, q, due=NOW - timedelta(days=1))
    state = dict(card.state)
    result = study.record_answer(
        student,
        question_id=q.id,
        card_version=0,  # any version: nothing is moved
        request_id="p",
        response=True,
        duration_ms=None,
        now=NOW,
        mode=mode,
    )
    db.session.expire_all()
    card = db.session.get(Card, card.id)
    assert card.state == state and card.version == 1
    review = db.session.get(Review, result.review.id)
    assert review.mode == mode and review.card_after is None and review.rating is None
    assert review.card_id == card.id


def test_flashcards_move_a_due_card_only(app, student):
    due_q, later_q, new_q = _questions("cloze")[:3]
    due = make_card(student, due_q, due=NOW - timedelta(hours=1))
    later = make_card(student, later_q, due=NOW + timedelta(days=5))
    for q, card, rid in ((due_q, due, "f1"), (later_q, later, "f2"), (new_q, None, "f3")):
        study.record_answer(
            student,
            question_id=q.id,
            card_version=card.version if card else 0,
            request_id=rid,
            response=None,
            duration_ms=None,
            now=NOW,
            mode=ReviewMode.FLASHCARD,
            self_rating=3,
        )
    db.session.expire_all()
    rows = {r.request_id: r for r in db.session.scalars(select(Review))}
    assert rows["f1"].card_after is not None and db.session.get(Card, due.id).version == 2
    assert rows["f2"].card_after is None and db.session.get(Card, later.id).version == 1
    assert rows["f3"].card_after is not None  # never studied: it starts its schedule
    assert {r.mode for r in rows.values()} == {ReviewMode.FLASHCARD}
    with pytest.raises(ServiceError, match="Rate how well"):
        study.record_answer(
            student,
            question_id=due_q.id,
            card_version=2,
            request_id="f4",
            response=None,
            duration_ms=None,
            now=NOW,
            mode=ReviewMode.FLASHCARD,
        )


def test_flashcard_pages(client, auth, student):
    auth.login(student.email)
    front = client.get("/study/flashcards?section=2").get_data(as_text=True)
    assert "Show answer" in front and 'name="rating"' not in front
    assert "moves its schedule" in front
    back = client.get("/study/flashcards?section=2&show=1").get_data(as_text=True)
    item = shown_item(back)
    assert item.source.section == "2" and 'name="rating" value="4"' in back
    data = {
        name: hidden(back, name)
        for name in ("question_id", "card_version", "request_id", "shown_at", "mode")
    }
    ok = client.post(
        "/study/answer", data=dict(data, rating="3", next_url="/study/flashcards?section=2&i=1")
    )
    assert ok.headers["Location"].endswith("/study/flashcards?section=2&i=1")
    evil = client.post(
        "/study/answer", data=dict(data, request_id="x2", rating="3", next_url="//evil.example/")
    )
    assert "evil" not in evil.headers["Location"]
    assert evil.headers["Location"].endswith("/study/flashcards")
    fact = item.fact_ids[0]
    by_fact = client.get(f"/study/flashcards?fact={fact}&show=1").get_data(as_text=True)
    assert fact in shown_item(by_fact).fact_ids


def test_practice_quiz_flow(client, auth, student, request):
    # One section and one kind (whose wrong answers score nothing), with five questions: the
    # bank's largest such group, filled up with questions added for the test if it has fewer.
    groups: dict[tuple[str, str], list[Question]] = {}
    for q in _questions():
        if q.usable and q.type in ("multiple_choice", "true_false", "cloze", "short_answer"):
            groups.setdefault((q.section, q.type), []).append(q)
    (section, qtype), group = max(groups.items(), key=lambda kv: len(kv[1]))
    extra = [twin_of(core_question(group[i % len(group)]), f"more-{i}") for i in range(5)]
    add_questions(request, extra[: max(5 - len(group), 0)])
    auth.login(student.email)
    setup = client.get("/study/practice").get_data(as_text=True)
    assert "do not change your study schedule" in setup
    html = client.get(
        f"/study/practice?sections={section}&types={qtype}&count=5", follow_redirects=True
    ).get_data(as_text=True)
    ids = hidden(html, "question_ids").split(",")
    assert len(ids) == 5 and "do not change your study schedule" in html
    questions = [db.session.get(Question, i) for i in ids]
    assert {(q.section, q.type) for q in questions} == {(section, qtype)}
    data = {"batch_id": hidden(html, "batch_id"), "question_ids": ",".join(ids), "mode": "practice"}
    for i, q in enumerate(questions):  # the first one wrong
        data.update(answer_fields(core_question(q), i > 0, prefix=f"q-{q.id}-"))
    done = client.post("/study/practice", data=data)
    results = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="score">4.0<' in results and results.count('class="question-item') == 5
    assert results.count("Your answer:") == 5 and results.count("Correct answer:") == 5
    assert results.count('href="/essay#s-') >= 5 and "Wrong" in results
    client.post("/study/practice", data=data)  # resubmitted: nothing counted twice
    assert _count(Review, mode=ReviewMode.PRACTICE) == 5 and _count(Card) == 0


@pytest.mark.parametrize("count", ["4", "51", "x"])
def test_practice_count_is_5_to_50(client, auth, student, count):
    auth.login(student.email)
    html = client.get(f"/study/practice?count={count}").get_data(as_text=True)
    assert "Choose 5 to 50" in html or "Not a valid integer" in html
    assert 'name="batch_id"' not in html


def _practice_page(client) -> tuple[str, list[str], str]:  # type: ignore[no-untyped-def]
    html = client.get("/study/practice").get_data(as_text=True)
    return html, hidden(html, "question_ids").split(","), hidden(html, "batch_id")


def test_a_practice_quiz_keeps_its_questions_and_answers_until_submitted(client, auth, student):
    auth.login(student.email)
    dealt = client.get("/study/practice?types=multiple_choice&count=5")
    assert dealt.status_code == 302 and dealt.headers["Location"] == "/study/practice"
    html, ids, batch = _practice_page(client)
    assert len(ids) == 5 and _practice_page(client)[1:] == (ids, batch)  # a reload: the same set
    items = [core_question(db.session.get(Question, i)) for i in ids]
    first, second = (answer_fields(q, True, prefix=f"q-{q.id}-") for q in items[:2])
    saved = client.post(
        f"/study/practice/{batch}/autosave", data={**first, f"q-{ids[0]}-seq": "20"}
    ).get_json()
    assert saved["saved"] == 1 and saved["kept"] == []
    stale = answer_fields(items[0], False, prefix=f"q-{ids[0]}-")
    older = client.post(
        f"/study/practice/{batch}/autosave", data={**stale, f"q-{ids[0]}-seq": "10"}
    ).get_json()
    assert older["kept"] == [1]  # an older save that arrived late changes nothing
    plain = client.post(f"/study/practice/{batch}/save", data=second)  # without JavaScript
    assert plain.headers["Location"] == "/study/practice"
    html, again, _ = _practice_page(client)
    assert again == ids and "Answers saved." in html
    assert html.count(" checked>") == 2  # both answers are back after the reload
    # Another practice quiz waits until this one is submitted or discarded.
    refused = client.get("/study/practice?types=true_false&count=5", follow_redirects=True)
    assert "You have a practice quiz in progress" in refused.get_data(as_text=True)
    assert _practice_page(client)[1:] == (ids, batch)
    data = {"batch_id": batch, "question_ids": "forged", "mode": "practice", **first, **second}
    done = client.post("/study/practice", data=data)
    assert done.headers["Location"] == f"/study/practice/results/{batch}"
    assert _count(Review, mode=ReviewMode.PRACTICE) == 5  # the set as dealt, not as posted
    setup = client.get("/study/practice").get_data(as_text=True)
    assert 'name="batch_id"' not in setup and "Question types" in setup


def test_a_practice_quiz_is_dropped_only_when_discarded(client, auth, student):
    auth.login(student.email)
    client.get("/study/practice?types=true_false&count=5")
    _, ids, batch = _practice_page(client)
    q = core_question(db.session.get(Question, ids[0]))
    client.post(f"/study/practice/{batch}/save", data=answer_fields(q, prefix=f"q-{q.id}-"))
    gone = client.post(f"/study/practice/{batch}/discard", follow_redirects=True)
    assert "discarded; nothing was graded" in gone.get_data(as_text=True)
    assert _count(Review) == 0 and 'name="batch_id"' not in gone.get_data(as_text=True)
    late = client.post(f"/study/practice/{batch}/autosave", data={})
    assert late.status_code == 409 and late.get_json()["closed"] is True


def test_my_mistakes_keep_their_round_until_it_is_submitted(client, auth, student):
    tf = _questions("true_false")[:3]
    for i, q in enumerate(tf):
        study.record_answer(
            student,
            question_id=q.id,
            card_version=0,
            request_id=f"wrong-{i}",
            response=not core_question(q).answer,
            duration_ms=None,
            now=utcnow() - timedelta(hours=i + 1),
            mode=ReviewMode.PRACTICE,
        )
    auth.login(student.email)
    html = client.get("/study/mistakes").get_data(as_text=True)
    batch, ids = hidden(html, "batch_id"), hidden(html, "question_ids")
    q = core_question(db.session.get(Question, ids.split(",")[0]))
    client.post(f"/study/practice/{batch}/save", data=answer_fields(q, prefix=f"q-{q.id}-"))
    again = client.get("/study/mistakes").get_data(as_text=True)
    assert (hidden(again, "batch_id"), hidden(again, "question_ids")) == (batch, ids)
    assert again.count(" checked>") == 1
    # A practice quiz may run beside it: one of each at a time.
    assert client.get("/study/practice?count=5").headers["Location"] == "/study/practice"


def test_two_events_at_one_position_are_refused_in_practice(client, auth, student):
    auth.login(student.email)
    client.get("/study/practice?types=ordering&count=5")
    _, ids, batch = _practice_page(client)
    items = [core_question(db.session.get(Question, i)) for i in ids]
    o, other = items[0], items[1:]
    twice = {f"q-{o.id}-pos-{i}": str(max(1, i)) for i in range(len(o.options))}  # 1, 1, 2…
    data = {"batch_id": batch, "question_ids": ",".join(ids), "mode": "practice", **twice}
    for q in other:
        data.update(answer_fields(q, prefix=f"q-{q.id}-"))
    refused = client.post("/study/practice", data=data, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "Question 1: Two events are at position 1: give each event its own position." in page
    assert "Not submitted" in page and _count(Review) == 0
    assert hidden(page, "batch_id") == batch  # the same set, the other answers kept
    assert page.count(" selected>") == sum(len(q.options) for q in other)


def test_practice_leaves_out_explain_items_and_takes_a_fact(client, auth, student, request):
    objective = [q for q in _questions() if q.type != "explain" and q.in_bank]
    assert len(objective) < len(_questions())  # the bank has explain items to leave out
    chosen = study.practice_questions(now=NOW, count=50, seed=1)
    assert len(chosen) == min(50, len(objective)) and all(q.type != "explain" for q in chosen)
    fact, first, sibling = _siblings(request)
    on_fact = set(
        db.session.scalars(
            select(QuestionFact.question_id)
            .join(Question, Question.id == QuestionFact.question_id)
            .where(QuestionFact.fact_id == fact, Question.type != "explain")
        )
    )
    assert {first.id, sibling.id} <= on_fact
    auth.login(student.email)
    html = client.get(f"/study/practice/fact/{fact}", follow_redirects=True).get_data(True)
    ids = hidden(html, "question_ids").split(",")
    assert set(ids) <= on_fact and len(ids) == len(set(ids)) == min(6, len(on_fact))
    assert client.get("/study/practice/fact/no-such-fact").status_code == 404


def test_mistakes_are_recent_wrong_answers_not_answered_right_since(app, client, auth, student):
    now = utcnow()
    tf = _questions("true_false")
    item = [core_question(q) for q in tf[:4]]

    def log(i, right, at, rid):  # type: ignore[no-untyped-def]
        study.record_answer(
            student,
            question_id=tf[i].id,
            card_version=0,
            request_id=rid,
            response=item[i].answer if right else not item[i].answer,
            duration_ms=None,
            now=at,
            mode=ReviewMode.PRACTICE,
        )

    log(0, False, now - timedelta(days=2), "a")  # wrong: a mistake
    log(1, False, now - timedelta(days=3), "b")
    log(1, True, now - timedelta(days=1), "c")  # answered right since: not a mistake
    log(2, False, now - timedelta(days=31), "d")  # too old
    log(3, True, now - timedelta(days=5), "e")
    log(3, False, now - timedelta(hours=1), "f")  # right before, wrong after: a mistake
    assert [q.id for q in study.mistake_questions(student, now)] == [tf[3].id, tf[0].id]
    auth.login(student.email)
    html = client.get("/study/mistakes").get_data(as_text=True)
    assert hidden(html, "question_ids") == f"{tf[3].id},{tf[0].id}"
    data = {"batch_id": hidden(html, "batch_id"), "question_ids": hidden(html, "question_ids")}
    data["mode"] = "mistakes"
    for q in (tf[3], tf[0]):
        data.update(answer_fields(core_question(q), True, prefix=f"q-{q.id}-"))
    client.post("/study/practice", data=data)
    assert _count(Review, mode=ReviewMode.MISTAKES) == 2 and _count(Card) == 0
    assert study.mistake_questions(student, utcnow()) == []
    assert "No mistakes to go over" in client.get("/study/mistakes").get_data(as_text=True)


# --- undo -----------------------------------------------------------------------------------


def test_undo_restores_the_card_and_marks_the_answer(app, student):
    q = _questions("cloze")[0]
    card = make_card(student, q, due=NOW - timedelta(days=1))
    before = dict(card.state)
    view = study.next_card(student, NOW)
    answer(student, view, NOW)
    undone = study.undo_last(student, NOW + timedelta(minutes=1))
    assert undone is not None and undone.undone_at == NOW + timedelta(minutes=1)
    db.session.expire_all()
    card = db.session.get(Card, card.id)
    assert card.state == before and card.version == 3 and card.reps == 3
    assert card.due == NOW - timedelta(days=1)  # due again: it comes straight back
    assert study.next_card(student, NOW + timedelta(minutes=2)).question_id == q.id
    with pytest.raises(study.StaleAnswer):  # the tab that showed it before the undo
        answer(student, view, NOW + timedelta(minutes=2), request_id="another")


def test_only_the_last_answer_can_be_undone_and_only_once(app, student):
    for i in range(2):
        now = NOW + timedelta(minutes=i)
        answer(student, study.next_card(student, now), now, duration_ms=1000)
    assert study.undo_last(student, NOW + timedelta(minutes=3)) is not None
    assert study.undo_last(student, NOW + timedelta(minutes=4)) is None  # not the one before
    undone = [
        r.undone_at is not None for r in db.session.scalars(select(Review).order_by(Review.id))
    ]
    assert undone == [False, True]


def test_yesterdays_answer_cannot_be_undone(app, student):
    answer(student, study.next_card(student, NOW), NOW, duration_ms=1000)
    next_day = NOW + timedelta(days=1)  # past the 04:00 rollover
    assert study.undo_last(student, next_day) is None
    assert study.undo_last(student, NOW + timedelta(hours=10)) is not None  # 22:00 same day


def test_undo_skips_practice_answers(app, student):
    view = study.next_card(student, NOW)
    answer(student, view, NOW, duration_ms=1000)
    q = _questions("true_false")[-1]
    study.record_answer(
        student,
        question_id=q.id,
        card_version=0,
        request_id="p",
        response=True,
        duration_ms=None,
        now=NOW + timedelta(minutes=1),
        mode=ReviewMode.PRACTICE,
    )
    undone = study.undo_last(student, NOW + timedelta(minutes=2))
    assert undone is not None and undone.question_id == view.question_id


def test_undo_without_javascript(client, auth, student):
    auth.login(student.email)
    page = client.get("/study/").get_data(as_text=True)
    response, _, _ = answer_shown(client, page)
    assert client.get(response.headers["Location"]).status_code == 200
    undo = client.post("/study/undo")
    assert undo.status_code == 302 and undo.headers["Location"].endswith("/study/")
    again = client.get("/study/").get_data(as_text=True)
    assert "Your last answer was undone" in again
    assert hidden(again, "question_id") == hidden(page, "question_id")
    client.post("/study/undo")
    assert "no answer left to undo" in client.get("/study/").get_data(as_text=True)
    assert _count(Review) == 1


def test_done_page_when_nothing_is_left(client, auth, student):
    student.new_cards_per_day = 0
    db.session.commit()
    auth.login(student.email)
    html = client.get("/study/").get_data(as_text=True)
    assert "All done for now" in html and 'action="/study/undo"' in html
    assert client.get("/study/", headers={"Accept": "application/json"}).get_json() == {
        "done": True
    }


def test_a_session_mixes_types(app, student):
    kinds: Counter[str] = Counter()
    for i in range(20):
        now = NOW + timedelta(minutes=i)
        view = study.next_card(student, now)
        kinds[str(view.item.type)] += 1
        answer(student, view, now, duration_ms=1000)
    assert len(kinds) >= 3
