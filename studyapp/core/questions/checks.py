"""Item-writing checks run on every generated item (QUESTIONS.md as code).

Each check returns a list of problems; an item with any problem is dropped and logged. Checks
see the item, the essay and (when given) the fact base, so they can test what the item claims
against what the facts say: that a false statement changes exactly one value, that options are
of the key's kind, that ordered events really have distinct dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from studyapp.core.essay import Essay
from studyapp.core.facts import Fact, FactKind
from studyapp.core.questions.kinds import get_kind
from studyapp.core.questions.model import Question
from studyapp.core.text import content_words, date_span, normalize, number_value, parse_date

BLANK = "_____"
TF_PREFIX = "True or false: "
IMPERATIVES = ("Put ", "Match ", "Arrange ", "Order ")
_BANNED_OPTIONS = ("all of the above", "none of the above", "both of the above")
_ABSOLUTES = {"always", "never", "all", "none", "every", "only"}
_NEGATIVE = re.compile(r"\b(not|never|except)\b", re.IGNORECASE)
_ARTICLES = ("the", "a", "an")
_POSSESSIVE = re.compile(r"['’]s\b")
_NEGATIONS = {"not", "never", "no", "didnt", "wasnt", "werent", "isnt", "nt"}
# The key may be at most this many times longer (in characters) than the longest distractor:
# a key much longer than every other option is picked for its length.
LONGEST_RATIO = 1.6
# Names may share a word (Kim Il Sung, Kim Jong-un); terms may not (two kinds of chauvinism).
_WORDS_MAY_REPEAT = (FactKind.PERSON, FactKind.DATE, FactKind.NUMBER)
MIN_CLOZE_WORDS = 8  # words around the blank, so that only one answer fits
MAX_PROMPT = 600

Facts = Mapping[str, Fact]
Check = Callable[[Question, Essay, Facts], list[str]]


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word containment after normalisation."""
    n = normalize(needle)
    return bool(n) and f" {n} " in f" {normalize(haystack)} "


