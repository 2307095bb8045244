"""What the reader and the bank browser need: questions grouped by the sentences they cite."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Question, QuestionSource


def questions_by_sentence() -> dict[str, list[tuple[str, str, str]]]:
    """sentence id -> [(question id, type, prompt)] for usable questions, in one query.

    A question is listed under every sentence it cites, not only its main one.
    """
    rows = db.session.execute(
        select(QuestionSource.sentence_id, Question.id, Question.type, Question.prompt)
        .join(Question, Question.id == QuestionSource.question_id)
        .where(Question.in_bank.is_(True), Question.retired_at.is_(None))
        .order_by(Question.section, Question.type, Question.id)
    )
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for sentence_id, qid, qtype, prompt in rows:
        out[sentence_id].append((qid, qtype, prompt))
    return dict(out)
