"""The new-quiz page (the pick list only when picking, with search and filters) and changing a
quiz's questions until the first attempt starts."""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import event, select

from studyapp.extensions import db
from studyapp.models import Assignment, AssignmentQuestion, Attempt, Question, User
from studyapp.services import ServiceError
from studyapp.services import assignments as quiz
from studyapp.services.bank import graded_types, retire_question
from tests.web.quizkit import NOW, make_course, make_quiz, quiz_form

_form = quiz_form


def _tag(page: str, marker: str) -> str:
    """The opening tag of the element that carries ``marker``."""
    at = page.index(marker)
    return page[page.rindex("<", 0, at) : page.index(">", at) + 1]


def _ids_listed(page: str) -> set[str]:
    return set(re.findall(r'name="question_ids" value="([^"]+)"', page))


def _items(a: Assignment) -> list[str]:
    return list(
        db.session.scalars(
            select(AssignmentQuestion.question_id)
            .where(AssignmentQuestion.assignment_id == a.id)
            .order_by(AssignmentQuestion.position)
        )
    )


# --- the new-quiz page ----------------------------------------------------------------------


def test_drawing_hides_the_pick_list_and_picking_shows_it_without_javascript(
    client, auth, instructor
):
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    assert " hidden" in _tag(page, 'id="pick"')  # drawing is the default: no list in view
    assert " hidden" not in _tag(page, "<legend>Draw at random")
    assert "Show this choice" in page  # the button that switches without JavaScript
    # Choosing "pick" and pressing it: the list shows, the draw options go, nothing is made.
    picking = client.post(url, data=_form(source="pick", action="filter", title="Kept"))
    text = picking.get_data(as_text=True)
    assert " hidden" not in _tag(text, 'id="pick"')
    assert 'id="pick_q"' in text and 'value="Kept"' in text
    assert db.session.scalars(select(Assignment)).all() == []
    # Ticks while drawing are refused, and the list stays in view to untick them.
    tick = _ids_listed(text).pop()
    mixed = client.post(url, data=_form(question_ids=[tick])).get_data(as_text=True)
    assert "You ticked questions but chose to draw" in mixed
    assert " hidden" not in _tag(mixed, 'id="pick"')
    assert " hidden" not in _tag(mixed, "<legend>Draw at random")
    # A link into the pick list (a search or a filter) opens it too.
    assert " hidden" not in _tag(
        client.get(url + "?type=cloze").get_data(as_text=True), 'id="pick"'
    )


def test_the_pick_list_searches_prompts_and_filters_by_section_and_type(client, auth, instructor):
    course = make_course(instructor)
    auth.login(instructor.email)
    url = f"/teach/courses/{course.id}/assignments/new"
    target = db.session.scalars(
        select(Question).where(Question.type == "multiple_choice").order_by(Question.id)
    ).first()
    word = max(re.findall(r"[A-Za-z]+", target.prompt), key=len)
    usable = db.session.scalars(
        select(Question).where(
            Question.type.in_(graded_types()),
            Question.in_bank.is_(True),
            Question.retired_at.is_(None),
        )
    ).all()
    with_word = {q.id for q in usable if word.casefold() in q.prompt.casefold()}
    found = _ids_listed(client.get(url + f"?q={word.upper()}").get_data(as_text=True))
    assert target.id in found and found == with_word  # any case; only prompts with the word
    typed = _ids_listed(
        client.get(url + f"?q={word}&type=true_false&section={target.section}").get_data(
            as_text=True
        )
    )
    assert typed == {
        q.id
        for q in usable
        if q.id in with_word and q.type == "true_false" and q.section == target.section
    }
    # Two words: both must be there. LIKE's wildcards are taken literally.
    words = target.prompt.split()[:2]
    both = _ids_listed(client.get(url + f"?q={words[1]} {words[0]}").get_data(as_text=True))
    assert target.id in both
    assert _ids_listed(client.get(url + "?q=%25").get_data(as_text=True)) == set()
    nothing = client.get(url + "?q=zzqqxx").get_data(as_text=True)
    assert "0 questions match" in nothing and "No questions match this search" in nothing
    # Searching inside the form keeps the settings typed and the ticks made.
    other = next(q for q in usable if q.id not in with_word)
    kept = client.post(
        url,
        data=_form(source="pick", action="filter", pick_q=word, question_ids=[other.id]),
    ).get_data(as_text=True)
    assert _ids_listed(kept) == with_word | {other.id}
    assert f'value="{other.id}" checked' in kept and "Ticked, not in this search (1)" in kept
    # A search with hidden characters is refused beside the box, and searches nothing.
    bad = client.post(url, data=_form(source="pick", action="filter", pick_q="Kim\u202e"))
    text = bad.get_data(as_text=True)
    assert "Search the prompts contains invisible or control characters" in text
    assert f"{len(usable)} questions match" in text  # the whole bank, unsearched


