"""The curated fact base (``seed/facts.toml``): what the questions are generated from."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from studyapp.core.essay import Essay, default_seed_dir


class FactKind(StrEnum):
    """What sort of thing a fact's key is; decides its distractor pool and question types."""

    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    TERM = "term"
    NUMBER = "number"
    EVENT = "event"
    CAUSE = "cause"
    CLAIM = "claim"


@dataclass(frozen=True)
class Fact:
    """One fact of the essay, with the sentences it rests on."""

    id: str
    kind: FactKind
    statement: str  # one true sentence that contains ``answer`` verbatim
    answer: str  # the key, as the essay gives it
    aliases: tuple[str, ...]
    section: str  # "front", "1".."4"
    evidence: tuple[str, ...]  # exact essay sentences; the first is the primary one
    question: str  # a natural question, in other words than the essay's, whose key is answer
    topic: str  # short label for ordering and matching items
    category: str | None = None  # finer distractor pool within the kind
    date: str | None = None  # ISO sort key: "1969", "1969-03", "1969-09-30"
    role: str | None = None  # for people: the role the essay gives them
    reasons: tuple[str, ...] = ()  # for causes: the reasons the essay gives
    explanation: str | None = None
    exclude: tuple[str, ...] = ()  # values the essay also supports: never offered as wrong
    skip_types: tuple[str, ...] = ()  # question types this fact must not be turned into

    @property
    def accepted(self) -> tuple[str, ...]:
        """The key and every accepted alias."""
        return (self.answer, *self.aliases)


_REQUIRED = ("id", "kind", "statement", "answer", "section", "evidence", "question", "topic")
_OPTIONAL = {
    "aliases",
    "category",
    "date",
    "role",
    "reasons",
    "explanation",
    "exclude",
    "skip_types",
}


def _fact(entry: dict) -> Fact:
    missing = [k for k in _REQUIRED if not entry.get(k)]
    fid = entry.get("id", "?")
    if missing:
        raise ValueError(f"fact {fid}: missing {', '.join(missing)}")
    unknown = set(entry) - set(_REQUIRED) - _OPTIONAL
    if unknown:
        raise ValueError(f"fact {fid}: unknown keys {', '.join(sorted(unknown))}")
    try:
        kind = FactKind(entry["kind"])
    except ValueError:
        raise ValueError(f"fact {fid}: unknown kind {entry['kind']!r}") from None
    evidence = entry["evidence"]
    if isinstance(evidence, str):
        evidence = [evidence]
    return Fact(
        id=fid,
        kind=kind,
        statement=entry["statement"],
        answer=entry["answer"],
        aliases=tuple(entry.get("aliases", ())),
        section=str(entry["section"]),
        evidence=tuple(evidence),
        question=entry["question"],
        topic=entry["topic"],
        category=entry.get("category"),
        date=entry.get("date"),
        role=entry.get("role"),
        reasons=tuple(entry.get("reasons", ())),
        explanation=entry.get("explanation"),
        exclude=tuple(entry.get("exclude", ())),
        skip_types=tuple(entry.get("skip_types", ())),
    )


def parse_facts(toml_text: str) -> tuple[Fact, ...]:
    """Parse ``[[fact]]`` tables; a malformed entry raises ValueError naming its id."""
    data = tomllib.loads(toml_text)
    return tuple(_fact(entry) for entry in data.get("fact", []))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> tuple[Fact, ...]:
    return parse_facts(Path(path).read_text(encoding="utf-8"))


def load_facts(path: str | Path | None = None) -> tuple[Fact, ...]:
    """Load the fact base (the seed copy by default), parsed once per path."""
    target = Path(path) if path is not None else default_seed_dir() / "facts.toml"
    return _load_cached(str(target.resolve()))


_ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_WORD = re.compile(r"[\w’'-]+")
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "in", "on", "to", "for", "with", "by"})


def _fold_quotes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _contains(haystack: str, needle: str) -> bool:
    """Verbatim containment, forgiving only curly versus straight quote characters."""
    return _fold_quotes(needle) in _fold_quotes(haystack)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(_fold_quotes(text))} - _SMALL_WORDS


def validate_facts(facts: tuple[Fact, ...] | list[Fact], essay: Essay) -> list[str]:
    """Every problem with the fact base as a readable line; an empty list means it is sound."""
    problems: list[str] = []
    seen: set[str] = set()
    section_ids = {s.id for s in essay.all_sections()}
    for fact in facts:
        where = f"fact {fact.id}"
        if fact.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(fact.id)
        if not isinstance(fact.kind, FactKind):
            problems.append(f"{where}: unknown kind {fact.kind!r}")
        if fact.section not in section_ids:
            problems.append(f"{where}: unknown section {fact.section!r}")
        if not fact.evidence:
            problems.append(f"{where}: no evidence")
        for quote in fact.evidence:
            sentence = essay.find_sentence(quote)
            if sentence is None or " ".join(quote.split()) != sentence.text:
                problems.append(f"{where}: evidence is not a sentence of the essay: {quote[:60]!r}")
            elif sentence.section_id != fact.section:
                problems.append(f"{where}: evidence {sentence.id} is not in section {fact.section}")
        if fact.evidence and not any(_contains(fact.evidence[0], a) for a in fact.accepted):
            problems.append(f"{where}: neither the answer nor an alias occurs in its evidence")
        if not _contains(fact.statement, fact.answer):
            problems.append(f"{where}: the statement does not contain the answer")
        shared = _words(fact.answer) & _words(fact.question)
        if _contains(fact.question.casefold(), fact.answer.casefold()) or shared:
            problems.append(f"{where}: the question gives away the answer ({', '.join(shared)})")
        if not fact.question.rstrip().endswith("?"):
            problems.append(f"{where}: the question does not end with a question mark")
        if fact.kind in (FactKind.DATE, FactKind.EVENT) and not fact.date:
            problems.append(f"{where}: a {fact.kind} needs a date sort key")
        if fact.date and not _ISO_DATE.match(fact.date):
            problems.append(f"{where}: date {fact.date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if fact.kind == FactKind.DATE and fact.date and fact.date[:4] not in fact.answer:
            problems.append(f"{where}: the date key {fact.date} disagrees with the answer")
        if fact.kind == FactKind.CAUSE and len(fact.reasons) < 2:
            problems.append(f"{where}: a cause needs at least two reasons")
    return problems
