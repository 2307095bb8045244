"""Practice quizzes and "my mistakes" rounds in progress: kept until submitted or discarded.

A round is dealt once and kept (``PracticeSet``), so a reload shows the same questions with the
answers given so far; a student has at most one round in progress per mode (a unique
constraint), and starts another only after submitting or discarding it. Answers are drafts
numbered like a quiz's (core.drafts): a save numbered lower than the stored draft changes
nothing. Grading stays with ``study.grade_practice``, which closes the round.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from studyapp.core import drafts
from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import PracticeSet, Question, ReviewMode, User
from studyapp.services import ServiceError

MODES = (ReviewMode.PRACTICE, ReviewMode.MISTAKES)
IN_PROGRESS = (
    "You have a practice quiz in progress: submit it or discard it before starting another."
)


def in_progress(user: User, mode: ReviewMode) -> PracticeSet | None:
    """The student's round of this mode in progress, if any."""
    return db.session.scalar(
        select(PracticeSet).where(PracticeSet.user_id == user.id, PracticeSet.mode == mode)
    )


def own_set(user: User, batch_id: str) -> PracticeSet | None:
    """The student's own round in progress with this id, or None."""
    return db.session.scalar(
        select(PracticeSet).where(PracticeSet.user_id == user.id, PracticeSet.batch_id == batch_id)
    )


def start(
    user: User, mode: ReviewMode, title: str, questions: Sequence[Question], now: datetime
) -> PracticeSet:
    """Deal a new round of these questions; refused while one of the same mode is in progress."""
    if mode not in MODES:
        raise ServiceError("Unknown practice mode.")
    if not questions:
        raise ServiceError("No questions to practise.")
    begin_write(db.session)
    if in_progress(user, mode) is not None:
        db.session.rollback()
        raise ServiceError(IN_PROGRESS)
    round_ = PracticeSet(
        user_id=user.id,
        mode=mode,
        batch_id=secrets.token_urlsafe(12),
        title=title[:200],
        question_ids=[q.id for q in questions],
        drafts={},
        created_at=now,
    )
    db.session.add(round_)
    try:
        db.session.commit()
    except IntegrityError:  # dealt from another tab at the same moment: that one stands
        db.session.rollback()
        raise ServiceError(IN_PROGRESS) from None
    return round_


def saved_drafts(round_: PracticeSet) -> dict[str, tuple[Any, int]]:
    """question id -> (latest saved response, its number)."""
    return {
        qid: (draft.get("response"), int(draft.get("seq") or 0))
        for qid, draft in (round_.drafts or {}).items()
        if isinstance(draft, dict)
    }


def save_drafts(
    user: User,
    batch_id: str,
    responses: dict[str, Any],
    now: datetime,
    seqs: dict[str, int] | None = None,
) -> drafts.Saved:
    """Keep the newest draft of each answer to the round's questions (see core.drafts).

    The round's row is locked (BEGIN IMMEDIATE on SQLite, FOR UPDATE elsewhere), so two saves
    never interleave their read and write.
    """
    begin_write(db.session)
    round_ = db.session.scalar(
        select(PracticeSet)
        .where(PracticeSet.user_id == user.id, PracticeSet.batch_id == batch_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if round_ is None:
        db.session.rollback()
        raise ServiceError("This practice quiz has been submitted or discarded.")
    stored = dict(round_.drafts or {})
    allowed = set(round_.question_ids)
    seqs = seqs or {}
    count, kept = 0, []
    for qid, response in responses.items():
        if qid not in allowed:
            continue
        old = stored.get(qid) if isinstance(stored.get(qid), dict) else None
        old_seq = int(old.get("seq") or 0) if old else None
        seq = seqs.get(qid)
        if seq is None:
            seq = drafts.at_arrival(now, old_seq)
        if old_seq == seq:
            count += 1
        elif drafts.wins(seq, old_seq):
            stored[qid] = {"response": response, "seq": seq}
            count += 1
        else:
            kept.append(qid)
    round_.drafts = stored
    round_.saved_at = now
    db.session.commit()
    return drafts.Saved(count, tuple(kept))


def end(user: User, batch_id: str) -> bool:
    """Drop the round and its drafts (submitted, or discarded); False if it was not there."""
    begin_write(db.session)
    gone = db.session.execute(
        delete(PracticeSet).where(PracticeSet.user_id == user.id, PracticeSet.batch_id == batch_id)
    ).rowcount
    db.session.commit()
    return bool(gone)
