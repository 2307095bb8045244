"""Matching: people to the roles the essay gives them, and events to their dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.context import Context, mentions
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.MATCHING
SIZE = 5
MAX = 6


def _names(fact: Fact) -> list[str]:
    """The forms of a person's name that would give them away (bare one-word aliases aside)."""
    return [fact.answer, *(a for a in fact.aliases if len(a.split()) > 1)]


def _clash(a: Fact, b: Fact, right_of: Callable[[Fact], str]) -> bool:
    """Whether one pair's right side names the other's left side."""
    return any(mentions(right_of(a), n) for n in _names(b)) or any(
        mentions(right_of(b), n) for n in _names(a)
    )


def _groups(items: list[Fact], right_of: Callable[[Fact], str]) -> list[list[Fact]]:
    """Groups of 4 to 6 in which no right-hand side names another pair's left-hand side."""
    count = -(-len(items) // SIZE)  # as many groups as it takes to keep them at most SIZE
    if len(items) < 4 * count:
        count = len(items) // 4
    groups: list[list[Fact]] = [[] for _ in range(count)]
    for i, item in enumerate(items):
        for k in range(count):
            group = groups[(i + k) % count]
            if len(group) < MAX and not any(_clash(item, other, right_of) for other in group):
                group.append(item)
                break
    return [g for g in groups if len(g) >= 4]


def _item(
    ctx: Context,
    group: list[Fact],
    prompt: str,
    left_of: Callable[[Fact], str],
    right_of: Callable[[Fact], str],
    kind: str,
) -> Question:
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
        sources=(ctx.source(group[0]),),
        fact_ids=ids,
    )


def _role(fact: Fact) -> str:
    return fact.role or ""


def generate(ctx: Context) -> Iterator[Question]:
    """People to roles, then events to dates (month and year).

    A role that names its own person, or another person of the same item, would give the
    answer away; such people are left out or put in different items.
    """
    usable = [f for f in ctx.facts if TYPE not in f.skip_types]
    people: dict[str, Fact] = {}
    for fact in sorted(usable, key=lambda f: f.id):
        if fact.kind != FactKind.PERSON or not fact.role or fact.answer in people:
            continue
        if not any(mentions(fact.role, n) for n in _names(fact)):
            people[fact.answer] = fact
    for group in _groups(list(people.values()), _role):
        yield _item(
            ctx,
            group,
            "Match each person to the role the essay gives them.",
            lambda f: f.answer,
            _role,
            "roles",
        )
    dated: dict[str, Fact] = {}
    for fact in sorted(usable, key=lambda f: (f.date or "", f.id)):
        dated_event = fact.kind == FactKind.DATE and fact.category == "month-year"
        if dated_event and not any(c.isdigit() for c in fact.topic):
            dated.setdefault(fact.answer, fact)
    for group in _groups(list(dated.values()), lambda f: f.answer):
        yield _item(
            ctx,
            group,
            "Match each event to the month and year the essay gives for it.",
            lambda f: f.topic,
            lambda f: f.answer,
            "dates",
        )
