"""The curated fact base (``seed/facts/*.toml``): what the questions are generated from.

A fact is one claim of the essay with everything a teacher needs to ask it well: how central it
is to the argument, which kinds of item suit it, the fact-check against the historical record
(and an erratum where the essay departs from it), whether it is the author's own
interpretation, and the hand-written material each kind needs (a self-contained cloze sentence,
distractors of the key's role and era, a plausible false statement). Ordering and matching items
come from curated sets of facts of one theme and era (``[[ordering]]`` and ``[[matching]]``).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from studyapp.core.essay import Essay, default_seed_dir


class FactKind(StrEnum):
    """What sort of thing a fact's key is."""

    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    TERM = "term"
    NUMBER = "number"
    EVENT = "event"
    CAUSE = "cause"
    CLAIM = "claim"


class Importance(StrEnum):
    """How central a fact is to the essay's argument; it caps how many items the fact gets."""

    THESIS = "thesis"
    KEY = "key"
    SUPPORTING = "supporting"
    DETAIL = "detail"


# Items a fact may feed at most (its single-fact kinds plus the sets it stands in).
MAX_ITEMS = {
    Importance.THESIS: 6,
    Importance.KEY: 4,
    Importance.SUPPORTING: 3,
    Importance.DETAIL: 2,
}
# Words that make a sentence lean on the one before it: not a self-contained cloze.
LEADING_CONNECTIVES = (
    "however", "in other words", "for instance", "for example", "under these circumstances",
    "nevertheless", "as a result", "as a consequence", "needless to say", "against this backdrop",
    "having said that", "ultimately", "in addition", "at that time", "since then",
    "on the contrary", "in this regard", "taking this as", "moreover", "thus", "therefore",
    "also", "and", "but", "so", "this", "that", "these", "those", "it", "he", "she", "they",
    "his", "her", "their", "its", "such", "then", "meanwhile", "still", "yet", "of course",
    "to this end", "in that year", "the following year",
)  # fmt: skip
AUTHOR_CUES = ("according to the author", "the author argues", "in the author's view",
               "the author's view", "the author")  # fmt: skip
ESSAY_CUES = ("according to the essay", "the essay says", "the essay dates", "the essay gives",
              "the essay")  # fmt: skip
NEGATIONS = frozenset({"not", "never", "no", "didn't", "wasn't", "weren't", "isn't", "nor"})


@dataclass(frozen=True)
class Fact:
    """One fact of the essay, with the sentences it rests on and what each item kind needs."""

    id: str
    kind: FactKind
    section: str  # "1".."4" (front and back matter are never study material)
    importance: Importance
    statement: str  # one true, self-contained sentence that contains ``answer``
    answer: str  # the key
    aliases: tuple[str, ...]  # other accepted forms: titles, spellings, common paraphrases
    evidence: tuple[str, ...]  # exact essay sentences; the first states the claim
    question: str  # a natural question, in other words than the essay's, whose key is answer
    topic: str  # short label (an event's name in ordering items; the fact's name elsewhere)
    checked: str  # the fact-check against the historical record, in a line
    kinds: tuple[str, ...]  # the question kinds that suit this fact (ids of the kind registry)
    view: bool = False  # the author's interpretation, asked as the author's view
    erratum: str | None = None  # where the essay departs from the record
    cloze: str | None = None  # a clean, self-contained sentence holding the key once
    distractors: tuple[str, ...] = ()  # wrong answers of the key's kind, role and era
    false_statement: str | None = None  # the statement with one value changed
    date: str | None = None  # ISO sort key: "1969", "1969-03", "1969-09-30"
    reasons: tuple[str, ...] = ()  # for causes: the reasons the essay gives
    threshold: int | None = None  # for causes: how many reasons make an answer right
    required: tuple[int, ...] = ()  # for causes: reasons (1-based) every right answer names
    when: str | None = None  # the date as the essay words it ("June and July 1970")
    explanation: str | None = None  # why the key is right (defaults to the statement)
    exclude: tuple[str, ...] = ()  # values the essay also supports: never offered as wrong

    @property
    def accepted(self) -> tuple[str, ...]:
        """The key and every accepted alias."""
        return (self.answer, *self.aliases)


@dataclass(frozen=True)
class Pair:
    """One pair of a matching set: a fact, the left entry and its partner on the right."""

    fact: str
    left: str
    right: str


@dataclass(frozen=True)
class OrderingSet:
    """Events of one phase, close enough that their order has to be known."""

    id: str
    section: str
    prompt: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class MatchingSet:
    """Four or five pairs of one theme and era."""

    id: str
    section: str
    prompt: str
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class FactBase:
    """Every fact and every curated set."""

    facts: tuple[Fact, ...]
    orderings: tuple[OrderingSet, ...] = ()
    matchings: tuple[MatchingSet, ...] = ()

    def __iter__(self):
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def __getitem__(self, index: int) -> Fact:
        return self.facts[index]


