"""Cloze: the fact's own essay sentence with its key term blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from studyapp.core.questions import checks
from studyapp.core.questions.checks import BLANK, MIN_CLOZE_WORDS
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import TypedKind, register
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import normalize

TYPE = QuestionType.CLOZE


def _blank(sentence: str, forms: tuple[str, ...]) -> tuple[str, str, range] | None:
    """Blank the longest accepted form that occurs exactly once, if no other form then shows.

    Returns the blanked sentence, the form blanked and where it stood in the sentence.
    """
    for form in sorted(forms, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])")
        found = list(pattern.finditer(sentence))
        if len(found) != 1:
            continue
        where = found[0]
        text = sentence[: where.start()] + BLANK + sentence[where.end() :]
        rest = f" {normalize(text.replace(BLANK, ' '))} "
        if any(normalize(other) and f" {normalize(other)} " in rest for other in forms):
            return None
        context = len(sentence[: where.start()].split()) + len(sentence[where.end() :].split())
        if context < MIN_CLOZE_WORDS:
            return None  # too little context: more than one answer would fit
        return text, form, range(where.start(), where.end())
    return None


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact whose key stands once in its primary sentence.

    Two facts that blank overlapping words of the same sentence would make the same item
    twice; the first fact keeps it.
    """
    taken: dict[str, list[range]] = {}
    for fact in ctx.facts:
        if TYPE in fact.skip_types:
            continue
        source = ctx.source(fact)
        made = _blank(source.quote, fact.accepted)
        if made is None:
            continue
        text, blanked, span = made
        spans = taken.setdefault(source.sentence_id or source.quote, [])
        if any(span.start < other.stop and other.start < span.stop for other in spans):
            continue
        spans.append(span)
        yield Question(
            id=make_id(TYPE, (fact.id,), blanked),
            type=TYPE,
            prompt=f"Fill in the blank: {text}",
            options=None,
            answer=blanked,
            accept=tuple(a for a in fact.accepted if a != blanked),
            explanation=fact.explanation or fact.statement,
            sources=(source,),
            fact_ids=(fact.id,),
        )


# --- the kind ------------------------------------------------------------------------------------


@register
class Cloze(TypedKind):
    """Type the term blanked out of the essay's sentence."""

    id = TYPE
    label = "Fill the blank"
    prefix = "cz"
    expected_seconds = 15
    template = "kinds/typed.html"
    generate = staticmethod(generate)
    checks = staticmethod(checks.cloze)
