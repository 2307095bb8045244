"""Reader and bank views."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from studyapp.core.questions import KINDS
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services import bank
from studyapp.services.assignments import questions_held_back, questions_in_open_quizzes
from studyapp.services.reader import questions_by_sentence
from studyapp.web.essay import bp
from studyapp.web.inputs import query_int

PAGE_SIZE = 40
MAX_PAGE = 10_000  # far beyond the bank's last page


def _hidden(question_ids: list[str]) -> set[str]:
    """Questions whose answers may not be shown now: in an open quiz (to all but instructors),
    or on the facts of the current student's quiz in progress."""
    if current_user.is_authenticated and current_user.is_instructor:
        return set()
    now = utcnow()
    hidden = questions_in_open_quizzes(question_ids, now)
    if current_user.is_authenticated:
        hidden |= questions_held_back(current_user, now) & set(question_ids)
    return hidden


@bp.get("/essay")
def reader():
    """The essay, with every sentence that a question cites marked."""
    return render_template("essay/reader.html", essay=bank.essay(), cited=questions_by_sentence())


@bp.get("/questions")
def browse():
    """The bank, filterable by section, type and fact."""
    section = request.args.get("section") or None
    qtype = request.args.get("type") or None
    fact_id = request.args.get("fact") or None
    sentence_id = request.args.get("sentence") or None
    essay = bank.essay()
    sentence = None
    if sentence_id:
        try:
            sentence = essay.sentence(sentence_id)
        except KeyError:
            sentence_id = None
    sections = {s.id: s for s in essay.all_sections()}
    if section and section not in sections:
        section = None
    if qtype and qtype not in KINDS:
        qtype = None
    if fact_id and fact_id not in bank.facts_by_id():
        fact_id = None
    page = query_int("page", 1, 1, MAX_PAGE)
    stmt = bank.filter_questions(
        section=section, qtype=qtype, fact_id=fact_id, sentence_id=sentence_id
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "essay/browse.html",
        questions=[(row, bank.core_question(row)) for row in rows],
        essay=essay,
        sections=sections,
        facts=bank.facts(),
        section=section,
        qtype=qtype,
        fact_id=fact_id,
        sentence=sentence,
        page=page,
        pages=pages,
        total=total,
        hidden=_hidden([row.id for row in rows]),
    )


@bp.get("/questions/<qid>")
def question(qid: str):
    """One question with its answer, explanation and source sentence."""
    row = db.session.get(Question, qid)
    if row is None or not row.in_bank:
        abort(404)
    facts = [bank.facts_by_id()[f] for f in row.fact_ids if f in bank.facts_by_id()]
    return render_template(
        "essay/question.html",
        row=row,
        q=bank.core_question(row),
        facts=facts,
        essay=bank.essay(),
        hidden=row.id in _hidden([row.id]),
    )
