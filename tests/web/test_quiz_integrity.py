"""While a student's quiz attempt is in progress, nothing else in the app hands them its answers.

Questions on the facts of the attempt are held back from study, practice, "my mistakes",
flashcards, old feedback pages and the bank until the attempt is submitted or its deadline
passes; other students and instructors are not affected.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Question, QuestionFact, Review, ReviewMode
from studyapp.services import ServiceError, study
from studyapp.services import assignments as quiz
from studyapp.services.bank import usable_questions_query
from tests.conftest import make_user
from tests.web.quizkit import NOW, make_course, right

HIDDEN_NOTE = "while a quiz on this question or its fact is open"


def _make_quiz(course):  # type: ignore[no-untyped-def]
    """A quiz of three questions, the first sharing its fact with a question outside the quiz."""
    rows = db.session.scalars(
        usable_questions_query().where(Question.type.in_(quiz.QUIZ_TYPES)).order_by(Question.id)
    ).all()
    by_fact: dict[str, list[Question]] = {}
    for q in rows:
        for fact in q.fact_ids:
            by_fact.setdefault(fact, []).append(q)
    first, second = next(qs for _, qs in sorted(by_fact.items()) if len(qs) >= 2)[:2]
    taken = {*first.fact_ids, *second.fact_ids}
    others = [q.id for q in rows if not taken & set(q.fact_ids)][:2]
    settings = quiz.AssignmentSettings(
        title="Quiz 1", opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(days=2)
    )
    return quiz.create_assignment(course, settings, [first.id, *others])


def _shared_facts(question_ids: list[str]):  # type: ignore[no-untyped-def]
    return select(QuestionFact.fact_id).where(QuestionFact.question_id.in_(question_ids))


def _sibling(question_ids: list[str]) -> str:
    """A question outside the quiz that tests one of the quiz's facts."""
    sibling = db.session.scalars(
        select(QuestionFact.question_id)
        .join(Question, Question.id == QuestionFact.question_id)
        .where(
            QuestionFact.fact_id.in_(_shared_facts(question_ids)),
            QuestionFact.question_id.not_in(question_ids),
            Question.type.in_(quiz.QUIZ_TYPES),
        )
        .order_by(QuestionFact.question_id)
    ).first()
    assert sibling is not None
    return sibling


def _answer(user, qid: str, at, request_id: str, mode=ReviewMode.STUDY):  # type: ignore[no-untyped-def]
    from tests.web.quizkit import item

    return study.record_answer(
        user,
        question_id=qid,
        card_version=0,
        request_id=request_id,
        response=right(item(qid)),
        duration_ms=5000,
        now=at,
        mode=mode,
    )


@pytest.fixture
def in_progress(app, instructor, student):  # type: ignore[no-untyped-def]
    """A quiz of three questions, with the student's attempt started."""
    course = make_course(instructor, [student])
    a = _make_quiz(course)
    attempt = quiz.start_attempt(a, student, NOW)
    return a, attempt, list(attempt.layout["questions"])


def test_held_back_covers_the_attempts_facts_until_submitted(in_progress, student, instructor):
    _, attempt, ids = in_progress
    sibling = _sibling(ids)
    held = quiz.questions_held_back(student, NOW)
    assert set(ids) <= held and sibling in held
    assert quiz.questions_held_back(instructor, NOW) == frozenset()
    other = make_user(name="Other Student")
    assert quiz.questions_held_back(other, NOW) == frozenset()
    assert quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=5))
    assert quiz.questions_held_back(student, NOW + timedelta(minutes=5)) == frozenset()


def test_held_back_ends_at_the_deadline_even_before_the_attempt_is_closed(in_progress, student):
    _, attempt, _ = in_progress
    after = attempt.deadline + quiz.GRACE + timedelta(seconds=1)
    assert quiz.questions_held_back(student, after) == frozenset()


def test_answering_a_held_question_is_refused_and_records_nothing(in_progress, student):
    _, attempt, ids = in_progress
    for mode in (ReviewMode.STUDY, ReviewMode.FLASHCARD, ReviewMode.PRACTICE):
        with pytest.raises(ServiceError, match="submit the quiz"):
            _answer(student, _sibling(ids), NOW, f"held-{mode}", mode)
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert _answer(student, _sibling(ids), NOW + timedelta(minutes=2), "after").verdict.correct


