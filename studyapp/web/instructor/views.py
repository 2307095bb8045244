"""Instructor views: classes, quizzes, gradebook, item analysis, retiring questions.

Every route here is for instructors only (checked before each request), and every object is
looked up through its owner: another instructor's class, quiz or attempt is a 404.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from studyapp.core import charts, stats
from studyapp.core.timezones import from_local, to_local
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    Course,
    GradingMethod,
    Question,
    User,
    Visibility,
)
from studyapp.services import ServiceError, accounts, gradebook
from studyapp.services import assignments as quiz
from studyapp.services import courses as classes
from studyapp.services.bank import (
    core_question,
    essay,
    facts,
    facts_by_id,
    graded_types,
    questions_by_ids,
    restore_question,
    retire_question,
)
from studyapp.web import svg
from studyapp.web.choices import options
from studyapp.web.inputs import is_token
from studyapp.web.instructor import bp
from studyapp.web.instructor.forms import (
    ActionForm,
    AssignmentForm,
    AssignmentSettingsForm,
    CourseForm,
    JoiningForm,
    OverrideForm,
    PickFilterForm,
    QuestionsEditForm,
    assignment_form,
)
from studyapp.web.safety import safe_next

PICK_LIMIT = 60


@bp.before_request
@login_required
def _instructors_only():
    if not current_user.is_instructor:
        abort(403)


def _course(course_id: int) -> Course:
    course = classes.own_course(current_user, course_id)
    if course is None:
        abort(404)
    return course


def _assignment(assignment_id: int) -> Assignment:
    a = db.session.get(Assignment, assignment_id)
    if a is None or a.course.instructor_id != current_user.id:
        abort(404)
    return a


def _to_utc(value: datetime | None) -> datetime | None:
    """A time the instructor entered, read in their own time zone."""
    if value is None:
        return None
    return from_local(value, current_user.timezone)


def _to_local(value: datetime) -> datetime:
    """A UTC time as the naive local time a datetime-local field shows."""
    local = to_local(value, current_user.timezone)
    return local.replace(tzinfo=None, second=0, microsecond=0)


# --- classes --------------------------------------------------------------------------------


@bp.get("/")
def courses():
    return render_template(
        "instructor/courses.html",
        rows=classes.instructor_courses(current_user),
        form=CourseForm(),
    )


@bp.post("/courses")
def create_course():
    form = CourseForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("instructor.courses"))
    try:
        course = classes.create_course(current_user, form.name.data, form.term.data or "")
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("instructor.courses"))
    flash(f"Class created. Students join with the code {course.join_code}.", "success")
    return redirect(url_for("instructor.course", course_id=course.id))


@bp.get("/courses/<id:course_id>")
def course(course_id: int):
    c = _course(course_id)
    return render_template(
        "instructor/course.html",
        c=c,
        roster=classes.roster(c),
        action=ActionForm(),
        joining=JoiningForm(open="0" if c.join_open else "1"),
        now=utcnow(),
    )


@bp.post("/courses/<id:course_id>/code")
def regenerate_code(course_id: int):
    c = _course(course_id)
    if ActionForm().validate_on_submit():
        code = classes.regenerate_code(c)
        flash(f"New join code: {code}. The old one no longer works.", "success")
    return redirect(url_for("instructor.course", course_id=c.id))


@bp.post("/courses/<id:course_id>/joining")
def toggle_joining(course_id: int):
    c = _course(course_id)
    form = JoiningForm()
    if form.validate_on_submit():
        classes.set_join_open(c, form.open.data == "1")
        flash(
            "Joining is open: the code works."
            if c.join_open
            else "Joining is closed: the code is refused.",
            "success",
        )
    return redirect(url_for("instructor.course", course_id=c.id))


@bp.post("/courses/<id:course_id>/students/<id:user_id>/remove")
def remove_student(course_id: int, user_id: int):
    c = _course(course_id)
    if ActionForm().validate_on_submit() and classes.remove_student(c, user_id):
        flash("Student removed from the class. Their past attempts stay on record.", "success")
    return redirect(url_for("instructor.course", course_id=c.id))


@bp.post("/courses/<id:course_id>/students/<id:user_id>/reset-link")
def reset_link(course_id: int, user_id: int):
    """A one-time link that sets a new password, for a student of this class only."""
    c = _course(course_id)
    student = classes.roster_student(c, user_id)
    if student is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("instructor.course", course_id=c.id))
    now = utcnow()
    try:
        token = accounts.reset_token(student, secret_key=current_app.config["SECRET_KEY"], now=now)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("instructor.course", course_id=c.id))
    return render_template(
        "instructor/reset_link.html",
        c=c,
        student=student,
        url=url_for("auth.reset_password", token=token, _external=True),
        expires=now + accounts.RESET_LINK_LIFETIME,
    )


# --- building a quiz ------------------------------------------------------------------------


def _section_choices() -> list[tuple[str, str]]:
    return [
        (s.id, "About the author" if s.id == "front" else f"{s.number}. {s.title}")
        for s in essay().all_sections()
    ]


def _settings(form: AssignmentSettingsForm) -> quiz.AssignmentSettings:
    """The settings, field by field (nothing else from the request reaches the model)."""
    return quiz.AssignmentSettings(
        title=form.title.data or "",
        opens_at=_to_utc(form.opens_at.data),
        closes_at=_to_utc(form.closes_at.data),
        time_limit_minutes=form.time_limit_minutes.data,
        attempts_allowed=form.attempts_allowed.data,
        grading_method=GradingMethod(form.grading_method.data),
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data,
        one_per_page=form.one_per_page.data,
        show_marks=Visibility(form.show_marks.data),
        show_answers=Visibility(form.show_answers.data),
        closed_book=form.closed_book.data,
    )


@dataclass(frozen=True)
class PickFilter:
    """What the pick list is narrowed to: prompt words, section, type, fact (valid or None)."""

    text: str = ""
    section: str | None = None
    qtype: str | None = None
    fact_id: str | None = None


def _pick_filter(
    text: str | None, section: str | None, qtype: str | None, fact: str | None
) -> PickFilter:
    """The filter, with any section, type or fact that does not exist dropped."""
    return PickFilter(
        (text or "").strip(),
        section if section in {s for s, _ in _section_choices()} else None,
        qtype if qtype in graded_types() else None,
        fact if fact in facts_by_id() else None,
    )


def _pick_filters(form: AssignmentForm) -> PickFilter:
    """The pick list's filter, from the form or (on first load) the query string."""
    if request.method == "GET":
        form.pick_q.data = request.args.get("q", "")
        form.pick_section.data = request.args.get("section", "")
        form.pick_type.data = request.args.get("type", "")
        form.pick_fact.data = request.args.get("fact", "")
    text = form.pick_q.data if form.pick_q.validate(form) else ""
    return _pick_filter(text, form.pick_section.data, form.pick_type.data, form.pick_fact.data)


