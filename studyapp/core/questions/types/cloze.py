"""Cloze: the fact's own self-contained sentence with its key term blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from studyapp.core.facts import Fact, fold_quotes
from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.CLOZE
BLANK = "_____"
PROMPT = "Fill in the blank: "


def blank(sentence: str, fact: Fact) -> tuple[str, str] | None:
    """The sentence with the longest accepted form blanked, and that form (None if absent)."""
    folded = fold_quotes(sentence)
    for form in sorted(fact.accepted, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w-])" + re.escape(fold_quotes(form)) + r"(?![\w-])")
        found = list(pattern.finditer(folded))
        if len(found) == 1:
            where = found[0]
            return sentence[: where.start()] + BLANK + sentence[where.end() :], form
    return None


def generate(ctx: Context) -> Iterator[Question]:
    """One item per fact that has a cloze sentence written for it."""
    for fact in ctx.facts_for(TYPE):
        made = blank(fact.cloze or "", fact)
        if made is None:
            continue
        text, blanked = made
        yield Question(
            id=make_id(TYPE, (fact.id,), blanked),
            type=TYPE,
            prompt=PROMPT + text,
            options=None,
            answer=blanked,
            accept=tuple(a for a in fact.accepted if a != blanked),
            explanation=ctx.explanation(fact),
            sources=ctx.sources(fact),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )
