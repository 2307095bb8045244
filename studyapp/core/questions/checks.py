"""Item-writing checks run on every generated item (QUESTIONS.md as code).

Each check returns a list of problems; an item with any problem is dropped and logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from studyapp.core.essay import Essay
from studyapp.core.questions.model import Question, QuestionType
from studyapp.core.text import content_words, normalize, parse_date

BLANK = "_____"
_BANNED_OPTIONS = ("all of the above", "none of the above", "both of the above")
_ABSOLUTES = {"always", "never", "all", "none", "every", "only"}
_NEGATIVE = re.compile(r"\b(not|never|except)\b")
LONGEST_RATIO = 1.6  # the key may not be this many times longer than every other option

Check = Callable[[Question, Essay], list[str]]


def common(q: Question, essay: Essay) -> list[str]:
    """Every item: a prompt, an explanation, a real source sentence, facts."""
    problems = []
    if not q.prompt.strip():
        problems.append("empty prompt")
    if len(q.prompt) > 600:
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
    return problems


def question_stem(q: Question, essay: Essay) -> list[str]:
    """Questions end with a question mark and never contain their own key."""
    problems = []
    if not q.prompt.rstrip().endswith("?"):
        problems.append("stem is not a question")
    if _NEGATIVE.search(q.prompt):
        problems.append("negative stem")
    keys = [q.answer, *q.accept] if isinstance(q.answer, str) else []
    for key in keys:
        if normalize(key) and f" {normalize(key)} " in f" {normalize(q.prompt)} ":
            problems.append(f"stem contains the answer {key!r}")
    if re.search(r"\b(a|an)\s*\?$", q.prompt.strip()):
        problems.append("stem ends in an article")
    return problems


def multiple_choice(q: Question, essay: Essay) -> list[str]:
    """Four distinct, homogeneous options; no cue in stem, length or wording."""
    problems = question_stem(q, essay)
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
    if isinstance(q.answer, str) and len(options) == 4:
        others = [len(o) for o in options if o != q.answer]
        if others and len(q.answer) > LONGEST_RATIO * max(others):
            problems.append("key is by far the longest option")
        if content_words(q.answer) & content_words(q.prompt):
            problems.append("key repeats a word of the stem")
        dates = [parse_date(o) for o in options]
        if all(dates):
            if dates != sorted(dates, key=lambda d: (d[0], d[1] or 0, d[2] or 0)):
                problems.append("dates not in ascending order")
            if len({(d[1] is None, d[2] is None) for d in dates}) != 1:
                problems.append("dates of mixed precision")
        elif any(dates):
            problems.append("dates mixed with other kinds of option")
    return problems


def short_answer(q: Question, essay: Essay) -> list[str]:
    """A real question whose answer is not in it."""
    return question_stem(q, essay)


def cloze(q: Question, essay: Essay) -> list[str]:
    """One visible blank; the answer and its aliases appear nowhere else."""
    problems = []
    if q.prompt.count(BLANK) != 1:
        problems.append("not exactly one blank")
    rest = f" {normalize(q.prompt.replace(BLANK, ' '))} "
    for key in [q.answer, *q.accept]:
        if isinstance(key, str) and normalize(key) and f" {normalize(key)} " in rest:
            problems.append(f"the answer {key!r} still shows in the sentence")
    if len(q.prompt.split()) < 8:
        problems.append("too little context around the blank")
    if (
        isinstance(q.answer, str)
        and not content_words(q.answer)
        and not any(c.isdigit() for c in q.answer)
    ):
        problems.append("blank is a function word")
    return problems


def true_false(q: Question, essay: Essay) -> list[str]:
    """A statement, true or with exactly one value changed (never a bare negation)."""
    problems = []
    if not isinstance(q.answer, bool):
        problems.append("answer is not true/false")
    if not q.prompt.startswith("True or false: "):
        problems.append("prompt does not say true or false")
    if q.answer is False:
        source = set(normalize(q.source.quote).split())
        added = {"not", "never", "no"} & set(normalize(q.prompt).split()) - source
        if added:
            problems.append("false statement made by negation")
    return problems


def ordering(q: Question, essay: Essay) -> list[str]:
    """Four to six distinct events, shown out of order."""
    problems = []
    items = list(q.options or ())
    if not 4 <= len(items) <= 6:
        problems.append("ordering needs 4-6 items")
    if len(set(items)) != len(items):
        problems.append("duplicate items")
    if sorted(items) != sorted(q.answer):  # type: ignore[arg-type]
        problems.append("options and answer hold different items")
    if tuple(items) == tuple(q.answer):  # type: ignore[arg-type]
        problems.append("items shown already in order")
    if any(c.isdigit() for item in items for c in item):
        problems.append("an item gives away its date")
    return problems


def matching(q: Question, essay: Essay) -> list[str]:
    """Four to six pairs from one homogeneous list, each side unique."""
    problems = []
    if not isinstance(q.options, dict):
        return ["matching needs left and right columns"]
    left, right = list(q.options["left"]), list(q.options["right"])
    if not 4 <= len(left) <= 6:
        problems.append("matching needs 4-6 pairs")
    if len(set(left)) != len(left) or len(set(right)) != len(right):
        problems.append("a column repeats an entry")
    pairs = list(q.answer)  # type: ignore[arg-type]
    if sorted(a for a, _ in pairs) != sorted(left) or sorted(b for _, b in pairs) != sorted(right):
        problems.append("answer pairs do not match the columns")
    return problems


def explain(q: Question, essay: Essay) -> list[str]:
    """A 'why' question with a model answer of at least two reasons."""
    problems = question_stem(q, essay)
    if not q.prompt.lower().startswith("why"):
        problems.append("explain items ask why")
    if not isinstance(q.answer, str) or len([r for r in q.answer.split("\n") if r.strip()]) < 2:
        problems.append("model answer needs at least two reasons")
    return problems


CHECKS: dict[QuestionType, Check] = {
    QuestionType.MULTIPLE_CHOICE: multiple_choice,
    QuestionType.SHORT_ANSWER: short_answer,
    QuestionType.CLOZE: cloze,
    QuestionType.TRUE_FALSE: true_false,
    QuestionType.ORDERING: ordering,
    QuestionType.MATCHING: matching,
    QuestionType.EXPLAIN: explain,
}


def problems_with(q: Question, essay: Essay) -> list[str]:
    """Every problem with one item (empty when it is fit for a class)."""
    return common(q, essay) + CHECKS[q.type](q, essay)