def _pick_page(chosen: PickFilter, exclude: list[str] | None = None) -> dict[str, Any]:
    """What a template needs to show the search, the filters and the matching questions."""
    total, candidates = quiz.pick_candidates(
        text=chosen.text,
        section=chosen.section,
        qtype=chosen.qtype,
        fact_id=chosen.fact_id,
        exclude=exclude,
        limit=PICK_LIMIT,
    )
    return {
        "candidates": candidates,
        "total": total,
        "chosen": chosen,
        "core_question": core_question,
        "sections": _section_choices(),
        "facts": facts(),
        "quiz_types": graded_types(),
        "limit": PICK_LIMIT,
    }


def _draw_errors(form: AssignmentForm) -> bool:
    return bool(
        form.draw_count.errors
        or form.seed.errors
        or form.draw_sections.errors
        or any(f.errors for f in form.mix_fields())
    )


@bp.route("/courses/<id:course_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(course_id: int):
    c = _course(course_id)
    form = assignment_form()
    form.draw_sections.choices = options(_section_choices())
    if request.method == "GET":
        start = _to_local(utcnow()).replace(minute=0) + timedelta(hours=1)
        form.opens_at.data = start
        form.closes_at.data = start + timedelta(days=7)
        searching = any(request.args.get(k) for k in ("q", "section", "type", "fact"))
        if request.args.get("source") == "pick" or searching:
            form.source.data = "pick"
    chosen = _pick_filters(form)
    ticked = [qid for qid in form.question_ids.data or [] if is_token(qid)]
    picked = list(dict.fromkeys(ticked))[: quiz.MAX_QUESTIONS + 1]
    pick = _pick_page(chosen)
    shown = {q.id for q in pick["candidates"]}
    picked_elsewhere = [r for q, r in questions_by_ids(picked).items() if q not in shown]
    if request.method == "POST" and request.form.get("action") != "filter":
        if form.validate_on_submit():
            try:
                a, note = _create(c, form, picked)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                n = len(a.items)
                flash(
                    f"Quiz “{a.title}” created with {n} question{'' if n == 1 else 's'}. {note}",
                    "success",
                )
                return redirect(url_for("instructor.assignment", assignment_id=a.id))
        else:
            flash("Please correct the fields marked below.", "error")
    return render_template(
        "instructor/new_assignment.html",
        c=c,
        form=form,
        picking=form.source.data == "pick",
        # The pick list shows when picking, and whenever it holds something to fix or untick.
        show_pick=form.source.data == "pick" or bool(form.pick_q.errors or picked),
        draw_errors=_draw_errors(form),
        picked=set(picked),
        picked_elsewhere=picked_elsewhere,
        mix_fields=form.mix_fields(),
        **pick,
    )


def _create(c: Course, form: AssignmentForm, picked: list[str]) -> tuple[Assignment, str]:
    """Create the quiz from the picked questions or a draw; returns it and a note."""
    settings = _settings(form)
    if form.source.data == "pick":
        return quiz.create_assignment(c, settings, picked, utcnow()), ""
    if picked:
        raise ServiceError(
            "You ticked questions but chose to draw at random: choose “Pick them myself” to "
            "use the ticked questions, or untick them."
        )
    seed = form.seed.data if form.seed.data is not None else secrets.randbelow(2**31)
    mix = form.mix()
    wanted = sum(mix.values()) if mix else form.draw_count.data
    ids = quiz.draw_questions(
        count=wanted,
        mix=mix or None,
        sections=form.draw_sections.data or [],
        seed=seed,
        same_fact=form.same_fact.data,
    )
    note = f"Drawn with seed {seed}."
    if len(ids) < wanted:
        note += f" Only {len(ids)} of the {wanted} asked for fit those choices."
    return quiz.create_assignment(c, settings, ids, utcnow()), note


@bp.route("/assignments/<id:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(assignment_id: int):
    a = _assignment(assignment_id)
    form = AssignmentSettingsForm()
    if request.method == "GET":
        for name in (
            "title",
            "time_limit_minutes",
            "attempts_allowed",
            "shuffle_questions",
            "shuffle_options",
            "one_per_page",
            "closed_book",
        ):
            getattr(form, name).data = getattr(a, name)
        form.opens_at.data = _to_local(a.opens_at)
        form.closes_at.data = _to_local(a.closes_at)
        form.grading_method.data = a.grading_method.value
        form.show_marks.data = a.show_marks.value
        form.show_answers.data = a.show_answers.value
    elif form.validate_on_submit():
        try:
            quiz.update_settings(a, _settings(form), utcnow())
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash("Settings saved. Attempts in progress follow the new times.", "success")
            return redirect(url_for("instructor.assignment", assignment_id=a.id))
    else:
        flash("Please correct the fields marked below.", "error")
    return render_template("instructor/edit_assignment.html", a=a, form=form)


EDITED = {
    "add": "Questions added at the end of the quiz.",
    "remove": "Question removed from the quiz.",
    "up": "Question moved up.",
    "down": "Question moved down.",
}


@bp.route("/assignments/<id:assignment_id>/questions", methods=["GET", "POST"])
def assignment_questions(assignment_id: int):
    """The quiz's questions: add, remove and reorder them until a student starts."""
    a = _assignment(assignment_id)
    if request.method == "POST":
        form = QuestionsEditForm()
        if not form.validate_on_submit():
            flash("Choose a question to add, remove or move.", "error")
        else:
            edit, ids = form.change()
            try:
                quiz.edit_questions(a, edit, ids)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(EDITED.get(edit, "Questions saved."), "success")
        kept = {k: v for k in ("q", "section", "type", "fact") if (v := request.args.get(k))}
        back = url_for("instructor.assignment_questions", assignment_id=a.id, **kept)
        return redirect(back + ("#add-h" if form.edit.data == "add" else "#current-h"))
    search = PickFilterForm(formdata=request.args)
    text = search.q.data if search.q.validate(search) else ""
    chosen = _pick_filter(text, search.section.data, search.type.data, search.fact.data)
    rows = questions_by_ids([aq.question_id for aq in a.items])
    current = [rows[aq.question_id] for aq in a.items if aq.question_id in rows]
    return render_template(
        "instructor/questions.html",
        a=a,
        current=current,
        started=quiz.is_started(a),
        search=search,
        action=QuestionsEditForm(),
        **_pick_page(chosen, exclude=[q.id for q in current]),
    )


# --- one quiz: results, item analysis, extra time ------------------------------------------


def _overrides(a: Assignment) -> list[tuple[AssignmentOverride, User]]:
    rows = db.session.execute(
        select(AssignmentOverride, User)
        .join(User, User.id == AssignmentOverride.user_id)
        .where(AssignmentOverride.assignment_id == a.id)
        .order_by(User.name)
    )
    return [(override, user) for override, user in rows]


@bp.get("/assignments/<id:assignment_id>")
def assignment(assignment_id: int):
    a = _assignment(assignment_id)
    now = utcnow()
    which = "all" if request.args.get("attempts") == "all" else "first"
    report = gradebook.assignment_report(a, now, which)
    chart = svg(
        charts.histogram_chart(
            report.bins,
            title=f"Scores on {a.title}",
            x_label="score (%)",
            y_label="students",
            empty_text="No finished attempts yet",
        )
    )
    override_form = OverrideForm()
    override_form.student_id.choices = options(
        (e.user.id, e.user.name) for e in classes.roster(a.course)
    )
    return render_template(
        "instructor/assignment.html",
        a=a,
        started=quiz.is_started(a),
        report=report,
        chart=chart,
        action=ActionForm(),
        override_form=override_form,
        overrides=_overrides(a),
        now=now,
        is_open=a.opens_at <= now < quiz.last_close(a),
        min_attempts=stats.MIN_ATTEMPTS_FOR_DISTRACTORS,
    )


@bp.post("/assignments/<id:assignment_id>/overrides")
def set_override(assignment_id: int):
    a = _assignment(assignment_id)
    form = OverrideForm()
    form.student_id.choices = options((e.user.id, e.user.name) for e in classes.roster(a.course))
    if form.validate_on_submit():
        try:
            quiz.set_override(
                a,
                form.student_id.data,
                extra_minutes=form.extra_minutes.data or 0,
                closes_at=_to_utc(form.closes_at.data),
                now=utcnow(),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash("Extra time saved.", "success")
    else:
        flash("Choose a student of this class and a number of minutes (0–600).", "error")
    return redirect(url_for("instructor.assignment", assignment_id=a.id) + "#extra-time")


# --- gradebook ------------------------------------------------------------------------------


@bp.get("/courses/<id:course_id>/gradebook")
def gradebook_page(course_id: int):
    c = _course(course_id)
    book = gradebook.gradebook(c, utcnow())
    return render_template("instructor/gradebook.html", c=c, book=book, minutes=gradebook.minutes)


@bp.get("/courses/<id:course_id>/gradebook.csv")
def gradebook_csv(course_id: int):
    c = _course(course_id)
    text = gradebook.gradebook_csv(gradebook.gradebook(c, utcnow()))
    name = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in c.name)[:40]
    name = name.strip("-") or "class"
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}-grades.csv"',
        },
    )


