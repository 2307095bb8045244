"""Students' classes and quizzes: join, see assignments, take a quiz, see the result.

A student only ever reaches their own attempts (another student's id is a 404). Nothing here
shows a mark or a correct answer before the quiz's review options allow it. An attempt's pages
name questions by their position in the attempt (fields ``q-<n>-...``), never by bank id, so
nothing on them points at the question elsewhere in the app.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from studyapp.core import drafts
from studyapp.core.numbers import parse_small_int
from studyapp.core.questions import Question as CoreQuestion
from studyapp.db import utcnow, writes_late
from studyapp.extensions import db
from studyapp.models import Assignment, Attempt, AttemptState, Question
from studyapp.services import ServiceError, courses
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, essay, questions_by_ids
from studyapp.services.gradebook import attempt_detail
from studyapp.web.drafts import PageAnswers, read_answers
from studyapp.web.inputs import query_int
from studyapp.web.quiz import bp
from studyapp.web.quiz.forms import AttemptForm, JoinForm, StartForm


@bp.before_request
@login_required
def _students_only():
    if current_user.is_instructor:
        abort(403)


@bp.get("/")
def assignments():
    now = utcnow()
    return render_template(
        "quiz/assignments.html",
        rows=quiz.student_assignments(current_user, now),
        classes=courses.student_courses(current_user),
        form=JoinForm(),
        now=now,
    )


@bp.post("/join")
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            course = courses.join_course(current_user, form.code.data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"You are in {course.name}.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("quiz.assignments"))


def _assignment_for_student(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not courses.is_enrolled(current_user, assignment.course_id):
        abort(404)
    return assignment


@bp.get("/assignments/<id:assignment_id>")
def assignment(assignment_id: int):
    a = _assignment_for_student(assignment_id)
    now = utcnow()
    quiz.finish_overdue(now, user_id=current_user.id, assignment_ids=[a.id])
    attempts = quiz.attempts_of(a, current_user.id)
    close = quiz.closes_for(a, current_user.id)
    in_progress = any(t.state == AttemptState.OPEN for t in attempts)
    return render_template(
        "quiz/assignment.html",
        a=a,
        attempts=attempts,
        close=close,
        now=now,
        status=quiz.status(a, attempts, now, close),
        grade=quiz.grade(a, attempts),
        marks_visible=quiz.visible(a.show_marks, close, now),
        in_progress=in_progress,
        can_start=a.opens_at <= now < close and (in_progress or len(attempts) < a.attempts_allowed),
        form=StartForm(),
        override=quiz.override_for(a, current_user.id),
    )


@bp.post("/assignments/<id:assignment_id>/start")
def start(assignment_id: int):
    a = _assignment_for_student(assignment_id)
    if not StartForm().validate_on_submit():
        flash("This page expired; please try again.", "warning")
        return redirect(url_for("quiz.assignment", assignment_id=a.id))
    try:
        attempt = quiz.start_attempt(a, current_user, utcnow())
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quiz.assignment", assignment_id=a.id))
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = quiz.own_attempt(current_user, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _items(attempt: Attempt) -> list[tuple[str, CoreQuestion]]:
    """The attempt's questions in its order, options shuffled as fixed at its start."""
    ids = attempt.layout.get("questions", [])
    rows = questions_by_ids(ids)
    return [(qid, _shown(attempt, rows[qid])) for qid in ids if qid in rows]


def _shown(attempt: Attempt, row: Question) -> CoreQuestion:
    """A question as this attempt shows it: its options in the order fixed at the start."""
    item = core_question(row)
    order = attempt.layout.get("options", {}).get(row.id)
    if order and isinstance(item.options, tuple) and len(order) == len(item.options):
        item = replace(item, options=tuple(item.options[i] for i in order))
    return item


def _read(attempt: Attempt, form: Any) -> tuple[PageAnswers, int]:
    """The answers the posted page changed, and how many it sent that are stored already.

    Fields are named by position (``q-<n>-``). quiz.js sends the whole page, each answer with
    its number; an answer sent with the number of the stored one (or with 0, the number of a
    question never answered) is what the server has: its question is neither loaded nor read
    again. A form without numbers (no JavaScript) changes every answer on it.
    """
    ids = attempt.layout.get("questions", [])
    stored = quiz.saved_numbers(attempt)
    present = {key.split("-", 2)[1] for key in form if key.startswith("q-") and key.count("-") > 1}
    changed, unchanged = [], 0
    for n, qid in enumerate(ids, 1):
        if str(n) not in present:
            continue  # not on this page
        if drafts.same_number(form.get(f"q-{n}-seq"), stored.get(qid, 0)):
            unchanged += qid in stored
        else:
            changed.append((n, qid))
    rows = questions_by_ids(qid for _, qid in changed)
    page = read_answers(
        ((n, qid, f"q-{n}-", _shown(attempt, rows[qid])) for n, qid in changed if qid in rows),
        form,
    )
    return page, unchanged


def _save(attempt: Attempt, page: PageAnswers, now: datetime) -> quiz.QuizSaved:
    return quiz.save_answers(attempt, page.responses, now, page.seqs)


def _gone_page():  # type: ignore[no-untyped-def]
    """Where a form goes when its attempt was removed while it was being saved."""
    flash(quiz.GONE, "error")
    return redirect(url_for("quiz.assignments"))


def _refused_page(attempt: Attempt, page: PageAnswers) -> str:
    """Flash why answers were not saved; the URL of the page of the first of them."""
    for _, message in page.refused:
        flash(message, "error")
    first = page.refused[0][0]
    return url_for(
        "quiz.take", attempt_id=attempt.id, page=first if attempt.assignment.one_per_page else 1
    )


