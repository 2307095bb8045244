"""Study forms. The answer fields depend on the question kind and are read by ``read_response``."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, widgets
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from studyapp.core.numbers import parse_small_int
from studyapp.core.questions import Question, get_kind, graded_kinds
from studyapp.core.questions.kinds import ResponseError
from studyapp.services import ServiceError
from studyapp.web.choices import options
from studyapp.web.inputs import MAX_ID, Token, WholeNumberField


class AnswerForm(FlaskForm):
    """The fixed part of an answer: which card, which version, which request."""

    question_id = HiddenField(validators=[DataRequired(), Length(max=40), Token()])
    card_version = WholeNumberField(
        widget=HiddenInput(),
        validators=[Optional()],
        lo=0,
        hi=MAX_ID,
        message="This card's version is not a number.",
    )
    request_id = HiddenField(validators=[DataRequired(), Length(max=64), Token()])
    shown_at = HiddenField(validators=[Optional(), Length(max=40)])
    mode = HiddenField(validators=[Optional(), Length(max=16)])


class UndoForm(FlaskForm):
    """Undo the last answer (a CSRF-protected POST)."""


class RerateForm(FlaskForm):
    """Rate an answer again (a CSRF-protected POST; the rating is the button pressed)."""


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _graded_kind_choices() -> list:
    """Practice offers the kinds the app grades itself."""
    return options((str(k.id), k.label) for k in graded_kinds())


class PracticeForm(FlaskForm):
    """Set up a practice quiz."""

    class Meta:
        csrf = False  # a GET form that only chooses what to show

    MIN_COUNT, MAX_COUNT = 5, 50

    sections = _Checkboxes("Sections", validate_choice=True)
    types = _Checkboxes("Question types", choices=_graded_kind_choices, validate_choice=True)
    count = WholeNumberField(
        "Number of questions",
        default=10,
        lo=MIN_COUNT,
        hi=MAX_COUNT,
        message=f"Choose {MIN_COUNT} to {MAX_COUNT}.",
    )


class PracticeSubmitForm(FlaskForm):
    """The fixed part of a submitted practice quiz."""

    batch_id = HiddenField(validators=[DataRequired(), Length(max=40), Token()])
    question_ids = HiddenField(validators=[DataRequired(), Length(max=4000), Token()])
    mode = HiddenField(validators=[Optional(), Length(max=16)])


def read_rating(form: Any) -> int | None:
    """The self-rating button pressed (1 Again .. 4 Easy), or None."""
    return parse_small_int(form.get("rating"), 1, 4)


def read_response(item: Question, form: Any, prefix: str = "") -> Any:
    """The student's response from the submitted fields, in the form ``grading.check`` takes.

    The question's kind reads its own fields; ServiceError carries its message when the answer
    is incomplete.
    """
    try:
        return get_kind(item.type).parse_form(form, item, prefix)
    except ResponseError as exc:
        raise ServiceError(str(exc)) from exc
