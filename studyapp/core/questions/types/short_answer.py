"""Short answer: the fact's question, typed; every alias accepted."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import FactKind
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import TypedKind, register
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.SHORT_ANSWER


def generate(ctx: Context) -> Iterator[Question]:
    """One typed item per fact (causes are asked as 'explain' items)."""
    for fact in ctx.facts:
        if fact.kind == FactKind.CAUSE or TYPE in fact.skip_types:
            continue
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=None,
            answer=fact.answer,
            accept=fact.aliases,
            explanation=fact.explanation or fact.statement,
            sources=(ctx.source(fact),),
            fact_ids=(fact.id,),
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
