"""Matching: the pairs of one curated set (one theme, one era), the right column shuffled."""

from __future__ import annotations

from collections.abc import Iterator

from studyapp.core.questions.context import Context
from studyapp.core.questions.model import Question, QuestionType, make_id

TYPE = QuestionType.MATCHING


def generate(ctx: Context) -> Iterator[Question]:
    """One item per matching set; each pair cites its own fact's sentence."""
    for group in ctx.base.matchings:
        pairs = tuple((p.left, p.right) for p in group.pairs)
        ids = tuple(p.fact for p in group.pairs)
        shown_right = [r for _, r in pairs]
        rng = ctx.rng(TYPE, group.id, *ids)
        while shown_right == [r for _, r in pairs] and len(pairs) > 1:
            rng.shuffle(shown_right)
        facts = [ctx.by_id[f] for f in ids if f in ctx.by_id]
        yield Question(
            id=make_id(TYPE, ids, group.id),
            type=TYPE,
            prompt=group.prompt,
            options={"left": tuple(left for left, _ in pairs), "right": tuple(shown_right)},
            answer=pairs,
            accept=(),
            explanation=" ".join(f"{a}: {b.rstrip('.')}." for a, b in pairs),
            sources=ctx.sources(*facts),
            fact_ids=tuple(dict.fromkeys(ids)),
        )
