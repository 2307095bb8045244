"""The progress dashboard and its numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studyapp.extensions import db
from studyapp.models import Assignment, AssignmentQuestion, Course, Enrollment, Question
from studyapp.services import progress, study
from tests.conftest import make_user

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _answer_n(user, n, start=NOW, right=True):
    for i in range(n):
        now = start + timedelta(minutes=i)
        view = study.next_card(user, now)
        answer = view.item.answer
        if view.item.type == "matching":
            answer = [list(p) for p in answer]
        elif isinstance(answer, tuple):
            answer = list(answer)
        study.record_answer(
            user,
            question_id=view.question.id,
            card_version=view.version,
            request_id=f"{start.isoformat()}-{i}",
            response=answer if right else "wrong",
            duration_ms=5000,
            now=now,
            self_rating=3 if right else 1,
        )


def test_empty_dashboard_renders(client, auth, student):
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    assert "Your progress" in html and "No data yet" in html
    assert '<svg class="chart"' in html and "<desc" in html


def test_counts_forecast_history_streak(app, student):
    _answer_n(student, 4)
    _answer_n(student, 2, start=NOW - timedelta(days=1))
    data = progress.dashboard(student, NOW + timedelta(hours=1))
    assert data.reviews_total == 6 and data.cards == 6
    assert data.streak == 2
    assert sum(n for _, n in data.history) == 6
    assert data.due_month == 6  # every started card is due within the month
    assert data.history[-1][1] == 4


def test_true_retention_counts_review_answers_only(app, student):
    _answer_n(student, 3)
    data = progress.dashboard(student, NOW)
    assert data.true_retention is None  # no card was in review yet


def test_weakest_facts_and_undo_excluded(app, student):
    _answer_n(student, 2, right=False)
    data = progress.dashboard(student, NOW + timedelta(minutes=5))
    assert data.weakest and data.weakest[0].mean_score == 0.0
    before = data.reviews_total
    study.undo_last(student, NOW + timedelta(minutes=5))
    after = progress.dashboard(student, NOW + timedelta(minutes=6)).reviews_total
    assert after == before - 1


def test_exam_readiness_and_exam_cards_enter_the_queue(app, student):
    teacher = make_user(role="instructor")
    course = Course(instructor_id=teacher.id, name="C", term="T", join_code="JOIN-1234")
    db.session.add(course)
    db.session.flush()
    db.session.add(Enrollment(course_id=course.id, user_id=student.id))
    qids = db.session.scalars(
        db.select(Question.id).where(Question.type == "multiple_choice").limit(3)
    ).all()
    assignment = Assignment(
        course_id=course.id,
        title="Quiz 1",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=3),
    )
    db.session.add(assignment)
    db.session.flush()
    for i, q in enumerate(qids):
        db.session.add(AssignmentQuestion(assignment_id=assignment.id, question_id=q, position=i))
    db.session.commit()
    readiness = progress.exam_readiness(student, NOW)
    assert [(r.title, r.ready, r.total) for r in readiness] == [("Quiz 1", 0, 3)]
    view = study.next_card(student, NOW)
    assert view.question.id in qids and view.exam == "Quiz 1"


def test_dashboard_query_count_does_not_grow_with_history(app, student):
    from sqlalchemy import event

    def count_queries() -> int:
        statements = []

        def hook(*args, **kwargs):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", hook)
        progress.dashboard(student, NOW + timedelta(days=1))
        event.remove(db.engine, "before_cursor_execute", hook)
        return len(statements)

    _answer_n(student, 2)
    small = count_queries()
    _answer_n(student, 10, start=NOW + timedelta(hours=1))
    assert count_queries() == small
