"""Question kinds: everything the app knows about one kind of question, in one object.

Each kind is a ``QuestionKind`` subclass at the bottom of its module in ``types/``, registered
once in ``KINDS`` with ``@register`` (as CTFd keeps a challenge type in one class registered in
``CHALLENGE_CLASSES``). The rest of the app asks the registry: ``get_kind(name)`` for one kind,
``all_kinds()`` and ``graded_kinds()`` for labels, choices, quiz types and export types.

This module imports nothing from the kinds themselves: importing ``studyapp.core.questions``
loads ``types/``, and with it every kind.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from studyapp.core.grading import Verdict, typed_key, typed_verdict

if TYPE_CHECKING:
    from studyapp.core.essay import Essay
    from studyapp.core.facts import Fact
    from studyapp.core.questions.context import Context
    from studyapp.core.questions.model import Answer, Options, Question

MAX_TEXT = 2000  # characters a typed answer may have


class ResponseError(ValueError):
    """A submitted answer that cannot be read; the message says what to do."""


class QuestionKind:
    """One kind of question: how it is made, checked, answered, graded and shown.

    ``id`` is stored with every question (its ``QuestionType``); ``template`` names the Jinja
    file with the kind's macros: ``fields`` (the answer form), and optionally ``options`` (the
    choices under a prompt), ``answer`` (the key) and ``keys`` (keyboard help).
    """

    id: ClassVar[str]
    label: ClassVar[str]  # singular, for people: "Multiple choice"
    prefix: ClassVar[str]  # question ids start "<prefix>-"
    auto_graded: ClassVar[bool] = True  # False: the learner compares and rates their recall
    expected_seconds: ClassVar[int] = 15  # a typical answer time, for rating answers by speed
    shuffle_options: ClassVar[bool] = False  # a quiz may show the options in its own order
    template: ClassVar[str] = ""  # "kinds/<id>.html" unless a kind shares another's
    from_fact: ClassVar[bool] = True  # a fact's `kinds` may name it (False: made from sets)
    asks_fact_question: ClassVar[bool] = False  # its prompt is the fact's `question`
    typed_answers: ClassVar[bool] = False  # answers are typed text, grouped in item analysis

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__ and not cls.__dict__.get("template"):
            cls.template = f"kinds/{cls.id}.html"

    # --- making and checking items ----------------------------------------------------------

    def generate(self, ctx: Context) -> Iterator[Question]:
        """The items of this kind the fact base yields."""
        raise NotImplementedError

    def checks(self, q: Question, essay: Essay, facts: Mapping[str, Fact]) -> list[str]:
        """Item-writing problems particular to this kind (the common ones are checked apart)."""
        return []

    def fact_problems(self, fact: Fact) -> list[str]:
        """What a fact lacks, or gets wrong, in the material this kind is made from."""
        return []

    # --- answering ------------------------------------------------------------------------------

    def grade(self, question: Question, response: Any) -> Verdict:
        """Grade a response; malformed input is wrong, never an error."""
        raise NotImplementedError

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        """The response in a submitted form, as ``grade`` takes it (ResponseError if incomplete)."""
        raise NotImplementedError

    def parse_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """(present, response): what a quiz page holds for the question, complete or not.

        ResponseError when what it holds must not be saved as it is (the message says why).
        """
        try:
            return True, self.parse_form(form, question, prefix)
        except ResponseError:
            return self.partial_draft(form, question, prefix)

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """What an incomplete form holds worth saving: (present, response); none by default.

        ResponseError when the form contradicts itself, so that saving would lose part of it.
        """
        return False, None

    def answer_text(self, question: Question) -> str:
        """The key, readable on one line."""
        return str(question.answer)

    def response_text(self, question: Question, response: Any) -> str:
        """A saved response, readable on one line; empty when there is none."""
        if response is None or (isinstance(response, str | list | tuple | dict) and not response):
            return ""
        return str(response)

    def response_parts(self, question: Question, response: Any) -> list[tuple[str, bool]]:
        """A response of several parts, each in words with whether it is right (an ordering's
        places, a matching's pairs); empty for kinds answered in one piece."""
        return []

    def verdict(self, question: Question, score: float, right: str, wrong: str) -> Verdict:
        """A verdict for a score in 0..1: correct only at 1, with the feedback that fits."""
        score = max(0.0, min(1.0, score))
        correct = score >= 1.0
        return Verdict(correct, score, self.answer_text(question), right if correct else wrong)

    # --- item analysis --------------------------------------------------------------------------

    def choice_key(self, question: Question) -> tuple[list[str], str] | None:
        """(options, key) when responses pick one option that can be counted, else None."""
        return None

    def chosen(self, question: Question, response: Any) -> str | None:
        """The option a response picked, for counting (None when it picked none)."""
        return None

    def response_key(self, question: Question, response: Any) -> str | None:
        """What a typed response is grouped under in item analysis (None: not typed, or empty)."""
        return None

    # --- the export form ------------------------------------------------------------------------

    def options_from_dict(self, raw: Any) -> Options:
        """Options as the question holds them, from the export form."""
        return None if raw is None else tuple(raw)

    def answer_from_dict(self, raw: Any) -> Answer:
        """The answer as the question holds it, from the export form."""
        return raw  # type: ignore[no-any-return]

    def export_problem(self, options: Any, answer: Any) -> str | None:
        """What is wrong with an exported item's options and answer, or None."""
        if options not in (None, []):
            return f"a {self.id} question has no options (null or [])"
        if not (isinstance(answer, str) and answer.strip()):
            return "answer must be non-empty text"
        return None

    def anki_options(self, options: Any) -> str:
        """The options on the front of an Anki card, as HTML."""
        return html_list("ul", options) if options else ""

    def anki_answer(self, answer: Any) -> str:
        """The answer on the back of an Anki card, as HTML."""
        return "<p><b>" + "<br>".join(escape(line) for line in str(answer).split("\n")) + "</b></p>"


class TypedKind(QuestionKind):
    """A kind answered by typing a word, name, number or date; aliases and small typos pass."""

    typed_answers = True

    def grade(self, question: Question, response: Any) -> Verdict:
        return typed_verdict(question, response)

    def response_key(self, question: Question, response: Any) -> str | None:
        """The answer as grading normalises it, so "Kim Il-sung" and "kim il sung" group."""
        if not isinstance(response, str):
            return None
        return typed_key(response, question.prompt) or None

    def parse_form(self, form: Mapping[str, str], question: Question, prefix: str = "") -> Any:
        return read_text(form, prefix, required=True)

    def partial_draft(
        self, form: Mapping[str, str], question: Question, prefix: str = ""
    ) -> tuple[bool, Any]:
        """An emptied text box is saved as empty; a too-long answer is not saved."""
        text = form.get(prefix + "text")
        return (True, "") if text is not None and not text.strip() else (False, None)


def read_text(form: Mapping[str, str], prefix: str, *, required: bool) -> str:
    """A typed answer from the ``text`` field (ResponseError if missing or too long)."""
    text = (form.get(prefix + "text") or "").strip()
    if len(text) > MAX_TEXT:
        raise ResponseError("That answer is too long.")
    if required and not text:
        raise ResponseError("Type your answer first.")
    return text


def is_text_list(value: Any) -> bool:
    """Whether a value from an export is a list of texts."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def escape(value: Any) -> str:
    """Text made safe for HTML."""
    return html.escape(str(value))


def html_list(tag: str, values: Iterable[Any], attrs: str = "") -> str:
    """An HTML list of escaped items."""
    return f"<{tag}{attrs}>" + "".join(f"<li>{escape(v)}</li>" for v in values) + f"</{tag}>"


# --- the registry -------------------------------------------------------------------------------

KINDS: dict[str, QuestionKind] = {}
K = TypeVar("K", bound=type[QuestionKind])


def register(cls: K) -> K:
    """Register a kind (a class decorator); each id once."""
    if cls.id in KINDS:
        raise ValueError(f"question kind '{cls.id}' is registered twice")
    for attr in ("label", "prefix"):
        if not getattr(cls, attr, ""):
            raise ValueError(f"question kind '{cls.id}' needs a {attr}")
    taken = {k.prefix: k.id for k in KINDS.values()}
    if cls.prefix in taken:
        raise ValueError(f"question kind '{cls.id}' reuses the id prefix of '{taken[cls.prefix]}'")
    KINDS[cls.id] = cls()
    return cls


def get_kind(name: str) -> QuestionKind:
    """The kind with this id (KeyError names it when there is none)."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown question kind '{name}'") from None


def all_kinds() -> list[QuestionKind]:
    """Every kind, in the order they are generated and listed."""
    return list(KINDS.values())


def graded_kinds() -> list[QuestionKind]:
    """The kinds the app grades itself: those practice and class quizzes use."""
    return [k for k in KINDS.values() if k.auto_graded]
