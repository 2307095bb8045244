"""Building quizzes: drawing and picking questions, settings, extensions, what students see."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Assignment, Attempt, Question
from studyapp.services import ServiceError
from studyapp.services import assignments as quiz
from studyapp.services.bank import (
    core_question,
    graded_types,
    retire_question,
    usable_questions_query,
)
from tests.conftest import make_user
from tests.web.bankkit import add_questions, on_own_facts
from tests.web.quizkit import NOW, finished_attempt, make_course, make_quiz, quiz_form

# --- drawing --------------------------------------------------------------------------------


def _rows(ids):
    rows = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    return [rows[i] for i in ids]


def test_a_draw_is_deterministic_given_its_seed(app):
    first = quiz.draw_questions(count=12, seed=42)
    assert first == quiz.draw_questions(count=12, seed=42)
    assert first != quiz.draw_questions(count=12, seed=43)
    assert len(first) == len(set(first)) == 12


def test_a_draw_follows_the_chosen_mix_of_types_and_sections(app):
    ids = quiz.draw_questions(
        mix={"multiple_choice": 4, "true_false": 3, "ordering": 1}, count=0, seed=5
    )
    assert Counter(q.type for q in _rows(ids)) == {
        "multiple_choice": 4,
        "true_false": 3,
        "ordering": 1,
    }
    ids = quiz.draw_questions(count=6, types=["multiple_choice"], sections=["2", "3"], seed=5)
    sections = Counter(q.section for q in _rows(ids))
    assert set(sections) == {"2", "3"} and sections["2"] == sections["3"] == 3  # spread evenly


def _bank_of(request, per_kind: dict[str, int]) -> None:
    """Retire the whole bank; add ``per_kind[t]`` questions of each kind, each on its own facts."""
    bank = list(db.session.scalars(usable_questions_query().order_by(Question.id)))
    for q in bank:
        q.retired_at = NOW
    db.session.commit()
    items = []
    for qtype, n in per_kind.items():
        model = core_question(next(q for q in bank if q.type == qtype))
        items += [on_own_facts(model, f"mix-{i}") for i in range(n)]
    add_questions(request, items)


def test_an_even_mix_takes_the_types_in_turn(app, request):
    _bank_of(request, dict.fromkeys(graded_types(), 3))
    ids = quiz.draw_questions(count=12, seed=9)
    types = Counter(q.type for q in _rows(ids))
    assert set(types) == set(graded_types()) and set(types.values()) == {2}


def test_an_even_mix_shares_out_the_turns_of_a_kind_that_runs_out(app, request):
    short, *others = graded_types()
    _bank_of(request, {short: 1, **dict.fromkeys(others, 4)})
    ids = quiz.draw_questions(count=2 * len(graded_types()), seed=9)
    types = Counter(q.type for q in _rows(ids))
    assert len(ids) == 2 * len(graded_types()) and types[short] == 1
    assert sorted(types[t] for t in others) == [2] * (len(others) - 1) + [3]


def test_no_two_questions_on_one_fact_unless_asked(app):
    gradable = db.session.scalars(
        usable_questions_query().where(Question.type.in_(graded_types()))
    ).all()
    rows = _rows(quiz.draw_questions(count=len(gradable), seed=1))
    facts = [f for q in rows for f in q.fact_ids]
    assert len(facts) == len(set(facts))
    assert len(rows) < len(gradable)  # the bank has questions sharing a fact: they were left out
    loose = _rows(quiz.draw_questions(count=len(gradable), seed=1, same_fact=True))
    assert len(loose) == len(gradable)  # more than one question per fact now allowed
    loose_facts = [f for q in loose for f in q.fact_ids]
    assert len(loose_facts) > len(set(loose_facts))


def test_retired_and_explain_questions_are_never_drawn(app):
    ids = quiz.draw_questions(count=50, types=["true_false"], sections=["1"], seed=1)
    for qid in ids[:5]:
        retire_question(qid, NOW)
    again = quiz.draw_questions(count=50, types=["true_false"], sections=["1"], seed=1)
    assert not set(ids[:5]) & set(again)
    assert quiz.draw_questions(count=5, types=["explain"], seed=1) != []  # falls back to all
    everything = _rows(quiz.draw_questions(count=100, seed=2, same_fact=True))
    assert all(q.type != "explain" and q.retired_at is None for q in everything)


def test_a_draw_that_cannot_be_filled_returns_fewer(app):
    ids = quiz.draw_questions(count=500, types=["ordering"], seed=1)
    assert 0 < len(ids) < 500


# --- settings -------------------------------------------------------------------------------


def _settings(**changes):
    values = dict(title="Q", opens_at=NOW, closes_at=NOW + timedelta(days=1))
    values.update(changes)
    return quiz.AssignmentSettings(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "title"),
        ({"closes_at": NOW - timedelta(minutes=1)}, "close time must be after"),
        ({"closes_at": NOW}, "close time must be after"),
        ({"time_limit_minutes": 0}, "time limit"),
        ({"time_limit_minutes": -5}, "time limit"),
        ({"attempts_allowed": 0}, "attempts"),
    ],
)
def test_settings_are_validated(app, instructor, changes, message):
    course = make_course(instructor)
    ids = quiz.draw_questions(count=2, seed=1)
    with pytest.raises(ServiceError, match=message):
        quiz.create_assignment(course, _settings(**changes), ids)
    assert db.session.scalars(select(Assignment)).all() == []


def test_only_gradable_usable_questions_can_be_assigned(app, instructor):
    course = make_course(instructor)
    explain = db.session.scalars(select(Question).where(Question.type == "explain")).first()
    with pytest.raises(ServiceError, match="self-graded"):
        quiz.create_assignment(course, _settings(), [explain.id])
    ids = quiz.draw_questions(count=2, seed=1)
    retire_question(ids[0], NOW)
    with pytest.raises(ServiceError, match="retired"):
        quiz.create_assignment(course, _settings(), ids)
    with pytest.raises(ServiceError, match="at least one"):
        quiz.create_assignment(course, _settings(), [])


_form = partial(quiz_form, attempts_allowed="2")


def test_instructor_draws_a_quiz_with_a_mix_in_their_time_zone(client, auth, instructor):
    instructor.timezone = "Asia/Seoul"
    db.session.commit()
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    assert "Asia/Seoul" in client.get(url).get_data(as_text=True)
    made = client.post(
        url,
        data=_form(mix_multiple_choice="3", mix_cloze="2", seed="77", draw_sections=["2", "3"]),
        follow_redirects=True,
    )
    assert "created with 5 questions" in made.get_data(as_text=True)
    assert "seed 77" in made.get_data(as_text=True)
    a = db.session.scalars(select(Assignment)).one()
    assert Counter(i.question.type for i in a.items) == {"multiple_choice": 3, "cloze": 2}
    assert {i.question.section for i in a.items} <= {"2", "3"}
    # 09:00 in Seoul (UTC+9) is 00:00 UTC; 17:30 is 08:30 UTC.
    assert (a.opens_at.hour, a.opens_at.minute) == (0, 0)
    assert (a.closes_at.day, a.closes_at.hour, a.closes_at.minute) == (8, 8, 30)
    same = quiz.draw_questions(
        count=0, mix={"multiple_choice": 3, "cloze": 2}, sections=["2", "3"], seed=77
    )
    assert [i.question_id for i in a.items] == same


def test_quizzes_are_closed_book_unless_the_instructor_unticks_it(client, auth, instructor):
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    box = re.search(r'<input[^>]*id="closed_book"[^>]*>', page).group(0)
    assert "checked" in box and "Untick for homework" in page
    client.post(url, data=_form(mix_cloze="2", closed_book="y"))
    client.post(url, data=_form(mix_cloze="2", title="Homework"))  # the box left unticked
    closed, homework = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assert closed.closed_book and not homework.closed_book
    edit = client.get(f"/teach/assignments/{homework.id}/edit").get_data(as_text=True)
    assert "checked" not in re.search(r'<input[^>]*id="closed_book"[^>]*>', edit).group(0)
    shown = client.get(f"/teach/assignments/{homework.id}").get_data(as_text=True)
    assert "only its own questions hidden while it is open" in shown


def test_the_form_reports_bad_settings_beside_the_fields(client, auth, instructor):
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    bad = client.post(
        url,
        data=_form(
            opens_at="2030-03-08T09:00",
            closes_at="2030-03-01T09:00",
            time_limit_minutes="0",
            attempts_allowed="0",
        ),
    )
    text = bad.get_data(as_text=True)
    assert "close time must be after the open time" in text
    assert "Between 1 and 600 minutes" in text and "Between 1 and 20" in text
    assert 'value="Quiz A"' in text  # what was typed stays
    assert db.session.scalars(select(Assignment)).all() == []


def test_picking_with_filters_keeps_the_ticks(client, auth, instructor):
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    page = client.get(url + "?type=ordering&section=3").get_data(as_text=True)
    ordering = db.session.scalars(
        select(Question).where(
            Question.type == "ordering", Question.section == "3", Question.retired_at.is_(None)
        )
    ).first()
    assert ordering.id in page and "Preview the options and the answer" in page
    mc = db.session.scalars(select(Question).where(Question.type == "multiple_choice")).first()
    # Filter to another type: the ticked ordering question stays ticked, listed apart.
    filtered = client.post(
        url,
        data=_form(
            source="pick", question_ids=[ordering.id], pick_type="multiple_choice", action="filter"
        ),
    )
    text = filtered.get_data(as_text=True)
    assert filtered.status_code == 200 and "Ticked, not in this search (1)" in text
    assert f'value="{ordering.id}" checked' in text
    assert db.session.scalars(select(Assignment)).all() == []
    mixed_up = client.post(url, data=_form(source="draw", question_ids=[ordering.id]))
    assert "You ticked questions but chose to draw" in mixed_up.get_data(as_text=True)
    made = client.post(url, data=_form(source="pick", question_ids=[ordering.id, mc.id]))
    assert made.status_code == 302
    a = db.session.scalars(select(Assignment)).one()
    assert [i.question_id for i in a.items] == [ordering.id, mc.id]


def test_picking_by_fact(client, auth, instructor):
    course = make_course(instructor)
    q = db.session.scalars(select(Question).where(Question.type == "multiple_choice")).first()
    fact = q.fact_ids[0]
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}/assignments/new?fact={fact}")
    text = page.get_data(as_text=True)
    assert q.id in text
    other = db.session.scalars(
        select(Question).where(Question.type == "multiple_choice", Question.id != q.id)
    ).all()
    assert any(o.id not in text for o in other if fact not in o.fact_ids)


def test_editing_settings_moves_open_attempts_deadlines(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, closes_at=NOW + timedelta(hours=2))
    attempt = quiz.start_attempt(a, student, NOW)
    assert attempt.deadline == NOW + timedelta(hours=2)
    auth.login(instructor.email)
    page = client.get(f"/teach/assignments/{a.id}/edit").get_data(as_text=True)
    assert 'value="Quiz 1"' in page
    later = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    opens = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    saved = client.post(
        f"/teach/assignments/{a.id}/edit",
        data=_form(title="Quiz 1b", opens_at=opens, closes_at=later, time_limit_minutes="30"),
    )
    assert saved.status_code == 302
    db.session.refresh(a)
    db.session.refresh(attempt)
    assert a.title == "Quiz 1b" and a.time_limit_minutes == 30
    assert attempt.deadline == NOW + timedelta(minutes=30)  # the new limit, from its start


def test_extensions_and_extra_time(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=10, closes_at=NOW + timedelta(minutes=5))
    with pytest.raises(ServiceError, match="after the quiz's own close"):
        quiz.set_override(a, student.id, extra_minutes=0, closes_at=NOW)
    with pytest.raises(ServiceError, match="not in this class"):
        quiz.set_override(a, make_user().id, extra_minutes=5, closes_at=None)
    quiz.set_override(a, student.id, extra_minutes=15, closes_at=NOW + timedelta(hours=1))
    attempt = quiz.start_attempt(a, student, NOW)
    assert attempt.deadline == NOW + timedelta(minutes=25)  # min(close 60, 10 + 15)
    quiz.set_override(a, student.id, extra_minutes=0, closes_at=None)  # removed: back to 5
    db.session.refresh(attempt)
    assert attempt.deadline == NOW + timedelta(minutes=5)
    assert quiz.override_for(a, student.id) is None


def test_override_form(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=10)
    auth.login(instructor.email)
    client.post(
        f"/teach/assignments/{a.id}/overrides",
        data={"student_id": str(student.id), "extra_minutes": "20", "closes_at": ""},
    )
    assert quiz.override_for(a, student.id).extra_minutes == 20
    page = client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    assert "+20 min" in page and student.name in page
    bad = client.post(
        f"/teach/assignments/{a.id}/overrides",
        data={"student_id": str(make_user().id), "extra_minutes": "5"},
        follow_redirects=True,
    )
    assert "Choose a student of this class" in bad.get_data(as_text=True)


# --- what students see ----------------------------------------------------------------------


def test_students_see_status_and_due_dates_in_their_time_zone(client, auth, instructor, student):
    student.timezone = "America/New_York"
    db.session.commit()
    course = make_course(instructor, [student])
    make_quiz(course, title="Fresh", closes_at=NOW + timedelta(days=3))
    going = make_quiz(course, title="Going")
    quiz.start_attempt(going, student, NOW)
    done = make_quiz(course, title="Done")
    finished_attempt(done, student, 5)
    make_quiz(
        course, title="Missed", opens_at=NOW - timedelta(days=3), closes_at=NOW - timedelta(days=1)
    )
    make_quiz(
        course, title="Later", opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=2)
    )
    auth.login(student.email)
    page = client.get("/classes/").get_data(as_text=True)
    for title, status in [
        ("Fresh", "Not started"),
        ("Going", "In progress"),
        ("Done", "Submitted"),
        ("Missed", "Overdue"),
        ("Later", "Not open yet"),
    ]:
        row = page[page.index(f">{title}<") :].split("</tr>")[0]
        assert status in row, (title, row)
    assert "(EST)" in page or "(EDT)" in page


def test_students_see_when_a_quiz_opens_and_when_an_open_one_closes(
    client, auth, instructor, student
):
    student.timezone = "Asia/Seoul"
    db.session.commit()
    course = make_course(instructor, [student])
    opens = (NOW + timedelta(days=1)).replace(minute=30, second=0)
    later = make_quiz(course, title="Later", opens_at=opens, closes_at=opens + timedelta(days=2))
    now_open = make_quiz(course, title="Now", closes_at=NOW + timedelta(days=3))

    def seoul(value):  # type: ignore[no-untyped-def]
        return value.astimezone(ZoneInfo("Asia/Seoul")).strftime("%d %b %Y, %H:%M (KST)")

    auth.login(student.email)
    page = client.get("/classes/").get_data(as_text=True)
    row = page[page.index(">Later<") :].split("</tr>")[0]
    assert "Not open yet" in row and f"Opens {seoul(opens)}" in row
    row = page[page.index(">Now<") :].split("</tr>")[0]
    assert f"Closes {seoul(now_open.closes_at)}" in row and "Opens" not in row
    one = client.get(f"/classes/assignments/{later.id}").get_data(as_text=True)
    assert f"opens {seoul(opens)}" in one and f"when the quiz opens: {seoul(opens)}" in one
    other = client.get(f"/classes/assignments/{now_open.id}").get_data(as_text=True)
    assert f"closes {seoul(now_open.closes_at)}" in other


def test_students_outside_the_class_cannot_see_or_start_it(client, auth, instructor, student):
    a = make_quiz(make_course(instructor))
    auth.login(student.email)
    assert client.get(f"/classes/assignments/{a.id}").status_code == 404
    assert client.post(f"/classes/assignments/{a.id}/start").status_code == 404
    with pytest.raises(ServiceError, match="not in this class"):
        quiz.start_attempt(a, student, NOW)
    assert db.session.scalars(select(Attempt)).all() == []


# --- the bank hides answers of open quizzes -------------------------------------------------

HIDDEN = "while a quiz on this question is open"


def test_bank_hides_answers_of_questions_in_an_open_quiz(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"])
    qid = a.items[0].question_id
    q = db.session.get(Question, qid)
    explanation = str(escape(core_question(db.session.get(Question, qid)).why))

    def bank_page():
        return client.get(f"/questions?type=multiple_choice&section={q.section}").get_data(
            as_text=True
        )

    for who in (None, student):
        if who:
            auth.login(who.email)
        question = client.get(f"/questions/{qid}").get_data(as_text=True)
        assert HIDDEN in question and explanation not in question
        browse = bank_page()
        start = browse.index(str(escape(q.prompt))[:40])  # as printed: "Sung's" -> "Sung&#39;s"
        block = browse[start : browse.find('class="question-item"', start)]
        assert HIDDEN in block and explanation not in block
    auth.logout()
    auth.login(instructor.email)
    assert explanation in client.get(f"/questions/{qid}").get_data(as_text=True)
    auth.logout()
    # Closed (and nobody has an extension): answers are back for students.
    a.closes_at = NOW - timedelta(minutes=1)
    a.opens_at = NOW - timedelta(hours=2)
    db.session.commit()
    auth.login(student.email)
    assert explanation in client.get(f"/questions/{qid}").get_data(as_text=True)
    # An extension keeps the quiz open for one student: hidden again for everybody.
    quiz.set_override(a, student.id, extra_minutes=0, closes_at=NOW + timedelta(hours=1))
    assert HIDDEN in client.get(f"/questions/{qid}").get_data(as_text=True)


def test_retiring_a_question_leaves_existing_quizzes_and_grades_alone(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice"], attempts_allowed=2)
    first = finished_attempt(a, student, correct_count=3)
    assert first.percent == 100.0
    retire_question(a.items[0].question_id, NOW)
    db.session.refresh(first)
    assert first.percent == 100.0
    second = quiz.start_attempt(a, student, NOW + timedelta(minutes=5))
    assert a.items[0].question_id in second.layout["questions"]
    assert len(second.layout["questions"]) == 3
