"""True or false: the fact's statement, or a copy with the key swapped for a wrong value."""

from __future__ import annotations

import re
from collections.abc import Iterator

from studyapp.core.facts import FactKind
from studyapp.core.questions.context import Context, stable_hash
from studyapp.core.questions.model import Question, QuestionType, make_id
from studyapp.core.text import normalize

TYPE = QuestionType.TRUE_FALSE
PREFIX = "True or false: "


def _swap(statement: str, key: str, value: str) -> str | None:
    pattern = re.compile(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])")
    if len(pattern.findall(statement)) != 1:
        return None
    swapped = pattern.sub(value, statement, count=1)
    # Keep "a"/"an" in agreement with the new value.
    swapped = re.sub(
        r"\b([Aa])n? (" + re.escape(value) + ")",
        lambda m: (m.group(1) + ("n " if value[:1].lower() in "aeiou" else " ")) + m.group(2),
        swapped,
    )
    return swapped


def generate(ctx: Context) -> Iterator[Question]:
    """A true item and a false item per fact, so the bank is balanced."""
    statements = {normalize(f.statement) for f in ctx.facts}
    for fact in ctx.facts:
        if fact.kind == FactKind.CAUSE or TYPE in fact.skip_types:
            continue
        source = ctx.source(fact)
        base = fact.explanation or fact.statement
        yield Question(
            id=make_id(TYPE, (fact.id,), "true"),
            type=TYPE,
            prompt=PREFIX + fact.statement,
            options=None,
            answer=True,
            accept=(),
            explanation=f"True. {base}" if base != fact.statement else f"True: {base}",
            source=source,
            fact_ids=(fact.id,),
        )
        pool = ctx.candidates(fact)[:3]
        if not pool:
            continue
        start = stable_hash("tf", fact.id) % len(pool)
        for value in pool[start:] + pool[:start]:
            false = _swap(fact.statement, fact.answer, value)
            if false and normalize(false) not in statements:
                yield Question(
                    id=make_id(TYPE, (fact.id,), f"false:{value}"),
                    type=TYPE,
                    prompt=PREFIX + false,
                    options=None,
                    answer=False,
                    accept=(),
                    explanation=(
                        f"False: the essay has {fact.answer}, not {value}. {fact.statement}"
                    ),
                    source=source,
                    fact_ids=(fact.id,),
                )
                break
