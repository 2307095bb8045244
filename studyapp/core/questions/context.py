"""What every question generator shares: the essay, the fact base, sources and option order."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from studyapp.core.essay import Essay
from studyapp.core.facts import Fact, FactBase
from studyapp.core.questions.model import Source
from studyapp.core.text import normalize, number_value, parse_date


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (unlike ``hash``)."""
    text = "|".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha1(text, usedforsecurity=False).digest()[:8], "big")


def mentions(text: str, value: str) -> bool:
    """Whether ``value`` occurs in ``text`` as whole words (after normalisation)."""
    v = normalize(value)
    return bool(v) and f" {v} " in f" {normalize(text)} "


def sort_key(value: str) -> tuple:
    """How options are ordered: dates and numbers ascending, names alphabetically."""
    parts = parse_date(value)
    if parts:
        return (0, parts[0], parts[1] or 0, parts[2] or 0, "")
    number = number_value(value)
    if number is not None:
        return (1, number, 0, 0, "")
    return (2, 0, 0, 0, normalize(value))


@dataclass
class Context:
    """Shared state for one generation run."""

    essay: Essay
    base: FactBase
    seed: int = 0
    by_id: dict[str, Fact] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {f.id: f for f in self.base.facts}

    @property
    def facts(self) -> tuple[Fact, ...]:
        return self.base.facts

    def facts_for(self, kind: str) -> list[Fact]:
        """The facts that the fact base gives this kind of item."""
        return [f for f in self.base.facts if kind in f.kinds]

    def rng(self, *key: object) -> random.Random:
        """A random generator for one item: depends on the seed and the item, nothing else."""
        return random.Random(stable_hash(self.seed, *key))

    def cite(self, section: str, quote: str) -> Source:
        """An essay sentence as a question source (its section and id found from its text)."""
        sentence = self.essay.find_sentence(quote)
        return Source(
            section=sentence.section_id if sentence else section,
            quote=sentence.text if sentence else quote,
            sentence_id=sentence.id if sentence else None,
        )

    def source(self, fact: Fact) -> Source:
        """The sentence that states the fact."""
        return self.cite(fact.section, fact.evidence[0])

    def sources(self, *facts: Fact, every: bool = False) -> tuple[Source, ...]:
        """The sentences the facts rest on: each one's first (all of them with ``every``)."""
        out: list[Source] = []
        for fact in facts:
            for quote in fact.evidence if every else fact.evidence[:1]:
                source = self.cite(fact.section, quote)
                if source not in out:
                    out.append(source)
        return tuple(out)

    def explanation(self, fact: Fact) -> str:
        """Why the key is right, with the note on the record where the essay departs from it."""
        text = fact.explanation or fact.statement
        return f"{text} Note on the record: {fact.erratum}" if fact.erratum else text
