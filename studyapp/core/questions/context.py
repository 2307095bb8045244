"""What every question generator shares: the essay, the facts, sources and distractors."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from studyapp.core.essay import Essay
from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.model import Source
from studyapp.core.text import (
    MILLION,
    ORDINAL,
    STOPWORDS,
    WORD_NUMBERS,
    content_words,
    format_date,
    normalize,
    number_value,
    parse_date,
)

ENTITY_KINDS = (FactKind.PERSON, FactKind.PLACE, FactKind.ORGANISATION)
# Names of places that say what kind of place they are: an island is not swapped for a region.
PLACE_HEADS = frozenset(
    {"island", "river", "sea", "lake", "strait", "mountains", "province", "square", "podium"}
)


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (unlike ``hash``)."""
    text = "|".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha1(text, usedforsecurity=False).digest()[:8], "big")


def mentions(text: str, value: str) -> bool:
    """Whether ``value`` occurs in ``text`` as whole words (after normalisation)."""
    v = normalize(value)
    return bool(v) and f" {v} " in f" {normalize(text)} "


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
        self._articles: dict[str, bool | None] = {}
        sentences = list(self.essay.sentences())
        self._order = {s.id: i for i, s in enumerate(sentences)}
        self._sentence_norms = [f" {normalize(s.text)} " for s in sentences]
        self._mentions: dict[str, list[int]] = {}
        self._candidates: dict[str, list[str]] = {}
        self._texts = [s.text for s in self.essay.sentences()] + [f.statement for f in self.facts]
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
        if fact.id not in self._candidates:
            self._candidates[fact.id] = self._find_candidates(fact)
        return list(self._candidates[fact.id])

    def _find_candidates(self, fact: Fact) -> list[str]:
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

    def _position(self, fact: Fact) -> int | None:
        """Where the fact's primary sentence stands in the essay (sentence count)."""
        sentence = self.essay.find_sentence(fact.evidence[0]) if fact.evidence else None
        return self._order.get(sentence.id) if sentence is not None else None

    def _mentioned_at(self, other: Fact) -> list[int]:
        """The positions of the essay sentences that name ``other``'s key.

        Bare one-word aliases ("Deng", "Hu") are left out: "Deng" also names Deng Yuwen.
        """
        if other.id not in self._mentions:
            names = [other.answer, *(a for a in other.aliases if len(a.split()) > 1)]
            forms = [f" {normalize(form)} " for form in names if normalize(form)]
            self._mentions[other.id] = [
                i
                for i, text in enumerate(self._sentence_norms)
                if any(form in text for form in forms)
            ]
        return self._mentions[other.id]

    def distance(self, fact: Fact, other: Fact) -> int:
        """How many sentences separate the fact's sentence from the nearest mention of other."""
        here = self._position(fact)
        found = self._mentioned_at(other)
        if here is None or not found:
            return 10_000
        return min(abs(i - here) for i in found)

    def _met_before(self, fact: Fact, other: Fact) -> bool:
        """Whether the reader has met ``other`` by the time the fact's sentence comes."""
        here = self._position(fact)
        return here is not None and any(i <= here for i in self._mentioned_at(other))

    def _rank(self, fact: Fact, other: Fact) -> tuple[int, ...]:
        """Most plausible wrong answers first.

        The same category first; then the same section (the same period of the story: not Xi
        Jinping beside Kim Il Sung in 1970); then a name the essay mentions close to the key
        (Hu Jintao near Deng Xiaoping, not Tsai Ing-wen), one the reader has already met, and
        a similar length.
        """
        return (
            0 if other.category == fact.category else 1,
            0 if other.section == fact.section else 1,
            min(self.distance(fact, other), 12),
            0 if self._met_before(fact, other) else 1,
            abs(len(other.answer) - len(fact.answer)) // 4,
            stable_hash(fact.id, other.id),
        )

    def _same_category(self, fact: Fact) -> list[Fact]:
        return [
            o
            for o in self.facts
            if o.id != fact.id and fact.category is not None and o.category == fact.category
        ]

    def _pool_candidates(self, fact: Fact) -> list[str]:
        """Other facts' keys of the same category; people fall back to any other person.

        Places, organisations, terms and claims of another category are not the same kind of
        thing ("Zhenbao" vs "Tiananmen", "Great Leap Forward" vs "strategic liability"), so
        those keys get no heterogeneous options: without three, the fact gets no MC item.
        """
        pool = self._same_category(fact)
        if fact.kind == FactKind.PERSON:
            pool += [o for o in self.facts if o.kind == FactKind.PERSON and o.id != fact.id]
        return [o.answer for o in sorted(set(pool), key=lambda o: self._rank(fact, o))]

    def false_values(self, fact: Fact) -> list[str]:
        """Values that make a plausible false statement when swapped for the fact's key.

        Dates and numbers take nearby values; people, places and organisations take another
        key of the same category (people: any person), never one that the fact's own
        sentences mention (it may be true too) or that the fact base excludes. Terms, claims
        about ideas and causes are not swapped: "prepare for war" in place of "peaceful rise"
        makes nonsense, not a plausible error.
        """
        if fact.kind in (FactKind.DATE, FactKind.NUMBER) or parse_date(fact.answer):
            return self.candidates(fact)
        pool = [o for o in self._same_category(fact) if o.kind in ENTITY_KINDS]
        if fact.kind == FactKind.PERSON:
            pool += [o for o in self.facts if o.kind == FactKind.PERSON and o.id != fact.id]
        elif fact.kind not in ENTITY_KINDS and not pool:
            return []
        if not pool:
            return []
        seen = " ".join((fact.statement, *fact.evidence))
        out: list[str] = []
        for other in sorted(set(pool), key=lambda o: self._rank(fact, o)):
            value = other.answer
            if value in out or not self.acceptable(fact, value):
                continue
            if any(mentions(seen, form) for form in other.accepted):
                continue
            if fact.kind == FactKind.PLACE and self.head_noun(other) != self.head_noun(fact):
                continue
            out.append(value)
        return out

    def takes_article(self, value: str) -> bool | None:
        """Whether the essay writes "the" before this name ("the Philippines", "Foreign Affairs").

        Looks at every place the name stands alone in the essay and the fact statements: True
        if it is ever preceded by "the" or a possessive, False if never, None if unseen.
        """
        if value not in self._articles:
            pattern = re.compile(r"(?<![\w-])" + re.escape(value) + r"(?![\w-])")
            verdict: bool | None = None
            for text in self._texts:
                for m in pattern.finditer(text):
                    words = text[: m.start()].split()
                    prev = words[-1] if words else ""
                    if prev[:1].isupper() and prev.casefold() != "the":
                        continue  # part of a longer name: "US Security Council"
                    if prev.casefold() == "the" or prev.endswith(("'s", "’s")):
                        after = text[m.end() :].split(maxsplit=1)
                        nxt = re.sub(r"\W", "", after[0]) if after else ""
                        if after and after[0][:1].isalnum() and nxt.casefold() not in STOPWORDS:
                            continue  # "the" belongs to a noun after it: "the Vietnam issue"
                        verdict = True
                    elif verdict is None:
                        verdict = False
            self._articles[value] = verdict
        return self._articles[value]

    def head_noun(self, fact: Fact) -> str | None:
        """The geographic kind a place's names carry ("island", "river"), if any."""
        for form in fact.accepted:
            last = normalize(form).rsplit(" ", 1)[-1]
            if last in PLACE_HEADS:
                return last
        return None

    def _date_candidates(self, fact: Fact) -> list[str]:
        """Wrong dates of the key's precision: the essay's own nearby dates, then made-up ones."""
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

        def distance(parts: tuple[int, int | None, int | None]) -> float:
            return abs((parts[0] + ((parts[1] or 1) - 1) / 12) - (year + ((month or 1) - 1) / 12))

        # Other dates of the essay within two years come first (confusing two events is the
        # mistake worth testing), then made-up values of the same precision, nearest first.
        near_real = sorted((p for p in real if distance(p) <= 2), key=distance)
        values = near_real + sorted(made, key=distance)
        return [format_date(p) for p in values if p != key and p[0] <= 2023]

    def _number_candidates(self, fact: Fact) -> list[str]:
        answer = fact.answer.strip()
        lower = answer.casefold()
        if lower in WORD_NUMBERS:
            n = WORD_NUMBERS.index(lower)
            near = [n + d for d in (1, -1, 2, -2, 3, -3) if 1 < n + d < len(WORD_NUMBERS)]
            return [WORD_NUMBERS[k] for k in near]
        m = MILLION.match(lower)
        if m:
            return ["half a million", "two million", "three million", "five million"]
        m = ORDINAL.match(lower)
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
        number = number_value(value)
        if number is not None:
            return (1, number, 0, 0, "")
        return (2, 0, 0, 0, normalize(value))

    def options_for(
        self, fact: Fact, position: int, depth: int | None = None
    ) -> tuple[list[str], list[str]] | None:
        """Four sorted options with the key at ``position`` (0..3) when the pool allows.

        Distractors come from the ``depth`` most plausible candidates (all if None). Returns
        (options, distractors) or None if fewer than three distractors exist.
        """
        pool = self.candidates(fact)[:depth]
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
        chosen: list[str] = []
        words_may_repeat = fact.kind in (FactKind.PERSON, FactKind.DATE, FactKind.NUMBER)
        _pick(chosen, before, want_before, words_may_repeat)
        _pick(chosen, after, want_after, words_may_repeat)
        if len(chosen) < 3:
            return None
        options = sorted([fact.answer, *chosen], key=lambda v: self.sort_key(fact, v))
        return options, chosen


def _pick(chosen: list[str], values: list[str], count: int, words_may_repeat: bool) -> None:
    """Add the first ``count`` values (by preference) that do not clash with those chosen.

    No option may contain another; options that are terms or places may not even share a
    word ("big-power chauvinism" beside "great power chauvinism" makes two near-twins).
    """
    added = 0
    for value in values:
        if added == count:
            return
        v = f" {normalize(value)} "
        if any(v in f" {normalize(c)} " or f" {normalize(c)} " in v for c in chosen):
            continue
        if not words_may_repeat and any(content_words(value) & content_words(c) for c in chosen):
            continue
        chosen.append(value)
        added += 1
