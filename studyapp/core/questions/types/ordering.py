"""Ordering: the events of one curated set, shown shuffled, to be put in date order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

from studyapp.core.grading import Verdict
from studyapp.core.numbers import parse_small_int
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context
from studyapp.core.questions.kinds import (
    QuestionKind,
    ResponseError,
    html_list,
    is_text_list,
    register,
)
from studyapp.core.questions.model import Answer, Question, QuestionType, make_id
from studyapp.core.text import date_span, format_date, parse_date

TYPE = QuestionType.ORDERING


def generate(ctx: Context) -> Iterator[Question]:
    """One item per ordering set; each event cites the sentence that dates it.

    Which events go together is the fact base's choice (one phase, close enough that the
    order must be known); only the order they are shown in depends on the seed.
    """
    for group in ctx.base.orderings:
        events = sorted(
            (ctx.by_id[f] for f in group.facts if f in ctx.by_id),
            key=lambda f: (date_span(f.date or "")[0], f.id),
        )
        ids = tuple(f.id for f in events)
        answer = tuple(f.topic for f in events)
        shown = list(answer)
        rng = ctx.rng(TYPE, *ids)
        while tuple(shown) == answer and len(shown) > 1:
            rng.shuffle(shown)
        timeline = "; ".join(f"{f.topic} ({f.when or _when(f.answer, f.date)})" for f in events)
        yield Question(
            id=make_id(TYPE, ids),
            type=TYPE,
            prompt=group.prompt,
            options=tuple(shown),
            answer=answer,
            accept=(),
            explanation=f"In order: {timeline}.",
            sources=ctx.sources(*events),
            fact_ids=ids,
        )


def _when(answer: str, date: str | None) -> str:
    """The date to show in the explanation: the key when it is a date, else the sort key."""
    if parse_date(answer):
        return answer
    parts = parse_date(date or "")
    return format_date(parts) if parts else (date or "")


# --- the kind ------------------------------------------------------------------------------------


@register
class Ordering(QuestionKind):
    """Put events in the order they happened; each pair in the right order earns credit."""

    id = TYPE
    label = "Ordering"
    prefix = "or"
    expected_seconds = 35
    shuffle_options = True
    generate = staticmethod(generate)
    checks = staticmethod(checks.ordering)
    from_fact = False

    def grade(self, question: Question, response: Any) -> Verdict:
        key = [str(item) for item in question.answer]  # type: ignore[union-attr]
        shown = self.answer_text(question)
        if (
            not isinstance(response, Sequence)
            or isinstance(response, str)
            or sorted(map(str, response)) != sorted(key)
        ):
            return self.verdict(
                question, 0, "", f"Put every event in order. Correct order: {shown}"
            )
        rank = {item: i for i, item in enumerate(key)}
        given = [rank[str(item)] for item in response]
        pairs = list(combinations(range(len(given)), 2))
        right = sum(1 for i, j in pairs if given[i] < given[j])
        return self.verdict(
            question,
            right / len(pairs) if pairs else 0.0,
            "Correct: that is the order the essay gives.",
            f"{right} of {len(pairs)} pairs in the right order. Correct order: {shown}",
        )

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        options = tuple(question.options or ())
        n = len(options)
        positions: list[int] = []
        for i in range(n):
            position = parse_small_int(form.get(f"{prefix}pos-{i}"), 1, n)
            if position is None:
                raise ResponseError("Give every event a position.")
            positions.append(position)
        if len(set(positions)) != n:
            raise ResponseError("Give each event a different position.")
        return [options[i] for i in sorted(range(n), key=positions.__getitem__)]

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """A partial order keeps the positions given, with None where a place is still free.

        Two events at one position are refused: saving either would silently drop the other.
        """
        options = tuple(question.options or ())
        n = len(options)
        slots: list[str | None] = [None] * n
        for i, option in enumerate(options):
            position = parse_small_int(form.get(f"{prefix}pos-{i}"), 1, n)
            if position is None:
                continue
            if slots[position - 1] is not None:
                raise ResponseError(
                    f"Two events are at position {position}: give each event its own position."
                )
            slots[position - 1] = option
        return True, slots

    def answer_text(self, question: Question) -> str:
        return " → ".join(str(item) for item in question.answer)  # type: ignore[union-attr]

    def response_text(self, question: Question, response: Any) -> str:
        if isinstance(response, str) or response is None:
            return response or ""
        if not any(response):
            return ""
        return " → ".join("?" if item is None else str(item) for item in response)

    def response_parts(self, question: Question, response: Any) -> list[tuple[str, bool]]:
        """Each place of the order given, right when it holds the event the key puts there."""
        if isinstance(response, str) or not isinstance(response, Sequence):
            return []
        key = [str(item) for item in question.answer]  # type: ignore[union-attr]
        return [
            (f"{i + 1}. {'?' if item is None else item}", i < len(key) and str(item) == key[i])
            for i, item in enumerate(response)
        ]

    def answer_from_dict(self, raw: Any) -> Answer:
        return tuple(raw)

    def export_problem(self, options: Any, answer: Any) -> str | None:
        if not is_text_list(options) or not is_text_list(answer):
            return "options and answer must be lists of texts"
        if sorted(options) != sorted(answer):
            return "answer must put the same items as the options in order"
        return None

    def anki_answer(self, answer: Any) -> str:
        return html_list("ol", answer)
