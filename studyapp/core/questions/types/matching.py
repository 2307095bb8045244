"""Matching: people to the roles the essay gives them, and events to their dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from studyapp.core.facts import Fact, FactKind
from studyapp.core.grading import Verdict
from studyapp.core.questions import checks
from studyapp.core.questions.context import Context, mentions
from studyapp.core.questions.kinds import (
    QuestionKind,
    ResponseError,
    html_list,
    is_text_list,
    register,
)
from studyapp.core.questions.model import Answer, Options, Question, QuestionType, make_id

TYPE = QuestionType.MATCHING
SIZE = 5
MAX = 6


def _names(fact: Fact) -> list[str]:
    """The forms of a person's name that would give them away (bare one-word aliases aside)."""
    return [fact.answer, *(a for a in fact.aliases if len(a.split()) > 1)]


def _clash(a: Fact, b: Fact, right_of: Callable[[Fact], str]) -> bool:
    """Whether one pair's right side names the other's left side."""
    return any(mentions(right_of(a), n) for n in _names(b)) or any(
        mentions(right_of(b), n) for n in _names(a)
    )


def _groups(items: list[Fact], right_of: Callable[[Fact], str]) -> list[list[Fact]]:
    """Groups of 4 to 6 in which no right-hand side names another pair's left-hand side."""
    count = -(-len(items) // SIZE)  # as many groups as it takes to keep them at most SIZE
    if len(items) < 4 * count:
        count = len(items) // 4
    groups: list[list[Fact]] = [[] for _ in range(count)]
    for i, item in enumerate(items):
        for k in range(count):
            group = groups[(i + k) % count]
            if len(group) < MAX and not any(_clash(item, other, right_of) for other in group):
                group.append(item)
                break
    return [g for g in groups if len(g) >= 4]


def _item(
    ctx: Context,
    group: list[Fact],
    prompt: str,
    left_of: Callable[[Fact], str],
    right_of: Callable[[Fact], str],
    kind: str,
) -> Question:
    ids = tuple(f.id for f in group)
    pairs = tuple((left_of(f), right_of(f)) for f in group)
    shown_right = [r for _, r in pairs]
    rng = ctx.rng(TYPE, kind, *ids)
    while shown_right == [r for _, r in pairs]:
        rng.shuffle(shown_right)
    return Question(
        id=make_id(TYPE, ids, kind),
        type=TYPE,
        prompt=prompt,
        options={"left": tuple(left for left, _ in pairs), "right": tuple(shown_right)},
        answer=pairs,
        accept=(),
        explanation=" ".join(f"{a}: {b}." for a, b in pairs),
        sources=(ctx.source(group[0]),),
        fact_ids=ids,
    )


def _role(fact: Fact) -> str:
    return fact.role or ""


def generate(ctx: Context) -> Iterator[Question]:
    """People to roles, then events to dates (month and year).

    A role that names its own person, or another person of the same item, would give the
    answer away; such people are left out or put in different items.
    """
    usable = [f for f in ctx.facts if TYPE not in f.skip_types]
    people: dict[str, Fact] = {}
    for fact in sorted(usable, key=lambda f: f.id):
        if fact.kind != FactKind.PERSON or not fact.role or fact.answer in people:
            continue
        if not any(mentions(fact.role, n) for n in _names(fact)):
            people[fact.answer] = fact
    for group in _groups(list(people.values()), _role):
        yield _item(
            ctx,
            group,
            "Match each person to the role the essay gives them.",
            lambda f: f.answer,
            _role,
            "roles",
        )
    dated: dict[str, Fact] = {}
    for fact in sorted(usable, key=lambda f: (f.date or "", f.id)):
        dated_event = fact.kind == FactKind.DATE and fact.category == "month-year"
        if dated_event and not any(c.isdigit() for c in fact.topic):
            dated.setdefault(fact.answer, fact)
    for group in _groups(list(dated.values()), lambda f: f.answer):
        yield _item(
            ctx,
            group,
            "Match each event to the month and year the essay gives for it.",
            lambda f: f.topic,
            lambda f: f.answer,
            "dates",
        )


# --- the kind ------------------------------------------------------------------------------------


@register
class Matching(QuestionKind):
    """Pair each item on the left with one on the right; each right pair earns credit."""

    id = TYPE
    label = "Matching"
    prefix = "ma"
    expected_seconds = 35
    generate = staticmethod(generate)
    checks = staticmethod(checks.matching)

    def grade(self, question: Question, response: Any) -> Verdict:
        key = dict(question.answer)  # type: ignore[arg-type]
        if isinstance(response, Mapping):
            given = {str(k): str(v) for k, v in response.items()}
        elif isinstance(response, Sequence) and not isinstance(response, str):
            try:
                given = {str(a): str(b) for a, b in response}
            except (TypeError, ValueError):
                given = {}
        else:
            given = {}
        right = sum(1 for left, r in key.items() if given.get(left) == r)
        return self.verdict(
            question,
            right / len(key) if key else 0.0,
            "Correct: every pair matches.",
            f"{right} of {len(key)} pairs right. Correct pairs: {self.answer_text(question)}",
        )

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        left, right = self.columns(question)
        pairs = []
        for i, name in enumerate(left):
            raw = form.get(f"{prefix}match-{i}", "")
            if not raw.isdigit() or not 0 <= int(raw) < len(right):
                raise ResponseError("Match every item on the left.")
            pairs.append([name, right[int(raw)]])
        return pairs

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """A partial match keeps the pairs chosen so far."""
        left, right = self.columns(question)
        pairs = []
        for i, name in enumerate(left):
            raw = form.get(f"{prefix}match-{i}", "")
            if raw.isdigit() and int(raw) < len(right):
                pairs.append([name, right[int(raw)]])
        return True, pairs

    @staticmethod
    def columns(question: Question) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The left and right columns of a matching item."""
        options: Any = question.options
        return options["left"], options["right"]

    def answer_text(self, question: Question) -> str:
        return "; ".join(f"{a} → {b}" for a, b in question.answer)  # type: ignore[misc]

    def response_text(self, question: Question, response: Any) -> str:
        if isinstance(response, str) or response is None:
            return response or ""
        return "; ".join(f"{pair[0]} → {pair[1]}" for pair in response)

    def options_from_dict(self, raw: Any) -> Options:
        return {"left": tuple(raw["left"]), "right": tuple(raw["right"])}

    def answer_from_dict(self, raw: Any) -> Answer:
        return tuple((str(a), str(b)) for a, b in raw)

    def export_problem(self, options: Any, answer: Any) -> str | None:
        if not (
            isinstance(options, dict)
            and set(options) == {"left", "right"}
            and is_text_list(options["left"])
            and is_text_list(options["right"])
        ):
            return 'options must be {"left": [...], "right": [...]}'
        if not (isinstance(answer, list) and all(is_text_list(p) and len(p) == 2 for p in answer)):
            return "answer must be a list of [left, right] pairs"
        if sorted(left for left, _ in answer) != sorted(options["left"]):
            return "answer must pair every left item once"
        if any(right not in options["right"] for _, right in answer):
            return "answer pairs a right item that is not among the options"
        return None

    def anki_options(self, options: Any) -> str:
        return html_list("ul", options["left"]) + "<p>with</p>" + html_list("ul", options["right"])

    def anki_answer(self, answer: Any) -> str:
        return html_list("ul", (f"{left} → {right}" for left, right in answer))
