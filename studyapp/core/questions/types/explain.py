"""Explain: the essay's 'why' questions, answered from memory and compared with a model answer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import Fact, FactKind
from studyapp.core.grading import Verdict
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import QuestionKind, read_text, register
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.EXPLAIN
WHY = ("Why", "How and why")  # an explain item asks for causes (and may ask how they unfolded)
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth",
    "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
)  # fmt: skip


def _names(required: tuple[int, ...]) -> str:
    """ "first", "first and second", "first, second and fourth"."""
    names = [_ORDINALS[i - 1] for i in required]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def rubric(fact: Fact) -> str:
    """How a student marks their own answer: a stated threshold of the model answer's points.

    "Points", not "the essay gives N reasons": the essay argues in prose and never counts its
    reasons; the count is the model answer's.
    """
    n, k = len(fact.reasons), fact.threshold or len(fact.reasons)
    required = fact.required if k < n else ()
    must = f"the {_names(required)} point{'s' if len(required) > 1 else ''}" if required else ""
    rest = [i for i in range(1, n + 1) if i not in required]
    if k == n:
        need = "both points" if n == 2 else f"all {n} points"
    elif len(required) == k:
        need = f"{must} (the {_names(tuple(rest))} add{'s' if len(rest) == 1 else ''} to it)"
    elif required:
        need = f"{must} and at least {k - len(required)} of the other {len(rest)}"
    else:
        need = f"at least {k} of the {n} points"
    text = (
        f"The model answer makes {n} points. Count your answer right if, in your own words, "
        f"it makes {need}. In short: {fact.statement}"
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


def material_problems(fact: Fact) -> list[str]:
    """A cause with the essay's reasons, a 'why' question and a threshold for the rubric."""
    problems = []
    if fact.kind != FactKind.CAUSE or len(fact.reasons) < 2:
        problems.append("an explain item needs a cause with at least two reasons")
    if not fact.threshold or not 1 <= fact.threshold <= len(fact.reasons):
        problems.append("an explain item needs a threshold of reasons")
    if not fact.question.startswith(WHY):
        problems.append("an explain item asks why")
    if any(not 1 <= i <= len(fact.reasons) for i in fact.required) or (
        fact.threshold and len(fact.required) > fact.threshold
    ):
        problems.append("required reasons must be among the reasons and the threshold")
    if fact.threshold and fact.threshold != threshold_for(len(fact.reasons)):
        problems.append(
            f"the threshold for {len(fact.reasons)} reasons is {threshold_for(len(fact.reasons))}"
        )
    if not fact.required:
        problems.append("a right answer must always name the reason that carries the argument")
    return problems


def threshold_for(reasons: int) -> int:
    """One rule for every rubric: all reasons but one (both of two), so marks are comparable."""
    return reasons if reasons <= 2 else reasons - 1


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

    def fact_problems(self, fact: Fact) -> list[str]:
        return material_problems(fact)

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
