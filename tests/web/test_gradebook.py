"""The gradebook, its CSV, score statistics, item analysis, retiring questions, demo data."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Attempt, AttemptState, Course, Question
from studyapp.services import assignments as quiz
from studyapp.services import courses
from studyapp.services.gradebook import assignment_report, gradebook
from tests.conftest import make_user
from tests.web.helpers import sql_statements
from tests.web.quizkit import NOW, finished_attempt, item, make_course, make_quiz, right, wrong


def _class_with_results(instructor, n=6, questions=4):  # type: ignore[no-untyped-def]
    """Student i gets i % (questions + 1) questions right."""
    students = [make_user(name=f"Student {i}") for i in range(n)]
    course = make_course(instructor, students)
    a = make_quiz(course, n=questions)
    for i, s in enumerate(students):
        finished_attempt(a, s, i % (questions + 1))
    return course, a, students


def test_grades_follow_each_quizs_method(app, instructor, student):
    course = make_course(instructor, [student])
    made = {
        method: make_quiz(course, title=method, attempts_allowed=3, grading_method=method)
        for method in ("highest", "last", "average")
    }
    for a in made.values():
        finished_attempt(a, student, 4)  # 80%
        finished_attempt(a, student, 2)  # 40%
    book = gradebook(course, NOW + timedelta(hours=1))
    grades = {a.title: book.cells[(student.id, a.id)].grade for a in book.assignments}
    assert grades == {"highest": 80.0, "last": 40.0, "average": pytest.approx(60.0)}
    assert all(book.cells[(student.id, a.id)].attempts == 2 for a in book.assignments)
    assert book.averages[made["last"].id] == 40.0


def test_gradebook_page_shows_grade_status_and_time(client, auth, instructor):
    course, a, students = _class_with_results(instructor)
    late = make_user(name="Late Comer")
    courses.join_course(late, course.join_code)
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert "Student 3" in page and "75.0%" in page and "2:00" in page  # 3 of 4, two minutes
    row = page[page.index("Late Comer") :].split("</tr>")[0]
    assert "not started" in row
    assert "Class average" in page


def test_csv_is_formula_safe_with_a_bom(client, auth, instructor):
    course, a, students = _class_with_results(instructor, n=4)
    names = ['=HYPERLINK("http://evil")', "+1 cmd", "-2+3", "@SUM(A1)"]
    for s, name in zip(students, names, strict=True):
        s.name = name
    db.session.commit()
    auth.login(instructor.email)
    response = client.get(f"/teach/courses/{course.id}/gradebook.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][:3] == ["Student", "Email", "Quiz 1 (%)"]
    assert len(rows) == len(students) + 1  # one row per student
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert sorted(r[0] for r in rows[1:]) == sorted("'" + n for n in names)
    course.name = "한국 정치 2027"  # a file name the header can carry
    db.session.commit()
    named = client.get(f"/teach/courses/{course.id}/gradebook.csv")
    assert 'filename="2027-grades.csv"' in named.headers["Content-Disposition"]


def test_score_summary_and_histogram(client, auth, instructor):
    course, a, _ = _class_with_results(instructor, n=5)  # 0, 25, 50, 75, 100 %
    report = assignment_report(a, NOW + timedelta(hours=1))
    assert report.summary.mean == 50.0 and report.summary.median == 50.0
    assert report.summary.sd == pytest.approx(39.528, abs=0.01)
    assert [b.count for b in report.bins] == [1, 0, 1, 0, 0, 1, 0, 1, 0, 1]
    auth.login(instructor.email)
    page = client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    assert '<svg class="chart"' in page and "50.0%" in page
    assert 'data-testid="few-attempts"' in page and "Based on 5 attempts" in page


def test_no_small_sample_note_before_any_attempt_or_from_twenty(client, auth, instructor):
    course = make_course(instructor)
    a = make_quiz(course, n=3)
    auth.login(instructor.email)
    assert 'data-testid="few-attempts"' not in client.get(f"/teach/assignments/{a.id}").get_data(
        as_text=True
    )
    _, b, _ = _class_with_results(instructor, n=20, questions=2)
    assert 'data-testid="few-attempts"' not in client.get(f"/teach/assignments/{b.id}").get_data(
        as_text=True
    )


def test_item_analysis_follows_moodle(app, instructor):
    course, a, students = _class_with_results(instructor, n=10)
    report = assignment_report(a, NOW + timedelta(hours=1))
    assert report.attempts == 10
    # Question k (in each student's order) is right for students with i % 5 > k.
    attempts = db.session.scalars(select(Attempt).order_by(Attempt.user_id)).all()
    for row in report.items:
        rights = sum(
            1
            for t in attempts
            for ans in t.answers
            if ans.question_id == row.question_id and ans.correct
        )
        assert row.stats.facility == pytest.approx(100 * rights / 10)
        assert row.stats.discrimination_index is not None and row.stats.discrimination_index > 0
        assert row.stats.discriminative_efficiency is not None
        if row.type == "multiple_choice":
            assert (
                sum(row.stats.option_counts.values()) == 10 and row.key in row.stats.option_counts
            )


def test_flags_for_too_easy_items_and_idle_distractors(app, instructor):
    students = [make_user(name=f"S{i}") for i in range(20)]
    course = make_course(instructor, students)
    a = make_quiz(course, n=3, types=["multiple_choice"])
    ids = [i.question_id for i in a.items]
    for k, s in enumerate(students):
        attempt = quiz.start_attempt(a, s, NOW)
        responses = {ids[0]: right(item(ids[0]))}  # everybody right: too easy
        # Question 2: half right, half pick the same wrong option; two options idle.
        responses[ids[1]] = right(item(ids[1])) if k % 2 else wrong(item(ids[1]))
        responses[ids[2]] = right(item(ids[2])) if k < 15 else wrong(item(ids[2]))
        quiz.save_answers(attempt, responses, NOW)
        quiz.finish_attempt(attempt.id, NOW)
    report = assignment_report(a, NOW)
    flags = {r.question_id: r.flags for r in report.items}
    assert any("Too easy" in f for f in flags[ids[0]])
    idle = [f for f in flags[ids[1]] if f.startswith("Distractor")]
    assert len(idle) == 2  # the two options nobody chose
    assert report.items[0].stats.facility == 100.0


def test_few_attempts_do_not_flag_distractors(app, instructor):
    course, a, _ = _class_with_results(instructor, n=5)
    report = assignment_report(a, NOW + timedelta(hours=1))
    assert not any(f.startswith("Distractor") for r in report.items for f in r.flags)


def test_gradebook_pages_issue_the_same_queries_for_any_class_size(client, auth, instructor):
    auth.login(instructor.email)

    def queries(course, a) -> int:
        with sql_statements() as statements:
            for url in (
                f"/teach/courses/{course.id}/gradebook",
                f"/teach/courses/{course.id}/gradebook.csv",
                f"/teach/assignments/{a.id}",
                f"/teach/courses/{course.id}",
            ):
                assert client.get(url).status_code == 200
        return len(statements)

    small = queries(*_class_with_results(instructor, 3)[:2])
    large = queries(*_class_with_results(instructor, 14)[:2])
    assert small == large


def test_drill_down_to_an_attempt(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, attempts_allowed=2)
    first = finished_attempt(a, student, 1)
    second = finished_attempt(a, student, 3)
    auth.login(instructor.email)
    book = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert f"/teach/attempts/{first.id}" in book and f"/teach/attempts/{second.id}" in book
    page = client.get(f"/teach/attempts/{first.id}").get_data(as_text=True)
    assert page.count("Answer given") == 3 and page.count("is-right") == 1
    assert page.count("is-wrong") == 2 and "Time taken" in page and "2:00" in page
    assert f"/teach/attempts/{second.id}" in page  # the other attempt is one click away


def _attempt(a, student, correct: int, start, minutes: int):  # type: ignore[no-untyped-def]
    """A finished attempt with ``correct`` questions right, taking ``minutes`` minutes."""
    attempt = quiz.start_attempt(a, student, start)
    ids = attempt.layout["questions"]
    quiz.save_answers(
        attempt,
        {q: right(item(q)) if k < correct else wrong(item(q)) for k, q in enumerate(ids)},
        start,
    )
    assert quiz.finish_attempt(attempt.id, start + timedelta(minutes=minutes))
    db.session.refresh(attempt)
    return attempt


@pytest.mark.parametrize(
    ("method", "graded", "basis"),
    [
        ("highest", 1, "attempt 1 · 3:00"),
        ("last", 3, "attempt 3 · 5:00"),
        ("average", None, "average of 3"),
    ],
)
def test_a_cell_shows_the_attempt_its_grade_comes_from_and_links_every_attempt(
    client, auth, instructor, student, method, graded, basis
):
    course = make_course(instructor, [student])
    a = make_quiz(course, attempts_allowed=4, grading_method=method)
    made = [
        _attempt(a, student, 4, NOW, 3),  # 80%, 3 minutes: the best
        _attempt(a, student, 2, NOW + timedelta(minutes=10), 1),  # 40%, 1 minute
        _attempt(a, student, 3, NOW + timedelta(minutes=20), 5),  # 60%, 5 minutes: the last
    ]
    open_one = quiz.start_attempt(a, student, NOW + timedelta(minutes=30))  # in progress
    cell = gradebook(course, NOW + timedelta(minutes=31)).cells[(student.id, a.id)]
    assert cell.grade == pytest.approx({"highest": 80.0, "last": 60.0, "average": 60.0}[method])
    assert cell.graded_number == graded
    assert [(link.id, link.number) for link in cell.links] == [
        (t.id, t.number) for t in [*made, open_one]
    ]
    if graded:
        assert [link.number for link in cell.links if link.graded] == [graded]
        assert cell.time_taken == made[graded - 1].finished_at - made[graded - 1].started_at
    else:
        assert cell.averaged == 3 and cell.time_taken is None
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    td = page[page.index('class="cell') : page.index("</td>", page.index('class="cell'))]
    assert basis in td
    for t in [*made, open_one]:
        assert f'href="/teach/attempts/{t.id}"' in td and f"attempt {t.number}" in td
    marked = re.findall(r'href="/teach/attempts/(\d+)" class="graded"', td)
    assert marked == ([str(made[graded - 1].id)] if graded else [])
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/teach/courses/{course.id}/gradebook.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["Quiz 1 graded attempt"] == (str(graded) if graded else "average of 3")
    assert named["Quiz 1 time (m:ss)"] == (basis.split(" · ")[1] if graded else "")
    # The attempt page marks the graded attempt among its siblings too.
    detail = client.get(f"/teach/attempts/{made[1].id}").get_data(as_text=True)
    start = detail.index('aria-label="Attempts"')
    nav = detail[start : detail.index("</nav>", start)]
    assert nav.count("(graded)") == (1 if graded else 0)


def test_retire_and_restore_from_item_analysis(client, auth, instructor):
    course, a, _ = _class_with_results(instructor, 2)
    qid = a.items[0].question_id
    auth.login(instructor.email)
    back = f"/teach/assignments/{a.id}"
    done = client.post(f"/teach/questions/{qid}/retire", data={"back": back})
    assert done.headers["Location"] == back
    assert db.session.get(Question, qid).retired_at is not None
    assert "retired</span>" in client.get(back).get_data(as_text=True)
    drawn = quiz.draw_questions(count=200, types=[item(qid).type], seed=1, same_fact=True)
    assert qid not in drawn
    evil = client.post(f"/teach/questions/{qid}/restore", data={"back": "https://evil.example/"})
    assert evil.headers["Location"].endswith("/teach/")  # never off-site
    assert db.session.get(Question, qid).retired_at is None
    assert client.post("/teach/questions/no-such-question/retire").status_code == 404


def test_demo_seed_populates_a_gradebook(app, client, auth):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "teacher@example.com" in result.output
    again = runner.invoke(args=["seed"])  # idempotent
    assert again.exit_code == 0
    course = db.session.scalars(select(Course)).one()
    assert len(courses.roster(course)) == 3 and len(course.assignments) == 1
    a = course.assignments[0]
    assert a.opens_at < NOW + timedelta(minutes=1) < a.closes_at <= NOW + timedelta(days=8)
    finished = db.session.scalars(select(Attempt).where(Attempt.state == AttemptState.FINISHED))
    assert len(finished.all()) == 2
    auth.login("teacher@example.com", "studyapp-demo")
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert page.count('class="grade"') == 2
    assert "Facility" in client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    assert "Finished 0" in runner.invoke(args=["close-overdue"]).output


# --- what students typed --------------------------------------------------------------------


def _typed_quiz(instructor, students, n=2):  # type: ignore[no-untyped-def]
    """A quiz of typed questions where students type the key in several spellings or a wrong
    answer; returns the quiz and its first question."""
    course = make_course(instructor, students)
    a = make_quiz(course, n=n, types=["short_answer", "cloze"], shuffle_questions=False)
    first = item(a.items[0].question_id)
    key = str(first.answer)
    typed = [key, key.upper() + ".", "Zhou Enlai", "zhou  enlai", "ZHOU ENLAI", ""]
    for s, text in zip(students, typed, strict=False):
        attempt = quiz.start_attempt(a, s, NOW)
        responses = {qid: wrong(item(qid)) for qid in attempt.layout["questions"]}
        responses[first.id] = text
        quiz.save_answers(attempt, responses, NOW)
        assert quiz.finish_attempt(attempt.id, NOW + timedelta(minutes=1))
    return a, first


def test_item_analysis_lists_what_students_typed_grouped_with_counts(client, auth, instructor):
    students = [make_user(name=f"Typist {i}") for i in range(6)]
    a, first = _typed_quiz(instructor, students)
    report = assignment_report(a, NOW + timedelta(minutes=5))
    row = next(r for r in report.items if r.question_id == first.id)
    assert row.key == str(first.answer)
    assert [(g.text, g.count, g.marked) for g in row.responses] == [
        ("Zhou Enlai", 3, "wrong"),  # the most frequent first, the empty answer left out
        (str(first.answer), 2, "right"),
    ]
    other = next(r for r in report.items if r.question_id != first.id)
    assert [(g.count, g.marked) for g in other.responses] == [(6, "wrong")]
    auth.login(instructor.email)
    page = client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    listed = page[page.index('data-testid="responses"') :]
    listed = listed[: listed.index("</ul>")]
    assert "“Zhou Enlai”: <strong>3</strong>" in listed and "Marked wrong" in listed
    assert f"“{first.answer}”: <strong>2</strong>" in listed and "Marked right" in listed


def test_item_analysis_of_typed_answers_issues_the_same_queries_for_any_size(
    client, auth, instructor
):
    auth.login(instructor.email)

    def queries(a) -> int:  # type: ignore[no-untyped-def]
        with sql_statements() as statements:
            assert client.get(f"/teach/assignments/{a.id}").status_code == 200
        return len(statements)

    small = queries(_typed_quiz(instructor, [make_user(name=f"A{i}") for i in range(2)], n=2)[0])
    large = queries(_typed_quiz(instructor, [make_user(name=f"B{i}") for i in range(6)], n=6)[0])
    assert small == large