def common(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Every item: a prompt, an explanation, a real source sentence, known facts."""
    problems = []
    if not q.prompt.strip():
        problems.append("empty prompt")
    if len(q.prompt) > MAX_PROMPT:
        problems.append("prompt too long")
    if not q.explanation.strip():
        problems.append("no explanation")
    sentence = essay.find_sentence(q.source.quote)
    if sentence is None or sentence.text != q.source.quote:
        problems.append("source quote is not a sentence of the essay")
    elif q.source.sentence_id != sentence.id:
        problems.append("source sentence id does not match the quote")
    if not q.fact_ids:
        problems.append("no facts")
    elif facts and any(fid not in facts for fid in q.fact_ids):
        problems.append("unknown fact id")
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
    """Four distinct, homogeneous options; no cue in stem, length or wording."""
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
    for i, a in enumerate(folded):
        for j, b in enumerate(folded):
            if i != j and a and f" {a} " in f" {b} ":
                problems.append(f"option {options[i]!r} is contained in {options[j]!r}")
    if not isinstance(q.answer, str) or len(options) != 4:
        return problems
    others = [o for o in options if o != q.answer]
    if others and len(q.answer) > LONGEST_RATIO * max(len(o) for o in others):
        problems.append("key is by far the longest option")
    if content_words(q.answer) & content_words(q.prompt):
        problems.append("key repeats a word of the stem")
    dates = [parse_date(o) for o in options]
    if all(dates):
        if dates != sorted(dates, key=lambda d: (d[0], d[1] or 0, d[2] or 0)):  # type: ignore[index]
            problems.append("dates not in ascending order")
        if len({(d[1] is None, d[2] is None) for d in dates}) != 1:  # type: ignore[index]
            problems.append("dates of mixed precision")
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
    if key_fact is not None and key_fact.kind not in _WORDS_MAY_REPEAT:
        for i, a in enumerate(options):
            for b in options[i + 1 :]:
                if content_words(a) & content_words(b):
                    problems.append(f"options {a!r} and {b!r} share a word")
    if key_fact is not None:
        owners: dict[str, list[Fact]] = {}
        for f in facts.values():
            owners.setdefault(normalize(f.answer), []).append(f)
        for wrong in others:
            found = [o for o in owners.get(normalize(wrong), []) if o.id != key_fact.id]
            same = any(
                o.kind == key_fact.kind or (o.category and o.category == key_fact.category)
                for o in found
            )
            if found and not same:
                kind = found[0].kind
                problems.append(f"distractor {wrong!r} is a {kind}, not a {key_fact.kind}")
    return problems


def short_answer(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """A real question whose answer is not in it."""
    return question_stem(q)


def cloze(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """One visible blank; the answer and its aliases appear nowhere else."""
    problems = []
    if q.prompt.count(BLANK) != 1:
        problems.append("not exactly one blank")
    rest = q.prompt.replace(BLANK, " ")
    for key in [q.answer, *q.accept]:
        if isinstance(key, str) and _contains(rest, key):
            problems.append(f"the answer {key!r} still shows in the sentence")
    if len(rest.split()) - 3 < MIN_CLOZE_WORDS:  # "Fill in the blank:" is not context
        problems.append("too little context around the blank")
    if (
        isinstance(q.answer, str)
        and not content_words(q.answer)
        and not any(c.isdigit() for c in q.answer)
    ):
        problems.append("blank is a function word")
    return problems


def _swapped(statement: str, key: str, false: str) -> bool:
    """Whether ``false`` is ``statement`` with the key (and an article before it) replaced."""
    words, changed, k = (normalize(_POSSESSIVE.sub("", t)).split() for t in (statement, false, key))
    starts = [i for i in range(len(words)) if words[i : i + len(k)] == k]
    if len(starts) != 1:
        return False
    before, after = words[: starts[0]], words[starts[0] + len(k) :]
    if before and before[-1] in _ARTICLES:
        before = before[:-1]
    if changed[: len(before)] != before or (after and changed[-len(after) :] != after):
        return False
    middle = changed[len(before) : len(changed) - len(after)]
    if middle and middle[0] in _ARTICLES:
        middle = middle[1:]
    return bool(middle) and middle != k


def true_false(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """A statement, true or with exactly the key swapped for one value (never a negation)."""
    problems = []
    if not isinstance(q.answer, bool):
        problems.append("answer is not true/false")
    if not q.prompt.startswith(TF_PREFIX):
        problems.append("prompt does not say true or false")
    statement = q.prompt[len(TF_PREFIX) :]
    fact = facts.get(q.fact_ids[0]) if facts and q.fact_ids else None
    if q.answer is False:
        source = set(normalize(q.source.quote).split())
        if fact is not None:
            source |= set(normalize(fact.statement).split())
        added = _NEGATIONS & set(normalize(statement).split()) - source
        if added:
            problems.append("false statement made by negation")
    if fact is None:
        return problems
    if q.answer is True and statement != fact.statement:
        problems.append("true statement is not the fact's statement")
    if q.answer is False and not _swapped(fact.statement, fact.answer, statement):
        problems.append("false statement does not change exactly the key")
    return problems


def ordering(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Four to six distinct events, shown out of order, whose dates settle the order."""
    problems = []
    if not q.prompt.startswith(IMPERATIVES):
        problems.append("ordering prompt is not an instruction")
    items = list(q.options or ())
    answer = list(q.answer) if isinstance(q.answer, tuple) else []
    if not 4 <= len(items) <= 6:
        problems.append("ordering needs 4-6 items")
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
    if facts and len(q.fact_ids) == len(answer):
        events = [facts[f] for f in q.fact_ids if f in facts]
        if len(events) != len(answer) or any(not e.date for e in events):
            problems.append("ordering needs a dated fact per item")
            return problems
        if [e.topic for e in events] != answer:
            problems.append("answer does not follow the facts")
        spans = [date_span(e.date or "") for e in events]
        if any(a[1] >= b[0] and b[1] >= a[0] for i, a in enumerate(spans) for b in spans[i + 1 :]):
            problems.append("two events' dates do not settle their order")
        starts = [date_span(e.date or "")[0] for e in events]
        if starts != sorted(starts):
            problems.append("answer is not in chronological order")
    return problems


def matching(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """Four to six pairs from one homogeneous list, each side unique, no name in a role."""
    problems = []
    if not q.prompt.startswith(IMPERATIVES):
        problems.append("matching prompt is not an instruction")
    if not isinstance(q.options, dict):
        return [*problems, "matching needs left and right columns"]
    left, right = list(q.options["left"]), list(q.options["right"])
    if not 4 <= len(left) <= 6:
        problems.append("matching needs 4-6 pairs")
    if len(set(left)) != len(left) or len(set(right)) != len(right):
        problems.append("a column repeats an entry")
    pairs = list(q.answer) if isinstance(q.answer, tuple) else []
    if sorted(str(p[0]) for p in pairs) != sorted(left) or sorted(
        str(p[1]) for p in pairs
    ) != sorted(right):
        problems.append("answer pairs do not match the columns")
    for r in right:
        for name in left:
            if _contains(r, name):
                problems.append(f"{r!r} gives away {name!r}")
    if right == [str(p[1]) for p in pairs]:
        problems.append("right column shown in answer order")
    kinds = {facts[f].kind for f in q.fact_ids if f in facts} if facts else set()
    if len(kinds) > 1:
        problems.append("pairs of different kinds in one list")
    return problems


def explain(q: Question, essay: Essay, facts: Facts) -> list[str]:
    """A 'why' question with a model answer of at least two reasons."""
    problems = question_stem(q)
    if not q.prompt.lower().startswith("why"):
        problems.append("explain items ask why")
    if not isinstance(q.answer, str) or len([r for r in q.answer.split("\n") if r.strip()]) < 2:
        problems.append("model answer needs at least two reasons")
    return problems


def problems_with(q: Question, essay: Essay, facts: Facts | None = None) -> list[str]:
    """Every problem with one item (empty when it is fit for a class)."""
    known = facts or {}
    return common(q, essay, known) + get_kind(q.type).checks(q, essay, known)
