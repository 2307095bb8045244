"""Classes, quizzes, attempts, gradebook and item analysis."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    Attempt,
    AttemptState,
    Course,
    Enrollment,
    Question,
    Review,
    ReviewMode,
)
from studyapp.services import ServiceError, courses
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question
from tests.conftest import make_user

NOW = datetime.now(UTC).replace(microsecond=0)


def make_course(teacher, students=()):
    course = courses.create_course(teacher, "History 101", "Spring")
    for s in students:
        courses.join_course(s, course.join_code)
    return course


def make_quiz(course, n=5, **settings):
    values = dict(
        title="Quiz 1",
        opens_at=NOW - timedelta(hours=1),
        closes_at=NOW + timedelta(days=2),
    )
    values.update(settings)
    ids = quiz.draw_questions(count=n, types=["multiple_choice", "true_false"], sections=[], seed=3)
    return quiz.create_assignment(course, quiz.AssignmentSettings(**values), ids)


def right(item):
    if item.type == "matching":
        return [list(p) for p in item.answer]
    return list(item.answer) if isinstance(item.answer, tuple) else item.answer


def answer_all(attempt, correct=True, count=None):
    ids = attempt.layout["questions"][:count]
    rows = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    responses = {}
    for qid in ids:
        item = core_question(rows[qid])
        responses[qid] = right(item) if correct else "definitely wrong"
    quiz.save_answers(attempt, responses, NOW)


# --- classes ------------------------------------------------------------------------------


def test_join_codes(app, student, instructor):
    course = make_course(instructor)
    assert len(course.join_code) == 9 and course.join_code[4] == "-"
    with pytest.raises(ServiceError, match="No class has that code"):
        courses.join_course(student, "WRONG-CODE")
    joined = courses.join_course(student, course.join_code.lower().replace("-", " "))
    assert joined.id == course.id
    courses.join_course(student, course.join_code)  # twice is harmless
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    old = course.join_code
    courses.regenerate_code(course)
    other = make_user()
    with pytest.raises(ServiceError):
        courses.join_course(other, old)
    courses.set_join_open(course, False)
    with pytest.raises(ServiceError, match="not accepting"):
        courses.join_course(other, course.join_code)


def test_instructor_pages_flow(client, auth, instructor, student):
    auth.login(instructor.email)
    response = client.post("/teach/courses", data={"name": "Seminar", "term": "Fall"})
    course = db.session.scalars(select(Course)).one()
    assert response.headers["Location"].endswith(f"/teach/courses/{course.id}")
    page = client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    assert course.join_code in page
    courses.join_course(student, course.join_code)
    assert student.name in client.get(f"/teach/courses/{course.id}").get_data(as_text=True)
    opens = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        f"/teach/courses/{course.id}/assignments/new",
        data={
            "title": "Q",
            "opens_at": closes,
            "closes_at": opens,
            "attempts_allowed": "1",
            "grading_method": "highest",
            "show_marks": "immediately",
            "show_answers": "after_close",
            "source": "draw",
            "draw_count": "5",
        },
    )
    assert "close time must be after" in bad.get_data(as_text=True)
    made = client.post(
        f"/teach/courses/{course.id}/assignments/new",
        data={
            "title": "Quiz A",
            "opens_at": opens,
            "closes_at": closes,
            "attempts_allowed": "2",
            "grading_method": "highest",
            "show_marks": "immediately",
            "show_answers": "after_close",
            "source": "draw",
            "draw_count": "6",
            "draw_types": ["multiple_choice", "cloze"],
        },
    )
    assert made.status_code == 302
    a = db.session.scalars(select(Assignment)).one()
    assert len(a.items) == 6
    assert {i.question.type for i in a.items} <= {"multiple_choice", "cloze"}
    facts = [i.question.fact_ids[0] for i in a.items]
    assert len(set(facts)) == len(facts)  # no two questions on one fact
    assert "Facility" in client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    removed = client.post(f"/teach/courses/{course.id}/students/{student.id}/remove")
    assert removed.status_code == 302
    assert courses.roster(course) == []


def test_retired_questions_are_never_drawn(app, instructor):
    from studyapp.services.bank import retire_question

    ids = quiz.draw_questions(count=50, types=["true_false"], sections=["1"], seed=1)
    for qid in ids[:5]:
        retire_question(qid, NOW)
    again = quiz.draw_questions(count=50, types=["true_false"], sections=["1"], seed=1)
    assert not set(ids[:5]) & set(again)


# --- attempts -------------------------------------------------------------------------------


def test_take_quiz_autosave_reload_submit_once(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, one_per_page=True)
    auth.login(student.email)
    listing = client.get("/classes/").get_data(as_text=True)
    assert "Quiz 1" in listing and "Not started" in listing
    start = client.post(f"/classes/assignments/{a.id}/start")
    attempt = db.session.scalars(select(Attempt)).one()
    assert start.headers["Location"].endswith(f"/classes/attempts/{attempt.id}")
    qid = attempt.layout["questions"][0]
    item = core_question(db.session.get(Question, qid))
    field = {
        f"q-{qid}-choice": (
            str(item.options.index(item.answer))
            if item.type == "multiple_choice"
            else ("true" if item.answer else "false")
        )
    }
    saved = client.post(f"/classes/attempts/{attempt.id}/autosave", data=field)
    assert saved.get_json()["saved"] == 1
    page = client.get(f"/classes/attempts/{attempt.id}?page=1").get_data(as_text=True)
    assert "checked" in page  # reload keeps the saved answer
    assert "Answer:" not in page and item.explanation not in page  # nothing revealed
    first = client.post(f"/classes/attempts/{attempt.id}/submit")
    second = client.post(f"/classes/attempts/{attempt.id}/submit", follow_redirects=True)
    assert first.status_code == 302
    assert "already submitted" in second.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.marks == 1.0
    assert (
        db.session.scalar(
            select(func.count()).select_from(Review).where(Review.mode == ReviewMode.QUIZ)
        )
        == 1
    )
    late = client.post(f"/classes/attempts/{attempt.id}/autosave", data=field)
    assert late.status_code == 409


def test_attempt_limits_and_deadlines(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=10, attempts_allowed=1)
    attempt = quiz.start_attempt(a, student, NOW)
    assert quiz.start_attempt(a, student, NOW).id == attempt.id  # resumed, not a new one
    assert attempt.deadline == NOW + timedelta(minutes=10)
    answer_all(attempt, count=2)
    with pytest.raises(ServiceError, match="Time is up"):
        quiz.save_answers(attempt, {}, NOW + timedelta(minutes=11))
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.finished_by == "deadline"
    assert attempt.marks == 2.0
    with pytest.raises(ServiceError, match="used all the attempts"):
        quiz.start_attempt(a, student, NOW + timedelta(minutes=12))
    closed = make_quiz(course, opens_at=NOW - timedelta(days=2), closes_at=NOW - timedelta(days=1))
    with pytest.raises(ServiceError, match="closed"):
        quiz.start_attempt(closed, student, NOW)


def test_extension_and_extra_time(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=10, closes_at=NOW + timedelta(minutes=5))
    quiz.set_override(a, student.id, extra_minutes=15, closes_at=NOW + timedelta(hours=1))
    attempt = quiz.start_attempt(a, student, NOW)
    assert attempt.deadline == NOW + timedelta(minutes=25)


def test_open_attempts_are_finished_at_their_deadline(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=5)
    attempt = quiz.start_attempt(a, student, NOW)
    answer_all(attempt)
    assert quiz.finish_overdue(NOW + timedelta(minutes=1)) == 0
    assert quiz.finish_overdue(NOW + timedelta(minutes=6)) == 1
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100.0


def test_two_processes_finishing_at_once_grade_once(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course)
    attempt = quiz.start_attempt(a, student, NOW)
    answer_all(attempt)
    attempt_id = attempt.id
    results = []

    def finish():
        with app.app_context():
            results.append(quiz.finish_attempt(attempt_id, NOW))
            db.session.remove()

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    db.session.rollback()  # end this session's read snapshot to see the threads' writes
    reviews = db.session.scalar(
        select(func.count()).select_from(Review).where(Review.attempt_id == attempt_id)
    )
    assert reviews == len(attempt.layout["questions"])


def test_marks_hidden_until_the_review_option_allows(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, show_marks="after_close", show_answers="never")
    attempt = quiz.start_attempt(a, student, NOW)
    answer_all(attempt)
    quiz.finish_attempt(attempt.id, NOW)
    auth.login(student.email)
    result = client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Your mark:" not in result and "after the quiz closes" in result
    listing = client.get("/classes/").get_data(as_text=True)
    assert "100.0%" not in listing


def test_students_cannot_see_each_others_attempts(client, auth, instructor, student):
    other = make_user()
    course = make_course(instructor, [student, other])
    a = make_quiz(course)
    theirs = quiz.start_attempt(a, other, NOW)
    auth.login(student.email)
    for url in (f"/classes/attempts/{theirs.id}", f"/classes/attempts/{theirs.id}/result"):
        assert client.get(url).status_code == 404
    for url in (
        f"/classes/attempts/{theirs.id}/save",
        f"/classes/attempts/{theirs.id}/submit",
        f"/classes/attempts/{theirs.id}/autosave",
    ):
        assert client.post(url).status_code == 404
    stranger_quiz = make_quiz(make_course(make_user(role="instructor")))
    assert client.get(f"/classes/assignments/{stranger_quiz.id}").status_code == 404


# --- gradebook -----------------------------------------------------------------------------


def _class_with_results(instructor, n=6):
    students = [make_user(name=f"Student {i}") for i in range(n)]
    course = make_course(instructor, students)
    a = make_quiz(course, n=4)
    for i, s in enumerate(students):
        attempt = quiz.start_attempt(a, s, NOW)
        answer_all(attempt, correct=True, count=i % 5)
        quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=3))
    return course, a, students


def test_gradebook_page_csv_and_item_analysis(client, auth, instructor):
    course, a, students = _class_with_results(instructor)
    students[0].name = '=HYPERLINK("http://evil")'
    db.session.commit()
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert "Student 3" in page and "submitted" in page
    response = client.get(f"/teach/courses/{course.id}/gradebook.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["Student", "Email"] and len(rows) == len(students) + 1
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    report = client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    assert "Facility" in report and '<svg class="chart"' in report
    t = db.session.scalars(select(Attempt)).first()
    drill = client.get(f"/teach/attempts/{t.id}").get_data(as_text=True)
    assert "Answer given" in drill


def test_item_analysis_numbers(app, instructor):
    from studyapp.services.gradebook import assignment_report

    course, a, students = _class_with_results(instructor)
    report = assignment_report(a, NOW + timedelta(hours=1))
    assert report.attempts == 6 and report.summary.count == 6
    first = report.items[0].stats
    assert first.facility is not None and 0 <= first.facility <= 100


def test_gradebook_pages_issue_the_same_queries_for_any_class_size(app, client, auth, instructor):
    from sqlalchemy import event

    auth.login(instructor.email)

    def queries(course, a) -> int:
        count = []
        hook = lambda *args, **kw: count.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", hook)
        for url in (
            f"/teach/courses/{course.id}/gradebook",
            f"/teach/assignments/{a.id}",
            f"/teach/courses/{course.id}",
        ):
            assert client.get(url).status_code == 200
        event.remove(db.engine, "before_cursor_execute", hook)
        return len(count)

    small = queries(*_class_with_results(instructor, 3)[:2])
    large = queries(*_class_with_results(instructor, 12)[:2])
    assert small == large


def test_retire_and_restore_from_item_analysis(client, auth, instructor):
    course, a, _ = _class_with_results(instructor, 2)
    qid = a.items[0].question_id
    auth.login(instructor.email)
    client.post(f"/teach/questions/{qid}/retire", data={"back": f"/teach/assignments/{a.id}"})
    assert db.session.get(Question, qid).retired_at is not None
    client.post(f"/teach/questions/{qid}/restore", data={"back": "https://evil.example/"})
    assert db.session.get(Question, qid).retired_at is None


def test_demo_seed_populates_a_gradebook(app, client, auth):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "teacher@example.com" in result.output
    again = runner.invoke(args=["seed"])  # idempotent
    assert again.exit_code == 0
    course = db.session.scalars(select(Course)).one()
    assert len(courses.roster(course)) == 3 and len(course.assignments) == 1
    finished = db.session.scalars(select(Attempt).where(Attempt.state == AttemptState.FINISHED))
    assert len(finished.all()) == 2
    auth.login("teacher@example.com", "studyapp-demo")
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert "100.0%" in page and "50.0%" in page
    assert "Finished 0" in runner.invoke(args=["close-overdue"]).output
