"""Explain: the essay's 'why' questions, answered from memory and compared with a model answer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import FactKind
from studyapp.core.grading import Verdict
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import QuestionKind, read_text, register
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


# --- the kind ------------------------------------------------------------------------------------


@register
class Explain(QuestionKind):
    """Say why, from memory, then compare with the essay's reasons and rate your recall."""

    id = TYPE
    label = "Explain why"
    prefix = "ex"
    auto_graded = False
    expected_seconds = 60
    generate = staticmethod(generate)
    checks = staticmethod(checks.explain)

    def grade(self, question: Question, response: Any) -> Verdict:
        return Verdict(
            correct=False,
            score=0.0,
            expected=str(question.answer),
            feedback=(
                "Compare your answer with the essay's reasons, then rate how well you recalled."
            ),
            self_graded=True,
        )

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        return read_text(form, prefix, required=False)
