"""Explain: the essay's 'why' questions, answered from memory and compared with a model answer."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import FactKind
from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.EXPLAIN


def generate(ctx: Context) -> Iterator[Question]:
    """One item per cause fact; the model answer lists the essay's reasons."""
    for fact in ctx.facts:
        if fact.kind != FactKind.CAUSE or not fact.reasons or TYPE in fact.skip_types:
            continue
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=None,
            answer="\n".join(fact.reasons),
            accept=(),
            explanation=(
                f"The essay gives {len(fact.reasons)} reasons. Compare them with yours: "
                f"count your answer right if it names the main ones. In short: {fact.statement}"
            ),
            sources=(ctx.source(fact),),
            fact_ids=(fact.id,),
        )
