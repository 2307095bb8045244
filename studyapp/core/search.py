"""Free-text search over questions: prompts and choices, and keys and sources where shown."""

from __future__ import annotations

import re
from collections.abc import Iterable

from studyapp.core.questions import Question, get_kind
from studyapp.core.text import strip_accents, unify

MAX_QUERY = 200  # characters of a query that are read
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text: str) -> str:
    """Text as search compares it: no accents, case, punctuation or curly quotes."""
    folded = strip_accents(unify(text)).casefold().replace("'", "")
    return " " + " ".join(_NON_WORD.sub(" ", folded).split()) + " "


def query_words(query: str) -> list[str]:
    """The words of a query, folded, each once (an empty list: no search)."""
    return list(dict.fromkeys(fold(query[:MAX_QUERY]).split()))


def _options_text(options: object) -> Iterable[str]:
    if isinstance(options, dict):
        for values in options.values():
            yield from values
    elif options:
        yield from options  # type: ignore[misc]


def searchable_text(question: Question, *, with_key: bool) -> str:
    """What a search reads of a question: its prompt and choices, and with the key (when the
    page shows it) the answer, accepted answers, explanation, note and source sentences."""
    parts = [question.prompt, *_options_text(question.options)]
    if with_key:
        parts += [get_kind(question.type).answer_text(question), *question.accept]
        parts += [question.explanation, question.erratum or ""]
        parts += [source.quote for source in question.sources]
    return fold(" ".join(parts))


def matches(question: Question, words: list[str], *, with_key: bool) -> bool:
    """Whether every word of the query is in the question (a word may be the start of one)."""
    text = searchable_text(question, with_key=with_key)
    return all(f" {word}" in text for word in words)
