"""Taking a quiz: autosave, reloads, deadlines, finishing exactly once, grading, review options."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from studyapp.extensions import db
from studyapp.models import (
    Attempt,
    AttemptAnswer,
    AttemptState,
    Question,
    Review,
    ReviewMode,
    User,
)
from studyapp.services import ServiceError, courses
from studyapp.services import assignments as quiz
from tests.conftest import PASSWORD, make_app, make_user
from tests.web.helpers import answer_fields, sql_statements
from tests.web.quizkit import (
    NOW,
    answer_all,
    finished_attempt,
    item,
    make_course,
    make_quiz,
    right,
    started_attempt,
    wrong,
)


def _prefix(qid: str) -> str:
    """The field prefix of a question on its attempt's page: its position, not its bank id."""
    for attempt in db.session.scalars(select(Attempt).order_by(Attempt.id.desc())):
        if qid in attempt.layout["questions"]:
            return f"q-{attempt.layout['questions'].index(qid) + 1}-"
    raise AssertionError(qid)


def _fields(qid: str, correct: bool = True) -> dict[str, str]:
    return answer_fields(item(qid), correct, prefix=_prefix(qid))


def _reviews(attempt_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(Review).where(Review.mode == ReviewMode.QUIZ)
    if attempt_id is not None:
        stmt = stmt.where(Review.attempt_id == attempt_id)
    return db.session.scalar(stmt)


# --- taking it in the browser's shoes ------------------------------------------------------


def test_autosave_reload_and_submit_once(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, one_per_page=True, show_answers="after_close")
    auth.login(student.email)
    start = client.post(f"/classes/assignments/{a.id}/start")
    attempt = db.session.scalars(select(Attempt)).one()
    assert start.headers["Location"].endswith(f"/classes/attempts/{attempt.id}")
    qid = attempt.layout["questions"][0]
    saved = client.post(f"/classes/attempts/{attempt.id}/autosave", data=_fields(qid))
    body = saved.get_json()
    assert body["saved"] == 1 and body["kept"] == body["refused"] == []
    assert set(body) == {"saved", "kept", "refused", "at", "deadline"}  # no mark, no key
    page = client.get(f"/classes/attempts/{attempt.id}?page=1").get_data(as_text=True)
    assert " checked>" in page  # a reload shows the saved answer
    assert item(qid).why not in page and "Answer:" not in page  # nothing revealed
    assert 'class="qnav-item current answered"' in page
    first = client.post(f"/classes/attempts/{attempt.id}/submit")
    second = client.post(f"/classes/attempts/{attempt.id}/submit", follow_redirects=True)
    assert first.status_code == 302
    assert "already submitted; it was not graded again" in second.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.marks == 1.0
    assert _reviews() == 1
    late = client.post(f"/classes/attempts/{attempt.id}/autosave", data=_fields(qid, False))
    assert late.status_code == 409 and late.get_json()["closed"] is True
    assert quiz.saved_answers(attempt)[qid] == right(item(qid))  # unchanged after the finish
    # Reopening the attempt page after the finish shows the result, not the form.
    assert client.get(f"/classes/attempts/{attempt.id}").headers["Location"].endswith("/result")


def test_without_javascript_the_buttons_save(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, one_per_page=True)
    attempt = started_attempt(client, auth, student, a)
    q1, q2, _ = attempt.layout["questions"]
    nxt = client.post(
        f"/classes/attempts/{attempt.id}/save?page=1", data={**_fields(q1), "go": "2"}
    )
    assert nxt.headers["Location"].endswith(f"/classes/attempts/{attempt.id}?page=2")
    page2 = client.get(nxt.headers["Location"]).get_data(as_text=True)
    assert 'data-question="2"' in page2 and 'data-question="1"' not in page2
    assert q1 not in page2 and q2 not in page2  # no bank id on the page
    # Jumping to question 3 from page 2 by its number saves page 2 too.
    client.post(f"/classes/attempts/{attempt.id}/save?page=2", data={**_fields(q2), "go": "3"})
    assert set(quiz.saved_answers(attempt)) == {q1, q2}
    stay = client.post(f"/classes/attempts/{attempt.id}/save?page=3", data={"go": ""})
    assert stay.headers["Location"].endswith("page=3")
    finish = client.post(f"/classes/attempts/{attempt.id}/save?page=3", data={"go": "finish"})
    assert finish.headers["Location"].endswith("/result")
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.marks == 2.0


def test_partial_and_cleared_answers_survive_a_reload(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["matching", "ordering", "short_answer"])
    attempt = started_attempt(client, auth, student, a)
    by_type = {item(q).type: q for q in attempt.layout["questions"]}
    m, o, s = by_type["matching"], by_type["ordering"], by_type["short_answer"]
    match_fields = {k: v for k, v in _fields(m).items() if k.endswith(("-0", "-1"))}
    order_fields = {f"{_prefix(o)}pos-0": "2"}
    data = {**match_fields, **order_fields, f"{_prefix(s)}text": "Mao"}
    assert client.post(f"/classes/attempts/{attempt.id}/autosave", data=data).status_code == 200
    saved = quiz.saved_answers(attempt)
    assert len(saved[m]) == 2  # two of the pairs, kept as they are
    assert saved[o][1] == item(o).options[0] and saved[o].count(None) == len(item(o).options) - 1
    assert saved[s] == "Mao"
    page = client.get(f"/classes/attempts/{attempt.id}").get_data(as_text=True)
    assert page.count(" selected>") == 3 and 'value="Mao"' in page
    client.post(f"/classes/attempts/{attempt.id}/autosave", data={f"{_prefix(s)}text": "  "})
    assert quiz.saved_answers(attempt)[s] == ""  # cleared stays cleared
    client.post(f"/classes/attempts/{attempt.id}/submit")
    db.session.refresh(attempt)
    pairs = len(item(m).answer)
    assert attempt.marks == pytest.approx(2 / pairs)  # two right pairs, nothing else
    assert _reviews() == 2  # the cleared answer is not history


# --- the newest answer wins -----------------------------------------------------------------


def _stored(attempt: Attempt, qid: str) -> tuple:
    db.session.expire_all()
    return quiz.saved_drafts(attempt)[qid]


def test_an_answer_numbered_older_than_the_stored_one_changes_nothing(
    client, auth, instructor, student
):
    """A late save, a second tab or a reloaded page sends an older number: it is ignored."""
    course = make_course(instructor, [student])
    a = make_quiz(course, n=2, one_per_page=True)
    attempt = started_attempt(client, auth, student, a)
    q1 = attempt.layout["questions"][0]
    newer = {**_fields(q1, True), "q-1-seq": "2000"}
    older = {**_fields(q1, False), "q-1-seq": "1000"}
    url = f"/classes/attempts/{attempt.id}"
    assert client.post(f"{url}/autosave", data=newer).get_json()["kept"] == []
    late = client.post(f"{url}/autosave", data=older).get_json()  # the older save lands last
    assert late["kept"] == [1] and late["saved"] == 0
    assert _stored(attempt, q1) == (right(item(q1)), 2000)
    page = client.get(f"{url}?page=1").get_data(as_text=True)
    assert 'data-seq="2000"' in page  # the page knows which answer it shows
    # "Save and next" from a page that still showed the older answer: the newer one stays.
    nxt = client.post(f"{url}/save?page=1", data={**older, "go": "2"})
    assert nxt.headers["Location"].endswith("page=2")
    assert _stored(attempt, q1) == (right(item(q1)), 2000)
    again = client.post(f"{url}/autosave", data=newer).get_json()  # the same answer again
    assert again["saved"] == 1 and again["kept"] == []
    # Without JavaScript a form carries no number: it is the newest at its arrival.
    client.post(f"{url}/save?page=1", data={**_fields(q1, False), "go": "2"})
    response, seq = _stored(attempt, q1)
    assert response == wrong(item(q1)) and seq > 2000
    client.post(f"{url}/autosave", data={**_fields(q1, True), "q-1-seq": "2001"})
    assert _stored(attempt, q1) == (wrong(item(q1)), seq)
    client.post(f"{url}/autosave", data={**_fields(q1, True), "q-1-seq": str(seq + 1)})
    assert _stored(attempt, q1) == (right(item(q1)), seq + 1)
    bad = client.post(f"{url}/autosave", data={**_fields(q1, False), "q-1-seq": "12x"})
    assert "malformed" in bad.get_json()["refused"][0]
    assert _stored(attempt, q1) == (right(item(q1)), seq + 1)


def test_the_service_keeps_the_highest_numbered_answer_whatever_the_order(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=1)
    attempt = quiz.start_attempt(a, student, NOW)
    qid = attempt.layout["questions"][0]
    answers = {5: right(item(qid)), 9: wrong(item(qid)), 7: right(item(qid))}
    for seq in (5, 9, 7):  # the save numbered 9 was the student's last change
        quiz.save_answers(attempt, {qid: answers[seq]}, NOW, {qid: seq})
    assert _stored(attempt, qid) == (wrong(item(qid)), 9)
    saved = quiz.save_answers(attempt, {qid: right(item(qid))}, NOW, {qid: 8})
    assert saved.kept == (qid,) and saved.count == 0
    quiz.finish_attempt(attempt.id, NOW)
    db.session.refresh(attempt)
    assert attempt.marks == 0.0


def _answer_writes(run) -> list[str]:  # type: ignore[no-untyped-def]
    """The statements that wrote quiz answers while ``run()`` ran."""
    with sql_statements() as statements:
        run()
    writes = ("INSERT INTO attempt_answer", "UPDATE attempt_answer")
    return [s for s in statements if s.startswith(writes)]


def test_an_autosave_writes_only_the_answers_the_page_changed(client, auth, instructor, student):
    """quiz.js sends the whole page, each answer with its number: only changed ones are written."""
    course = make_course(instructor, [student])
    a = make_quiz(course, n=3, types=["multiple_choice", "short_answer", "true_false"])
    attempt = started_attempt(client, auth, student, a)
    by_type = {item(q).type: q for q in attempt.layout["questions"]}
    mc, typed = by_type["multiple_choice"], by_type["short_answer"]
    url = f"/classes/attempts/{attempt.id}/autosave"
    # The page as first shown: every answer numbered 0, the text box empty; then one choice.
    page = {f"q-{n}-seq": "0" for n in (1, 2, 3)} | {f"{_prefix(typed)}text": ""}
    page |= {**_fields(mc), f"{_prefix(mc)}seq": "1000"}
    first = _answer_writes(lambda: client.post(url, data=page))
    assert len(first) == 1
    assert set(quiz.saved_answers(attempt)) == {mc}  # nothing stored for untouched questions
    # The same page with the text typed: one write; the unchanged choice counts as saved.
    page |= {f"{_prefix(typed)}text": "Mao", f"{_prefix(typed)}seq": "2000"}
    body: dict = {}
    second = _answer_writes(lambda: body.update(client.post(url, data=page).get_json()))
    assert len(second) == 1 and body["saved"] == 2 and body["kept"] == []
    assert _stored(attempt, mc) == (right(item(mc)), 1000)
    assert _stored(attempt, typed) == ("Mao", 2000)
    # A page still showing an older answer (another tab): numbered lower, it changes nothing.
    older = page | {**_fields(mc, False), f"{_prefix(mc)}seq": "900"}
    body = client.post(url, data=older).get_json()
    assert body["kept"] == [int(_prefix(mc).split("-")[1])] and body["saved"] == 1
    assert _stored(attempt, mc) == (right(item(mc)), 1000)
    assert not _answer_writes(lambda: client.post(url, data=page))  # nothing new: no write


def _remove(attempt_id: int) -> None:
    """Delete an attempt from another connection, as a removal elsewhere would."""
    with db.engine.begin() as conn:
        conn.execute(delete(Attempt).where(Attempt.id == attempt_id))


def _remove_while_saving(monkeypatch, attempt_id: int) -> None:  # type: ignore[no-untyped-def]
    """The next save finds the attempt removed after it read the page, before it writes."""
    real = quiz.saved_numbers

    def removed_meanwhile(attempt):  # type: ignore[no-untyped-def]
        numbers = real(attempt)
        _remove(attempt_id)
        return numbers

    monkeypatch.setattr(quiz, "saved_numbers", removed_meanwhile)


def test_a_save_to_an_attempt_removed_meanwhile_says_so_and_changes_nothing(
    client, auth, instructor, student, monkeypatch
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=2)
    attempt = started_attempt(client, auth, student, a)
    attempt_id, (q1, q2) = attempt.id, attempt.layout["questions"]
    url = f"/classes/attempts/{attempt_id}"
    fields = _fields(q2)
    client.post(f"{url}/autosave", data=_fields(q1))
    _remove_while_saving(monkeypatch, attempt_id)
    saved = client.post(f"{url}/autosave", data=fields)
    assert saved.status_code == 404
    assert saved.get_json() == {"saved": 0, "error": quiz.GONE, "gone": True}
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    # Gone before the request: the same answer (the page shows it instead of retrying).
    again = client.post(f"{url}/autosave", data=fields)
    assert again.status_code == 404 and again.get_json()["error"] == quiz.GONE
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_form_posted_to_an_attempt_removed_meanwhile_says_so(
    client, auth, instructor, student, monkeypatch, action
):
    """Without JavaScript (Save, Submit): a message on the class list, nothing written."""
    a = make_quiz(make_course(instructor, [student]), n=2)
    attempt = started_attempt(client, auth, student, a)
    attempt_id, fields = attempt.id, _fields(attempt.layout["questions"][0])
    _remove_while_saving(monkeypatch, attempt_id)
    response = client.post(f"/classes/attempts/{attempt_id}/{action}", data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/classes/")
    monkeypatch.undo()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.escape(quiz.GONE) in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    assert _reviews() == 0


def test_the_service_refuses_a_save_to_a_removed_attempt(app, instructor, student):
    course = make_course(instructor, [student])
    attempt = quiz.start_attempt(make_quiz(course, n=1), student, NOW)
    qid = attempt.layout["questions"][0]
    _remove(attempt.id)
    with pytest.raises(quiz.AttemptGone):
        quiz.save_answers(attempt, {qid: right(item(qid))}, NOW)
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


def test_duplicate_positions_are_refused_and_nothing_is_saved_for_that_question(
    client, auth, instructor, student
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=2, types=["ordering", "multiple_choice"], one_per_page=True)
    attempt = started_attempt(client, auth, student, a)
    o = next(q for q in attempt.layout["questions"] if item(q).type == "ordering")
    m = next(q for q in attempt.layout["questions"] if q != o)
    n = attempt.layout["questions"].index(o) + 1
    prefix = _prefix(o)
    url = f"/classes/attempts/{attempt.id}"
    client.post(f"{url}/save?page={n}", data={**_fields(o, True), "go": ""})
    assert quiz.saved_answers(attempt)[o] == right(item(o))
    twice = {f"{prefix}pos-{i}": str(max(1, i)) for i in range(len(item(o).options))}  # 1, 1, 2…
    other = n % 2 + 1
    refused = client.post(f"{url}/save?page={n}", data={**twice, "go": str(other)})
    assert refused.headers["Location"].endswith(f"page={n}")  # stays on the question
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert (
        f"Question {n}: Two events are at position 1: give each event its own position. "
        "That answer was not saved." in page
    )
    assert quiz.saved_answers(attempt)[o] == right(item(o))  # the earlier answer stands
    body = client.post(f"{url}/autosave", data=twice).get_json()
    assert body["refused"] and "position 1" in body["refused"][0]
    both = {**twice, **_fields(m, True)}
    submit = client.post(f"{url}/submit", data=both, follow_redirects=True)
    assert "The quiz was not submitted" in submit.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.OPEN
    assert quiz.saved_answers(attempt) == {o: right(item(o)), m: right(item(m))}


def test_the_page_counts_answered_questions_across_the_whole_attempt(
    client, auth, instructor, student
):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=4, one_per_page=True)
    attempt = started_attempt(client, auth, student, a)
    answer_all(attempt, count=2)  # questions 1 and 2
    page = client.get(f"/classes/attempts/{attempt.id}?page=4").get_data(as_text=True)
    assert 'data-total="4"' in page and "<span data-answered-count>2</span> of 4 answered" in page
    assert page.count("qnav-item answered") + page.count("qnav-item current answered") == 2


def test_starting_twice_resumes_and_the_limit_holds(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, attempts_allowed=2)
    auth.login(student.email)
    one = client.post(f"/classes/assignments/{a.id}/start").headers["Location"]
    two = client.post(f"/classes/assignments/{a.id}/start").headers["Location"]  # another tab
    assert one == two
    attempt_id = int(one.rsplit("/", 1)[1])
    client.post(f"/classes/attempts/{attempt_id}/submit")
    third = client.post(f"/classes/assignments/{a.id}/start").headers["Location"]
    assert third != one
    client.post(f"/classes/attempts/{third.rsplit('/', 1)[1]}/submit")
    refused = client.post(f"/classes/assignments/{a.id}/start", follow_redirects=True)
    assert "used all the attempts" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 2


def test_concurrent_starts_make_one_attempt(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course)
    # Plain ids: touching the test's own (expired) objects from the threads would share its session.
    assignment_type, assignment_id, student_id = type(a), a.id, student.id
    ids, errors = [], []

    def start():
        with app.app_context():
            try:
                ids.append(
                    quiz.start_attempt(
                        db.session.get(assignment_type, assignment_id),
                        db.session.get(User, student_id),
                        NOW,
                    ).id
                )
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


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
    assert _reviews(attempt_id) == len(attempt.layout["questions"])


# --- deadlines ------------------------------------------------------------------------------


def test_deadline_is_the_earlier_of_close_and_time_limit(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=30, closes_at=NOW + timedelta(minutes=20))
    assert quiz.start_attempt(a, student, NOW).deadline == NOW + timedelta(minutes=20)
    b = make_quiz(course, time_limit_minutes=10)
    assert quiz.start_attempt(b, student, NOW).deadline == NOW + timedelta(minutes=10)
    c = make_quiz(course)
    assert quiz.start_attempt(c, student, NOW).deadline == c.closes_at
    closed = make_quiz(course, opens_at=NOW - timedelta(days=2), closes_at=NOW - timedelta(days=1))
    with pytest.raises(ServiceError, match="closed"):
        quiz.start_attempt(closed, student, NOW)
    later = make_quiz(course, opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=2))
    with pytest.raises(ServiceError, match="not opened yet"):
        quiz.start_attempt(later, student, NOW)