def test_pick_candidates_leave_out_chosen_retired_and_self_graded(app):
    total, rows = quiz.pick_candidates(limit=500)
    assert total == len(rows) and rows
    assert all(q.type in graded_types() and q.usable for q in rows)
    retire_question(rows[0].id, NOW)
    again_total, again = quiz.pick_candidates(exclude=[rows[1].id], limit=500)
    assert again_total == total - 2
    assert {rows[0].id, rows[1].id}.isdisjoint(q.id for q in again)


# --- changing a quiz's questions ------------------------------------------------------------


def test_questions_change_until_a_student_starts(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3)
    first, second, third = _items(a)
    assert quiz.edit_questions(a, "up", [second]) == [second, first, third]
    assert quiz.edit_questions(a, "down", [second]) == [first, second, third]
    assert quiz.edit_questions(a, "up", [first]) == [first, second, third]  # already first
    assert quiz.edit_questions(a, "remove", [second]) == [first, third]
    extra = next(
        q.id for q in quiz.pick_candidates(limit=500)[1] if q.id not in (first, second, third)
    )
    assert quiz.edit_questions(a, "add", [extra, first]) == [first, third, extra]
    assert _items(a) == [first, third, extra]
    # Refused, and nothing changes: the last question, a self-graded one, a retired one.
    with pytest.raises(ServiceError, match="at least one question"):
        quiz.edit_questions(a, "remove", [first, third, extra])
    explain = db.session.scalar(select(Question.id).where(Question.type == "explain"))
    with pytest.raises(ServiceError, match="self-graded"):
        quiz.edit_questions(a, "add", [explain])
    retire_question(second, NOW)
    with pytest.raises(ServiceError, match="retired"):
        quiz.edit_questions(a, "add", [second])
    with pytest.raises(ServiceError, match="add, remove or move"):
        quiz.edit_questions(a, "shuffle", [first])
    assert _items(a) == [first, third, extra]
    # A question retired after it was put in the quiz stays, and can still be moved.
    retire_question(third, NOW)
    assert quiz.edit_questions(a, "up", [third]) == [third, first, extra]
    # The first attempt fixes the questions.
    attempt = quiz.start_attempt(a, student, NOW)
    assert attempt.layout["questions"] == [third, first, extra]
    for edit, ids in (("remove", [first]), ("up", [extra]), ("add", [second])):
        with pytest.raises(ServiceError, match="Students have started this quiz"):
            quiz.edit_questions(a, edit, ids)
    assert _items(a) == [third, first, extra]


