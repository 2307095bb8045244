"""Study forms. The answer fields depend on the question type and are read by ``read_response``."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, widgets
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from studyapp.core.questions import Question, QuestionType
from studyapp.services import ServiceError
from studyapp.web.choices import options


class AnswerForm(FlaskForm):
    """The fixed part of an answer: which card, which version, which request."""

    question_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    card_version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    request_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    shown_at = HiddenField(validators=[Optional(), Length(max=40)])
    mode = HiddenField(validators=[Optional(), Length(max=16)])


class UndoForm(FlaskForm):
    """Undo the last answer (a CSRF-protected POST)."""


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


QUESTION_TYPES = [
    ("multiple_choice", "Multiple choice"),
    ("cloze", "Fill the blank"),
    ("true_false", "True or false"),
    ("short_answer", "Short answer"),
    ("ordering", "Ordering"),
    ("matching", "Matching"),
]


class PracticeForm(FlaskForm):
    """Set up a practice quiz."""

    class Meta:
        csrf = False  # a GET form that only chooses what to show

    MIN_COUNT, MAX_COUNT = 5, 50

    sections = _Checkboxes("Sections", validate_choice=True)
    types = _Checkboxes("Question types", choices=options(QUESTION_TYPES), validate_choice=True)
    count = IntegerField(
        "Number of questions",
        default=10,
        validators=[NumberRange(MIN_COUNT, MAX_COUNT, f"Choose {MIN_COUNT} to {MAX_COUNT}.")],
    )


class PracticeSubmitForm(FlaskForm):
    """The fixed part of a submitted practice quiz."""

    batch_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    question_ids = HiddenField(validators=[DataRequired(), Length(max=4000)])
    mode = HiddenField(validators=[Optional(), Length(max=16)])


def read_rating(form: Any) -> int | None:
    """The self-rating button pressed (1 Again .. 4 Easy), or None."""
    raw = form.get("rating") or ""
    return int(raw) if raw in ("1", "2", "3", "4") else None


def read_response(item: Question, form: Any, prefix: str = "") -> Any:
    """The student's response from the submitted fields, in the form ``grading.check`` takes.

    Raises ServiceError with a clear message when the answer is incomplete.
    """
    get = form.get
    if item.type == QuestionType.MULTIPLE_CHOICE:
        raw = get(prefix + "choice", "")
        if not raw.isdigit() or not 0 <= int(raw) < len(item.options):
            raise ServiceError("Choose one of the options.")
        return item.options[int(raw)]
    if item.type == QuestionType.TRUE_FALSE:
        raw = get(prefix + "choice", "")
        if raw not in ("true", "false"):
            raise ServiceError("Choose true or false.")
        return raw == "true"
    if item.type in (QuestionType.CLOZE, QuestionType.SHORT_ANSWER, QuestionType.EXPLAIN):
        text = (get(prefix + "text") or "").strip()
        if len(text) > 2000:
            raise ServiceError("That answer is too long.")
        if not text and item.type != QuestionType.EXPLAIN:
            raise ServiceError("Type your answer first.")
        return text
    if item.type == QuestionType.ORDERING:
        n = len(item.options)
        positions = [get(f"{prefix}pos-{i}", "") for i in range(n)]
        if not all(p.isdigit() and 1 <= int(p) <= n for p in positions):
            raise ServiceError("Give every event a position.")
        if len(set(positions)) != n:
            raise ServiceError("Give each event a different position.")
        order = sorted(range(n), key=lambda i: int(positions[i]))
        return [item.options[i] for i in order]
    if item.type == QuestionType.MATCHING:
        left, right = item.options["left"], item.options["right"]
        pairs = []
        for i, name in enumerate(left):
            raw = get(f"{prefix}match-{i}", "")
            if not raw.isdigit() or not 0 <= int(raw) < len(right):
                raise ServiceError("Match every item on the left.")
            pairs.append([name, right[int(raw)]])
        return pairs
    raise ServiceError("Unknown question type.")
