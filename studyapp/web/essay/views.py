"""Reader and bank views."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from studyapp.core.questions import KINDS
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services import bank, visibility
from studyapp.services.reader import questions_by_sentence
from studyapp.web.essay import bp

PAGE_SIZE = 40


def _viewer():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


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
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    stmt = bank.filter_questions(
        section=section, qtype=qtype, fact_id=fact_id, sentence_id=sentence_id
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "essay/browse.html",
        questions=visibility.shown_questions(_viewer(), list(rows), utcnow()),
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
    )


@bp.get("/questions/<qid>")
def question(qid: str):
    """One question with its answer, explanation and source sentence."""
    row = db.session.get(Question, qid)
    if row is None or not row.in_bank:
        abort(404)
    (shown,) = visibility.shown_questions(_viewer(), [row], utcnow())
    facts = [bank.facts_by_id()[f] for f in row.fact_ids if f in bank.facts_by_id()]
    return render_template(
        "essay/question.html",
        row=row,
        q=shown.item,
        facts=facts,
        essay=bank.essay(),
        hidden=not shown.key_shown,
    )
