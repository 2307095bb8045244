"""Ordering: the events of one curated set, shown shuffled, to be put in date order."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import date_span, format_date, parse_date

TYPE = QuestionType.ORDERING


def generate(ctx: Context) -> Iterator[Question]:
    """One item per ordering set; each event cites the sentence that dates it.

    Which events go together is the fact base's choice (one phase, close enough that the
    order must be known); only the order they are shown in depends on the seed.
    """
    for group in ctx.base.orderings:
        events = sorted(
            (ctx.by_id[f] for f in group.facts if f in ctx.by_id),
            key=lambda f: (date_span(f.date or "")[0], f.id),
        )
        ids = tuple(f.id for f in events)
        answer = tuple(f.topic for f in events)
        shown = list(answer)
        rng = ctx.rng(TYPE, *ids)
        while tuple(shown) == answer and len(shown) > 1:
            rng.shuffle(shown)
        timeline = "; ".join(f"{f.topic} ({f.when or _when(f.answer, f.date)})" for f in events)
        yield Question(
            id=make_id(TYPE, ids),
            type=TYPE,
            prompt=group.prompt,
            options=tuple(shown),
            answer=answer,
            accept=(),
            explanation=f"In order: {timeline}.",
            sources=ctx.sources(*events),
            fact_ids=ids,
        )


def _when(answer: str, date: str | None) -> str:
    """The date to show in the explanation: the key when it is a date, else the sort key."""
    if parse_date(answer):
        return answer
    parts = parse_date(date or "")
    return format_date(parts) if parts else (date or "")
