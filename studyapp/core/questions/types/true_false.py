"""True or false: the fact's statement, or its curated false twin with one value changed."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.questions.context import Context, stable_hash
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.TRUE_FALSE
PREFIX = "True or false: "


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact that suits it: true or false by a stable coin, about half each.

    Asking both forms of one fact would drill it twice; the coin depends on the fact alone,
    so regenerating keeps each item (and its id).
    """
    for fact in ctx.facts_for(TYPE):
        if not fact.false_statement:
            continue
        truth = stable_hash(TYPE, fact.id) % 2 == 0
        statement = fact.statement if truth else fact.false_statement
        why = ctx.explanation(fact)
        yield Question(
            id=make_id(TYPE, (fact.id,), "true" if truth else "false"),
            type=TYPE,
            prompt=PREFIX + statement,
            options=None,
            answer=truth,
            accept=(),
            explanation=f"True. {why}" if truth else f"False. {why}",
            sources=ctx.sources(fact),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )
