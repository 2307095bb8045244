"""Study views: review, feedback, undo, practice, mistakes, flashcards, progress.

Everything works with plain forms (POST, redirect, GET); study.js only adds keyboard shortcuts,
ordering.js the up/down buttons of ordering items, and quiz.js saves a practice quiz's answers
as they change. ``Accept: application/json`` on the review and answer routes returns the same
data as JSON, through the same code. A practice quiz or a round of "my mistakes" is kept until it
is submitted or discarded (services.practice), so a reload shows the same questions with the
answers given so far.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from studyapp.core import charts, drafts, scheduling
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import get_kind
from studyapp.db import utcnow
from studyapp.models import PracticeSet, Question, ReviewMode
from studyapp.services import ServiceError, progress, study, visibility
from studyapp.services import practice as rounds
from studyapp.services.bank import core_question, essay, facts_by_id
from studyapp.web import svg
from studyapp.web.choices import options
from studyapp.web.drafts import PageAnswers, read_answers
from studyapp.web.inputs import query_int
from studyapp.web.safety import safe_next
from studyapp.web.study import bp
from studyapp.web.study.forms import (
    AnswerForm,
    PracticeForm,
    PracticeSubmitForm,
    RerateForm,
    UndoForm,
    read_rating,
    read_response,
)

ANSWER_MODES = {ReviewMode.STUDY.value: ReviewMode.STUDY, "flashcard": ReviewMode.FLASHCARD}
PRACTICE_MODES = {"practice": ReviewMode.PRACTICE, "mistakes": ReviewMode.MISTAKES}
MAX_DURATION_MS = 30 * 60 * 1000
MAX_DECK = 100_000  # a flashcard position beyond any deck (past the end is the end page)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _duration_ms(shown_at: str | None, now: datetime) -> int | None:
    """Milliseconds since the card was shown (None when unknown or implausible)."""
    try:
        shown = datetime.fromisoformat(shown_at or "")
    except ValueError:
        return None
    if shown.tzinfo is None:
        return None
    ms = int((now - shown).total_seconds() * 1000)
    return ms if 0 <= ms <= MAX_DURATION_MS else None


def _answer_form(view: study.CardView, now: datetime, mode: ReviewMode) -> AnswerForm:
    """The hidden fields that tie an answer to the card as it was shown."""
    return AnswerForm(
        question_id=view.question_id,
        card_version=view.version,
        request_id=view.request_id,
        shown_at=now.isoformat(),
        mode=mode.value,
    )


def _section_choices() -> list[tuple[str, str]]:
    return [(s.id, progress.section_label(s.id)) for s in essay().all_sections()]


@bp.before_request
@login_required
def _students_only():  # type: ignore[no-untyped-def]
    """Studying is for students; instructors have their own pages."""
    if current_user.is_instructor:
        abort(403)


# --- scheduled review -----------------------------------------------------------------------


@bp.get("/")
def review():
    now = utcnow()
    view = study.next_card(current_user, now)
    if _wants_json():
        if view is None:
            return jsonify(done=True)
        return jsonify(
            done=False,
            question_id=view.question_id,
            card_version=view.version,
            request_id=view.request_id,
            shown_at=now.isoformat(),
            type=str(view.item.type),
            prompt=view.item.prompt,
            options=view.item.to_dict()["options"],
            due=view.due_count,
            new_left=view.new_left,
            exam=view.exam,
        )
    if view is None:
        return render_template("study/done.html", upcoming=study.upcoming(current_user, now))
    form = _answer_form(view, now, ReviewMode.STUDY)
    return render_template("study/review.html", view=view, item=view.item, form=form)


@bp.post("/answer")
def answer():
    now = utcnow()
    form = AnswerForm()
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(error="This answer form is incomplete or expired."), 400
        flash("This answer form was incomplete or expired, so nothing was recorded.", "error")
        return redirect(url_for("study.review"))
    item = study.shown_item(form.question_id.data)
    if item is None:
        abort(404)
    mode = ANSWER_MODES.get(form.mode.data or "study", ReviewMode.STUDY)
    if (
        mode == ReviewMode.STUDY
        and not get_kind(item.type).auto_graded
        and "rating" not in request.form
    ):
        # Think, reveal, compare: show the model answer next to what was written, then rate.
        try:
            revealed = study.reveal(item.id, now)
        except ServiceError as exc:
            if _wants_json():
                return jsonify(error=str(exc)), 400
            flash(str(exc), "info")
            return redirect(url_for("study.review"))
        return render_template(
            "study/review.html",
            view=None,
            item=revealed,
            form=form,
            revealed=True,
            typed=(request.form.get("text") or "").strip()[:2000],
        )
    try:
        response = None if mode == ReviewMode.FLASHCARD else read_response(item, request.form)
        result = study.record_answer(
            current_user,
            question_id=item.id,
            card_version=form.card_version.data or 0,
            request_id=form.request_id.data,
            response=response,
            duration_ms=_duration_ms(form.shown_at.data, now),
            now=now,
            mode=mode,
            self_rating=read_rating(request.form),
        )
    except study.StaleAnswer as exc:
        if _wants_json():
            return jsonify(error=str(exc)), 409
        flash(f"{exc} That answer was not recorded again; here is your next card.", "warning")
        return redirect(url_for("study.review"))
    except ServiceError as exc:
        if _wants_json():
            return jsonify(error=str(exc)), 400
        flash(str(exc), "error")
        if mode == ReviewMode.FLASHCARD:
            return redirect(_flashcard_return())
        return render_template("study/review.html", view=None, item=item, form=form), 400
    if _wants_json():
        return jsonify(
            review_id=result.review.id,
            correct=result.verdict.correct,
            score=result.verdict.score,
            rating=result.review.rating,
            expected=result.verdict.expected,
            repeated=result.repeated,
        )
    if result.repeated:
        flash("That answer had already been recorded; here is its result.", "info")
    if mode == ReviewMode.FLASHCARD:
        return redirect(_flashcard_return())
    return redirect(url_for("study.feedback", review_id=result.review.id))


def _flashcard_return() -> str:
    target = safe_next(request.form.get("next_url"))
    deck = url_for("study.flashcards")
    return target if target and target.startswith(deck) else deck


@bp.get("/feedback/<id:review_id>")
def feedback(review_id: int):
    try:
        shown = study.feedback(current_user, review_id, utcnow())
    except study.HeldBack as exc:
        flash(str(exc), "info")
        return redirect(url_for("study.review"))
    if shown is None:
        abort(404)
    result = shown.result
    rerate = None
    if shown.show_mark and shown.show_key:
        options = study.rerate_options(current_user, result.review)
        if options is not None:
            clock = study.clock_for(current_user)
            rerate = [
                (int(r), scheduling.interval_words(due, result.review.created_at, clock))
                for r, due in options
            ]
    return render_template(
        "study/feedback.html",
        rerate=rerate,
        interval=(
            scheduling.interval_words(
                result.next_due, result.review.created_at, study.clock_for(current_user)
            )
            if result.next_due
            else None
        ),
        review=result.review,
        item=result.item,
        verdict=result.verdict,
        next_due=result.next_due,
        show_mark=shown.show_mark,
        show_key=shown.show_key,
        attempt=shown.attempt,
        essay=essay(),
    )


@bp.post("/rerate/<id:review_id>")
def rerate(review_id: int):
    form = RerateForm()
    rating = read_rating(request.form)
    if not form.validate_on_submit() or rating is None:
        flash("That rating form was incomplete or expired, so nothing changed.", "error")
        return redirect(url_for("study.feedback", review_id=review_id))
    try:
        study.rerate(current_user, review_id, rating, utcnow())
    except study.HeldBack as exc:
        flash(str(exc), "info")
        return redirect(url_for("study.review"))
    except ServiceError as exc:
        flash(str(exc), "error")
    return redirect(url_for("study.feedback", review_id=review_id))


@bp.post("/undo")
def undo():
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400)
    if study.undo_last(current_user, utcnow()) is None:
        flash("There is no answer left to undo: only today's last answer can be undone.", "info")
    else:
        flash("Your last answer was undone: the card is back as it was.", "success")
    return redirect(url_for("study.review"))


# --- practice and mistakes ------------------------------------------------------------------


PRACTICE_PAGES = {ReviewMode.PRACTICE: "study.practice", ReviewMode.MISTAKES: "study.mistakes"}


@bp.get("/practice")
def practice():
    """The practice quiz in progress, or the page that deals a new one."""
    form = PracticeForm(request.args)
    form.sections.choices = options(_section_choices())
    now = utcnow()
    current = rounds.in_progress(current_user, ReviewMode.PRACTICE)
    if request.args:
        if form.validate():
            if current is not None:
                flash(rounds.IN_PROGRESS, "warning")
                return redirect(url_for("study.practice"))
            questions = study.practice_questions(
                now=now,
                sections=form.sections.data or [],
                types=form.types.data or [],
                count=form.count.data,
                seed=secrets.randbelow(2**31),
            )
            if questions:
                return _deal(questions, ReviewMode.PRACTICE, "Practice quiz", now)
            flash("No questions match that choice. Try more sections or types.", "warning")
        else:
            flash("Please correct the choices below.", "error")
    elif current is not None:
        return _round_page(current, now)
    return render_template("study/practice_setup.html", form=form)


@bp.get("/practice/fact/<fact_id>")
def practice_fact(fact_id: str):
    fact = facts_by_id().get(fact_id)
    if fact is None:
        abort(404)
    now = utcnow()
    questions = study.practice_questions(
        now=now, count=6, seed=secrets.randbelow(2**31), fact_id=fact_id
    )
    if not questions and visibility.fact_held(fact_id, now):
        flash(study.HELD_BACK, "info")
        return redirect(url_for("study.practice"))
    if not questions:
        flash("No quiz questions test that fact; try it as flashcards.", "info")
        return redirect(url_for("study.flashcards", fact=fact_id))
    return _deal(questions, ReviewMode.PRACTICE, f"Practice: {fact.topic}", now)


@bp.get("/mistakes")
def mistakes():
    """The round of mistakes in progress, or a new one (dealt here, kept until submitted)."""
    now = utcnow()
    current = rounds.in_progress(current_user, ReviewMode.MISTAKES)
    if current is not None:
        return _round_page(current, now)
    questions = study.mistake_questions(current_user, now)
    if not questions:
        return render_template("study/no_mistakes.html")
    try:
        current = rounds.start(current_user, ReviewMode.MISTAKES, "My mistakes", questions, now)
    except ServiceError:  # dealt from another tab at the same moment
        return redirect(url_for("study.mistakes"))
    return _round_page(current, now)


def _deal(questions: list[Question], mode: ReviewMode, title: str, now: datetime):  # type: ignore[no-untyped-def]
    """Keep a new round, then show it at the address a reload keeps showing it at."""
    try:
        rounds.start(current_user, mode, title, questions, now)
    except ServiceError as exc:
        flash(str(exc), "warning")
    return redirect(url_for(PRACTICE_PAGES[mode]))


def _left_out(count: int) -> None:
    many = count > 1
    flash(
        f"{count} question{'s were' if many else ' was'} left out of this practice: "
        f"held back while a quiz on {'them' if many else 'it'}, or on "
        f"{'their' if many else 'its'} facts, is open or being taken.",
        "info",
    )


def _entries(ids: list[str], questions: list[Question]) -> list[tuple[int, str, str, CoreQuestion]]:
    """(number, bank id, field prefix, item) of each question; numbers follow the order dealt."""
    number = {qid: n for n, qid in enumerate(ids, 1)}
    return [(number.get(q.id, 0), q.id, f"q-{q.id}-", core_question(q)) for q in questions]


def _round_page(round_: PracticeSet, now: datetime):  # type: ignore[no-untyped-def]
    """A round in progress with the answers saved so far (held questions left out for now)."""
    questions, left_out = study.practice_batch(round_.question_ids, now)
    if left_out:
        _left_out(left_out)
    form = PracticeSubmitForm(
        batch_id=round_.batch_id, question_ids=",".join(round_.question_ids), mode=round_.mode.value
    )
    saved = rounds.saved_drafts(round_)
    items = [
        (n, qid, item, *saved.get(qid, (None, 0)))
        for n, qid, _, item in _entries(round_.question_ids, questions)
    ]
    return render_template(
        "study/practice.html",
        items=items,
        form=form,
        title=round_.title,
        mode=round_.mode,
        batch_id=round_.batch_id,
        now=now,
    )


GONE = "This practice quiz has been submitted or discarded."


def _save_round(batch_id: str) -> tuple[PracticeSet, PageAnswers, drafts.Saved] | None:
    """Save the answers a round's page posted; None when the round is over."""
    round_ = rounds.own_set(current_user, batch_id)
    if round_ is None:
        return None
    now = utcnow()
    questions, _ = study.practice_batch(round_.question_ids, now)
    answers = read_answers(_entries(round_.question_ids, questions), request.form)
    try:
        saved = rounds.save_drafts(current_user, batch_id, answers.responses, now, answers.seqs)
    except ServiceError:  # submitted or discarded from another tab meanwhile
        return None
    return round_, answers, saved


