"""Cloze: the fact's own essay sentence with its key term blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import normalize

TYPE = QuestionType.CLOZE
BLANK = "_____"


def _blank(sentence: str, forms: tuple[str, ...]) -> tuple[str, str] | None:
    """Blank the longest accepted form that occurs exactly once, if no other form then shows."""
    for form in sorted(forms, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])")
        if len(pattern.findall(sentence)) != 1:
            continue
        text = pattern.sub(BLANK, sentence, count=1)
        rest = f" {normalize(text.replace(BLANK, ' '))} "
        if any(f" {normalize(other)} " in rest for other in forms):
            return None
        return text, form
    return None


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact whose key stands once in its primary sentence."""
    for fact in ctx.facts:
        if TYPE in fact.skip_types:
            continue
        source = ctx.source(fact)
        made = _blank(source.quote, fact.accepted)
        if made is None:
            continue
        text, blanked = made
        accept = tuple(a for a in fact.accepted if a != blanked)
        yield Question(
            id=make_id(TYPE, (fact.id,), blanked),
            type=TYPE,
            prompt=f"Fill in the blank: {text}",
            options=None,
            answer=blanked,
            accept=accept,
            explanation=fact.explanation or fact.statement,
            source=source,
            fact_ids=(fact.id,),
        )
