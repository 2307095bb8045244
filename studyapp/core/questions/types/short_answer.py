"""Short answer: the fact's question, typed; every alias accepted."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import TypedKind, register
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.SHORT_ANSWER


def generate(ctx: Context) -> Iterator[Question]:
    """One typed item per fact that suits it."""
    for fact in ctx.facts_for(TYPE):
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=None,
            answer=fact.answer,
            accept=fact.aliases,
            explanation=ctx.explanation(fact),
            sources=ctx.sources(fact, every=True),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )


# --- the kind ------------------------------------------------------------------------------------


@register
class ShortAnswer(TypedKind):
    """Type the answer to the fact's question."""

    id = TYPE
    label = "Short answer"
    prefix = "sa"
    expected_seconds = 15
    template = "kinds/typed.html"
    generate = staticmethod(generate)
    checks = staticmethod(checks.short_answer)
    asks_fact_question = True