def test_saves_inside_the_grace_count_and_later_ones_do_not(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=10, attempts_allowed=1)
    attempt = quiz.start_attempt(a, student, NOW)
    deadline = NOW + timedelta(minutes=10)
    answer_all(attempt, count=2, at=deadline + timedelta(seconds=20))  # inside the 30 s grace
    q3 = attempt.layout["questions"][2]
    with pytest.raises(ServiceError, match="Time is up"):
        quiz.save_answers(attempt, {q3: right(item(q3))}, deadline + timedelta(seconds=31))
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.finished_by == "deadline"
    assert attempt.marks == 2.0 and attempt.finished_at == deadline
    assert not quiz.finish_attempt(attempt.id, deadline + timedelta(minutes=1))  # never twice
    with pytest.raises(ServiceError, match="used all the attempts"):
        quiz.start_attempt(a, student, NOW + timedelta(minutes=12))


def test_open_attempts_are_finished_at_their_deadline(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=5)
    attempt = quiz.start_attempt(a, student, NOW - timedelta(minutes=10))  # long overdue
    answer_all(attempt, at=NOW - timedelta(minutes=8))
    assert quiz.finish_overdue(NOW - timedelta(minutes=6)) == 0
    auth.login(student.email)  # loading the list finishes it
    assert "Submitted" in client.get("/classes/").get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100.0
    assert attempt.finished_at == attempt.deadline


