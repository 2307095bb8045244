"""Multiple choice: the fact's question, the key and three same-kind distractors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import Fact, FactKind
from studyapp.core.grading import Verdict
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context, stable_hash
from studyapp.core.questions.kinds import (
    QuestionKind,
    ResponseError,
    html_list,
    is_text_list,
    register,
)
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import parse_date

TYPE = QuestionType.MULTIPLE_CHOICE
PLAUSIBLE = 5  # distractors come from this many most plausible candidates when they can
NEAR = 6  # sentences: a distractor this close to the key is worth explaining


def _options(ctx: Context, fact: Fact, used: list[int]) -> tuple[list[str], list[str]] | None:
    """Options with the key at the least used place that the plausible distractors allow."""
    order = sorted(range(4), key=lambda p: (used[p], stable_hash(fact.id, p)))
    for depth in (PLAUSIBLE, None):
        for position in order:
            made = ctx.options_for(fact, position, depth)
            if made is not None and made[0].index(fact.answer) == position:
                return made
    return ctx.options_for(fact, order[0], PLAUSIBLE) or ctx.options_for(fact, order[0])


def _why_not(ctx: Context, fact: Fact, distractors: list[str]) -> str:
    """Why a tempting distractor is wrong, where the essay says what it really is."""
    for wrong in distractors:
        other = ctx.owner_of(wrong)
        if other is None or other.id == fact.id or other.kind != fact.kind:
            continue
        if parse_date(wrong) or ctx.distance(fact, other) <= NEAR:
            return f" Not {wrong}: {other.statement}"
    return ""


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact with three plausible distractors (causes become 'explain' items).

    The key's place among the sorted options is steered to the least used place so far, so
    keys are spread evenly over A-D across the bank.
    """
    used = [0, 0, 0, 0]
    for fact in ctx.facts:
        if fact.kind == FactKind.CAUSE or TYPE in fact.skip_types:
            continue
        made = _options(ctx, fact, used)
        if made is None:
            continue
        options, distractors = made
        used[options.index(fact.answer)] += 1
        yield Question(
            id=make_id(TYPE, (fact.id,)),
            type=TYPE,
            prompt=fact.question,
            options=tuple(options),
            answer=fact.answer,
            accept=(),
            explanation=(fact.explanation or fact.statement) + _why_not(ctx, fact, distractors),
            sources=(ctx.source(fact),),
            fact_ids=(fact.id,),
        )


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

    def grade(self, question: Question, response: Any) -> Verdict:
        key = question.answer
        if not isinstance(response, str) or response not in list(question.options or ()):
            return self.verdict(question, 0, "", f"Choose one of the options. The answer is {key}.")
        right = 1.0 if response == key else 0.0
        return self.verdict(question, right, "Correct.", f"Not quite: the answer is {key}.")

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        raw = form.get(prefix + "choice", "")
        if not raw.isdigit() or not 0 <= int(raw) < len(question.options or ()):
            raise ResponseError("Choose one of the options.")
        return question.options[int(raw)]  # type: ignore[index]

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
