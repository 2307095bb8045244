"""What the reader and the bank browser need: questions grouped by the sentence they cite."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Question


def questions_by_sentence() -> dict[str, list[tuple[str, str, str]]]:
    """sentence id -> [(question id, type, prompt)] for usable questions, in one query."""
    rows = db.session.execute(
        select(Question.sentence_id, Question.id, Question.type, Question.prompt).where(
            Question.in_bank.is_(True),
            Question.retired_at.is_(None),
            Question.sentence_id.is_not(None),
        )
    )
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for sentence_id, qid, qtype, prompt in rows:
        out[sentence_id].append((qid, qtype, prompt))
    return dict(out)