def test_the_gradebook_and_the_command_finish_overdue_attempts(client, auth, app, instructor):
    students = [make_user() for _ in range(2)]
    course = make_course(instructor, students)
    a = make_quiz(course, time_limit_minutes=5)
    for s in students:
        quiz.start_attempt(a, s, NOW - timedelta(minutes=10))
    auth.login(instructor.email)
    page = client.get(f"/teach/courses/{course.id}/gradebook").get_data(as_text=True)
    assert page.count('<span class="status">submitted</span>') == 2
    assert '<span class="status">in progress</span>' not in page
    b = make_quiz(course, time_limit_minutes=5)
    quiz.start_attempt(b, students[0], NOW - timedelta(minutes=10))
    result = app.test_cli_runner().invoke(args=["close-overdue"])
    assert result.exit_code == 0 and "Finished 1 overdue attempt" in result.output


def test_submitting_after_the_grace_finishes_at_the_deadline(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, time_limit_minutes=5)
    attempt = quiz.start_attempt(a, student, NOW - timedelta(minutes=6))
    auth.login(student.email)
    qid = attempt.layout["questions"][0]
    late = client.post(
        f"/classes/attempts/{attempt.id}/submit", data=_fields(qid), follow_redirects=True
    )
    assert "Time is up" in late.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.finished_by == "deadline" and attempt.marks == 0.0  # the late answer is out


