"""True or false: the fact's statement, or a copy with the key swapped for a wrong value."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from studyapp.core.facts import Fact, FactKind
from studyapp.core.grading import Verdict, parse_bool
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import QuestionKind, ResponseError, register
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import STOPWORDS, normalize

TYPE = QuestionType.TRUE_FALSE
PREFIX = "True or false: "
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "this", "that"})
_NEGATIVE = re.compile(r"\b(not|never|no|nor)\b|n['’]t\b", re.IGNORECASE)
_TITLE = re.compile(r"\b[A-Z][a-z]+\.? $")  # "Premier ", "Prof. ", "Reformist "
_NAME_OF = re.compile(r"\b[A-Z][\w'’]*\s+of\s+(the\s+)?$")  # "Republic of ", "Party of the "


def _occurrence(statement: str, key: str) -> re.Match[str] | None:
    """The key's only whole-word occurrence in the statement, or None."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])")
    found = list(pattern.finditer(statement))
    return found[0] if len(found) == 1 else None


def _inside_a_name(statement: str, match: re.Match[str]) -> bool:
    """Whether the key is part of a longer name or used as a modifier ("Vietnam issue")."""
    before, after = statement[: match.start()], statement[match.end() :]
    following = after.split(maxsplit=1)[0] if after.strip() else ""
    word = re.sub(r"\W", "", following)
    if following and not following[0].isalnum():
        return False  # punctuation follows: the key stands alone
    if word[:1].isupper():
        return True  # "Zhenbao Island", "Ussuri River"
    if word and word.casefold() not in STOPWORDS:
        return True  # "the Vietnam issue", "Security Council sanctions"
    return bool(_NAME_OF.search(before))  # "the People's Republic of Mongolia"


def _arrange_article(ctx: Context, before: str, value: str) -> tuple[str, str]:
    """Text before the slot and the value, with "the" where the essay gives the value one."""
    bare = value[4:] if value.casefold().startswith("the ") else value
    wants = value != bare or bool(ctx.takes_article(bare))
    slot = re.search(r"\b[Tt]he $", before)
    if slot:
        if ctx.takes_article(bare) is False and value == bare:
            before = before[: slot.start()]  # "the Philippines" -> "Mongolia"
            return before, bare if before else bare[:1].upper() + bare[1:]
        return before, bare
    words = before.split()
    prev = words[-1].casefold() if words else ""
    if wants and prev not in _DETERMINERS and not prev.endswith(("'s", "’s")):
        # "in Foreign Affairs" -> "in the Rodong Sinmun"; "Like North Vietnam" -> "Like the …"
        return before, ("the " if before else "The ") + bare
    return before, bare


def swap(ctx: Context, fact: Fact, value: str) -> str | None:
    """The statement with the key replaced by ``value``, or None where that reads badly."""
    match = _occurrence(fact.statement, fact.answer)
    if match is None:
        return None
    if fact.kind in (FactKind.PLACE, FactKind.ORGANISATION) and _inside_a_name(
        fact.statement, match
    ):
        return None
    before, after = fact.statement[: match.start()], fact.statement[match.end() :]
    if fact.kind == FactKind.PERSON and _TITLE.search(before):
        return None  # "Premier Zhou Enlai": the title belongs to the person
    if fact.kind in (FactKind.PLACE, FactKind.ORGANISATION):
        before, value = _arrange_article(ctx, before, value)
    swapped = before + value + after
    # Keep "a"/"an" in agreement with the new value.
    return re.sub(
        r"\b([Aa])n? (" + re.escape(value) + ")",
        lambda m: m.group(1) + ("n " if value[:1].lower() in "aeiou" else " ") + m.group(2),
        swapped,
    )


def generate(ctx: Context) -> Iterator[Question]:
    """A true and a false item for every fact where a plausible wrong value exists.

    Facts without one (terms, ideas, causes) are asked in other forms only: true-only items
    for them would teach students that statements about ideas are always true. Negative
    statements are not swapped either: "North Korea did not recognize the leadership of X"
    is likely true for many another X.
    """
    statements = {normalize(f.statement) for f in ctx.facts}  # true ones, and false ones made
    asked: set[str] = set()  # true statements already made into items
    for fact in ctx.facts:
        if fact.kind == FactKind.CAUSE or TYPE in fact.skip_types:
            continue
        if normalize(fact.statement) in asked:
            continue  # two facts with one statement: the first one's pair covers it
        false, value = None, ""
        negative = bool(_NEGATIVE.search(fact.statement))
        for value in [] if negative else ctx.false_values(fact):
            false = swap(ctx, fact, value)
            if false and normalize(false) not in statements:
                statements.add(normalize(false))
                break
            false = None
        if false is None:
            continue
        asked.add(normalize(fact.statement))
        source = ctx.source(fact)
        base = fact.explanation or fact.statement
        yield Question(
            id=make_id(TYPE, (fact.id,), "true"),
            type=TYPE,
            prompt=PREFIX + fact.statement,
            options=None,
            answer=True,
            accept=(),
            explanation=f"True. {base}",
            sources=(source,),
            fact_ids=(fact.id,),
        )
        yield Question(
            id=make_id(TYPE, (fact.id,), f"false:{value}"),
            type=TYPE,
            prompt=PREFIX + false,
            options=None,
            answer=False,
            accept=(),
            explanation=f"False: the essay has {fact.answer}, not {value}. {base}",
            sources=(source,),
            fact_ids=(fact.id,),
        )


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
