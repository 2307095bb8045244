"""Multiple choice: the fact's question, the key and three same-kind distractors."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import FactKind
from studyapp.core.questions.context import Context, stable_hash
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.MULTIPLE_CHOICE


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact that has a short key (causes become 'explain' items instead).

    The key's place among the sorted options is steered to the least used place so far, so
    keys are spread evenly over A-D across the bank.
    """
    used = [0, 0, 0, 0]
    for fact in ctx.facts:
        if fact.kind == FactKind.CAUSE or TYPE in fact.skip_types:
            continue
        made = None
        for position in sorted(range(4), key=lambda p: (used[p], stable_hash(fact.id, p))):
            made = ctx.options_for(fact, position)
            if made is not None and made[0].index(fact.answer) == position:
                break
        if made is None:
            continue
        options, distractors = made
        used[options.index(fact.answer)] += 1
        explanation = fact.explanation or fact.statement
        for wrong in distractors:
            other = ctx.owner_of(wrong)
            if other is not None and other.kind == fact.kind:
                explanation += f" Not {wrong}: {other.statement}"
                break
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=tuple(options),
            answer=fact.answer,
            accept=(),
            explanation=explanation,
            source=ctx.source(fact),
            fact_ids=(fact.id,),
        )
