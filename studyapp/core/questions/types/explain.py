"""Explain: the essay's 'why' questions, answered from memory and compared with a model answer."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.facts import Fact
from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.EXPLAIN
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def rubric(fact: Fact) -> str:
    """How a student marks their own answer: a stated threshold of the essay's reasons."""
    n, k = len(fact.reasons), fact.threshold or len(fact.reasons)
    need = f"all {n}" if k == n else f"at least {k} of the {n}"
    must = ""
    if fact.required and k < n:
        names = [_ORDINALS[i - 1] for i in fact.required]
        which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        must = f", always including the {which} reason{'s' if len(names) > 1 else ''}"
    text = (
        f"The essay gives {n} reasons. Count your answer right if it names {need} "
        f"in your own words{must}. In short: {fact.statement}"
    )
    return f"{text} Note on the record: {fact.erratum}" if fact.erratum else text


def generate(ctx: Context) -> Iterator[Question]:
    """One item per cause fact; the model answer lists the essay's reasons."""
    for fact in ctx.facts_for(TYPE):
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=None,
            answer="\n".join(fact.reasons),
            accept=(),
            explanation=rubric(fact),
            sources=ctx.sources(fact, every=True),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )
