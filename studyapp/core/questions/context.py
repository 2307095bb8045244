"""What every question generator shares: the essay, the facts, sources and distractors."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from studyapp.core.essay import Essay
from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.model import Source
from studyapp.core.text import content_words, format_date, normalize, parse_date

WORD_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_MILLION = re.compile(r"^(\w+) million$")


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (unlike ``hash``)."""
    text = "|".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha1(text, usedforsecurity=False).digest()[:8], "big")


def ordinal(n: int) -> str:
    """23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class Context:
    """Shared state for one generation run."""

    essay: Essay
    facts: tuple[Fact, ...]
    seed: int = 0
    by_id: dict[str, Fact] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {f.id: f for f in self.facts}
        self._answer_owner: dict[str, Fact] = {}
        for fact in self.facts:
            self._answer_owner.setdefault(normalize(fact.answer), fact)

    def rng(self, *key: object) -> random.Random:
        """A random generator for one item: depends on the seed and the item, nothing else."""
        return random.Random(stable_hash(self.seed, *key))

    def source(self, fact: Fact) -> Source:
        """The fact's primary sentence as a question source."""
        quote = fact.evidence[0]
        sentence = self.essay.find_sentence(quote)
        return Source(
            section=fact.section,
            quote=sentence.text if sentence else quote,
            sentence_id=sentence.id if sentence else None,
        )

    def owner_of(self, value: str) -> Fact | None:
        """The fact whose key is this value, if any."""
        return self._answer_owner.get(normalize(value))

    # -- distractors -------------------------------------------------------------------------

    def acceptable(self, fact: Fact, value: str) -> bool:
        """Whether ``value`` may be offered as a wrong answer for ``fact``."""
        v = normalize(value)
        if not v:
            return False
        for form in (*fact.accepted, *fact.exclude):
            f = normalize(form)
            if v == f or v in f.split() or f in v.split() or (len(f) > 3 and f in v):
                return False
            if len(v) > 3 and v in f:
                return False
        if fact.kind not in (FactKind.DATE, FactKind.NUMBER):
            if content_words(value) & content_words(fact.answer):
                return False
            if content_words(value) & content_words(fact.question):
                return False
        return True

    def candidates(self, fact: Fact) -> list[str]:
        """Wrong answers of the key's kind, most plausible first (deduplicated)."""
        if fact.kind == FactKind.DATE or parse_date(fact.answer):
            values = self._date_candidates(fact)
        elif fact.kind == FactKind.NUMBER:
            values = self._number_candidates(fact)
        else:
            values = self._pool_candidates(fact)
        seen: set[str] = set()
        out = []
        for value in values:
            key = normalize(value)
            if key not in seen and self.acceptable(fact, value):
                seen.add(key)
                out.append(value)
        return out

    def _pool_candidates(self, fact: Fact) -> list[str]:
        def rank(other: Fact) -> tuple[int, int, int]:
            return (
                0 if other.category == fact.category else 1,
                abs(len(other.answer) - len(fact.answer)) // 4,
                stable_hash(fact.id, other.id),
            )

        pool = [
            o
            for o in self.facts
            if o.id != fact.id
            and o.kind == fact.kind
            or (o.category is not None and o.category == fact.category and o.id != fact.id)
        ]
        same_category = [o for o in pool if o.category == fact.category]
        if len({normalize(o.answer) for o in same_category}) >= 3:
            pool = same_category
        elif fact.kind not in (FactKind.PERSON, FactKind.PLACE):
            # Terms, claims and organisations of another category are not the same kind of
            # thing ("Great Leap Forward" vs "strategic liability"): no heterogeneous options.
            pool = same_category
        return [o.answer for o in sorted(pool, key=rank)]

    def _date_candidates(self, fact: Fact) -> list[str]:
        key = parse_date(fact.answer)
        assert key is not None, fact.id
        year, month, day = key
        real = []
        for other in self.facts:
            parts = parse_date(other.answer)
            same_precision = parts and (parts[1] is None, parts[2] is None) == (
                month is None,
                day is None,
            )
            if other.id != fact.id and same_precision:
                real.append(parts)
        made = []
        for delta in (1, -1, 2, -2, 3, -3, 4, -4):
            made.append((year + delta, month, day))
        if month is not None and day is None:
            for delta in (2, -2, 4, -4):
                m = (month - 1 + delta) % 12 + 1
                made.append((year, m, None))
        values = [p for p in real if abs(p[0] - year) <= 4] + made

        def distance(parts: tuple[int, int | None, int | None]) -> float:
            return abs((parts[0] + ((parts[1] or 1) - 1) / 12) - (year + ((month or 1) - 1) / 12))

        values.sort(key=distance)
        return [format_date(p) for p in values if p != key and p[0] <= 2023]

    def _number_candidates(self, fact: Fact) -> list[str]:
        answer = fact.answer.strip()
        lower = answer.casefold()
        if lower in WORD_NUMBERS:
            n = WORD_NUMBERS.index(lower)
            near = [n + d for d in (1, -1, 2, -2, 3, -3) if 1 < n + d < len(WORD_NUMBERS)]
            return [WORD_NUMBERS[k] for k in near]
        m = _MILLION.match(lower)
        if m:
            return ["half a million", "two million", "three million", "five million"]
        m = _ORDINAL.match(lower)
        if m:
            n = int(m.group(1))
            return [ordinal(n + d) for d in (1, -1, 2, -2, 3, -3) if n + d > 0]
        if answer.isdigit():
            n = int(answer)
            step = max(1, round(n * 0.15))
            return [str(n + d * step) for d in (1, -1, 2, -2, 3) if n + d * step > 0]
        return []

    def sort_key(self, fact: Fact, value: str) -> tuple:
        """How options are ordered: dates and numbers ascending, names alphabetically."""
        parts = parse_date(value)
        if parts:
            return (0, parts[0], parts[1] or 0, parts[2] or 0, "")
        number = _number_value(value)
        if number is not None:
            return (1, number, 0, 0, "")
        return (2, 0, 0, 0, normalize(value))

    def options_for(self, fact: Fact, position: int) -> tuple[list[str], list[str]] | None:
        """Four sorted options with the key at ``position`` (0..3) when the pool allows.

        Returns (options, distractors) or None if fewer than three distractors exist.
        """
        pool = self.candidates(fact)
        if len(pool) < 3:
            return None
        key_rank = self.sort_key(fact, fact.answer)
        before = [v for v in pool if self.sort_key(fact, v) < key_rank]
        after = [v for v in pool if self.sort_key(fact, v) > key_rank]
        want_before = min(position, len(before))
        want_after = 3 - want_before
        if want_after > len(after):
            want_after = len(after)
            want_before = min(3 - want_after, len(before))
        chosen = _spread(before, want_before) + _spread(after, want_after)
        if len(chosen) < 3:
            return None
        options = sorted([fact.answer, *chosen], key=lambda v: self.sort_key(fact, v))
        return options, chosen


def _spread(values: list[str], count: int) -> list[str]:
    """The first ``count`` values (by preference) of which none contains another."""
    chosen: list[str] = []
    for value in values:
        if len(chosen) == count:
            break
        v = f" {normalize(value)} "
        if any(v in f" {normalize(c)} " or f" {normalize(c)} " in v for c in chosen):
            continue
        chosen.append(value)
    return chosen


def _number_value(value: str) -> float | None:
    text = value.strip().casefold()
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS.index(text))
    m = _ORDINAL.match(text)
    if m:
        return float(m.group(1))
    if text.replace(",", "").isdigit():
        return float(text.replace(",", ""))
    m = _MILLION.match(text)
    if m:
        word = m.group(1)
        if word in WORD_NUMBERS:
            return WORD_NUMBERS.index(word) * 1e6
    if text == "half a million":
        return 5e5
    return None