@bp.post("/practice/<batch_id>/save")
def practice_save(batch_id: str):
    """Save a round's answers without JavaScript ("Save for later")."""
    done = _save_round(batch_id)
    if done is None:
        flash(GONE, "info")
        return redirect(url_for("study.practice"))
    round_, answers, _ = done
    for _, message in answers.refused:
        flash(message, "error")
    if not answers.refused:
        flash("Answers saved.", "success")
    return redirect(url_for(PRACTICE_PAGES[round_.mode]))


@bp.post("/practice/<batch_id>/autosave")
def practice_autosave(batch_id: str):
    """Save a round's answers as they change (quiz.js); the reply is the quiz autosave's."""
    done = _save_round(batch_id)
    if done is None:
        return jsonify(saved=0, error=GONE, closed=True), 409
    round_, answers, saved = done
    number = {qid: n for n, qid in enumerate(round_.question_ids, 1)}
    return jsonify(
        saved=saved.count,
        kept=sorted(number[qid] for qid in saved.kept),
        refused=[message for _, message in answers.refused],
        at=utcnow().isoformat(),
    )


@bp.post("/practice/<batch_id>/discard")
def practice_discard(batch_id: str):
    """Give up a round in progress: nothing is graded, the answers go."""
    round_ = rounds.own_set(current_user, batch_id)
    mode = round_.mode if round_ is not None else ReviewMode.PRACTICE
    if rounds.end(current_user, batch_id):
        flash("That practice quiz was discarded; nothing was graded.", "info")
    return redirect(url_for(PRACTICE_PAGES[mode]))


