"""Multiple choice: the fact's question, the key and three of its curated distractors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import Fact
from studyapp.core.grading import Verdict
from studyapp.core.numbers import parse_small_int
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context, sort_key, stable_hash
from studyapp.core.questions.kinds import (
    QuestionKind,
    ResponseError,
    html_list,
    is_text_list,
    register,
)
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import normalize, parse_date

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
            sources=ctx.sources(fact, every=True),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )


def material_problems(fact: Fact) -> list[str]:
    """Three or more wrong answers, distinct, none accepted, none named by the question."""
    problems = []
    values = list(fact.distractors)
    if len(values) < 3:
        problems.append("fewer than three")
    folded = [normalize(v) for v in values]
    if len(set(folded)) != len(folded):
        problems.append("repeated")
    accepted = {normalize(a) for a in (*fact.accepted, *fact.exclude)}
    for v in values:
        nv = normalize(v)
        if nv in accepted:
            problems.append(f"{v!r} is an accepted answer")
        if nv and f" {nv} " in f" {normalize(fact.question)} ":
            problems.append(f"{v!r} is named in the question itself")
        if "daekwon son" in nv or nv == "son":
            problems.append("the essay's author is never a distractor")
    key_date = parse_date(fact.answer)
    for v in values:
        d = parse_date(v)
        if (key_date is None) != (d is None):
            problems.append(f"{v!r} is not the same kind of value as the key")
        elif (
            key_date
            and d
            and (key_date[1] is None, key_date[2] is None)
            != (
                d[1] is None,
                d[2] is None,
            )
        ):
            problems.append(f"{v!r} has another precision than the key")
    return problems


# --- the kind ------------------------------------------------------------------------------------


@register
class MultipleChoice(QuestionKind):
    """Pick the key among four options."""

    id = TYPE
    label = "Multiple choice"
    prefix = "mc"
    expected_seconds = 10
    shuffle_options = True
    generate = staticmethod(generate)
    checks = staticmethod(checks.multiple_choice)
    asks_fact_question = True

    def fact_problems(self, fact: Fact) -> list[str]:
        return [f"distractors: {p}" for p in material_problems(fact)]

    def grade(self, question: Question, response: Any) -> Verdict:
        key = question.answer
        if not isinstance(response, str) or response not in list(question.options or ()):
            return self.verdict(question, 0, "", f"Choose one of the options. The answer is {key}.")
        right = 1.0 if response == key else 0.0
        return self.verdict(question, right, "Correct.", f"Not quite: the answer is {key}.")

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        index = parse_small_int(form.get(prefix + "choice"), 0, len(question.options or ()) - 1)
        if index is None:
            raise ResponseError("Choose one of the options.")
        return question.options[index]  # type: ignore[index]

    def choice_key(self, question: Question) -> tuple[list[str], str] | None:
        return list(question.options or ()), str(question.answer)

    def chosen(self, question: Question, response: Any) -> str | None:
        return response if isinstance(response, str) else None

    def export_problem(self, options: Any, answer: Any) -> str | None:
        if not is_text_list(options) or len(options) < 2:
            return "options must be a list of at least two texts"
        if not isinstance(answer, str) or answer not in options:
            return "answer must be one of the options"
        return None

    def anki_options(self, options: Any) -> str:
        return html_list("ol", options, ' type="A"') if options else ""