# --- grading and history --------------------------------------------------------------------


def test_partial_credit_for_ordering_and_matching(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=2, types=["ordering", "matching"])
    attempt = quiz.start_attempt(a, student, NOW)
    responses = {}
    for qid in attempt.layout["questions"]:
        q = item(qid)
        if q.type == "ordering":
            order = list(q.answer)
            order[0], order[1] = order[1], order[0]  # one pair out of order
            responses[qid] = order
        else:
            responses[qid] = right(q)[:-1]  # one pair left out
    quiz.save_answers(attempt, responses, NOW)
    quiz.finish_attempt(attempt.id, NOW)
    db.session.refresh(attempt)
    assert 0 < attempt.marks < 2 and attempt.max_marks == 2
    assert {round(ans.score, 3) for ans in attempt.answers} == {
        round(1 - 1 / (len(item(q).answer) * (len(item(q).answer) - 1) / 2), 3)
        if item(q).type == "ordering"
        else round((len(item(q).answer) - 1) / len(item(q).answer), 3)
        for q in attempt.layout["questions"]
    }


def test_answers_are_written_to_the_history_once(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=4)
    attempt = quiz.start_attempt(a, student, NOW)
    answer_all(attempt, count=3)
    assert quiz.finish_attempt(attempt.id, NOW)
    assert not quiz.finish_attempt(attempt.id, NOW)
    quiz.finish_overdue(NOW + timedelta(days=5))
    rows = db.session.scalars(select(Review).where(Review.attempt_id == attempt.id)).all()
    assert len(rows) == 3
    assert {r.request_id for r in rows} == {
        f"attempt:{attempt.id}:{q}" for q in attempt.layout["questions"][:3]
    }
    assert all(r.mode == ReviewMode.QUIZ and r.card_id is None and r.correct for r in rows)


