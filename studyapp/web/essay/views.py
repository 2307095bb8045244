"""Reader and bank views."""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from studyapp.core import search
from studyapp.core.plain_text import plain_text_problem
from studyapp.core.questions import KINDS
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services import bank, visibility
from studyapp.services.reader import questions_by_sentence
from studyapp.web.essay import bp
from studyapp.web.inputs import query_int

PAGE_SIZE = 40
MAX_PAGE = 10_000  # far beyond the bank's last page


def _viewer():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


# Remembers whether the reader marks cited sentences (this browser's choice, for a year).
CITED_COOKIE = "studyapp_reader_cited"


@bp.get("/essay")
def reader():
    """The essay; the sentences questions cite are marked when the reader asks for them."""
    choice = request.args.get("cited")
    if choice in ("show", "hide"):
        show_cited = choice == "show"
    else:
        show_cited = request.cookies.get(CITED_COOKIE) == "show"
    response = make_response(
        render_template(
            "essay/reader.html",
            essay=bank.essay(),
            cited=questions_by_sentence(),
            show_cited=show_cited,
        )
    )
    if choice == "show":
        response.set_cookie(
            CITED_COOKIE,
            "show",
            max_age=365 * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    elif choice == "hide":
        response.delete_cookie(CITED_COOKIE)
    return response


def _fact_id(typed: str | None) -> tuple[str | None, str | None]:
    """(fact id, problem) for the fact filter: an id, or a fact's topic typed or picked."""
    if not typed:
        return None, None
    facts = bank.facts_by_id()
    if typed in facts:
        return typed, None
    wanted = " ".join(typed.split()).casefold()
    for fact in facts.values():
        if fact.topic.casefold() == wanted:
            return fact.id, None
    return None, f"No fact is called “{typed[:80]}”: pick one from the list. Showing every fact."


@bp.get("/questions")
def browse():
    """The bank: searchable, and filterable by section, type, fact and sentence."""
    section = request.args.get("section") or None
    qtype = request.args.get("type") or None
    fact_id, fact_problem = _fact_id(request.args.get("fact"))
    sentence_id = request.args.get("sentence") or None
    query = " ".join(request.args.get("q", "").split())[: search.MAX_QUERY]
    query_problem = plain_text_problem(query, "The search") if query else None
    words = [] if query_problem else search.query_words(query)
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
    page = query_int("page", 1, 1, MAX_PAGE)
    stmt = bank.filter_questions(
        section=section, qtype=qtype, fact_id=fact_id, sentence_id=sentence_id
    )
    if words:
        # The bank is small: search it here. A key the page hides is never searched.
        found = db.session.scalars(stmt).all()
        keyless = visibility.held_among([row.id for row in found], utcnow(), _viewer())
        found = [
            row
            for row in found
            if search.matches(bank.core_question(row), words, with_key=row.id not in keyless)
        ]
        total = len(found)
        rows = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    else:
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
        fact_topic=bank.facts_by_id()[fact_id].topic if fact_id else request.args.get("fact", ""),
        fact_problem=fact_problem,
        query=query,
        query_problem=query_problem,
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
