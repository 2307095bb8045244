"""Matching: people to the roles the essay gives them, and events to their dates."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.MATCHING
SIZE = 5


def _chunks(items: list[Fact], size: int) -> Iterator[list[Fact]]:
    """Even-sized groups of 4 to 6 (the last group borrows from the start if short)."""
    if len(items) < 4:
        return
    count = max(len(items) // size, 1)
    for k in range(count):
        group = items[k::count][:6]
        if len(group) >= 4:
            yield group


def _item(ctx: Context, group: list[Fact], prompt: str, left_of, right_of, kind: str) -> Question:
    ids = tuple(f.id for f in group)
    pairs = tuple((left_of(f), right_of(f)) for f in group)
    shown_right = [r for _, r in pairs]
    rng = ctx.rng(TYPE, kind, *ids)
    while shown_right == [r for _, r in pairs]:
        rng.shuffle(shown_right)
    return Question(
        id=make_id(TYPE, ids, kind),
        type=TYPE,
        prompt=prompt,
        options={"left": tuple(left for left, _ in pairs), "right": tuple(shown_right)},
        answer=pairs,
        accept=(),
        explanation=" ".join(f"{a}: {b}." for a, b in pairs),
        source=ctx.source(group[0]),
        fact_ids=ids,
    )


def generate(ctx: Context) -> Iterator[Question]:
    """People to roles, then events to dates (month and year)."""
    people: dict[str, Fact] = {}
    for fact in ctx.facts:
        if fact.kind == FactKind.PERSON and fact.role and fact.answer not in people:
            people[fact.answer] = fact
    for group in _chunks(sorted(people.values(), key=lambda f: f.id), SIZE):
        yield _item(
            ctx,
            group,
            "Match each person to the role the essay gives them.",
            lambda f: f.answer,
            lambda f: f.role,
            "roles",
        )
    dated: dict[str, Fact] = {}
    for fact in sorted(ctx.facts, key=lambda f: (f.date or "", f.id)):
        if fact.kind == FactKind.DATE and fact.category == "month-year":
            dated.setdefault(fact.answer, fact)
    for group in _chunks(list(dated.values()), SIZE):
        yield _item(
            ctx,
            group,
            "Match each event to the month and year the essay gives for it.",
            lambda f: f.topic,
            lambda f: f.answer,
            "dates",
        )
