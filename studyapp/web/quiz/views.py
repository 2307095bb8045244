"""Students' classes and quizzes: join, see assignments, take a quiz, see the result."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from studyapp.core.questions import Question as CoreQuestion
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Assignment, AttemptState
from studyapp.services import ServiceError, courses
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, essay, questions_by_ids
from studyapp.web.quiz import bp
from studyapp.web.quiz.forms import AttemptForm, JoinForm, StartForm
from studyapp.web.study.forms import read_response


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
        flash("Enter the join code your instructor gave you.", "error")
    return redirect(url_for("quiz.assignments"))


def _assignment_for_student(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not courses.is_enrolled(current_user, assignment.course_id):
        abort(404)
    return assignment


@bp.get("/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    a = _assignment_for_student(assignment_id)
    now = utcnow()
    quiz.finish_overdue(now, user_id=current_user.id)
    attempts = quiz.attempts_of(a, current_user.id)
    close = quiz.closes_for(a, current_user.id)
    return render_template(
        "quiz/assignment.html",
        a=a,
        attempts=attempts,
        close=close,
        status=quiz.status(a, attempts, now, close),
        grade=quiz.grade(a, attempts),
        marks_visible=quiz.visible(a.show_marks, a, close, now),
        can_start=now >= a.opens_at
        and now < close
        and (
            len(attempts) < a.attempts_allowed
            or any(t.state == AttemptState.OPEN for t in attempts)
        ),
        form=StartForm(),
        override=quiz.override_for(a, current_user.id),
    )


@bp.post("/assignments/<int:assignment_id>/start")
def start(assignment_id: int):
    a = _assignment_for_student(assignment_id)
    if not StartForm().validate_on_submit():
        abort(400)
    try:
        attempt = quiz.start_attempt(a, current_user, utcnow())
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quiz.assignment", assignment_id=a.id))
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


def _own_attempt(attempt_id: int):  # type: ignore[no-untyped-def]
    attempt = quiz.own_attempt(current_user, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _items(attempt) -> list[tuple[str, CoreQuestion]]:  # type: ignore[no-untyped-def]
    """The attempt's questions in its order, options shuffled as fixed at its start."""
    ids = attempt.layout.get("questions", [])
    rows = questions_by_ids(ids)
    orders = attempt.layout.get("options", {})
    out = []
    for qid in ids:
        item = core_question(rows[qid])
        order = orders.get(qid)
        if order and isinstance(item.options, tuple):
            item = replace(item, options=tuple(item.options[i] for i in order))
        out.append((qid, item))
    return out


def _read(items, form) -> dict:  # type: ignore[no-untyped-def]
    responses = {}
    for qid, item in items:
        if not any(key.startswith(f"q-{qid}-") for key in form):
            continue
        try:
            responses[qid] = read_response(item, form, prefix=f"q-{qid}-")
        except ServiceError:
            continue  # not answered yet: nothing to save
    return responses


@bp.get("/attempts/<int:attempt_id>")
def take(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    if attempt.state == AttemptState.OPEN and now > attempt.deadline + quiz.GRACE:
        quiz.finish_attempt(attempt.id, now, by="deadline")
        flash("Time is up: your attempt was submitted with the answers you had saved.", "info")
    db.session.refresh(attempt)
    if attempt.state != AttemptState.OPEN:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    items = _items(attempt)
    a = attempt.assignment
    page = max(min(request.args.get("page", 1, type=int) or 1, len(items)), 1)
    shown = [items[page - 1]] if a.one_per_page else items
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        a=a,
        items=shown,
        all_items=items,
        page=page,
        pages=len(items) if a.one_per_page else 1,
        saved=quiz.saved_answers(attempt),
        form=AttemptForm(),
        now=now,
    )


@bp.post("/attempts/<int:attempt_id>/save")
def save(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash("This page expired; your saved answers are below.", "warning")
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    now = utcnow()
    items = _items(attempt)
    try:
        quiz.save_answers(attempt, _read(items, request.form), now)
    except ServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    go = form.go.data or ""
    if go == "finish":
        return _finish(attempt, now)
    page = int(go) if go.isdigit() else 1
    return redirect(url_for("quiz.take", attempt_id=attempt.id, page=page))


@bp.post("/attempts/<int:attempt_id>/autosave")
def autosave(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    try:
        count = quiz.save_answers(attempt, _read(_items(attempt), request.form), now)
    except ServiceError as exc:
        return jsonify(saved=0, error=str(exc), closed=True), 409
    return jsonify(saved=count, at=now.isoformat(), deadline=attempt.deadline.isoformat())


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash("This page expired; your saved answers are below. Submit again.", "warning")
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    now = utcnow()
    if attempt.state == AttemptState.OPEN:
        try:
            quiz.save_answers(attempt, _read(_items(attempt), request.form), now)
        except ServiceError as exc:
            flash(str(exc), "warning")
            return redirect(url_for("quiz.result", attempt_id=attempt.id))
    return _finish(attempt, now)


def _finish(attempt, now):  # type: ignore[no-untyped-def]
    if quiz.finish_attempt(attempt.id, now):
        flash("Your attempt is submitted.", "success")
    else:
        flash("This attempt was already submitted; it was not graded again.", "info")
    return redirect(url_for("quiz.result", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/result")
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.state == AttemptState.OPEN:
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    now = utcnow()
    a = attempt.assignment
    close = quiz.closes_for(a, current_user.id)
    marks_visible = quiz.visible(a.show_marks, a, close, now)
    answers_visible = quiz.visible(a.show_answers, a, close, now)
    saved = quiz.saved_answers(attempt)
    from studyapp.services.gradebook import attempt_detail

    return render_template(
        "quiz/result.html",
        attempt=attempt,
        a=a,
        close=close,
        marks_visible=marks_visible,
        answers_visible=answers_visible,
        rows=attempt_detail(attempt) if (marks_visible or answers_visible) else [],
        saved=saved,
        essay=essay(),
    )
