"""Reading the answers a quiz or practice page posts: drafts, each with its number if sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from studyapp.core import drafts
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import get_kind
from studyapp.core.questions.kinds import ResponseError


@dataclass
class PageAnswers:
    """What a posted page holds: responses and their numbers by bank id, and what was refused."""

    responses: dict[str, Any] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (question number, message)


def read_answers(
    questions: Iterable[tuple[int, str, str, CoreQuestion]], form: Mapping[str, str]
) -> PageAnswers:
    """The answers on a posted page, for (number, bank id, field prefix, item) of each question.

    A quiz draft may be partial (three of five pairs matched) or cleared (an emptied text box):
    it is kept as it is, so a reload shows exactly what was there; the question's kind says how
    (``parse_draft``). Questions with no field on the page are skipped. An answer that cannot be
    saved as it is (two events at one position) is refused with a message and left out.
    """
    page = PageAnswers()
    for number, qid, prefix, item in questions:
        if not any(key.startswith(prefix) for key in form):
            continue  # not on this page
        try:
            seq = drafts.parse_sequence(form.get(prefix + "seq"))
            present, response = get_kind(item.type).parse_draft(form, item, prefix)
        except (ResponseError, drafts.SequenceError) as exc:
            page.refused.append((number, f"Question {number}: {exc} That answer was not saved."))
            continue
        if present:
            page.responses[qid] = response
            if seq is not None:
                page.seqs[qid] = seq
    return page