@bp.post("/practice")
def practice_submit():
    form = PracticeSubmitForm()
    if not form.validate_on_submit():
        flash("That quiz form was incomplete or expired. Start a new one.", "error")
        return redirect(url_for("study.practice"))
    mode = PRACTICE_MODES.get(form.mode.data or "practice", ReviewMode.PRACTICE)
    ids = [i for i in form.question_ids.data.split(",") if i][: PracticeForm.MAX_COUNT]
    now = utcnow()
    round_ = rounds.own_set(current_user, form.batch_id.data)
    if round_ is not None:  # the round as it was dealt, whatever the form says
        ids, mode = list(round_.question_ids), round_.mode
    questions, left_out = study.practice_batch(ids, now)
    if left_out:
        _left_out(left_out)
    if not questions:
        return redirect(url_for("study.practice"))
    answers = read_answers(_entries(ids, questions), request.form)
    if answers.refused:  # nothing graded: keep the other answers and say what to correct
        if round_ is not None:
            with suppress(ServiceError):  # unless it was submitted from another tab meanwhile
                rounds.save_drafts(
                    current_user, round_.batch_id, answers.responses, now, answers.seqs
                )
        for _, message in answers.refused:
            flash(message, "error")
        flash("Not submitted: correct the answer named above, then submit.", "warning")
        return redirect(url_for(PRACTICE_PAGES[mode]))
    responses = {}
    for q in questions:
        try:
            responses[q.id] = read_response(core_question(q), request.form, prefix=f"q-{q.id}-")
        except ServiceError:
            responses[q.id] = None  # left blank or incomplete: marked wrong
    try:
        study.grade_practice(
            current_user,
            questions,
            responses,
            batch_id=form.batch_id.data,
            mode=mode,
            now=now,
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("study.practice"))
    return redirect(url_for("study.practice_results", batch_id=form.batch_id.data))


