"""Nothing outside a quiz hands anyone its answers, and a quiz's answers in a student's history
follow the quiz's review options.

The held-back rule (services.visibility) is the instructor's: while a quiz is open, its own
questions show no key and are graded nowhere else, to anyone but instructors; while anybody is
taking a closed-book quiz, neither are the other questions on its facts. It names no student, so
a logged-out tab, a fresh account and a classmate are held back like the student taking it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import Question, QuestionFact, Review, ReviewMode, Visibility
from studyapp.services import ServiceError, bank, progress, study, visibility
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question
from tests.conftest import make_user
from tests.web.bankkit import add_questions, sibling_on
from tests.web.helpers import answer_fields
from tests.web.quizkit import (
    NOW,
    finished_attempt,
    item,
    make_course,
    make_quiz,
    make_quiz_of,
    right,
    wrong,
)

HIDDEN_NOTE = "while a quiz on this question is open"


def _sibling(request, question_ids: list[str], qtype: str = "short_answer") -> str:  # type: ignore[no-untyped-def]
    """A question outside the quiz, of ``qtype``, that tests one of the quiz's facts: added for
    the test (the bank may have none), with a key and explanation no other question shows."""
    model = next(q for q in _usable() if q.type == qtype)
    facts = item(question_ids[0]).fact_ids
    (row,) = add_questions(request, [sibling_on(core_question(model), facts, f"on-quiz-{qtype}")])
    return row.id


def _usable() -> list[Question]:
    return list(db.session.scalars(bank.usable_questions_query().order_by(Question.id)))


def _answer(user, qid: str, at, request_id: str, mode=ReviewMode.STUDY, correct=True):  # type: ignore[no-untyped-def]
    q = item(qid)
    return study.record_answer(
        user,
        question_id=qid,
        card_version=0,
        request_id=request_id,
        response=right(q) if correct else wrong(q),
        duration_ms=5000,
        now=at,
        mode=mode,
    )


def _reviews() -> int:
    return db.session.scalar(select(func.count()).select_from(Review))


def _explanation(qid: str) -> str:
    return str(escape(core_question(db.session.get(Question, qid)).why))


@pytest.fixture
def in_progress(app, instructor, student):  # type: ignore[no-untyped-def]
    """A closed-book quiz of three multiple-choice questions, with the student's attempt
    started."""
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    attempt = quiz.start_attempt(a, student, NOW)
    return a, attempt, list(attempt.layout["questions"])


# --- the rule -----------------------------------------------------------------------------


def test_an_open_quiz_holds_its_own_questions_and_while_taken_its_facts(
    app, instructor, request, student
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    ids = [aq.question_id for aq in a.items]
    sibling = _sibling(request, ids)
    other = make_user(name="Fresh Account")
    everyone = (None, other, student)
    # Open, nobody taking it: its own questions are held, its facts are open for study.
    for who in everyone:
        assert visibility.held_among([*ids, sibling], NOW, who) == set(ids)
    attempt = quiz.start_attempt(a, student, NOW)
    # Being taken (closed book): every question on its facts is held, from every account.
    for who in everyone:
        assert visibility.held_among([*ids, sibling], NOW, who) == {*ids, sibling}
    assert visibility.held_among([*ids, sibling], NOW, instructor) == set()
    assert quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=6)
    assert visibility.held_among([*ids, sibling], later, other) == set(ids)
    closed = a.closes_at + timedelta(seconds=1)
    assert visibility.held_among([*ids, sibling], closed, None) == set()


def test_an_open_book_quiz_holds_only_its_own_questions(app, instructor, request, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"], closed_book=False)
    ids = [aq.question_id for aq in a.items]
    sibling = _sibling(request, ids)
    quiz.start_attempt(a, student, NOW)
    assert visibility.held_among([*ids, sibling], NOW, student) == set(ids)
    assert _answer(student, sibling, NOW, "homework").verdict.correct


def test_held_facts_come_back_at_the_deadline_even_before_the_attempt_is_closed(
    in_progress, request, student
):
    _, attempt, ids = in_progress
    sibling = _sibling(request, ids)
    after = attempt.deadline + quiz.GRACE + timedelta(seconds=1)
    assert visibility.held_among([sibling], after, None) == set()


# --- answering and studying ---------------------------------------------------------------


def test_nobody_gets_a_held_question_graded(in_progress, request, student):
    _, attempt, ids = in_progress
    sibling = _sibling(request, ids)
    fresh = make_user(name="Fresh Account")
    for who in (student, fresh):
        for qid in (ids[0], sibling):
            for mode in (ReviewMode.STUDY, ReviewMode.FLASHCARD, ReviewMode.PRACTICE):
                with pytest.raises(study.HeldBack):
                    _answer(who, qid, NOW, f"held-{who.id}-{qid}-{mode}", mode)
    assert _reviews() == 0
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert _answer(fresh, sibling, NOW + timedelta(minutes=2), "after").verdict.correct
    with pytest.raises(study.HeldBack):  # the quiz itself is still open
        _answer(fresh, ids[0], NOW + timedelta(minutes=2), "still-open")


def test_the_queue_skips_held_cards_for_every_student_then_brings_them_back(
    app, instructor, request, student
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    ids = [aq.question_id for aq in a.items]
    sibling = _sibling(request, ids)
    outsider = make_user(name="Not In The Class")
    month_ago = NOW - timedelta(days=30)
    for who in (student, outsider):
        _answer(who, sibling, month_ago, f"old-{who.id}")  # due now: first in the queue
    assert study.next_card(outsider, NOW).question_id == sibling
    attempt = quiz.start_attempt(a, student, NOW)
    for who in (student, outsider):
        view = study.next_card(who, NOW)
        assert view is not None and view.question_id not in {*ids, sibling}
        assert view.due_count == 0  # the held card is not counted as due either
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert study.next_card(outsider, NOW + timedelta(minutes=1)).question_id == sibling


def test_practice_mistakes_and_flashcards_leave_held_questions_out(
    app, instructor, request, student
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    ids = [aq.question_id for aq in a.items]
    sibling = _sibling(request, ids)
    _answer(student, sibling, NOW - timedelta(days=1), "wrong-before", correct=False)
    assert [q.id for q in study.mistake_questions(student, NOW)] == [sibling]
    attempt = quiz.start_attempt(a, student, NOW)
    held = visibility.held_among(db.session.scalars(select(Question.id)), NOW)
    assert {*ids, sibling} <= held
    gradable = {q.id for q in _usable() if q.type in bank.graded_types()}
    chosen = study.practice_questions(now=NOW, count=len(gradable))
    assert {q.id for q in chosen} == gradable - held  # every other question, no held one
    assert study.mistake_questions(student, NOW) == []
    assert not set(study.flashcard_deck(now=NOW)) & {*ids, sibling}
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert [q.id for q in study.mistake_questions(student, NOW)] == [sibling]


def test_pages_hold_back_for_a_visitor_a_fresh_account_and_the_student(
    in_progress, client, auth, request, student
):
    a, attempt, ids = in_progress
    sibling = _sibling(request, ids)
    explanation = _explanation(sibling)
    fact = db.session.scalars(
        select(QuestionFact.fact_id).where(QuestionFact.question_id == sibling)
    ).first()
    fresh = make_user(name="Fresh Account")

    page = client.get(f"/questions/{sibling}").get_data(as_text=True)  # logged out
    assert "closed-book quiz on its fact" in page and explanation not in page
    for who in (fresh, student):
        auth.login(who.email)
        page = client.get(f"/questions/{sibling}").get_data(as_text=True)
        assert "closed-book quiz on its fact" in page and explanation not in page
        deck = client.get(f"/study/flashcards?fact={fact}", follow_redirects=True)
        assert "held back while a quiz on these facts" in deck.get_data(as_text=True)
        practice = client.get(f"/study/practice/fact/{fact}", follow_redirects=True)
        assert "its answer comes back here once that is over" in practice.get_data(as_text=True)
        posted = client.post(
            "/study/practice",
            data={
                "batch_id": f"batch-{who.id}",
                "question_ids": ",".join([*ids, sibling]),
                "mode": "practice",
                **answer_fields(item(sibling), True, prefix=f"q-{sibling}-"),
            },
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "4 questions were left out of this practice" in posted
        assert explanation not in posted
        auth.logout()
    assert _reviews() == 0

    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert explanation in client.get(f"/questions/{sibling}").get_data(as_text=True)


def test_old_feedback_on_a_held_question_waits(app, client, auth, instructor, request, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    sibling = _sibling(request, [aq.question_id for aq in a.items])
    earlier = _answer(student, sibling, NOW - timedelta(days=1), "before-quiz")
    mine = _answer(student, a.items[0].question_id, NOW - timedelta(days=1), "quiz-item")
    auth.login(student.email)
    url = f"/study/feedback/{earlier.review.id}"
    assert client.get(url).status_code == 200
    # The quiz's own question: held while the quiz is open, whoever answered it before.
    held = client.get(f"/study/feedback/{mine.review.id}", follow_redirects=True)
    assert "its answer comes back here once that is over" in held.get_data(as_text=True)
    attempt = quiz.start_attempt(a, student, NOW)
    blocked = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "its answer comes back here" in blocked and _explanation(sibling) not in blocked
    quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    assert client.get(url).status_code == 200


# --- POST /study/answer reveals or replays nothing held -----------------------------------


def _explain_with_sibling(request) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """An explain item and a gradable question on the same fact (added for the test)."""
    explain = next(q for q in _usable() if q.type == "explain")
    model = next(q for q in _usable() if q.type in bank.graded_types())
    (gradable,) = add_questions(
        request, [sibling_on(core_question(model), explain.fact_ids, "beside-explain")]
    )
    return explain.id, gradable.id


def test_an_explain_items_model_answer_is_not_revealed_during_an_attempt(
    app, client, auth, instructor, request, student
):
    explain, quizzed = _explain_with_sibling(request)
    course = make_course(instructor, [student])
    a = make_quiz_of(course, [quizzed])
    model = str(escape(item(explain).answer.split("\n")[0]))
    fresh = make_user(name="Fresh Account")
    auth.login(fresh.email)
    form = {
        "question_id": explain,
        "card_version": "0",
        "request_id": "reveal-1",
        "shown_at": NOW.isoformat(),
        "mode": "study",
        "text": "",
    }
    shown = client.post("/study/answer", data=form).get_data(as_text=True)
    assert model in shown  # nobody taking the quiz: the essay's answer is shown
    quiz.start_attempt(a, student, NOW)
    for who in (fresh, student):
        auth.logout()
        auth.login(who.email)
        page = client.post("/study/answer", data=form, follow_redirects=True)
        assert model not in page.get_data(as_text=True)
        answer = client.post(
            "/study/answer",
            data={**form, "rating": "4"},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 400 and model not in answer.get_data(as_text=True)
    assert _reviews() == 0


def test_reusing_a_request_id_replays_no_held_key(app, client, auth, instructor, request, student):
    course = make_course(instructor, [student])
    ids = quiz.draw_questions(count=3, types=["multiple_choice"], seed=3)
    sibling = _sibling(request, ids)
    first = _answer(student, sibling, NOW - timedelta(days=1), "studied-before")
    key = first.verdict.expected
    a = make_quiz_of(course, ids)
    quiz.start_attempt(a, student, NOW)
    auth.login(student.email)
    for qid in (sibling, ids[0], _sibling(request, ids, "true_false")):
        replay = client.post(
            "/study/answer",
            data={
                "question_id": qid,
                "card_version": "0",
                "request_id": "studied-before",
                "shown_at": NOW.isoformat(),
                "mode": "study",
                **answer_fields(item(qid), False),
            },
            headers={"Accept": "application/json"},
        )
        body = replay.get_json()
        assert replay.status_code == 400 and "expected" not in body, (qid, body)
        assert key not in replay.get_data(as_text=True)


def test_a_quiz_answers_request_id_replays_nothing(app, client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(
        course, n=3, types=["short_answer"], show_answers=Visibility.NEVER, closed_book=False
    )
    attempt = finished_attempt(a, student, correct_count=0)
    qid = attempt.layout["questions"][0]
    a.opens_at, a.closes_at = NOW - timedelta(days=3), NOW - timedelta(days=1)  # closed
    db.session.commit()
    auth.login(student.email)
    replay = client.post(
        "/study/answer",
        data={
            "question_id": qid,
            "card_version": "0",
            "request_id": f"attempt:{attempt.id}:{qid}",
            "shown_at": NOW.isoformat(),
            "mode": "study",
            "text": "anything",
        },
        headers={"Accept": "application/json"},
    )
    assert replay.status_code == 400
    assert item(qid).answer not in replay.get_data(as_text=True)


# --- a quiz's answers in the history follow its review options ------------------------------


@pytest.fixture
def answers_never(app, instructor, student):  # type: ignore[no-untyped-def]
    """The demonstrated case: marks and answers 'never', two attempts, the first submitted."""
    course = make_course(instructor, [student])
    a = make_quiz(
        course,
        n=4,
        types=["short_answer", "cloze"],
        attempts_allowed=2,
        show_marks=Visibility.NEVER,
        show_answers=Visibility.NEVER,
    )
    attempt = finished_attempt(a, student, correct_count=1)
    reviews = list(
        db.session.scalars(
            select(Review).where(Review.attempt_id == attempt.id).order_by(Review.id)
        )
    )
    assert len(reviews) == 4
    return a, attempt, reviews


MARKS = ('class="badge ok"', 'class="badge bad"', "Partly right", 'data-testid="verdict"')


def _shows_key(page: str, qid: str) -> bool:
    return _explanation(qid) in page or f"The answer is {escape(item(qid).answer)}" in page


def test_feedback_on_a_quiz_answer_keeps_mark_and_key_back_as_the_quiz_says(
    answers_never, client, auth, student
):
    a, attempt, reviews = answers_never
    auth.login(student.email)
    for when in ("open", "closed"):
        for review in reviews:
            page = client.get(f"/study/feedback/{review.id}").get_data(as_text=True)
            assert 'data-testid="key-withheld"' in page and 'data-testid="mark-withheld"' in page
            assert not any(m in page for m in MARKS), (when, review.question_id)
            assert not _shows_key(page, review.question_id)
        a.opens_at, a.closes_at = NOW - timedelta(days=3), NOW - timedelta(days=1)
        db.session.commit()
    # The instructor changes their mind: after close, marks and answers show on the same page.
    a.show_marks = a.show_answers = Visibility.AFTER_CLOSE
    db.session.commit()
    page = client.get(f"/study/feedback/{reviews[-1].id}").get_data(as_text=True)
    assert 'data-testid="verdict"' in page and _shows_key(page, reviews[-1].question_id)


def test_marks_without_answers_show_the_mark_only(answers_never, client, auth, student):
    a, attempt, reviews = answers_never
    a.show_marks = Visibility.IMMEDIATELY
    db.session.commit()
    auth.login(student.email)
    page = client.get(f"/study/feedback/{reviews[-1].id}").get_data(as_text=True)
    assert 'data-testid="verdict"' in page and 'data-testid="key-withheld"' in page
    assert not _shows_key(page, reviews[-1].question_id)


def test_unreleased_quiz_answers_stay_out_of_mistakes_and_mean_scores(
    answers_never, client, auth, student
):
    a, attempt, reviews = answers_never
    later = NOW + timedelta(days=3)  # the quiz has closed; answers stay 'never'
    assert study.mistake_questions(student, later) == []
    assert progress.weakest_facts(student, NOW - timedelta(days=1), later) == []
    auth.login(student.email)
    assert "No mistakes to go over" in client.get("/study/mistakes").get_data(as_text=True)
    a.show_marks = a.show_answers = Visibility.AFTER_CLOSE
    db.session.commit()
    wrong_ones = {r.question_id for r in reviews if not r.correct}
    assert {q.id for q in study.mistake_questions(student, later)} == wrong_ones
    assert progress.weakest_facts(student, NOW - timedelta(days=1), later)


def test_the_demonstrated_two_attempt_case_gives_no_key_before_attempt_two(
    answers_never, client, auth, student
):
    """Answers 'never', two attempts: nothing in the app gives the first attempt's keys."""
    a, attempt, reviews = answers_never
    auth.login(student.email)
    pages = [client.get(f"/study/feedback/{r.id}").get_data(as_text=True) for r in reviews]
    pages.append(client.get("/study/mistakes").get_data(as_text=True))
    pages.append(client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True))
    for qid in attempt.layout["questions"]:
        assert not any(_shows_key(page, qid) for page in pages)
    with pytest.raises(ServiceError):
        _answer(student, attempt.layout["questions"][0], NOW, "practice-it", ReviewMode.PRACTICE)


def test_after_close_waits_for_extensions_in_the_history_too(app, instructor, student):
    """Marks follow the student's own close, answers the close for everybody (as on the
    attempt's result page)."""
    classmate = make_user(name="Classmate")
    course = make_course(instructor, [student, classmate])
    a = make_quiz(
        course,
        n=3,
        types=["short_answer"],
        show_marks=Visibility.AFTER_CLOSE,
        show_answers=Visibility.AFTER_CLOSE,
    )
    finished_attempt(a, student, correct_count=0)
    since = NOW - timedelta(days=1)
    after_close = a.closes_at + timedelta(hours=1)
    quiz.set_override(a, student.id, extra_minutes=0, closes_at=a.closes_at + timedelta(hours=2))
    assert progress.weakest_facts(student, since, after_close) == []  # not closed for them
    quiz.set_override(a, student.id, extra_minutes=0, closes_at=None)
    quiz.set_override(a, classmate.id, extra_minutes=0, closes_at=a.closes_at + timedelta(days=1))
    assert len(progress.weakest_facts(student, since, after_close)) == 3  # their marks show
    assert study.mistake_questions(student, after_close) == []  # answers wait for everybody
    assert len(study.mistake_questions(student, a.closes_at + timedelta(days=2))) == 3