_REQUIRED = (
    "id", "kind", "section", "importance", "statement", "answer", "evidence", "question", "topic",
    "checked", "kinds",
)  # fmt: skip
_OPTIONAL = {
    "aliases", "view", "erratum", "cloze", "distractors", "false_statement", "date", "reasons",
    "threshold", "required", "when", "explanation", "exclude",
}  # fmt: skip


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def _fact(entry: dict) -> Fact:
    fid = entry.get("id", "?")
    missing = [k for k in _REQUIRED if k not in entry or entry[k] in ("", None)]
    if missing:
        raise ValueError(f"fact {fid}: missing {', '.join(missing)}")
    unknown = set(entry) - set(_REQUIRED) - _OPTIONAL
    if unknown:
        raise ValueError(f"fact {fid}: unknown keys {', '.join(sorted(unknown))}")
    try:
        kind = FactKind(entry["kind"])
        importance = Importance(entry["importance"])
    except ValueError as exc:
        raise ValueError(f"fact {fid}: {exc}") from None
    return Fact(
        id=fid,
        kind=kind,
        section=str(entry["section"]),
        importance=importance,
        statement=entry["statement"],
        answer=entry["answer"],
        aliases=_tuple(entry.get("aliases")),
        evidence=_tuple(entry["evidence"]),
        question=entry["question"],
        topic=entry["topic"],
        checked=entry["checked"],
        kinds=_tuple(entry["kinds"]),
        view=bool(entry.get("view", False)),
        erratum=entry.get("erratum") or None,
        cloze=entry.get("cloze") or None,
        distractors=_tuple(entry.get("distractors")),
        false_statement=entry.get("false_statement") or None,
        date=entry.get("date") or None,
        reasons=_tuple(entry.get("reasons")),
        threshold=entry.get("threshold"),
        required=tuple(int(i) for i in entry.get("required", ())),
        when=entry.get("when") or None,
        explanation=entry.get("explanation") or None,
        exclude=_tuple(entry.get("exclude")),
    )


def _ordering(entry: dict) -> OrderingSet:
    sid = entry.get("id", "?")
    if set(entry) != {"id", "section", "prompt", "facts"}:
        raise ValueError(f"ordering {sid}: needs exactly id, section, prompt and facts")
    return OrderingSet(sid, str(entry["section"]), entry["prompt"], _tuple(entry["facts"]))


def _matching(entry: dict) -> MatchingSet:
    sid = entry.get("id", "?")
    if set(entry) != {"id", "section", "prompt", "pairs"}:
        raise ValueError(f"matching {sid}: needs exactly id, section, prompt and pairs")
    pairs = []
    for p in entry["pairs"]:
        if set(p) != {"fact", "left", "right"}:
            raise ValueError(f"matching {sid}: a pair needs exactly fact, left and right")
        pairs.append(Pair(p["fact"], p["left"], p["right"]))
    return MatchingSet(sid, str(entry["section"]), entry["prompt"], tuple(pairs))


def parse_fact_base(*toml_texts: str) -> FactBase:
    """Parse ``[[fact]]``, ``[[ordering]]`` and ``[[matching]]`` tables of one or more files."""
    facts: list[Fact] = []
    orderings: list[OrderingSet] = []
    matchings: list[MatchingSet] = []
    for text in toml_texts:
        data = tomllib.loads(text)
        facts += [_fact(e) for e in data.get("fact", [])]
        orderings += [_ordering(e) for e in data.get("ordering", [])]
        matchings += [_matching(e) for e in data.get("matching", [])]
    return FactBase(carry_notes(tuple(facts)), tuple(orderings), tuple(matchings))


