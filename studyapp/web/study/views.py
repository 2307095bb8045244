"""Study views: review, feedback, undo, practice, mistakes, flashcards, progress."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from studyapp.core import charts
from studyapp.core.grading import check
from studyapp.core.questions import QuestionType
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, Review, ReviewMode
from studyapp.services import ServiceError, progress, study
from studyapp.services.bank import core_question, essay, facts_by_id, questions_by_ids
from studyapp.web.study import bp
from studyapp.web.study.forms import (
    AnswerForm,
    PracticeForm,
    PracticeSubmitForm,
    UndoForm,
    read_response,
)

MODES = {m.value: m for m in (ReviewMode.STUDY, ReviewMode.FLASHCARD)}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _duration_ms(shown_at: str | None, now: datetime) -> int | None:
    try:
        shown = datetime.fromisoformat(shown_at or "")
    except ValueError:
        return None
    ms = int((now - shown).total_seconds() * 1000)
    return ms if 0 <= ms <= 30 * 60 * 1000 else None


@bp.before_request
@login_required
def _students_only():
    """Studying is for students; instructors have their own pages."""
    if current_user.is_instructor:
        abort(403)


@bp.get("/")
def review():
    now = utcnow()
    view = study.next_card(current_user, now)
    if _wants_json():
        if view is None:
            return jsonify(done=True)
        return jsonify(
            done=False,
            question_id=view.question.id,
            card_version=view.version,
            request_id=view.request_id,
            type=str(view.item.type),
            prompt=view.item.prompt,
            options=view.item.to_dict()["options"],
        )
    if view is None:
        return render_template("study/done.html", undo=UndoForm())
    form = AnswerForm(
        question_id=view.question.id,
        card_version=view.version,
        request_id=view.request_id,
        shown_at=now.isoformat(),
        mode=ReviewMode.STUDY.value,
    )
    return render_template(
        "study/review.html", view=view, item=view.item, form=form, undo=UndoForm(), essay=essay()
    )


@bp.post("/answer")
def answer():
    now = utcnow()
    form = AnswerForm()
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(error="This answer form is incomplete or expired."), 400
        flash("This answer form is incomplete or expired. Here is your next card.", "error")
        return redirect(url_for("study.review"))
    question = db.session.get(Question, form.question_id.data)
    if question is None:
        abort(404)
    item = core_question(question)
    mode = MODES.get(form.mode.data or "study", ReviewMode.STUDY)
    rating = request.form.get("rating")
    try:
        if request.form.get("action") == "reveal":
            text = read_response(item, request.form)
            return render_template(
                "study/review.html",
                view=None,
                item=item,
                form=form,
                undo=UndoForm(),
                essay=essay(),
                revealed=True,
                typed=text,
            )
        flashcard = mode == ReviewMode.FLASHCARD
        response = None if flashcard else read_response(item, request.form)
        result = study.record_answer(
            current_user,
            question_id=question.id,
            card_version=int(form.card_version.data or 0),
            request_id=form.request_id.data,
            response=response,
            duration_ms=_duration_ms(form.shown_at.data, now),
            now=now,
            mode=mode,
            self_rating=int(rating) if rating and rating.isdigit() else None,
        )
    except study.StaleAnswer as exc:
        if _wants_json():
            return jsonify(error=str(exc)), 409
        flash(f"{exc} That answer was not recorded again.", "warning")
        return redirect(url_for("study.review"))
    except ServiceError as exc:
        if _wants_json():
            return jsonify(error=str(exc)), 400
        flash(str(exc), "error")
        if mode == ReviewMode.FLASHCARD:
            return redirect(request.referrer or url_for("study.flashcards"))
        return render_template(
            "study/review.html", view=None, item=item, form=form, undo=UndoForm(), essay=essay()
        ), 400
    if _wants_json():
        return jsonify(
            review_id=result.review.id,
            correct=result.verdict.correct,
            score=result.verdict.score,
            repeated=result.repeated,
        )
    if result.repeated:
        flash("That answer was already recorded; here is its result.", "info")
    if mode == ReviewMode.FLASHCARD:
        return redirect(request.form.get("next_url") or url_for("study.flashcards"))
    return redirect(url_for("study.feedback", review_id=result.review.id))


@bp.get("/feedback/<int:review_id>")
def feedback(review_id: int):
    review = db.session.get(Review, review_id)
    if review is None or review.user_id != current_user.id:
        abort(404)
    item = core_question(review.question)
    verdict = check(item, review.response)
    return render_template(
        "study/feedback.html",
        review=review,
        item=item,
        verdict=verdict,
        undo=UndoForm(),
        essay=essay(),
    )


@bp.post("/undo")
def undo():
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400)
    undone = study.undo_last(current_user, utcnow())
    if undone is None:
        flash("There is no answer from today left to undo.", "info")
    else:
        flash("Your last answer was undone: the card is back as it was.", "success")
    return redirect(url_for("study.review"))


# --- practice and mistakes ------------------------------------------------------------------


def _section_choices() -> list[tuple[str, str]]:
    return [
        (s.id, "About the author" if s.id == "front" else f"{s.number}. {s.title}")
        for s in essay().all_sections()
    ]


@bp.get("/practice")
def practice():
    form = PracticeForm(request.args)
    form.sections.choices = _section_choices()
    if request.args and form.validate():
        questions = study.practice_questions(
            sections=form.sections.data or [],
            types=form.types.data or [],
            count=form.count.data,
            seed=secrets.randbelow(2**31),
        )
        if not questions:
            flash("No questions match that choice. Try more sections or types.", "warning")
        else:
            return _quiz_page(questions, ReviewMode.PRACTICE, "Practice quiz")
    elif request.args and not form.validate():
        flash("Please correct the choices below.", "error")
    return render_template("study/practice_setup.html", form=form)


@bp.get("/practice/fact/<fact_id>")
def practice_fact(fact_id: str):
    fact = facts_by_id().get(fact_id)
    if fact is None:
        abort(404)
    questions = study.practice_questions(
        sections=[], types=[], count=6, seed=secrets.randbelow(2**31), fact_id=fact_id
    )
    return _quiz_page(questions, ReviewMode.PRACTICE, f"Practice: {fact.topic}")


@bp.get("/mistakes")
def mistakes():
    questions = study.mistake_questions(current_user, utcnow())
    if not questions:
        return render_template("study/no_mistakes.html")
    return _quiz_page(questions, ReviewMode.MISTAKES, "My mistakes")


def _quiz_page(questions: list[Question], mode: ReviewMode, title: str):
    items = [(q, core_question(q)) for q in questions]
    form = PracticeSubmitForm(
        batch_id=secrets.token_urlsafe(12),
        question_ids=",".join(q.id for q in questions),
        mode=mode.value,
    )
    return render_template("study/practice.html", items=items, form=form, title=title)


@bp.post("/practice")
def practice_submit():
    form = PracticeSubmitForm()
    if not form.validate_on_submit():
        flash("That quiz form expired. Start a new one.", "error")
        return redirect(url_for("study.practice"))
    mode = ReviewMode.MISTAKES if form.mode.data == "mistakes" else ReviewMode.PRACTICE
    ids = [i for i in form.question_ids.data.split(",") if i][:50]
    rows = questions_by_ids(ids)
    questions = [rows[i] for i in ids if i in rows and rows[i].usable]
    responses = {}
    for q in questions:
        try:
            responses[q.id] = read_response(core_question(q), request.form, prefix=f"q-{q.id}-")
        except ServiceError:
            responses[q.id] = None  # left blank: marked wrong
    study.grade_practice(
        current_user, questions, responses, batch_id=form.batch_id.data, mode=mode, now=utcnow()
    )
    return redirect(url_for("study.practice_results", batch_id=form.batch_id.data))


@bp.get("/practice/results/<batch_id>")
def practice_results(batch_id: str):
    reviews = db.session.scalars(
        select(Review)
        .where(Review.user_id == current_user.id, Review.request_id.like(f"{batch_id}:%"))
        .order_by(Review.id)
    ).all()
    if not reviews:
        abort(404)
    results = []
    for r in reviews:
        item = core_question(r.question)
        results.append((r, item, check(item, r.response)))
    score = sum(r.score for r in reviews)
    return render_template(
        "study/practice_results.html",
        results=results,
        score=score,
        total=len(reviews),
        essay=essay(),
    )


# --- flashcards -----------------------------------------------------------------------------


@bp.get("/flashcards")
def flashcards():
    section = request.args.get("section") or None
    sections = dict(_section_choices())
    if section not in sections:
        section = None
    stmt = select(Question.id).where(Question.in_bank.is_(True), Question.retired_at.is_(None))
    if section:
        stmt = stmt.where(Question.section == section)
    ids = db.session.scalars(stmt.order_by(Question.section, Question.id)).all()
    if not ids:
        abort(404)
    index = request.args.get("i", 0, type=int) % len(ids)
    view = study.card_view_for(current_user, ids[index])
    if view is None:
        abort(404)
    form = AnswerForm(
        question_id=view.question.id,
        card_version=view.version,
        request_id=view.request_id,
        shown_at=utcnow().isoformat(),
        mode=ReviewMode.FLASHCARD.value,
    )
    next_url = url_for("study.flashcards", section=section, i=index + 1)
    return render_template(
        "study/flashcard.html",
        view=view,
        item=view.item,
        form=form,
        index=index,
        total=len(ids),
        section=section,
        sections=sections,
        next_url=next_url,
        prev_url=url_for("study.flashcards", section=section, i=index - 1),
        show=request.args.get("show") == "1",
        essay=essay(),
    )


# --- progress -------------------------------------------------------------------------------


@bp.get("/progress")
def dashboard():
    data = progress.dashboard(current_user, utcnow())
    history_chart = Markup(
        charts.bar_chart(
            data.history[-30:],
            title="Answers per day, last 30 days",
            y_label="answers",
        )
    )
    forecast_chart = Markup(
        charts.bar_chart(data.forecast[:14], title="Cards due, next 14 days", y_label="cards")
    )
    return render_template(
        "study/dashboard.html",
        data=data,
        history_chart=history_chart,
        forecast_chart=forecast_chart,
        QuestionType=QuestionType,
    )
