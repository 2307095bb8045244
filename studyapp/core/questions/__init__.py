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
from studyapp.core.facts import Fact, FactBase, load_fact_base
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


def generate_bank(essay: Essay, facts: FactBase | Sequence[Fact], *, seed: int = 0) -> Bank:
    """Generate every type from the fact base, deterministically for a seed, and check each item.

    Besides each item's own checks, no two items may ask the same prompt (the same question
    asked in two kinds drills one string, not the fact).
    """
    base = facts if isinstance(facts, FactBase) else FactBase(tuple(facts))
    ctx = Context(essay, base, seed)
    kept: list[Question] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    asked: dict[str, str] = {}
    for kind in all_kinds():
        for item in kind.generate(ctx):
            problems = problems_with(item, essay, ctx.by_id)
            if item.id in seen:
                problems.append("duplicate id")
            twin = asked.get(_asked(item))
            if twin is not None:
                problems.append(f"asks the same as {twin}")
            if problems:
                log.info("dropped %s %s: %s", kind.id, item.id, "; ".join(problems))
                rejected.append(Rejected(item, tuple(problems)))
                continue
            seen.add(item.id)
            asked[_asked(item)] = item.id
            kept.append(item)
    return Bank(tuple(kept), tuple(rejected))


def _asked(item: Question) -> str:
    """What an item asks, for spotting one question asked twice (a set's items by their facts)."""
    if len(item.fact_ids) > 1:
        return f"{item.type}|{item.prompt}|{sorted(map(str, item.fact_ids))}"
    return " ".join(item.prompt.casefold().split())


@lru_cache(maxsize=4)
def seed_bank(seed: int = 0) -> Bank:
    """The bank generated from the seed essay and fact base (cached)."""
    return generate_bank(load_essay(), load_fact_base(), seed=seed)