def test_the_questions_page_edits_then_refuses_once_started(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3)
    first, second, third = _items(a)
    auth.login(instructor.email)
    url = f"/teach/assignments/{a.id}/questions"
    quiz_page = client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)
    assert url in quiz_page and "Change the questions" in quiz_page
    page = client.get(url).get_data(as_text=True)
    assert f'value="remove:{second}"' in page and "Add questions" in page
    assert first not in _ids_listed(page)  # what is in the quiz is not offered again
    done = client.post(url, data={"edit": f"remove:{second}"}, follow_redirects=True)
    assert "Question removed" in done.get_data(as_text=True)
    client.post(url, data={"edit": f"down:{first}"})
    client.post(url, data={"edit": "add", "question_ids": [second]})
    assert _items(a) == [third, first, second]
    # Searching the questions to add keeps the search after an edit.
    moved = client.post(url + "?q=the&type=cloze", data={"edit": f"up:{first}"})
    assert moved.headers["Location"].startswith(url + "?")
    assert "q=the" in moved.headers["Location"] and "type=cloze" in moved.headers["Location"]
    assert _items(a) == [first, third, second]

    quiz.start_attempt(a, student, NOW)
    refused = client.post(url, data={"edit": f"remove:{third}"}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "Students have started this quiz" in text
    assert _items(a) == [first, third, second]
    assert 'data-testid="questions-fixed"' in text and "remove:" not in text
    assert "Add questions" not in text
    assert "See the questions" in client.get(f"/teach/assignments/{a.id}").get_data(as_text=True)


def test_another_instructor_cannot_reach_the_questions_page(client, auth, instructor):
    from tests.conftest import make_user

    a = make_quiz(make_course(instructor), n=2)
    other = make_user(name="Other Teacher", role="instructor")
    auth.login(other.email)
    url = f"/teach/assignments/{a.id}/questions"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"edit": f"remove:{_items(a)[0]}"}).status_code == 404
    assert len(_items(a)) == 2


@pytest.mark.parametrize("first", ["student", "editor"])
def test_a_start_and_an_edit_at_once_never_leave_an_attempt_with_other_questions(
    app, instructor, student, first
):
    """Whichever takes the quiz first, the other waits: a start after the edit sees the new
    questions, an edit after the start is refused."""
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3)
    before = _items(a)
    assignment_id, student_id = a.id, student.id
    paused, resume = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    # The first comes to a halt inside its transaction, right after it has read (the student)
    # or rewritten (the editor) the quiz's questions.
    marker = "FROM assignment_question" if first == "student" else "INSERT INTO assignment_question"

    def hold(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == first and marker in statement:
            paused.set()
            resume.wait(10)

    def run(name: str) -> None:
        with app.app_context():
            assignment = db.session.get(Assignment, assignment_id)
            try:
                if name == "student":
                    user = db.session.get(User, student_id)
                    results[name] = quiz.start_attempt(assignment, user, NOW).layout["questions"]
                else:
                    results[name] = quiz.edit_questions(assignment, "remove", [before[0]])
            except ServiceError as exc:
                results[name] = exc
            db.session.remove()

    event.listen(db.engine, "after_cursor_execute", hold)
    try:
        second = "editor" if first == "student" else "student"
        threads = {
            name: threading.Thread(target=run, args=(name,), name=name) for name in (first, second)
        }
        threads[first].start()
        assert paused.wait(10)
        threads[second].start()
        time.sleep(0.5)
        assert threads[second].is_alive()  # waiting for the first to finish
        resume.set()
        for t in threads.values():
            t.join(15)
    finally:
        event.remove(db.engine, "after_cursor_execute", hold)
    db.session.rollback()
    layout = db.session.scalar(select(Attempt.layout).where(Attempt.assignment_id == assignment_id))
    assert layout["questions"] == _items(a)
    if first == "student":
        assert isinstance(results["editor"], ServiceError) and _items(a) == before
    else:
        assert results["editor"] == before[1:] == _items(a)


def test_an_edit_naming_a_question_not_in_the_quiz_is_refused(app, instructor):
    a = make_quiz(make_course(instructor), n=2)
    before = _items(a)
    outside = next(q.id for q in quiz.pick_candidates(limit=500)[1] if q.id not in before)
    for edit, ids in (("remove", [outside]), ("up", [outside]), ("down", []), ("remove", [])):
        with pytest.raises(ServiceError, match="not in this quiz"):
            quiz.edit_questions(a, edit, ids)
    assert _items(a) == before