def test_next_card_skips_held_cards_then_brings_them_back(app, instructor, student):
    course = make_course(instructor, [student])
    a = _make_quiz(course)
    ids = [item.question_id for item in a.items]
    sibling = _sibling(ids)
    # Studied a month ago, so due now and first in the queue.
    month_ago = NOW - timedelta(days=30)
    for k, qid in enumerate([*ids, sibling]):
        _answer(student, qid, month_ago, f"old-{k}")
    held = {*ids, sibling}
    assert study.next_card(student, NOW).question_id in held
    attempt = quiz.start_attempt(a, student, NOW)
    view = study.next_card(student, NOW)
    assert view is not None and view.question_id not in held
    assert view.due_count == 0  # the held cards are not counted as due either
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert study.next_card(student, NOW + timedelta(minutes=1)).question_id in held


def test_practice_and_mistakes_leave_held_questions_out(app, instructor, student):
    course = make_course(instructor, [student])
    a = _make_quiz(course)
    sibling = _sibling([item.question_id for item in a.items])
    study.record_answer(
        student,
        question_id=sibling,
        card_version=0,
        request_id="wrong-before",
        response="zzzz wrong 0000",
        duration_ms=5000,
        now=NOW - timedelta(days=1),
    )
    assert [q.id for q in study.mistake_questions(student, NOW)] == [sibling]
    attempt = quiz.start_attempt(a, student, NOW)
    held = quiz.questions_held_back(student, NOW)
    free = [q for q in study.practice_questions(count=1000) if q.id not in held]
    chosen = study.practice_questions(count=50, exclude=held)
    assert len(chosen) == min(50, len(free)) and not {q.id for q in chosen} & held
    assert study.mistake_questions(student, NOW) == []
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert [q.id for q in study.mistake_questions(student, NOW)] == [sibling]


def test_pages_keep_held_answers_from_the_student_only(in_progress, client, auth, student):
    a, attempt, ids = in_progress
    sibling = _sibling(ids)
    explanation = str(escape(db.session.get(Question, sibling).data["explanation"]))
    fact = db.session.scalars(  # the fact the sibling shares with the quiz
        select(QuestionFact.fact_id).where(
            QuestionFact.question_id == sibling, QuestionFact.fact_id.in_(_shared_facts(ids))
        )
    ).first()

    other = make_user(name="Other Student")
    auth.login(other.email)
    assert explanation in client.get(f"/questions/{sibling}").get_data(as_text=True)
    auth.logout()

    auth.login(student.email)
    page = client.get(f"/questions/{sibling}").get_data(as_text=True)
    assert HIDDEN_NOTE in page and explanation not in page
    deck = client.get(f"/study/flashcards?fact={fact}", follow_redirects=True)
    assert "while you are taking a quiz" in deck.get_data(as_text=True)
    practice = client.get(f"/study/practice/fact/{fact}", follow_redirects=True)
    assert "submit the quiz" in practice.get_data(as_text=True)
    posted = client.post(
        "/study/practice",
        data={"batch_id": "batch-held", "question_ids": sibling, "mode": "practice"},
        follow_redirects=True,
    )
    assert "left out of this practice" in posted.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0

    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert explanation in client.get(f"/questions/{sibling}").get_data(as_text=True)


def test_old_feedback_on_a_held_question_waits_for_the_submission(
    app, client, auth, instructor, student
):
    course = make_course(instructor, [student])
    a = _make_quiz(course)
    sibling = _sibling([item.question_id for item in a.items])
    earlier = _answer(student, sibling, NOW - timedelta(days=1), "before-quiz")
    auth.login(student.email)
    url = f"/study/feedback/{earlier.review.id}"
    assert client.get(url).status_code == 200
    attempt = quiz.start_attempt(a, student, NOW)
    blocked = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "submit the quiz" in blocked
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert client.get(url).status_code == 200
