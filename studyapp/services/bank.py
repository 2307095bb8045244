"""The question bank in the database: syncing it from the generator, and reading it back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from studyapp.core.essay import Essay, load_essay
from studyapp.core.facts import Fact, FactBase, load_fact_base
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import generate_bank, graded_kinds
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, QuestionFact, QuestionSource


@lru_cache(maxsize=1)
def essay() -> Essay:
    """The essay (parsed once per process)."""
    return load_essay()


@lru_cache(maxsize=1)
def fact_base() -> FactBase:
    """The fact base with its ordering and matching sets (parsed once per process)."""
    return load_fact_base()


def facts() -> tuple[Fact, ...]:
    """The facts (parsed once per process)."""
    return fact_base().facts


@lru_cache(maxsize=1)
def facts_by_id() -> dict[str, Fact]:
    """Facts keyed by id."""
    return {f.id: f for f in facts()}


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int
    dropped: int
    total: int


def sync_bank(seed: int = 0) -> SyncResult:
    """Bring the question table in line with a freshly generated bank (idempotent).

    Ids come from content, so unchanged items keep their rows and every learner's history;
    items the generator no longer makes are kept but leave the bank (``in_bank`` false).
    """
    bank = generate_bank(essay(), fact_base(), seed=seed)
    existing = {q.id: q for q in db.session.scalars(select(Question))}
    added = updated = 0
    now = utcnow()
    for item in bank.questions:
        data = item.to_dict()
        cited = _cited_sentences(data)
        row = existing.pop(item.id, None)
        if row is None:
            row = Question(id=item.id, created_at=now)
            row.facts = [QuestionFact(fact_id=f) for f in dict.fromkeys(item.fact_ids)]
            row.cited = _source_links(cited)
            db.session.add(row)
            added += 1
        elif row.data == data and row.in_bank:
            continue
        else:
            updated += 1
            if sorted(row.fact_ids) != sorted(item.fact_ids):
                row.facts = [QuestionFact(fact_id=f) for f in dict.fromkeys(item.fact_ids)]
            if _cited_sentences(row.data) != cited:
                row.cited = _source_links(cited)
        row.type = str(item.type)
        row.section = item.source.section
        row.sentence_id = item.source.sentence_id
        row.prompt = item.prompt
        row.data = data
        row.in_bank = True
    dropped = 0
    for row in existing.values():
        if row.in_bank:
            row.in_bank = False
            dropped += 1
    db.session.commit()
    return SyncResult(added, updated, dropped, len(bank.questions))


def _cited_sentences(data: dict[str, Any]) -> list[str]:
    """The ids of the sentences a stored question cites, main one first, each once."""
    sources = data.get("sources") or [data.get("source") or {}]
    return list(dict.fromkeys(s["sentence_id"] for s in sources if s.get("sentence_id")))


def _source_links(sentence_ids: list[str]) -> list[QuestionSource]:
    return [QuestionSource(sentence_id=s, position=i) for i, s in enumerate(sentence_ids)]


def core_question(row: Question) -> CoreQuestion:
    """The pure-core question for a row.

    Not cached: an id stays when only a question's sources or erratum change, so a cache keyed
    by id could show one worker's stale copy after another process reseeds; rebuilding one
    costs microseconds.
    """
    return CoreQuestion.from_dict(row.data)


def graded_types() -> list[str]:
    """Ids of the kinds the app grades itself, in listing order: practice and quizzes use these."""
    return [str(kind.id) for kind in graded_kinds()]


def usable_questions_query():
    """Select questions that may be studied or drawn into quizzes (in the bank, not retired)."""
    return select(Question).where(Question.in_bank.is_(True), Question.retired_at.is_(None))


def filter_questions(
    *,
    section: str | None = None,
    qtype: str | None = None,
    fact_id: str | None = None,
    sentence_id: str | None = None,
    include_retired: bool = False,
):
    """A select of bank questions matching the filters, in a stable order."""
    stmt = select(Question).where(Question.in_bank.is_(True))
    if not include_retired:
        stmt = stmt.where(Question.retired_at.is_(None))
    if section:
        stmt = stmt.where(Question.section == section)
    if qtype:
        stmt = stmt.where(Question.type == qtype)
    if sentence_id:
        stmt = stmt.where(
            Question.id.in_(
                select(QuestionSource.question_id).where(QuestionSource.sentence_id == sentence_id)
            )
        )
    if fact_id:
        stmt = stmt.where(
            Question.id.in_(select(QuestionFact.question_id).where(QuestionFact.fact_id == fact_id))
        )
    return stmt.order_by(Question.section, Question.type, Question.id)


def questions_by_ids(ids: Iterable[str]) -> dict[str, Question]:
    """Load many questions in one query."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(Question).where(Question.id.in_(ids)))
    return {q.id: q for q in rows}


def retire_question(question_id: str, now) -> bool:  # type: ignore[no-untyped-def]
    """Take a question out of future quizzes and study (history stays)."""
    row = db.session.get(Question, question_id)
    if row is None or row.retired_at is not None:
        return False
    row.retired_at = now
    db.session.commit()
    return True


def restore_question(question_id: str) -> bool:
    """Put a retired question back."""
    row = db.session.get(Question, question_id)
    if row is None or row.retired_at is None:
        return False
    row.retired_at = None
    db.session.commit()
    return True
