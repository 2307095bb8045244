"""Answer checking: ``check(question, response) -> Verdict``.

Typed answers are compared after ``text.normalize`` (case, accents, punctuation, hyphens and
leading articles ignored) against the key and every accepted alias. Names and terms forgive
small typos (insertions, deletions, substitutions, swapped neighbours), scaled to their length
and judged word by word; numbers and dates (digits or number words) must be exact. A date key
also accepts the same date written another way ("March 1969" = "1969-03" = "03/1969"), but
never a less precise one ("1969" is wrong for "March 1969"). A qualifier the question asks for
("more than how many") may be repeated in the answer. Ordering and matching earn partial
credit: the share of pairs of items in the right relative order, and the share of correct
pairs. The rules in full: docs/questions.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from rapidfuzz.distance import OSA

from studyapp.core.questions.model import Question, QuestionType
from studyapp.core.text import has_digit, is_numeric_phrase, normalize, parse_date

# Qualifiers a typed number may carry when the question asks for them ("more than how many").
QUALIFIERS = ("more than", "fewer than", "less than", "over", "under", "at least", "nearly")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


@dataclass(frozen=True)
class Verdict:
    """The result of checking one response."""

    correct: bool
    score: float  # 0..1
    expected: str  # the key, readable
    feedback: str
    self_graded: bool = False


def typo_allowance(key: str) -> int:
    """Edits forgiven in a typed name or term: none up to 4 letters, 1 up to 8, then 2.

    Numbers and dates (digits, or number words such as "five" or "one million") get none:
    "one billion" is not a typo of "one million".
    """
    if has_digit(key) or is_numeric_phrase(key):
        return 0
    n = len(key)
    if n <= 4:
        return 0
    if n <= 8:
        return 1
    return 2


def _close(given: str, key: str) -> bool:
    """Whether two normalised answers differ only by small typos.

    The whole answer may differ by its allowance, and each word by its own allowance (at
    least one edit) but not in its first letter: "Kim Il Sng" is Kim Il Sung, "Southeast
    China" is not Northeast China. Words run together or split ("Kim Ilsung") count as the
    same answer.
    """
    allowance = typo_allowance(key)
    if not allowance or has_digit(given) or is_numeric_phrase(given):
        return False
    if OSA.distance(given, key, score_cutoff=allowance) > allowance:
        return False
    words, key_words = given.split(), key.split()
    if len(words) != len(key_words):
        return given.replace(" ", "") == key.replace(" ", "")
    for word, key_word in zip(words, key_words, strict=True):
        if word[0] != key_word[0]:
            return False  # typos rarely hit the first letter; other words do ("South…")
        limit = max(1, typo_allowance(key_word))
        if OSA.distance(word, key_word, score_cutoff=limit) > limit:
            return False
    return True


def _drop_qualifier(response: str, prompt: str) -> str:
    """Drop a qualifier the question itself asks for: "more than 30" to "more than how many"."""
    given, asked = normalize(response), f" {normalize(prompt)} "
    for qualifier in QUALIFIERS:
        if given.startswith(qualifier + " ") and f" {qualifier} " in asked:
            return given[len(qualifier) + 1 :]
    return response


def typed_matches(response: str, accepted: Sequence[str], prompt: str = "") -> bool:
    """Whether a typed response matches any accepted form under the rules above."""
    response = _drop_qualifier(response, prompt)
    given = normalize(response)
    if not given:
        return False
    given_date = parse_date(response)
    for form in accepted:
        key = normalize(form)
        if given == key:
            return True
        key_date = parse_date(form)
        if key_date is not None and given_date == key_date:
            return True
        if _close(given, key):
            return True
    return False


def _expected(q: Question) -> str:
    if q.type == QuestionType.TRUE_FALSE:
        return "True" if q.answer else "False"
    if q.type == QuestionType.ORDERING:
        return " → ".join(q.answer)  # type: ignore[arg-type]
    if q.type == QuestionType.MATCHING:
        return "; ".join(f"{a} → {b}" for a, b in q.answer)  # type: ignore[misc]
    return str(q.answer)


def _verdict(q: Question, score: float, feedback_right: str, feedback_wrong: str) -> Verdict:
    score = max(0.0, min(1.0, score))
    correct = score >= 1.0
    return Verdict(correct, score, _expected(q), feedback_right if correct else feedback_wrong)


def _typed(q: Question, response: Any) -> Verdict:
    if not isinstance(response, str) or not response.strip():
        return _verdict(q, 0, "", f"No answer given. The answer is {q.answer}.")
    ok = typed_matches(response, (str(q.answer), *q.accept), q.prompt)
    exact = normalize(_drop_qualifier(response, q.prompt)) in {
        normalize(a) for a in (str(q.answer), *q.accept)
    }
    right = "Correct." if exact else f"Correct (we read it as {q.answer})."
    return _verdict(q, 1.0 if ok else 0.0, right, f"Not quite: the answer is {q.answer}.")


def _choice(q: Question, response: Any) -> Verdict:
    options = list(q.options or ())  # type: ignore[arg-type]
    if not isinstance(response, str) or response not in options:
        return _verdict(q, 0, "", f"Choose one of the options. The answer is {q.answer}.")
    return _verdict(
        q, 1.0 if response == q.answer else 0.0, "Correct.", f"Not quite: the answer is {q.answer}."
    )


def parse_bool(response: Any) -> bool | None:
    """True/False from a bool or a word ("true", "f", "yes"…); None if unreadable."""
    if isinstance(response, bool):
        return response
    if isinstance(response, str):
        word = response.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _true_false(q: Question, response: Any) -> Verdict:
    value = parse_bool(response)
    expected = "true" if q.answer else "false"
    if value is None:
        return _verdict(q, 0, "", f"Answer true or false. The statement is {expected}.")
    return _verdict(
        q, 1.0 if value == q.answer else 0.0, "Correct.", f"Not quite: the statement is {expected}."
    )


def _ordering(q: Question, response: Any) -> Verdict:
    key = list(q.answer)  # type: ignore[arg-type]
    if (
        not isinstance(response, Sequence)
        or isinstance(response, str)
        or sorted(map(str, response)) != sorted(key)
    ):
        return _verdict(q, 0, "", "Put every event in order. " + "Correct order: " + _expected(q))
    rank = {item: i for i, item in enumerate(key)}
    given = [rank[str(item)] for item in response]
    pairs = list(combinations(range(len(given)), 2))
    right = sum(1 for i, j in pairs if given[i] < given[j])
    score = right / len(pairs) if pairs else 0.0
    return _verdict(
        q,
        score,
        "Correct: that is the order the essay gives.",
        f"{right} of {len(pairs)} pairs in the right order. Correct order: {_expected(q)}",
    )


def _matching(q: Question, response: Any) -> Verdict:
    key = dict(q.answer)  # type: ignore[arg-type]
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
    return _verdict(
        q,
        right / len(key) if key else 0.0,
        "Correct: every pair matches.",
        f"{right} of {len(key)} pairs right. Correct pairs: {_expected(q)}",
    )


def _explain(q: Question, response: Any) -> Verdict:
    return Verdict(
        correct=False,
        score=0.0,
        expected=str(q.answer),
        feedback="Compare your answer with the essay's reasons, then rate how well you recalled.",
        self_graded=True,
    )


Matcher = Callable[[Question, Any], Verdict]

MATCHERS: dict[QuestionType, Matcher] = {
    QuestionType.MULTIPLE_CHOICE: _choice,
    QuestionType.CLOZE: _typed,
    QuestionType.SHORT_ANSWER: _typed,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.ORDERING: _ordering,
    QuestionType.MATCHING: _matching,
    QuestionType.EXPLAIN: _explain,
}


def check(question: Question, response: Any) -> Verdict:
    """Grade a response to a question; malformed input is wrong, never an error."""
    return MATCHERS[question.type](question, response)