@bp.get("/practice/results/<batch_id>")
def practice_results(batch_id: str):
    results, hidden = study.practice_results(current_user, batch_id, utcnow())
    if not results and not hidden:
        abort(404)
    if hidden:
        flash(
            f"{hidden} of these answers are hidden while a quiz on their questions (or their "
            "facts) is open or being taken.",
            "info",
        )
    if not results:
        return redirect(url_for("study.practice"))
    score = sum(r.review.score for r in results)
    return render_template(
        "study/practice_results.html",
        results=results,
        score=score,
        total=len(results),
        essay=essay(),
        mode=results[0].review.mode,
        batch_id=batch_id,
    )


# --- flashcards -----------------------------------------------------------------------------


@bp.get("/flashcards")
def flashcards():
    sections = dict(_section_choices())
    section = request.args.get("section") or None
    if section not in sections:
        section = None
    fact_id = request.args.get("fact") or None
    fact = facts_by_id().get(fact_id) if fact_id else None
    if fact is None:
        fact_id = None
    now = utcnow()
    ids = study.flashcard_deck(now=now, section=section, fact_id=fact_id)
    if not ids:
        if fact_id or section:
            flash(
                "No flashcards to show here now: they are held back while a quiz on these "
                "facts is open or being taken.",
                "info",
            )
            return redirect(url_for("study.flashcards"))
        abort(404)
    here = {"section": section, "fact": fact_id}
    # The deck stops at its ends: before the first card is the first; past the last, the end.
    index = query_int("i", 0, 0, MAX_DECK)
    if index >= len(ids):
        return render_template(
            "study/flashcard.html",
            view=None,
            total=len(ids),
            index=len(ids),
            section=section,
            fact=fact,
            sections=sections,
            prev_url=url_for("study.flashcards", **here, i=len(ids) - 1),
            restart_url=url_for("study.flashcards", **here),
        )
    view = study.card_view_for(current_user, ids[index], now)
    if view is None:
        abort(404)
    form = _answer_form(view, now, ReviewMode.FLASHCARD)
    return render_template(
        "study/flashcard.html",
        view=view,
        item=view.item,
        form=form,
        index=index,
        total=len(ids),
        section=section,
        fact=fact,
        sections=sections,
        next_url=url_for("study.flashcards", **here, i=index + 1),
        prev_url=url_for("study.flashcards", **here, i=index - 1) if index else None,
        show_url=url_for("study.flashcards", **here, i=index, show=1),
        show=request.args.get("show") == "1",
        essay=essay(),
    )


