"""The progress dashboard: forecast, history, streak, retention, mastery, weak facts, readiness."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from studyapp.core.scheduling import CardPhase
from studyapp.extensions import db
from studyapp.models import Question, Review, ReviewMode
from studyapp.services import progress, study
from tests.web.helpers import sql_statements
from tests.web.test_study import (
    _questions,
    _quiz_facts,
    answer,
    make_card,
    make_open_quiz,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def log(user, question, at, *, correct=True, mode=ReviewMode.STUDY, phase="review", rid=None):  # type: ignore[no-untyped-def]
    """One answer row, written directly (history without the scheduler)."""
    db.session.execute(
        insert(Review).values(
            user_id=user.id,
            question_id=question.id,
            mode=mode,
            response="x",
            correct=correct,
            score=1.0 if correct else 0.0,
            phase=phase,
            request_id=rid or f"log-{at.isoformat()}-{question.id}",
            created_at=at,
        )
    )
    db.session.commit()


def test_empty_dashboard_renders_with_text_fallbacks(client, auth, student):
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    assert "Your progress" in html and 'data-testid="due-today">0<' in html
    assert html.count('<svg class="chart"') == 4 and html.count("<desc") >= 4
    assert "No answers yet" in html and "Nothing scheduled yet" in html
    assert "As a table" in html and "No answers in the last 90 days." in html
    assert "Nothing weak yet" in html and "Mastery by section" in html
    assert "Practice quizzes</strong> and <strong>my mistakes</strong>" in html


def test_forecast_counts_learner_days(app, student):
    student.timezone, student.rollover_hour = "America/New_York", 4
    db.session.commit()
    cards = _questions()
    now = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)  # 10:00 in New York
    dues = [
        now - timedelta(days=3),  # overdue: counts today
        datetime(2026, 5, 5, 3, 0, tzinfo=UTC),  # 23:00 local: still today
        datetime(2026, 5, 5, 9, 0, tzinfo=UTC),  # 05:00 local next day: tomorrow
        now + timedelta(days=5),
        now + timedelta(days=20),
        now + timedelta(days=45),  # beyond the month
    ]
    for q, due in zip(cards, dues, strict=False):
        make_card(student, q, due=due)
    data = progress.dashboard(student, now)
    assert (data.due_today, data.due_tomorrow, data.due_week, data.due_month) == (2, 1, 4, 5)
    assert [n for _, n in data.forecast][:3] == [2, 1, 0] and len(data.forecast) == 30
    assert data.cards == 6


def test_history_and_streak_in_learner_days(app, student):
    q = _questions("cloze")[0]
    for days_ago in (0, 1, 2, 4):
        log(student, q, NOW - timedelta(days=days_ago))
    log(student, q, NOW - timedelta(days=1, hours=9))  # 03:00 UTC: still the day before that
    data = progress.dashboard(student, NOW)
    assert data.streak == 3 and data.reviews_total == 5
    assert len(data.history) == 90 and sum(n for _, n in data.history) == 5
    counts = [n for _, n in data.history]
    assert counts[-1] == 1 and counts[-2] == 1 and counts[-3] == 2 and counts[-5] == 1
    # No answer yet today: the streak still stands, ending yesterday.
    assert progress.dashboard(student, NOW + timedelta(days=1)).streak == 3
    # A day missed: the streak is over.
    assert progress.dashboard(student, NOW + timedelta(days=2)).streak == 0


def test_long_streaks_reach_past_the_chart(app, student):
    q = _questions("cloze")[0]
    for days_ago in range(130):
        log(student, q, NOW - timedelta(days=days_ago))
    data = progress.dashboard(student, NOW)
    assert data.streak == 130 and data.reviews_total == 90


def test_true_retention_counts_review_answers_on_review_cards(app, student):
    qs = _questions()
    for i, correct in enumerate((True, True, True, False)):
        log(student, qs[i], NOW - timedelta(hours=i), correct=correct)
    log(student, qs[5], NOW, correct=False, phase="learning")  # a learning step: not a test
    log(student, qs[6], NOW, correct=False, mode=ReviewMode.PRACTICE)  # practice: not counted
    log(student, qs[7], NOW, correct=False, mode=ReviewMode.FLASHCARD)
    data = progress.dashboard(student, NOW)
    assert (data.true_retention, data.retention_answers) == (0.75, 4)
    html_value = f"{round(data.true_retention * 100)}%"
    assert html_value == "75%"


def test_undone_answers_leave_every_statistic(app, student):
    view = study.next_card(student, NOW)
    answer(student, view, NOW, right=False)
    before = progress.dashboard(student, NOW)
    assert before.reviews_total == 1 and before.weakest and before.streak == 1
    study.undo_last(student, NOW + timedelta(minutes=1))
    after = progress.dashboard(student, NOW + timedelta(minutes=1))
    assert (after.reviews_total, after.weakest, after.streak) == (0, [], 0)
    assert study.mistake_questions(student, NOW) == []


def test_mastery_by_section_and_kind(app, student):
    section_3 = [q for q in _questions() if q.section == "3"]
    make_card(student, section_3[0], due=NOW + timedelta(days=30), stability=30.0)  # mastered
    make_card(student, section_3[1], due=NOW + timedelta(days=30), stability=21.0)  # mastered
    make_card(student, section_3[2], due=NOW + timedelta(days=5), stability=5.0)  # not yet
    make_card(  # stable but relearning after a lapse: not mastered
        student, section_3[3], due=NOW, stability=40.0, phase=CardPhase.RELEARNING.value
    )
    by_section, by_kind, started = progress.mastery(student)
    three = next(s for s in by_section if s.key == "3")
    assert (three.done, three.total) == (2, len(section_3)) and started == 4
    assert sum(s.done for s in by_kind) == 2
    assert sum(s.total for s in by_kind) == sum(s.total for s in by_section) == len(_questions())
    assert {s.key for s in by_section} <= {"front", "1", "2", "3", "4"}


def test_weakest_facts_are_the_lowest_mean_scores(client, auth, student):
    from studyapp.db import utcnow

    NOW = utcnow()  # noqa: N806  (the page counts back from the real clock)
    by_fact = {q.fact_ids[0]: q for q in _questions()}  # one question per primary fact
    weak, middling, strong = list(by_fact.values())[:3]
    log(student, weak, NOW, correct=False, rid="w1")
    log(student, weak, NOW, correct=False, rid="w2")
    log(student, middling, NOW, correct=False, rid="m1")
    log(student, middling, NOW, correct=True, rid="m2")
    log(student, strong, NOW, correct=True, rid="s1")
    found = progress.weakest_facts(student, NOW - timedelta(days=1), NOW)
    assert [w.fact_id for w in found][:1] == [weak.fact_ids[0]]
    assert strong.fact_ids[0] not in {w.fact_id for w in found}  # never wrong: not weak
    assert found[0].answers == 2 and found[0].mean_score == 0.0
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    fact = weak.fact_ids[0]
    assert f'href="/study/flashcards?fact={fact}"' in html
    assert f'href="/study/practice/fact/{fact}"' in html


def test_weakest_facts_are_at_most_ten(app, student):
    for i, q in enumerate(_questions()[:40]):
        log(student, q, NOW, correct=False, rid=f"r{i}")
    found = progress.weakest_facts(student, NOW - timedelta(days=1), NOW)
    assert len(found) == 10


def test_ready_for_a_quiz(client, auth, request, student):
    """Readiness counts the quiz's facts, each ready when some card on it (the quiz's own
    questions are not studied while it is open) is predicted to be recalled at the close."""
    qids, facts = _quiz_facts(request, 4)
    close = NOW + timedelta(days=3)
    make_open_quiz(student, qids, opens=NOW - timedelta(days=1), closes=close, title="Midterm")
    others = [db.session.get(Question, sorted(o)[0]) for o in facts.values()]
    strong, weak = others[0], others[1]
    make_card(student, strong, due=NOW + timedelta(days=40), stability=60.0, last_review=NOW)
    make_card(student, weak, due=NOW + timedelta(days=1), stability=2.0, last_review=NOW)
    (ready,) = progress.exam_readiness(student, NOW)
    assert (ready.title, ready.ready, ready.total, ready.value) == ("Midterm", 1, 4, 0.25)


def test_ready_for_a_quiz_on_the_page(app, client, auth, student):
    qids = [q.id for q in _questions("multiple_choice")[:2]]
    from studyapp.db import utcnow

    now = utcnow()
    make_open_quiz(student, qids, opens=now - timedelta(days=1), closes=now + timedelta(days=2))
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    assert "Ready for Quiz 1:" in html and 'data-testid="readiness">0%<' in html


def test_dashboard_numbers_on_the_page(client, auth, student):
    from studyapp.db import utcnow

    now = utcnow()
    for i in range(3):
        view = study.next_card(student, now + timedelta(seconds=i))
        answer(student, view, now + timedelta(seconds=i))
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    assert 'data-testid="answers-total">3<' in html and 'data-testid="cards">3<' in html
    assert 'data-testid="streak">1<' in html
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0)
    assert "<title" in svg and "Answers per day, last 90 days" in svg


def test_dashboard_query_count_does_not_grow_with_history(app, student):
    def count_queries() -> int:
        with sql_statements() as statements:
            progress.dashboard(student, NOW + timedelta(days=1))
        return len(statements)

    q = _questions()  # every type: the bank holds too few of one type for this much history
    for i in range(3):
        log(student, q[i], NOW - timedelta(days=i))
    small = count_queries()
    for i in range(60):
        log(student, q[i % len(q)], NOW - timedelta(days=i % 30, minutes=i), rid=f"x{i}")
    for i, card_q in enumerate(q[3:63]):  # a card on every other question, up to 60
        make_card(student, card_q, due=NOW + timedelta(days=i % 40))
    assert count_queries() == small <= 8
