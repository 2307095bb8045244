"""The question engine: turns the fact base into a checked bank of quiz items.

Each question kind is one module under ``types/`` whose ``QuestionKind`` is registered in
``kinds.KINDS``; every generated item passes the item-writing checks in ``checks.py`` (the common
ones and its kind's) or is dropped and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from studyapp.core.essay import Essay, load_essay
from studyapp.core.facts import Fact, load_facts
from studyapp.core.questions import types  # noqa: F401  (importing it registers every kind)
from studyapp.core.questions.checks import problems_with
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import KINDS, QuestionKind, all_kinds, get_kind, graded_kinds
from studyapp.core.questions.model import Question, QuestionType, Source, make_id

__all__ = [
    "KINDS",
    "Bank",
    "Question",
    "QuestionKind",
    "QuestionType",
    "Rejected",
    "Source",
    "all_kinds",
    "generate_bank",
    "get_kind",
    "graded_kinds",
    "make_id",
    "seed_bank",
]

log = logging.getLogger("studyapp.questions")


@dataclass(frozen=True)
class Rejected:
    """A generated item that failed the checks, with the reasons."""

    candidate: Question
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Bank:
    """The checked items, and those that were dropped."""

    questions: tuple[Question, ...]
    rejected: tuple[Rejected, ...]

    def by_type(self, qtype: QuestionType) -> list[Question]:
        """The items of one type."""
        return [q for q in self.questions if q.type == qtype]


def generate_bank(essay: Essay, facts: Sequence[Fact], *, seed: int = 0) -> Bank:
    """Generate every kind from the facts, deterministically for a seed, and check each item."""
    ctx = Context(essay, tuple(facts), seed)
    kept: list[Question] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    shown: dict[tuple[str, str, str], str] = {}
    for kind in all_kinds():
        for item in kind.generate(ctx):
            problems = problems_with(item, essay, ctx.by_id)
            if item.id in seen:
                problems.append("duplicate id")
            twin = shown.get((item.type, item.prompt, repr(item.options)))
            if twin is not None:
                problems.append(f"same prompt and options as {twin}")
            if problems:
                log.info("dropped %s %s: %s", kind.id, item.id, "; ".join(problems))
                rejected.append(Rejected(item, tuple(problems)))
                continue
            seen.add(item.id)
            shown[(item.type, item.prompt, repr(item.options))] = item.id
            kept.append(item)
    return Bank(tuple(kept), tuple(rejected))


@lru_cache(maxsize=4)
def seed_bank(seed: int = 0) -> Bank:
    """The bank generated from the seed essay and fact base (cached)."""
    return generate_bank(load_essay(), load_facts(), seed=seed)
