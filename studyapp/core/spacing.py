"""Siblings and spacing: two questions are siblings when they test a fact in common.

The study queue asks the database the same question (services.study.sibling_answered); here it
orders a deck of flashcards so that siblings do not follow one another.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

DEFAULT_GAP = 3


def siblings(facts: Collection[str], other: Collection[str]) -> bool:
    """Whether two questions with these facts are siblings (they share any fact)."""
    return not set(facts).isdisjoint(other)


def spaced(deck: Sequence[tuple[str, Collection[str]]], gap: int = DEFAULT_GAP) -> list[str]:
    """The deck's ids in their order, but a card moves later while it is a sibling of one of
    the cards just before it; when every card left is, the widest spacing available wins.

    ``deck`` holds (id, facts) in the preferred order; the result is deterministic. The spacing
    asked for is at most ``gap`` cards, less when one fact has so many cards that a wider one
    would only push them all to the end, back to back.
    """
    left = list(deck)
    per_fact: dict[str, int] = {}
    for _, facts in left:
        for fact in facts:
            per_fact[fact] = per_fact.get(fact, 0) + 1
    most = max(per_fact.values(), default=1)
    gap = max(1, min(gap, len(left) // most - 1))
    out: list[tuple[str, Collection[str]]] = []
    while left:
        best, best_gap = 0, -1
        for i, (_, facts) in enumerate(left):
            clear = 0  # how many of the last cards it is no sibling of, up to gap
            for _, before in reversed(out[-gap:]):
                if siblings(facts, before):
                    break
                clear += 1
            if clear == min(gap, len(out)):
                best = i
                break
            if clear > best_gap:
                best, best_gap = i, clear
        out.append(left.pop(best))
    return [qid for qid, _ in out]