@bp.get("/attempts/<id:attempt_id>")
def attempt(attempt_id: int):
    t = db.session.get(Attempt, attempt_id)
    if t is None or t.assignment.course.instructor_id != current_user.id:
        abort(404)
    siblings = gradebook.student_attempts(t)
    return render_template(
        "instructor/attempt.html",
        t=t,
        rows=gradebook.attempt_detail(t),
        siblings=siblings,
        graded=quiz.graded_attempts(t.assignment, siblings),
        averaged=t.assignment.grading_method == GradingMethod.AVERAGE,
        minutes=gradebook.minutes,
    )


# --- the bank: retire and restore (bank-wide, any instructor) ------------------------------


def _back() -> str:
    return safe_next(request.form.get("back")) or url_for("instructor.courses")


@bp.post("/questions/<qid>/retire")
def retire(qid: str):
    if db.session.get(Question, qid) is None:
        abort(404)
    if ActionForm().validate_on_submit() and retire_question(qid, utcnow()):
        flash(
            "Question retired: it leaves future quizzes and study. Restore it any time.", "success"
        )
    return redirect(_back())


@bp.post("/questions/<qid>/restore")
def restore(qid: str):
    if db.session.get(Question, qid) is None:
        abort(404)
    if ActionForm().validate_on_submit() and restore_question(qid):
        flash("Question restored.", "success")
    return redirect(_back())