# --- progress -------------------------------------------------------------------------------


@bp.get("/progress")
def dashboard():
    now = utcnow()
    data = progress.dashboard(current_user, now)
    # Each chart twice: a wide one, and a narrow one with fewer days whose text stays readable
    # on a phone (the stylesheet shows one of them). Both carry their title and numbers.
    history = {
        "wide": _chart(data.history, "Answers per day, last 90 days", "answers", 640),
        "narrow": _chart(data.history[-30:], "Answers per day, last 30 days", "answers", 360),
    }
    forecast = {
        "wide": _chart(data.forecast, "Cards due per day, next 30 days", "cards", 640),
        "narrow": _chart(data.forecast[:14], "Cards due per day, next 14 days", "cards", 360),
    }
    mastery_bars = {
        s.key: svg(charts.progress_bar(s.value, label=f"{s.label}: mastered"))
        for s in data.by_section
    }
    total = data.stages.total
    stage_bars = {
        key: svg(charts.progress_bar(n / total if total else 0.0, label=f"{label} cards"))
        for key, label, n in data.stages.items()
    }
    return render_template(
        "study/dashboard.html",
        stage_bars=stage_bars,
        data=data,
        history_chart=history,
        forecast_chart=forecast,
        mastery_bars=mastery_bars,
        upcoming=study.upcoming(current_user, now),
    )


def _chart(rows: list[tuple[str, int]], title: str, y_label: str, width: int) -> Markup:
    empty = "No answers yet" if y_label == "answers" else "Nothing scheduled yet"
    chart = charts.bar_chart(
        rows, title=title, y_label=y_label, width=width, height=220, empty_text=empty
    )
    return svg(chart)