def carry_notes(facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """Each fact's erratum followed by the notes of the disputed claims it also cites.

    A fact's first evidence sentence states its claim (a cause's note is about its reasons, not
    its first sentence). Where that claim has an erratum, every other fact citing the sentence
    carries the same note, so no item's feedback repeats a claim without its correction and the
    correction reads the same wherever it shows.
    """
    disputed = {
        _one_line(f.evidence[0]): f
        for f in facts
        if f.erratum and f.evidence and f.kind != FactKind.CAUSE
    }
    carried = []
    for fact in facts:
        notes = [fact.erratum] if fact.erratum else []
        for sentence in fact.evidence:
            other = disputed.get(_one_line(sentence))
            if other is not None and other.id != fact.id and other.erratum not in " ".join(notes):
                notes.append(other.erratum)
        carried.append(replace(fact, erratum=" ".join(notes)) if notes else fact)
    return tuple(carried)


def _one_line(text: str) -> str:
    return " ".join(fold_quotes(text).split())


def parse_facts(toml_text: str) -> tuple[Fact, ...]:
    """The facts of one TOML text; a malformed entry raises ValueError naming its id."""
    return parse_fact_base(toml_text).facts


@lru_cache(maxsize=4)
def _load_cached(path: str) -> FactBase:
    target = Path(path)
    files = sorted(target.glob("*.toml")) if target.is_dir() else [target]
    return parse_fact_base(*(f.read_text(encoding="utf-8") for f in files))


def load_fact_base(path: str | Path | None = None) -> FactBase:
    """The facts and sets (the seed's ``facts/`` folder by default), parsed once per path."""
    target = Path(path) if path is not None else default_seed_dir() / "facts"
    return _load_cached(str(target.resolve()))


def load_facts(path: str | Path | None = None) -> tuple[Fact, ...]:
    """The facts alone."""
    return load_fact_base(path).facts


# -- validation ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_WORD = re.compile(r"[\w’'-]+")
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "in", "on", "to", "for", "with", "by"})


def fold_quotes(text: str) -> str:
    """Curly quotes as straight ones."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _contains(haystack: str, needle: str) -> bool:
    """Verbatim containment, forgiving only curly versus straight quote characters."""
    return fold_quotes(needle) in fold_quotes(haystack)


def _words(text: str) -> set[str]:
    """The content words of a text (function words such as "that" give nothing away)."""
    from studyapp.core.text import STOPWORDS  # local: text imports nothing of ours

    return {w.casefold() for w in _WORD.findall(fold_quotes(text))} - _SMALL_WORDS - STOPWORDS


def occurrences(text: str, form: str) -> int:
    """How many times ``form`` stands in ``text`` as whole words (case as written)."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(fold_quotes(form)) + r"(?![\w-])")
    return len(pattern.findall(fold_quotes(text)))


def leading_connective(sentence: str) -> str | None:
    """The connective or pronoun a sentence opens with, if it leans on the one before."""
    lowered = fold_quotes(sentence).casefold().lstrip("\"' ")
    for c in LEADING_CONNECTIVES:
        if lowered.startswith(c) and not lowered[len(c) : len(c) + 1].isalnum():
            return c
    return None


def quotes_balanced(text: str) -> bool:
    """Straight double quotes come in pairs and curly ones open before they close."""
    if text.count('"') % 2:
        return False
    depth = 0
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def attributes_to_author(text: str) -> bool:
    """Whether a prompt says that what it asks is the author's view."""
    lowered = fold_quotes(text).casefold()
    return any(cue in lowered for cue in AUTHOR_CUES)


def attributes_to_essay(text: str) -> bool:
    """Whether a prompt says that what it asks is what the essay says."""
    lowered = fold_quotes(text).casefold()
    return any(cue in lowered for cue in ESSAY_CUES) or attributes_to_author(text)


def changed_span(true: str, false: str) -> tuple[list[str], list[str]]:
    """The words that differ between two sentences, as (removed, added) around a common frame."""
    a, b = fold_quotes(true).split(), fold_quotes(false).split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def _kind_problems(fact: Fact) -> list[str]:
    """What the kinds the fact names need of it (each kind checks its own material)."""
    from studyapp.core.questions import KINDS  # the engine sits on the facts: ask it late

    problems = []
    named = [KINDS.get(k) for k in fact.kinds]
    unknown = [k for k, kind in zip(fact.kinds, named, strict=True) if kind is None]
    if unknown:
        problems.append(f"unknown kinds {unknown}")
    kinds = [k for k in named if k is not None]
    if any(not k.from_fact for k in kinds):
        problems.append("ordering and matching items come from sets, not a fact's kinds")
    asking = [k.id for k in kinds if k.asks_fact_question]
    if len(asking) > 1:
        problems.append(f"{' and '.join(asking)} would ask the same question")
    for kind in kinds:
        problems += [f"{kind.id}: {p}" for p in kind.fact_problems(fact)]
    return problems


def _fact_problems(fact: Fact, essay: Essay, where: str) -> list[str]:
    problems: list[str] = []
    section_ids = {s.id for s in essay.sections}
    if fact.section not in section_ids:
        problems.append(f"{where}: section {fact.section!r} is not a section of the essay body")
    if not fact.evidence:
        problems.append(f"{where}: no evidence")
    for n, quote in enumerate(fact.evidence):
        sentence = essay.find_sentence(quote)
        if sentence is None or " ".join(quote.split()) != sentence.text:
            problems.append(f"{where}: evidence is not a sentence of the essay: {quote[:60]!r}")
        elif sentence.section_id not in section_ids:
            problems.append(f"{where}: evidence {sentence.id} is front matter, not the essay")
        elif n == 0 and sentence.section_id != fact.section:
            # The sentence stating the claim is in the fact's section; the context around it
            # (an analogy between two periods, say) may come from another.
            problems.append(f"{where}: evidence {sentence.id} is not in section {fact.section}")
    if not _contains(fact.statement, fact.answer):
        problems.append(f"{where}: the statement does not contain the answer")
    shared = _words(fact.answer) & _words(fact.question)
    if fact.kind != FactKind.CAUSE and (
        _contains(fact.question.casefold(), fact.answer.casefold()) or shared
    ):
        problems.append(f"{where}: the question gives away the answer ({', '.join(shared)})")
    if not fact.question.rstrip().endswith("?"):
        problems.append(f"{where}: the question does not end with a question mark")
    if fact.kind in (FactKind.DATE, FactKind.EVENT) and not fact.date:
        problems.append(f"{where}: a {fact.kind} needs a date sort key")
    if fact.date and not _ISO_DATE.match(fact.date):
        problems.append(f"{where}: date {fact.date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if fact.kind == FactKind.DATE and fact.date and fact.date[:4] not in fact.answer:
        problems.append(f"{where}: the date key {fact.date} disagrees with the answer")
    problems += [f"{where}: {p}" for p in _kind_problems(fact)]
    asked = [fact.question, fact.statement]
    if fact.cloze:
        asked.append(fact.cloze)
    if fact.view:
        for text in asked:
            if not attributes_to_author(text):
                problems.append(f"{where}: the author's view is asked as a fact: {text[:50]!r}")
    if fact.erratum:
        for text in asked:
            if not attributes_to_essay(text):
                problems.append(f"{where}: a claim with an erratum needs 'according to the essay'")
    return problems


def items_per_fact(base: FactBase) -> Counter[str]:
    """How many items each fact feeds: its own kinds plus the sets it stands in."""
    count: Counter[str] = Counter()
    for fact in base.facts:
        count[fact.id] += len(fact.kinds)
    for o in base.orderings:
        count.update(o.facts)
    for m in base.matchings:
        count.update(p.fact for p in m.pairs)
    return count


def validate_fact_base(base: FactBase | tuple[Fact, ...], essay: Essay) -> list[str]:
    """Every problem with the fact base as a readable line; an empty list means it is sound."""
    if not isinstance(base, FactBase):
        base = FactBase(tuple(base))
    problems: list[str] = []
    seen: set[str] = set()
    by_id = {f.id: f for f in base.facts}
    for fact in base.facts:
        where = f"fact {fact.id}"
        if fact.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(fact.id)
        problems += _fact_problems(fact, essay, where)
    counts = items_per_fact(base)
    for fact in base.facts:
        if not counts[fact.id]:
            problems.append(f"fact {fact.id}: feeds no item (give it a kind or a set, or drop it)")
        cap = min(MAX_ITEMS[fact.importance], 6)
        if counts[fact.id] > cap:
            problems.append(
                f"fact {fact.id}: feeds {counts[fact.id]} items, more than {cap} for a "
                f"{fact.importance} fact"
            )
    for o in base.orderings:
        where = f"ordering {o.id}"
        if not 4 <= len(o.facts) <= 5:
            problems.append(f"{where}: needs 4-5 events")
        for fid in o.facts:
            f = by_id.get(fid)
            if f is None:
                problems.append(f"{where}: unknown fact {fid}")
            elif not f.date:
                problems.append(f"{where}: {fid} has no date")
            elif f.erratum:
                problems.append(f"{where}: {fid} rests on a date the essay gets wrong")
    for m in base.matchings:
        where = f"matching {m.id}"
        if not 4 <= len(m.pairs) <= 5:
            problems.append(f"{where}: needs 4-5 pairs")
        for p in m.pairs:
            if p.fact not in by_id:
                problems.append(f"{where}: unknown fact {p.fact}")
    return problems


def validate_facts(facts: tuple[Fact, ...] | list[Fact] | FactBase, essay: Essay) -> list[str]:
    """Compatibility name for :func:`validate_fact_base`."""
    return validate_fact_base(facts if isinstance(facts, FactBase) else tuple(facts), essay)


def main(argv: list[str] | None = None) -> int:
    """``python -m studyapp.core.facts [FOLDER]``: print every problem of the fact base."""
    import sys

    from studyapp.core.essay import load_essay

    args = sys.argv[1:] if argv is None else argv
    base = load_fact_base(args[0] if args else None)
    problems = validate_fact_base(base, load_essay())
    for line in problems:
        print(line)
    counts = items_per_fact(base)
    print(
        f"{len(base.facts)} facts, {len(base.orderings)} ordering and {len(base.matchings)} "
        f"matching sets, {sum(counts.values())} items planned; {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
