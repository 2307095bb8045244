"""Instructor views: classes, quizzes, gradebook, item analysis, retiring questions."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from studyapp.core import charts
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Assignment, Attempt, GradingMethod, Question, Visibility
from studyapp.services import ServiceError, gradebook
from studyapp.services import assignments as quiz
from studyapp.services import courses as classes
from studyapp.services.bank import (
    core_question,
    essay,
    facts,
    filter_questions,
    restore_question,
    retire_question,
)
from studyapp.web import QUESTION_TYPE_LABELS
from studyapp.web.instructor import bp
from studyapp.web.instructor.forms import ActionForm, AssignmentForm, CourseForm, OverrideForm


@bp.before_request
@login_required
def _instructors_only():
    if not current_user.is_instructor:
        abort(403)


def _course(course_id: int):  # type: ignore[no-untyped-def]
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
    return value.replace(tzinfo=ZoneInfo(current_user.timezone or "UTC")).astimezone(
        ZoneInfo("UTC")
    )


def _to_local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_user.timezone or "UTC")).replace(tzinfo=None)


@bp.get("/")
def courses_page():
    return render_template(
        "instructor/courses.html",
        courses=classes.instructor_courses(current_user),
        form=CourseForm(),
    )


# Keep the endpoint name the navigation uses.
bp.add_url_rule("/", endpoint="courses", view_func=courses_page)


@bp.post("/courses")
def create_course():
    form = CourseForm()
    if not form.validate_on_submit():
        flash("Give the class a name (up to 120 characters).", "error")
        return redirect(url_for("instructor.courses"))
    course = classes.create_course(current_user, form.name.data, form.term.data or "")
    flash(f"Class created. Students join with the code {course.join_code}.", "success")
    return redirect(url_for("instructor.course", course_id=course.id))


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    c = _course(course_id)
    return render_template(
        "instructor/course.html",
        c=c,
        roster=classes.roster(c),
        action=ActionForm(),
        now=utcnow(),
    )


@bp.post("/courses/<int:course_id>/code")
def regenerate_code(course_id: int):
    c = _course(course_id)
    if ActionForm().validate_on_submit():
        flash(
            f"New join code: {classes.regenerate_code(c)}. The old one no longer works.", "success"
        )
    return redirect(url_for("instructor.course", course_id=c.id))


@bp.post("/courses/<int:course_id>/joining")
def toggle_joining(course_id: int):
    c = _course(course_id)
    if ActionForm().validate_on_submit():
        classes.set_join_open(c, not c.join_open)
        flash("Joining is open." if c.join_open else "Joining is closed.", "success")
    return redirect(url_for("instructor.course", course_id=c.id))


@bp.post("/courses/<int:course_id>/students/<int:user_id>/remove")
def remove_student(course_id: int, user_id: int):
    c = _course(course_id)
    if ActionForm().validate_on_submit() and classes.remove_student(c, user_id):
        flash("Student removed from the class.", "success")
    return redirect(url_for("instructor.course", course_id=c.id))


# --- assignments ----------------------------------------------------------------------------


def _section_choices() -> list[tuple[str, str]]:
    return [
        (s.id, "About the author" if s.id == "front" else f"{s.number}. {s.title}")
        for s in essay().all_sections()
    ]


def _assignment_form(**kwargs) -> AssignmentForm:  # type: ignore[no-untyped-def]
    form = AssignmentForm(**kwargs)
    form.draw_types.choices = [(t, QUESTION_TYPE_LABELS[t]) for t in quiz.QUIZ_TYPES]
    form.draw_sections.choices = _section_choices()
    return form


@bp.route("/courses/<int:course_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(course_id: int):
    c = _course(course_id)
    now = utcnow()
    form = _assignment_form()
    if request.method == "GET" and not form.opens_at.data:
        form.opens_at.data = _to_local(now).replace(second=0, microsecond=0)
    section = request.args.get("section") or None
    qtype = request.args.get("type") or None
    fact_id = request.args.get("fact") or None
    if qtype not in quiz.QUIZ_TYPES:
        qtype = None
    candidates = db.session.scalars(
        filter_questions(section=section, qtype=qtype, fact_id=fact_id)
        .where(Question.type != "explain")
        .limit(200)
    ).all()
    form.question_ids.choices = [(q.id, q.prompt) for q in candidates]
    if form.validate_on_submit():
        try:
            settings = quiz.AssignmentSettings(
                title=form.title.data,
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
            )
            if form.source.data == "pick":
                ids = request.form.getlist("question_ids")
            else:
                ids = quiz.draw_questions(
                    count=form.draw_count.data or 10,
                    types=form.draw_types.data or [],
                    sections=form.draw_sections.data or [],
                    seed=secrets.randbelow(2**31),
                    same_fact=form.same_fact.data,
                )
                if len(ids) < (form.draw_count.data or 10):
                    flash(
                        f"Only {len(ids)} questions fit that choice; the quiz has {len(ids)}.",
                        "warning",
                    )
            a = quiz.create_assignment(c, settings, ids)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Quiz “{a.title}” created with {len(a.items)} questions.", "success")
            return redirect(url_for("instructor.assignment", assignment_id=a.id))
    elif request.method == "POST":
        flash("Please correct the fields marked below.", "error")
    return render_template(
        "instructor/new_assignment.html",
        c=c,
        form=form,
        candidates=candidates,
        core_question=core_question,
        section=section,
        qtype=qtype,
        fact_id=fact_id,
        sections=_section_choices(),
        facts=facts(),
    )


@bp.get("/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    a = _assignment(assignment_id)
    now = utcnow()
    report = gradebook.assignment_report(a, now)
    chart = Markup(
        charts.histogram_chart(
            [(b.lo, b.hi, b.count) for b in report.bins],
            title=f"Scores on {a.title}",
            x_label="students",
        )
    )
    override_form = OverrideForm()
    override_form.student_id.choices = [(e.user.id, e.user.name) for e in classes.roster(a.course)]
    return render_template(
        "instructor/assignment.html",
        a=a,
        report=report,
        chart=chart,
        action=ActionForm(),
        override_form=override_form,
        overrides=a.overrides,
        now=now,
    )


@bp.post("/assignments/<int:assignment_id>/overrides")
def set_override(assignment_id: int):
    a = _assignment(assignment_id)
    form = OverrideForm()
    form.student_id.choices = [(e.user.id, e.user.name) for e in classes.roster(a.course)]
    if form.validate_on_submit():
        try:
            quiz.set_override(
                a,
                form.student_id.data,
                extra_minutes=form.extra_minutes.data,
                closes_at=_to_utc(form.closes_at.data),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash("Extra time saved.", "success")
    else:
        flash("Choose a student and a number of minutes (0–600).", "error")
    return redirect(url_for("instructor.assignment", assignment_id=a.id))


@bp.get("/courses/<int:course_id>/gradebook")
def gradebook_page(course_id: int):
    c = _course(course_id)
    book = gradebook.gradebook(c, utcnow())
    return render_template("instructor/gradebook.html", c=c, book=book)


@bp.get("/courses/<int:course_id>/gradebook.csv")
def gradebook_csv(course_id: int):
    c = _course(course_id)
    text = gradebook.gradebook_csv(gradebook.gradebook(c, utcnow()))
    name = "".join(ch if ch.isalnum() else "-" for ch in c.name)[:40] or "class"
    return Response(
        text,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-grades.csv"'},
    )


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int):
    t = db.session.get(Attempt, attempt_id)
    if t is None or t.assignment.course.instructor_id != current_user.id:
        abort(404)
    return render_template(
        "instructor/attempt.html", t=t, rows=gradebook.attempt_detail(t), essay=essay()
    )


@bp.post("/questions/<qid>/retire")
def retire(qid: str):
    if ActionForm().validate_on_submit() and retire_question(qid, utcnow()):
        flash("Question retired: it leaves future quizzes and study.", "success")
    return redirect(
        request.form.get("back")
        if _local(request.form.get("back"))
        else url_for("instructor.courses")
    )


@bp.post("/questions/<qid>/restore")
def restore(qid: str):
    if ActionForm().validate_on_submit() and restore_question(qid):
        flash("Question restored.", "success")
    return redirect(
        request.form.get("back")
        if _local(request.form.get("back"))
        else url_for("instructor.courses")
    )


def _local(target: str | None) -> bool:
    from studyapp.web.safety import safe_next

    return safe_next(target) is not None
