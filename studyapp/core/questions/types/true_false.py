"""True or false: the fact's statement, or its curated false twin with one value changed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import NEGATIONS, Fact, changed_span
from studyapp.core.grading import Verdict, parse_bool
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context, stable_hash
from studyapp.core.questions.kinds import QuestionKind, ResponseError, register
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
            sources=ctx.sources(fact, every=True),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )


def material_problems(fact: Fact) -> list[str]:
    """The statement with exactly one value changed, no negation, the key gone."""
    false = fact.false_statement
    if not false:
        return ["no false statement"]
    problems = []
    removed, added = changed_span(fact.statement, false)
    if not removed or not added:
        problems.append("does not replace a value of the statement")
    if len(removed) > 6 or len(added) > 6:
        problems.append("changes more than one value")
    if {w.casefold().strip(".,;:") for w in added} & NEGATIONS:
        problems.append("made false by negation")
    if normalize_words(removed) == normalize_words(added):
        problems.append("changes only punctuation or case")
    return problems


def normalize_words(words: list[str]) -> list[str]:
    """Words without case or punctuation, for comparing two wordings."""
    return [re.sub(r"[^\w-]", "", w.casefold()) for w in words]


# --- the kind ------------------------------------------------------------------------------------


@register
class TrueFalse(QuestionKind):
    """Say whether a statement is true."""

    id = TYPE
    label = "True or false"
    prefix = "tf"
    expected_seconds = 8
    generate = staticmethod(generate)
    checks = staticmethod(checks.true_false)

    def fact_problems(self, fact: Fact) -> list[str]:
        return material_problems(fact)

    def grade(self, question: Question, response: Any) -> Verdict:
        value = parse_bool(response)
        expected = "true" if question.answer else "false"
        if value is None:
            return self.verdict(
                question, 0, "", f"Answer true or false. The statement is {expected}."
            )
        right = 1.0 if value == question.answer else 0.0
        return self.verdict(question, right, "Correct.", f"Not quite: the statement is {expected}.")

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        raw = form.get(prefix + "choice", "")
        if raw not in ("true", "false"):
            raise ResponseError("Choose true or false.")
        return raw == "true"

    def answer_text(self, question: Question) -> str:
        return "True" if question.answer else "False"

    def response_text(self, question: Question, response: Any) -> str:
        if isinstance(response, bool):
            return "True" if response else "False"
        return super().response_text(question, response)

    def choice_key(self, question: Question) -> tuple[list[str], str] | None:
        return ["True", "False"], self.answer_text(question)

    def chosen(self, question: Question, response: Any) -> str | None:
        if isinstance(response, bool):
            return "True" if response else "False"
        return None

    def export_problem(self, options: Any, answer: Any) -> str | None:
        if options not in (None, []):
            return f"a {self.id} question has no options (null or [])"
        if not isinstance(answer, bool):
            return "answer must be true or false"
        return None

    def anki_answer(self, answer: Any) -> str:
        return f"<p><b>{'True' if answer else 'False'}</b></p>"
