"""The web shell asks the kind registry: forms, labels, choices and expected times."""

from __future__ import annotations

from markupsafe import escape

from studyapp.core.grading import check
from studyapp.core.questions import KINDS, Question, get_kind, graded_kinds, seed_bank
from studyapp.core.scheduling import Rating
from studyapp.models import ReviewMode
from studyapp.services.bank import graded_types
from studyapp.services.study import rate
from studyapp.web.study.forms import read_response
from tests.conftest import RIDDLE
from tests.web.helpers import answer_fields
from tests.web.quizkit import make_course

BANK = seed_bank()


def test_each_kinds_form_reads_back_the_answer_it_was_given():
    for q in BANK.questions:
        if not get_kind(q.type).auto_graded:
            continue
        right = read_response(q, answer_fields(q, right=True, prefix="q-x-"), prefix="q-x-")
        wrong = read_response(q, answer_fields(q, right=False))
        assert check(q, right).correct, q.id
        assert not check(q, wrong).correct, q.id


def test_the_labels_and_choices_on_every_page_come_from_the_registry(client, auth, instructor):
    auth.login(instructor.email)
    bank_page = client.get("/questions").get_data(as_text=True)
    for kind in KINDS.values():
        assert f'<option value="{kind.id}" >{escape(kind.label)}</option>' in bank_page
    course = make_course(instructor)
    new_quiz = client.get(f"/teach/courses/{course.id}/assignments/new").get_data(as_text=True)
    for kind in graded_kinds():
        assert f'id="mix_{kind.id}"' in new_quiz
    assert 'id="mix_explain"' not in new_quiz
    assert "“Explain why” questions are self-graded" in new_quiz
    assert graded_types() == [k.id for k in graded_kinds()]


def _riddle() -> Question:
    return Question.from_dict(RIDDLE)


def test_a_new_kind_shows_up_in_labels_choices_and_quiz_types(
    riddle_kind, client, auth, instructor, student
):
    assert "riddle" in graded_types()
    auth.login(instructor.email)
    course = make_course(instructor)
    new_quiz = client.get(f"/teach/courses/{course.id}/assignments/new").get_data(as_text=True)
    assert '<label for="mix_riddle">Riddle' in new_quiz
    assert '<option value="riddle" >Riddle</option>' in new_quiz
    assert '<option value="riddle" >Riddle</option>' in client.get("/questions").get_data(
        as_text=True
    )
    auth.logout()
    auth.login(student.email)
    practice = client.get("/study/practice").get_data(as_text=True)
    assert 'value="riddle"' in practice and "Riddle</label>" in practice
    q = _riddle()
    assert read_response(q, {"text": "piano"}) == "piano"
    assert check(q, "piano").correct


def test_a_kinds_expected_time_sets_how_fast_an_answer_is_easy(riddle_kind, monkeypatch):
    q = _riddle()
    verdict = check(q, "piano")
    monkeypatch.setattr(type(riddle_kind), "expected_seconds", 6)
    assert rate(q, verdict, ReviewMode.STUDY, None, 1_900)[0] == Rating.EASY
    assert rate(q, verdict, ReviewMode.STUDY, None, 2_100)[0] == Rating.GOOD
    assert rate(q, verdict, ReviewMode.STUDY, None, 12_100)[0] == Rating.HARD
    monkeypatch.setattr(type(riddle_kind), "expected_seconds", 60)
    assert rate(q, verdict, ReviewMode.STUDY, None, 12_100)[0] == Rating.EASY
