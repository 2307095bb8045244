"""Ordering: put four to six dated events in the order they happened."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

from studyapp.core.facts import Fact, FactKind
from studyapp.core.grading import Verdict
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
from studyapp.core.text import date_span, normalize

TYPE = QuestionType.ORDERING
PROMPT = "Put these events in the order they happened, earliest first."
SIZE = 5


def clearly_ordered(a: Fact, b: Fact) -> bool:
    """Whether the essay's dates settle which came first ("1966" vs "May 1966" does not)."""
    (a0, a1), (b0, b1) = date_span(a.date or ""), date_span(b.date or "")
    return a1 < b0 or b1 < a0


def _gives_away(a: Fact, b: Fact) -> bool:
    """Whether one label names the other ("Relations recover after the August … Incident")."""
    la, lb = f" {normalize(a.topic)} ", f" {normalize(b.topic)} "
    return la in lb or lb in la


def _fits(group: list[Fact], event: Fact) -> bool:
    return all(clearly_ordered(event, g) and not _gives_away(event, g) for g in group)


def _greedy(events: list[Fact]) -> list[Fact]:
    """The first events of the list (up to SIZE) that can all be ordered unambiguously."""
    group: list[Fact] = []
    for event in events:
        if len(group) == SIZE:
            break
        if _fits(group, event):
            group.append(event)
    return group


def _groups(events: list[Fact]) -> Iterator[list[Fact]]:
    """Disjoint groups of four spread over the whole period, then runs of five neighbours.

    The disjoint ones let a quiz that takes one item per fact draw several ordering items.
    """
    count = len(events) // 4
    spread: list[list[Fact]] = [[] for _ in range(count)]
    for i, event in enumerate(events):
        for k in range(count):
            group = spread[(i + k) % count]
            if len(group) < 4 and _fits(group, event):
                group.append(event)
                break
    yield from (g for g in spread if len(g) == 4)
    for start in range(0, max(len(events) - SIZE + 1, 1), 3):
        yield _greedy(events[start:])


def generate(ctx: Context) -> Iterator[Question]:
    """Several items over the dated facts, each of events whose order the dates settle.

    Which events go together does not depend on the seed (so the items, and their ids, stay
    the same); only the order they are shown in does.
    """
    events = sorted(
        (
            f
            for f in ctx.facts
            if f.kind == FactKind.DATE
            and f.date
            and TYPE not in f.skip_types
            and not any(c.isdigit() for c in f.topic)
        ),
        key=lambda f: (f.date, f.id),
    )
    seen: set[tuple[str, ...]] = set()
    for group in _groups(events):
        group.sort(key=lambda f: date_span(f.date or "")[0])
        ids = tuple(f.id for f in group)
        if len(group) < 4 or ids in seen:
            continue
        seen.add(ids)
        answer = tuple(f.topic for f in group)
        shown = list(answer)
        rng = ctx.rng(TYPE, *ids)
        while tuple(shown) == answer:
            rng.shuffle(shown)
        timeline = "; ".join(f"{f.topic} ({f.answer})" for f in group)
        yield Question(
            id=make_id(TYPE, ids),
            type=TYPE,
            prompt=PROMPT,
            options=tuple(shown),
            answer=answer,
            accept=(),
            explanation=f"In order: {timeline}.",
            sources=(ctx.source(group[0]),),
            fact_ids=ids,
        )


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
        positions = [form.get(f"{prefix}pos-{i}", "") for i in range(n)]
        if not all(p.isdigit() and 1 <= int(p) <= n for p in positions):
            raise ResponseError("Give every event a position.")
        if len(set(positions)) != n:
            raise ResponseError("Give each event a different position.")
        order = sorted(range(n), key=lambda i: int(positions[i]))
        return [options[i] for i in order]

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """A partial order keeps the positions given, with None where a place is still free."""
        options = tuple(question.options or ())
        n = len(options)
        slots: list[str | None] = [None] * n
        for i, option in enumerate(options):
            raw = form.get(f"{prefix}pos-{i}", "")
            if raw.isdigit() and 1 <= int(raw) <= n and slots[int(raw) - 1] is None:
                slots[int(raw) - 1] = option
        return True, slots

    def answer_text(self, question: Question) -> str:
        return " → ".join(str(item) for item in question.answer)  # type: ignore[union-attr]

    def response_text(self, question: Question, response: Any) -> str:
        if isinstance(response, str) or response is None:
            return response or ""
        if not any(response):
            return ""
        return " → ".join("?" if item is None else str(item) for item in response)

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
