"""Questions added to the bank for one test: data a test needs that the curated bank may lack.

The curated bank is small and its composition may change, so a test that needs particular items
(two questions on one fact, several of one kind) adds them, stored the way ``sync_bank`` stores
generated items. They are removed when the test ends, with every row that names them: on
PostgreSQL the question tables outlive a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import delete

from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import make_id
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, QuestionFact, QuestionSource


def add_questions(request, items: Iterable[CoreQuestion]) -> list[Question]:  # type: ignore[no-untyped-def]
    """Store ``items`` as usable bank questions until the test (``request``) ends."""
    now = utcnow()
    rows = []
    for item in items:
        row = Question(
            id=item.id,
            type=str(item.type),
            section=item.source.section,
            sentence_id=item.source.sentence_id,
            prompt=item.prompt,
            data=item.to_dict(),
            in_bank=True,
            created_at=now,
        )
        row.facts = [QuestionFact(fact_id=f) for f in dict.fromkeys(item.fact_ids)]
        cited = dict.fromkeys(s.sentence_id for s in item.sources if s.sentence_id)
        row.cited = [QuestionSource(sentence_id=s, position=i) for i, s in enumerate(cited)]
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    ids = [row.id for row in rows]
    request.addfinalizer(lambda: _remove(ids))
    return rows


def _remove(ids: list[str]) -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):  # rows naming a question before it
        column = table.c.get("question_id")
        if column is not None and any(
            fk.references(Question.__table__) for fk in column.foreign_keys
        ):
            db.session.execute(delete(table).where(column.in_(ids)))
    db.session.execute(delete(Question).where(Question.id.in_(ids)))
    db.session.commit()


def twin_of(item: CoreQuestion, tag: str = "twin") -> CoreQuestion:
    """Another question on the same facts (a sibling): the same kind and key, its own id."""
    return replace(item, id=make_id(item.type, item.fact_ids, tag), prompt=f"{item.prompt} ({tag})")


def on_own_facts(item: CoreQuestion, tag: str) -> CoreQuestion:
    """A copy of ``item`` testing facts of its own, shared with no other question."""
    facts = tuple(f"{f}~{item.id}~{tag}" for f in item.fact_ids)
    return replace(item, id=make_id(item.type, facts, tag), fact_ids=facts)


def sibling_on(item: CoreQuestion, fact_ids: Iterable[str], tag: str) -> CoreQuestion:
    """A question of ``item``'s kind on these facts (a sibling of their questions), worded in
    its own way: its prompt, options, key and explanation are shown by no other question."""
    facts = tuple(fact_ids)
    return replace(
        item,
        id=make_id(item.type, facts, tag),
        fact_ids=facts,
        prompt=_marked(item.prompt, tag),
        options=_marked(item.options, tag),
        answer=_marked(item.answer, tag),
        accept=_marked(item.accept, tag),
        explanation=_marked(item.explanation, tag),
    )


def _marked(value: Any, tag: str) -> Any:
    """Every text in ``value`` (a text, or tuples and dicts of them) starting with ``[tag]``."""
    if isinstance(value, str):
        return f"[{tag}] {value}"
    if isinstance(value, tuple):
        return tuple(_marked(v, tag) for v in value)
    if isinstance(value, dict):
        return {k: _marked(v, tag) for k, v in value.items()}
    return value  # a true-or-false key, or no options
