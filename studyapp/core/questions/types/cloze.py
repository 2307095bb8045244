"""Cloze: the fact's own self-contained sentence with its key term blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from studyapp.core.facts import Fact, fold_quotes, leading_connective, occurrences, quotes_balanced
from studyapp.core.questions import checks
from studyapp.core.questions.checks import BLANK
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import TypedKind, register
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import content_words

TYPE = QuestionType.CLOZE
PROMPT = "Fill in the blank: "
# A common phrase may be accepted in its own forms and one other wording ("peaceful rise",
# "peaceful development"); a list of synonyms says the blank takes several fills.
MAX_WORDINGS = 2


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
            sources=ctx.sources(fact, every=True),
            fact_ids=(fact.id,),
            erratum=fact.erratum,
        )


def material_problems(fact: Fact) -> list[str]:
    """A clean, self-contained sentence holding exactly one accepted form, once."""
    text = fact.cloze
    if not text:
        return ["no cloze sentence"]
    problems = []
    found = [form for form in fact.accepted if occurrences(text, form)]
    if not found:
        problems.append("holds neither the answer nor an alias")
    longest = max(found, key=len) if found else None
    if longest and occurrences(text, longest) != 1:
        problems.append("the key stands more than once")
    connective = leading_connective(text)
    if connective:
        problems.append(f"opens with {connective!r}, leaning on another sentence")
    if not quotes_balanced(text):
        problems.append("unbalanced quotation marks")
    if not text.rstrip().endswith((".", "?", '."', ".”")):
        problems.append("not a whole sentence")
    wordings = _wordings(fact.accepted)
    if len(wordings) > MAX_WORDINGS:
        problems.append(
            f"the blank takes {len(wordings)} wordings: a cloze blanks a name or a term, "
            "not a phrase that synonyms fill as well"
        )
    return problems


def _wordings(forms: tuple[str, ...] | list[str]) -> set[frozenset[str]]:
    """The distinct wordings among the common-phrase forms (a name's spellings name one thing)."""
    found = set()
    for form in forms:
        if any(word[:1].isupper() for word in form.split()):
            continue
        found.add(frozenset(_singular(w) for w in content_words(form)))
    return found


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


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

    def fact_problems(self, fact: Fact) -> list[str]:
        return material_problems(fact)
