"""Answer checking: ``check(question, response) -> Verdict``, by the question's kind.

Each kind grades its own responses (``QuestionKind.grade`` in ``questions/types/``); this module
holds the verdict and the rules for typed answers that the typed kinds share.

Typed answers are compared after ``text.normalize`` (case, accents, punctuation, hyphens and
leading articles ignored) against the key and every accepted alias. Names and terms forgive
small typos (insertions, deletions, substitutions, swapped neighbours), scaled to their length
and judged word by word; numbers and dates (digits or number words) must be exact. A date key
also accepts the same date written another way ("March 1969" = "1969-03" = "03/1969"), but
never a less precise one ("1969" is wrong for "March 1969"). A qualifier the question asks for
("more than how many") may be repeated in the answer. The rules in full: docs/questions.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import OSA

from studyapp.core.text import has_digit, is_numeric_phrase, normalize, parse_date

if TYPE_CHECKING:
    from studyapp.core.questions.model import Question

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


def typed_key(response: str, prompt: str = "") -> str:
    """A typed answer as grading compares it: normalised, a qualifier the question asks for
    dropped. Answers with the same key are the same answer to the grader (before typo and
    date matching), so item analysis groups them under it."""
    return normalize(_drop_qualifier(response, prompt))


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


def typed_verdict(q: Question, response: Any) -> Verdict:
    """Grade a typed answer against the key and every accepted form (the typed kinds' grader)."""
    key = str(q.answer)
    if not isinstance(response, str) or not response.strip():
        return Verdict(False, 0.0, key, f"No answer given. The answer is {key}.")
    if not typed_matches(response, (key, *q.accept), q.prompt):
        return Verdict(False, 0.0, key, f"Not quite: the answer is {key}.")
    exact = typed_key(response, q.prompt) in {normalize(a) for a in (key, *q.accept)}
    return Verdict(True, 1.0, key, "Correct." if exact else f"Correct (we read it as {key}).")


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


def check(question: Question, response: Any) -> Verdict:
    """Grade a response to a question with its kind; malformed input is wrong, never an error."""
    # Imported here: the kinds are built on this module's Verdict and typed matching.
    from studyapp.core.questions.kinds import get_kind

    return get_kind(question.type).grade(question, response)
