"""Matching: the pairs of one curated set (one theme, one era), the right column shuffled."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
from studyapp.core.questions.model import Answer, Options, Question, QuestionType, make_id

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
        # A pair may rest on a claim the record disputes: the item carries its note.
        erratum = " ".join(dict.fromkeys(f.erratum for f in facts if f.erratum)) or None
        explanation = " ".join(f"{a}: {b.rstrip('.')}." for a, b in pairs)
        yield Question(
            id=make_id(TYPE, ids, group.id),
            type=TYPE,
            prompt=group.prompt,
            options={"left": tuple(left for left, _ in pairs), "right": tuple(shown_right)},
            answer=pairs,
            accept=(),
            explanation=f"{explanation} Note on the record: {erratum}" if erratum else explanation,
            sources=ctx.sources(*facts),
            fact_ids=tuple(dict.fromkeys(ids)),
            erratum=erratum,
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
    from_fact = False

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
            index = parse_small_int(form.get(f"{prefix}match-{i}"), 0, len(right) - 1)
            if index is None:
                raise ResponseError("Match every item on the left.")
            pairs.append([name, right[index]])
        return pairs

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """A partial match keeps the pairs chosen so far."""
        left, right = self.columns(question)
        pairs = []
        for i, name in enumerate(left):
            index = parse_small_int(form.get(f"{prefix}match-{i}"), 0, len(right) - 1)
            if index is not None:
                pairs.append([name, right[index]])
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

    def response_parts(self, question: Question, response: Any) -> list[tuple[str, bool]]:
        """Each pair given, right when the key pairs them."""
        if isinstance(response, str) or not isinstance(response, Sequence):
            return []
        key = {str(a): str(b) for a, b in question.answer}  # type: ignore[misc]
        return [
            (f"{pair[0]} → {pair[1]}", key.get(str(pair[0])) == str(pair[1]))
            for pair in response
            if isinstance(pair, Sequence) and len(pair) == 2
        ]

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