# --- what the student may see ---------------------------------------------------------------


def test_marks_hidden_until_the_review_option_allows(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, show_marks="after_close", show_answers="never")
    attempt = finished_attempt(a, student, 5)
    auth.login(student.email)
    result = client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Your mark:" not in result and "after the quiz closes" in result
    assert "is-right" not in result and "1 / 1</span>" not in result
    for qid in attempt.layout["questions"]:
        assert str(item(qid).why) not in result
    listing = client.get("/classes/").get_data(as_text=True)
    assert "100.0%" not in listing
    info = client.get(f"/classes/assignments/{a.id}").get_data(as_text=True)
    assert "100.0%" not in info and 'data-testid="grade"' not in info


def test_marks_and_answers_once_allowed(client, auth, instructor, student):
    other = make_user()
    course = make_course(instructor, [student, other])
    a = make_quiz(course, n=2, show_marks="immediately", show_answers="after_close")
    attempt = finished_attempt(a, student, 1)
    auth.login(student.email)
    result = client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "1.0 / 2" in result and "(50.0%)" in result and "is-wrong" in result
    assert "Answer:</strong>" not in result  # answers wait for the close
    # Closed for this student, but a classmate's extension still runs: answers stay hidden.
    a.opens_at, a.closes_at = NOW - timedelta(days=2), NOW - timedelta(minutes=1)
    db.session.commit()
    quiz.set_override(a, other.id, extra_minutes=0, closes_at=NOW + timedelta(hours=1))
    assert "Answer:</strong>" not in client.get(f"/classes/attempts/{attempt.id}/result").text
    quiz.set_override(a, other.id, extra_minutes=0, closes_at=None)
    shown = client.get(f"/classes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert shown.count("Answer:</strong>") == 2


def test_a_removed_student_cannot_carry_on(client, auth, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course)
    attempt = quiz.start_attempt(a, student, NOW)
    courses.remove_student(course, student.id)
    auth.login(student.email)
    assert client.get(f"/classes/attempts/{attempt.id}").status_code == 404
    qid = attempt.layout["questions"][0]
    assert (
        client.post(f"/classes/attempts/{attempt.id}/autosave", data=_fields(qid)).status_code
        == 404
    )


def test_shuffled_layouts_are_fixed_per_attempt(app, instructor):
    students = [make_user() for _ in range(4)]
    course = make_course(instructor, students)
    a = make_quiz(
        course, n=8, types=["multiple_choice"], shuffle_questions=True, shuffle_options=True
    )
    layouts = [quiz.start_attempt(a, s, NOW).layout for s in students]
    assert len({tuple(lay["questions"]) for lay in layouts}) > 1
    assert all(
        sorted(lay["questions"]) == sorted(i.question_id for i in a.items) for lay in layouts
    )
    again = quiz.start_attempt(a, students[0], NOW).layout  # resumed: the same order
    assert again == layouts[0]


# --- with CSRF protection on ----------------------------------------------------------------


def test_quiz_posts_need_the_csrf_token(template_db, tmp_path):
    app = make_app(template_db, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        teacher, student = make_user(role="instructor"), make_user()
        a = make_quiz(make_course(teacher, [student]))
        email, assignment_id = student.email, a.id

    def token(url: str) -> str:
        page = client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = token("/account/login")
    client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": login})
    info = f"/classes/assignments/{assignment_id}"
    assert client.post(info + "/start").status_code == 400  # no token: refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0
    take = client.post(info + "/start", data={"csrf_token": token(info)}).headers["Location"]
    attempt_id = int(take.rsplit("/", 1)[1])
    page_token = token(take)
    with app.app_context():
        qid = db.session.get(Attempt, attempt_id).layout["questions"][0]
        fields = _fields(qid)
    url = f"/classes/attempts/{attempt_id}/autosave"
    refused = client.post(url, data=fields, headers={"Accept": "application/json"})
    assert refused.status_code == 400
    ok = client.post(url, data=fields, headers={"X-CSRFToken": page_token})
    assert ok.status_code == 200 and ok.get_json()["saved"] == 1
    stale = client.post(f"/classes/attempts/{attempt_id}/submit", data={"csrf_token": "stale"})
    assert stale.status_code == 400
    done = client.post(f"/classes/attempts/{attempt_id}/submit", data={"csrf_token": page_token})
    assert done.headers["Location"].endswith("/result")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).marks == 1.0
        assert db.session.get(Question, qid) is not None
        db.session.remove()
        db.engine.dispose()


def test_wrong_answers_score_nothing(app, instructor, student):
    course = make_course(instructor, [student])
    a = make_quiz(course, n=4, types=["multiple_choice", "true_false", "cloze", "ordering"])
    attempt = quiz.start_attempt(a, student, NOW)
    quiz.save_answers(attempt, {q: wrong(item(q)) for q in attempt.layout["questions"]}, NOW)
    quiz.finish_attempt(attempt.id, NOW)
    db.session.refresh(attempt)
    assert attempt.marks == 0 and attempt.percent == 0