def _close_if_overdue(attempt: Attempt) -> bool:
    """Finish the attempt if its deadline (plus grace) has passed; True if it is closed."""
    now = utcnow()
    if attempt.state == AttemptState.OPEN and now - quiz.GRACE > attempt.deadline:
        if quiz.finish_attempt(attempt.id, now, by="deadline"):
            flash("Time is up: your attempt was submitted with the answers you had saved.", "info")
        db.session.refresh(attempt)
    return attempt.state != AttemptState.OPEN


@bp.get("/attempts/<id:attempt_id>")
def take(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if _close_if_overdue(attempt):
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    now = utcnow()
    items = _items(attempt)
    if not items:
        abort(404)
    a = attempt.assignment
    page = max(min(query_int("page", 1, 1, quiz.MAX_QUESTIONS), len(items)), 1)
    saved = quiz.saved_drafts(attempt)
    # (position, item, saved response, its number): the page knows questions by position only.
    numbered = [(n, item, *saved.get(qid, (None, 0))) for n, (qid, item) in enumerate(items, 1)]
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        a=a,
        items=[numbered[page - 1]] if a.one_per_page else numbered,
        count=len(numbered),
        page=page,
        pages=len(items) if a.one_per_page else 1,
        answered={n for n, _, response, _ in numbered if quiz.is_answered(response)},
        form=AttemptForm(),
        now=now,
        timed=bool(a.time_limit_minutes),
    )


# Saving and submitting take the write lock only around their writes (``writes_late``): the
# page is read and parsed first, so other students' saves are not held up meanwhile.


@bp.post("/attempts/<id:attempt_id>/save")
@writes_late
def save(attempt_id: int):
    """Save the page without JavaScript (Save, Previous, Next, a question number)."""
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash("This page expired; your saved answers are below.", "warning")
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    answers, _ = _read(attempt, request.form)
    if (elsewhere := _save_form(attempt, attempt_id, answers)) is not None:
        return elsewhere
    if answers.refused:  # stay on the page, whatever button was pressed
        return redirect(_refused_page(attempt, answers))
    go = form.go.data or ""
    if go == "finish":
        return _finish(attempt_id)
    page = parse_small_int(go, 1, quiz.MAX_QUESTIONS) or query_int("page", 1, 1, quiz.MAX_QUESTIONS)
    if not go:
        flash("Answers saved.", "success")
    return redirect(url_for("quiz.take", attempt_id=attempt_id, page=page))


@bp.post("/attempts/<id:attempt_id>/autosave")
@writes_late
def autosave(attempt_id: int):
    """Save what the page holds (called by quiz.js on each change). Never reveals marks.

    ``kept`` lists the questions (by number) whose stored answer is newer than the one sent;
    ``refused`` says why an answer could not be saved. An attempt that no longer exists (or is
    not this student's) is a 404 that says so, which the page shows instead of retrying.
    """
    attempt = quiz.own_attempt(current_user, attempt_id)
    if attempt is None:
        return jsonify(saved=0, error=quiz.GONE, gone=True), 404
    now = utcnow()
    number = {qid: n for n, qid in enumerate(attempt.layout.get("questions", []), 1)}
    answers, unchanged = _read(attempt, request.form)
    try:
        saved = _save(attempt, answers, now)
    except quiz.AttemptGone:
        return jsonify(saved=0, error=quiz.GONE, gone=True), 404
    except ServiceError as exc:
        return jsonify(saved=0, error=str(exc), closed=True), 409
    return jsonify(
        saved=saved.count + unchanged,
        kept=sorted(number[qid] for qid in saved.kept),
        refused=[message for _, message in answers.refused],
        at=now.isoformat(),
        deadline=saved.deadline.isoformat(),
    )


@bp.post("/attempts/<id:attempt_id>/submit")
@writes_late
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash("This page expired; your saved answers are below. Submit again.", "warning")
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    if attempt.state == AttemptState.OPEN:
        answers, _ = _read(attempt, request.form)
        if (elsewhere := _save_form(attempt, attempt_id, answers)) is not None:
            return elsewhere
        if answers.refused:
            flash("The quiz was not submitted: correct the answer below, then submit.", "warning")
            return redirect(_refused_page(attempt, answers))
    return _finish(attempt_id)


def _save_form(attempt, attempt_id: int, answers):  # type: ignore[no-untyped-def]
    """Save a posted page (Save, Submit); where to go instead when it cannot be, else None."""
    try:
        _save(attempt, answers, utcnow())
    except quiz.AttemptGone:
        return _gone_page()
    except ServiceError as exc:  # submitted already, or out of time
        flash(str(exc), "warning")
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    return None


def _finish(attempt_id: int):  # type: ignore[no-untyped-def]
    if quiz.finish_attempt(attempt_id, utcnow()):
        flash("Your attempt is submitted.", "success")
    elif db.session.get(Attempt, attempt_id) is None:
        return _gone_page()
    else:
        flash("This attempt was already submitted; it was not graded again.", "info")
    return redirect(url_for("quiz.result", attempt_id=attempt_id))


@bp.get("/attempts/<id:attempt_id>/result")
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not _close_if_overdue(attempt):
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    now = utcnow()
    shown = quiz.review_options(attempt, now)
    return render_template(
        "quiz/result.html",
        attempt=attempt,
        a=attempt.assignment,
        close=shown.close,
        marks_visible=shown.marks,
        answers_visible=shown.answers,
        rows=attempt_detail(attempt),
        essay=essay(),
    )
