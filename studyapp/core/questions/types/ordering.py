"""Ordering: put four to six dated events in the order they happened."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.ORDERING
PROMPT = "Put these events in the order they happened, earliest first."
SIZE = 5


def _groups(events: list[Fact]) -> Iterator[list[Fact]]:
    """Runs of neighbouring events, plus spread-out selections across the whole period."""
    for start in range(0, max(len(events) - SIZE + 1, 1), 3):
        yield events[start : start + SIZE]
    for offset in range(3):
        yield events[offset :: max(len(events) // SIZE, 1)][:SIZE]


def generate(ctx: Context) -> Iterator[Question]:
    """Several items over the dated facts, each with distinct dates."""
    dated = sorted(
        (f for f in ctx.facts if f.kind == FactKind.DATE and f.date),
        key=lambda f: (f.date, f.id),
    )
    # One event per date, so the order is never ambiguous.
    events: list[Fact] = []
    for fact in dated:
        if not events or events[-1].date != fact.date:
            events.append(fact)
    seen: set[tuple[str, ...]] = set()
    for group in _groups(events):
        ids = tuple(f.id for f in group)
        if len(group) < 4 or ids in seen:
            continue
        seen.add(ids)
        answer = tuple(f.topic for f in group)
        shown = list(answer)
        rng = ctx.rng(TYPE, *ids)
        while tuple(shown) == answer:
            rng.shuffle(shown)
        timeline = "; ".join(f"{f.topic} ({f.answer})" for f in group)
        yield Question(
            id=make_id(TYPE, ids),
            type=TYPE,
            prompt=PROMPT,
            options=tuple(shown),
            answer=answer,
            accept=(),
            explanation=f"In order: {timeline}.",
            source=ctx.source(group[0]),
            fact_ids=ids,
        )
