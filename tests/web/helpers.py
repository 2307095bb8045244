"""Helpers for web tests: find the right answer to a shown card and fill a form with it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import QuestionType
from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services.bank import core_question


@contextmanager
def sql_statements() -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the ``with`` block, in order."""
    seen: list[str] = []

    def hook(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert m, name
    return m.group(1)


def shown_item(html: str) -> CoreQuestion:
    return core_question(db.session.get(Question, hidden(html, "question_id")))


def answer_fields(item: CoreQuestion, right: bool = True, prefix: str = "") -> dict[str, str]:
    """Form fields answering ``item`` right (or wrong)."""
    t = item.type
    if t == QuestionType.MULTIPLE_CHOICE:
        idx = item.options.index(item.answer)
        return {prefix + "choice": str(idx if right else (idx + 1) % 4)}
    if t == QuestionType.TRUE_FALSE:
        value = item.answer if right else not item.answer
        return {prefix + "choice": "true" if value else "false"}
    if t in (QuestionType.CLOZE, QuestionType.SHORT_ANSWER):
        return {prefix + "text": item.answer if right else "zzzz wrong 0000"}
    if t == QuestionType.ORDERING:
        order = list(item.answer) if right else list(reversed(item.answer))
        return {f"{prefix}pos-{i}": str(order.index(o) + 1) for i, o in enumerate(item.options)}
    if t == QuestionType.MATCHING:
        key = dict(item.answer)
        right_col = list(item.options["right"])
        fields = {}
        for i, left in enumerate(item.options["left"]):
            j = right_col.index(key[left])
            fields[f"{prefix}match-{i}"] = str(j if right else (j + 1) % len(right_col))
        return fields
    return {prefix + "text": "Because of the Soviet Union.", "rating": "3" if right else "1"}


def answer_shown(client, html: str, right: bool = True, **extra):
    """Submit the card shown on ``html``."""
    item = shown_item(html)
    data = {
        "question_id": item.id,
        "card_version": hidden(html, "card_version"),
        "request_id": hidden(html, "request_id"),
        "shown_at": hidden(html, "shown_at"),
        "mode": "study",
        **answer_fields(item, right),
        **extra,
    }
    return client.post("/study/answer", data=data), item, data
