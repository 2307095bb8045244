"""Multiple choice: the fact's question, the key and three of its curated distractors."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.questions.context import Context, sort_key, stable_hash
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.MULTIPLE_CHOICE


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact that suits it: the key among three distractors, options sorted.

    The fact base gives each fact distractors of the key's kind, role and era; with more than
    three, the three are chosen by the seed (so a regenerated bank can vary its options while
    the item keeps its id).
    """
    for fact in ctx.facts_for(TYPE):
        distractors = list(fact.distractors)
        if len(distractors) > 3:
            ranked = sorted(distractors, key=lambda d: stable_hash(ctx.seed, fact.id, d))
            distractors = ranked[:3]
        options = sorted([fact.answer, *distractors], key=sort_key)
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=tuple(options),
            answer=fact.answer,
            accept=(),
            explanation=ctx.explanation(fact),
            sources=ctx.sources(fact),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )
