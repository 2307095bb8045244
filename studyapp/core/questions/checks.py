"""Item-writing checks run on every generated item (QUESTIONS.md as code).

Each check returns a list of problems; an item with any problem is dropped and logged. Checks
see the item, the essay and the fact base, so they test what the item claims against what the
facts say: that a false statement changes exactly one value, that options are of the key's kind
and era, that ordered events are of one phase with dates that settle the order, that a matching
column gives nothing away, that the author's views and the essay's slips are asked as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from studyapp.core.essay import Essay
from studyapp.core.facts import (
    Fact,
    FactKind,
    attributes_to_author,
    attributes_to_essay,
    leading_connective,
    quotes_balanced,
)
from studyapp.core.questions.kinds import get_kind
from studyapp.core.questions.model import Question
from studyapp.core.text import content_words, date_span, normalize, number_value, parse_date

BLANK = "_____"
CLOZE_PREFIX = "Fill in the blank: "
TF_PREFIX = "True or false: "
IMPERATIVES = ("Put ", "Match ", "Arrange ", "Order ")
AUTHOR = "Daekwon Son"
_BANNED_OPTIONS = ("all of the above", "none of the above", "both of the above")
_ABSOLUTES = {"always", "never", "all", "none", "every", "only"}
_NEGATIVE = re.compile(r"\b(not|never|except)\b", re.IGNORECASE)
# The key may be at most this many times longer (in characters) than the longest distractor.
LONGEST_RATIO = 1.35
# Names may share a word (Kim Il Sung, Kim Jong-un); terms may not (two kinds of chauvinism).
_WORDS_MAY_REPEAT = (FactKind.PERSON, FactKind.DATE, FactKind.NUMBER)
MIN_CLOZE_WORDS = 8  # words around the blank, so that only one answer fits
MAX_PROMPT = 600
# Words that sort a matching column by nationality or rank on their own. (Capitals name the
# governments that act in the story and are left to the reader: "Moscow courted Pyongyang".)
CUES = frozenset(
    {
        "soviet", "chinese", "china", "korean", "korea", "north", "dprk", "american", "us", "u.s",
        "united", "states", "taiwan", "taiwanese", "czechoslovak", "czechoslovakia", "vietnam",
        "vietnamese", "mongolia", "mongolian", "philippines", "president", "premier", "chairman",
        "leader", "secretary", "general", "minister", "professor", "director", "editor",
    }
)  # fmt: skip
# Phases of the relationship: items of one phase do not mix with the other.
ERAS = {"1": "2012-2018", "4": "2012-2018", "2": "1956-1970", "3": "1956-1970"}
# Words in an ordering item's label that tell where it goes ("Zhou's return visit").
PLACE_CUES = frozenset(
    ["return", "returned", "renewed", "resumed", "second", "final", "first", "last", "again",
     "subsequent", "later", "earlier", "reply", "response", "aftermath", "follow"]
)  # fmt: skip
MAX_PHASE_YEARS = 10  # an ordering or matching set spans at most this many years

# An explain item's rubric says how many of the model answer's points make an answer right.
_RUBRIC = re.compile(
    r"right if, in your own words, it makes (the (first|second|third|fourth|fifth|sixth|seventh"
    r"|eighth|ninth|tenth|eleventh|twelfth)\b|at least \d|all \d|both)"
)
Facts = Mapping[str, Fact]
Check = Callable[[Question, Essay, Facts], list[str]]


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word containment after normalisation."""
    n = normalize(needle)
    return bool(n) and f" {n} " in f" {normalize(haystack)} "


def _facts_of(q: Question, facts: Facts) -> list[Fact]:
    return [facts[f] for f in q.fact_ids if f in facts]


def common(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Every item: a prompt, an explanation, real source sentences of the body, known facts."""
    problems = []
    if not q.prompt.strip():
        problems.append("empty prompt")
    if len(q.prompt) > MAX_PROMPT:
        problems.append("prompt too long")
    if not q.explanation.strip():
        problems.append("no explanation")
    if not q.sources:
        problems.append("no source")
    for source in q.sources:
        sentence = essay.find_sentence(source.quote)
        if sentence is None or sentence.text != source.quote:
            problems.append("source quote is not a sentence of the essay")
        elif source.sentence_id != sentence.id:
            problems.append("source sentence id does not match the quote")
        elif sentence.section_id == essay.front.id:
            problems.append("front matter is not study material")
    if len(set(q.sources)) != len(q.sources):
        problems.append("a source is cited twice")
    if not q.fact_ids:
        problems.append("no facts")
    elif facts and any(fid not in facts for fid in q.fact_ids):
        problems.append("unknown fact id")
    if not quotes_balanced(q.prompt):
        problems.append("unbalanced quotation marks in the prompt")
    problems += _cites_every_part(q, facts)
    problems += _attribution(q, facts)
    return problems


def _cites_every_part(q: Question, facts: Facts) -> list[str]:
    """Every fact the key rests on is cited by the sentence that states it."""
    quotes = {" ".join(s.quote.split()) for s in q.sources}
    missing = [f.id for f in _facts_of(q, facts) if " ".join(f.evidence[0].split()) not in quotes]
    return [f"does not cite the sentence that states {', '.join(missing)}"] if missing else []


def _attribution(q: Question, facts: Facts) -> list[str]:
    """The author's views are asked as his; the essay's slips only 'according to the essay'."""
    if len(q.fact_ids) > 1:  # a set's items: each event or pair is stated, not asked
        return []
    problems = []
    for fact in _facts_of(q, facts):
        if fact.view and not attributes_to_author(q.prompt):
            problems.append("the author's interpretation is asked as a plain fact")
        if fact.erratum:
            if not attributes_to_essay(q.prompt):
                problems.append("hinges on a claim the record disputes, without 'the essay'")
            if fact.erratum not in q.explanation or q.erratum != fact.erratum:
                problems.append("the erratum is not shown with the item")
    return problems


def question_stem(q: Question) -> list[str]:
    """Questions end with a question mark, are not negative, and never contain their key."""
    problems = []
    if not q.prompt.rstrip().endswith("?"):
        problems.append("stem is not a question")
    for m in _NEGATIVE.finditer(q.prompt):
        if not m.group(0).isupper():  # "NOT" is emphasised on purpose; "not" is a trap
            problems.append("negative stem")
    keys = [q.answer, *q.accept] if isinstance(q.answer, str) else []
    for key in keys:
        if _contains(q.prompt, key):
            problems.append(f"stem contains the answer {key!r}")
    if re.search(r"\b(a|an)\s*\?$", q.prompt.strip(), re.IGNORECASE):
        problems.append("stem ends in an article")
    return problems


def multiple_choice(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Four distinct, homogeneous options of the key's role; no cue in stem, length or wording."""
    problems = question_stem(q)
    options = list(q.options or ())
    if len(options) != 4:
        problems.append("not four options")
    folded = [normalize(o) for o in options]
    if len(set(folded)) != len(folded):
        problems.append("duplicate options")
    if options.count(q.answer) != 1:
        problems.append("key is not exactly once among the options")
    for o in folded:
        if any(b in o for b in _BANNED_OPTIONS):
            problems.append("all/none of the above")
        if set(o.split()) & _ABSOLUTES:
            problems.append(f"absolute word in option {o!r}")
        if normalize(AUTHOR) in o:
            problems.append("the essay's author offered as an option")
    for i, a in enumerate(folded):
        for j, b in enumerate(folded):
            if i != j and a and f" {a} " in f" {b} ":
                problems.append(f"option {options[i]!r} is contained in {options[j]!r}")
    if not isinstance(q.answer, str) or len(options) != 4:
        return problems
    others = [o for o in options if o != q.answer]
    for wrong in others:
        if _contains(q.prompt, wrong):
            problems.append(f"distractor {wrong!r} is the question's own subject")
    if others and len(q.answer) > LONGEST_RATIO * max(len(o) for o in others):
        problems.append("key is by far the longest option")
    if (
        " and " in q.answer
        and not any(" and " in o for o in others)
        and len(q.answer) >= max(len(o) for o in others)
    ):
        problems.append("key is the longest option and the only one in two parts")
    if content_words(q.answer) & content_words(q.prompt):
        problems.append("key repeats a word of the stem")
    dates = [parse_date(o) for o in options]
    if all(dates):
        if dates != sorted(dates, key=lambda d: (d[0], d[1] or 0, d[2] or 0)):  # type: ignore[index]
            problems.append("dates not in ascending order")
        if len({(d[1] is None, d[2] is None) for d in dates}) != 1:  # type: ignore[index]
            problems.append("dates of mixed precision")
        years = [d[0] for d in dates if d]
        if max(years) - min(years) > MAX_PHASE_YEARS:
            problems.append("a date option from another era")
    elif any(dates):
        problems.append("dates mixed with other kinds of option")
    else:
        numbers = [number_value(o) for o in options]
        if all(n is not None for n in numbers):
            if numbers != sorted(numbers):  # type: ignore[type-var]
                problems.append("numbers not in ascending order")
        elif options != sorted(options, key=normalize):
            problems.append("options not in alphabetical order")
    key_fact = facts.get(q.fact_ids[0]) if facts and q.fact_ids else None
    if key_fact is None:
        return problems
    if key_fact.kind not in _WORDS_MAY_REPEAT:
        for i, a in enumerate(options):
            for b in options[i + 1 :]:
                if _near_twins(a, b):
                    problems.append(f"options {a!r} and {b!r} are near twins")
    owners: dict[str, list[Fact]] = {}
    for f in facts.values():
        owners.setdefault(normalize(f.answer), []).append(f)
    for wrong in others:
        if normalize(wrong) in {normalize(v) for v in (*key_fact.accepted, *key_fact.exclude)}:
            problems.append(f"distractor {wrong!r} is an answer the essay supports")
        found = [o for o in owners.get(normalize(wrong), []) if o.id != key_fact.id]
        if found and not any(o.kind == key_fact.kind for o in found):
            problems.append(f"distractor {wrong!r} is a {found[0].kind}, not a {key_fact.kind}")
    return problems


def _near_twins(a: str, b: str) -> bool:
    """Two short terms sharing a word ("big-power" / "great power chauvinism"), or two phrases
    sharing most of their words: one reads as a variant of the other ("the Ministry of X" and
    "the Ministry of Y" are parallel, not twins)."""
    wa, wb = content_words(a), content_words(b)
    return bool(wa | wb) and len(wa & wb) / len(wa | wb) >= 0.5


def short_answer(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """A real question whose answer is not in it; 'according to the essay' where others exist."""
    problems = question_stem(q)
    for fact in _facts_of(q, facts):
        if fact.exclude and not attributes_to_essay(q.prompt):
            problems.append("more than one defensible answer, and no 'according to the essay'")
    key = q.answer if isinstance(q.answer, str) else ""
    if key.casefold().startswith("the ") and key[4:] not in q.accept:
        problems.append("the key without 'the' is not accepted")
    return problems


def cloze(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """One blank in a clean, self-contained sentence that leaves one defensible fill."""
    problems = []
    if not q.prompt.startswith(CLOZE_PREFIX):
        problems.append("cloze prompt does not say fill in the blank")
    sentence = q.prompt[len(CLOZE_PREFIX) :]
    if sentence.count(BLANK) != 1:
        problems.append("not exactly one blank")
    rest = sentence.replace(BLANK, " ")
    for key in [q.answer, *q.accept]:
        if isinstance(key, str) and _contains(rest, key):
            problems.append(f"the answer {key!r} still shows in the sentence")
    if isinstance(q.answer, str) and content_words(q.answer) & content_words(rest):
        problems.append("a word of the key stands elsewhere in the sentence (a rival fill)")
    if len(rest.split()) < MIN_CLOZE_WORDS:
        problems.append("too little context around the blank")
    if sentence.startswith(BLANK):
        pass  # a blanked subject is fine
    elif leading_connective(sentence):
        problems.append(f"opens with {leading_connective(sentence)!r}: leans on another sentence")
    if (
        isinstance(q.answer, str)
        and not content_words(q.answer)
        and not any(c.isdigit() for c in q.answer)
    ):
        problems.append("blank is a function word")
    for fact in _facts_of(q, facts):
        problems += [p for p in get_kind(q.type).fact_problems(fact) if "connective" not in p]
    return problems


def true_false(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """The fact's statement, or its false twin with exactly one value changed (no negation)."""
    problems = []
    if not isinstance(q.answer, bool):
        problems.append("answer is not true/false")
    if not q.prompt.startswith(TF_PREFIX):
        problems.append("prompt does not say true or false")
    statement = q.prompt[len(TF_PREFIX) :]
    fact = facts.get(q.fact_ids[0]) if facts and q.fact_ids else None
    if fact is None:
        return problems
    if q.sources and " ".join(q.sources[0].quote.split()) != " ".join(fact.evidence[0].split()):
        problems.append("does not cite first the sentence that states the claim")
    if q.answer is True and statement != fact.statement:
        problems.append("true statement is not the fact's statement")
    if q.answer is False:
        if statement != fact.false_statement:
            problems.append("false statement is not the fact's curated false statement")
        problems += get_kind(q.type).fact_problems(fact)
    return problems


def _era_problems(q: Question, events: list[Fact]) -> list[str]:
    problems = []
    if len({ERAS.get(f.section, f.section) for f in events}) > 1:
        problems.append("mixes eras: one element places itself")
    years = [date_span(f.date)[0].year for f in events if f.date]
    if years and max(years) - min(years) > MAX_PHASE_YEARS:
        problems.append(f"spans more than {MAX_PHASE_YEARS} years: not one phase")
    return problems


def ordering(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Four or five events of one phase, shown out of order, whose dates settle the order."""
    problems = []
    if not q.prompt.startswith(IMPERATIVES):
        problems.append("ordering prompt is not an instruction")
    items = list(q.options or ())
    answer = list(q.answer) if isinstance(q.answer, tuple) else []
    if not 4 <= len(items) <= 5:
        problems.append("ordering needs 4-5 items")
    if len(set(items)) != len(items):
        problems.append("duplicate items")
    if sorted(items) != sorted(map(str, answer)):
        problems.append("options and answer hold different items")
    if items == answer:
        problems.append("items shown already in order")
    if any(c.isdigit() for item in items for c in item):
        problems.append("an item gives away its date")
    for a in items:
        for b in items:
            if a != b and _contains(a, b):
                problems.append(f"item {a!r} names item {b!r}")
        cue = sorted(PLACE_CUES & set(normalize(a).split()))
        if cue:
            problems.append(f"item {a!r} tells its place ({cue[0]!r})")
    if not facts:
        return problems
    events = _facts_of(q, facts)
    if len(events) != len(answer) or any(not e.date for e in events):
        return [*problems, "ordering needs a dated fact per item"]
    if [e.topic for e in events] != answer:
        problems.append("answer does not follow the facts")
    if any(e.erratum for e in events):
        problems.append("an event's date is one the record disputes")
    spans = [date_span(e.date or "") for e in events]
    if any(a[1] >= b[0] and b[1] >= a[0] for i, a in enumerate(spans) for b in spans[i + 1 :]):
        problems.append("two events' dates do not settle their order")
    starts = [s[0] for s in spans]
    if starts != sorted(starts):
        problems.append("answer is not in chronological order")
    problems += _era_problems(q, events)
    gaps = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
    if len(gaps) >= 2 and max(gaps) > 0.75 * sum(gaps):
        problems.append("one event stands far from the rest: placeable by common sense")
    return problems


def matching(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Four or five pairs of one theme and era; no entry gives its partner away."""
    problems = []
    if not q.prompt.startswith(IMPERATIVES):
        problems.append("matching prompt is not an instruction")
    if not isinstance(q.options, dict):
        return [*problems, "matching needs left and right columns"]
    left, right = list(q.options["left"]), list(q.options["right"])
    if not 4 <= len(left) <= 5:
        problems.append("matching needs 4-5 pairs")
    if len(set(left)) != len(left) or len(set(right)) != len(right):
        problems.append("a column repeats an entry")
    pairs = list(q.answer) if isinstance(q.answer, tuple) else []
    if sorted(str(p[0]) for p in pairs) != sorted(left) or sorted(
        str(p[1]) for p in pairs
    ) != sorted(right):
        problems.append("answer pairs do not match the columns")
    if right == [str(p[1]) for p in pairs]:
        problems.append("right column shown in answer order")
    for r in right:
        for name in left:
            if content_words(r) & content_words(name):
                problems.append(f"{r!r} shares a word with {name!r}")
    for cue in CUES:
        carrying = [r for r in right if cue in normalize(r).split()]
        if carrying and len(carrying) != len(right):
            problems.append(f"the cue {cue!r} separates the pairs on its own")
    if facts:
        problems += _era_problems(q, _facts_of(q, facts))
    return problems


def explain(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """A 'why' question; the model answer is the essay's reasons; the rubric states a threshold."""
    problems = question_stem(q)
    if not q.prompt.lower().startswith(("why", "how and why")):
        problems.append("explain items ask why")
    reasons = [r for r in q.answer.split("\n") if r.strip()] if isinstance(q.answer, str) else []
    if len(reasons) < 2:
        problems.append("model answer needs at least two reasons")
    if not re.search(_RUBRIC, q.explanation):
        problems.append("the rubric states no threshold")
    for fact in _facts_of(q, facts):
        if list(fact.reasons) != reasons:
            problems.append("the model answer is not the essay's reasons")
        if len(q.sources) < 2:
            problems.append("an explanation rests on more than one sentence: cite them")
    return problems


def problems_with(q: Question, essay: Essay, facts: Facts | None = None) -> list[str]:
    """Every problem with one item (empty when it is fit for a class)."""
    known = facts or {}
    return common(q, essay, known) + get_kind(q.type).checks(q, essay, known)
