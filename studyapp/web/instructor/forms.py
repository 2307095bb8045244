"""Instructor forms. Each lists its own fields; views copy them one by one into services."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
    widgets,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from studyapp.core.numbers import parse_small_int
from studyapp.core.questions import graded_kinds
from studyapp.models import GradingMethod, Visibility
from studyapp.web.choices import options
from studyapp.web.inputs import MAX_ID, Token, WholeNumberField
from studyapp.web.validators import PlainText

VISIBILITY = [
    (Visibility.IMMEDIATELY.value, "Immediately after their attempt"),
    (Visibility.AFTER_CLOSE.value, "After the quiz closes"),
    (Visibility.NEVER.value, "Never"),
]
DATETIME = "%Y-%m-%dT%H:%M"


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CourseForm(FlaskForm):
    name = StringField(
        "Class name",
        validators=[
            DataRequired("Give the class a name."),
            Length(max=120, message="Keep the class name to 120 characters."),
            PlainText(),
        ],
    )
    term = StringField(
        "Term",
        validators=[
            Optional(),
            Length(max=60, message="Keep the term to 60 characters."),
            PlainText(),
        ],
        description="For example: Spring 2027",
    )


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class JoiningForm(FlaskForm):
    """Open or close joining by code (idempotent: says which state it wants)."""

    open = HiddenField(validators=[AnyOf(["0", "1"])])


class AssignmentSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120), PlainText()])
    opens_at = DateTimeLocalField("Opens", validators=[DataRequired()], format=DATETIME)
    closes_at = DateTimeLocalField("Closes (due)", validators=[DataRequired()], format=DATETIME)
    time_limit_minutes = WholeNumberField(
        "Time limit in minutes",
        validators=[Optional()],
        lo=1,
        hi=600,
        message="Between 1 and 600 minutes, or blank.",
        description="Leave blank for no limit.",
    )
    attempts_allowed = WholeNumberField(
        "Attempts allowed",
        default=1,
        validators=[InputRequired("Say how many attempts.")],
        lo=1,
        hi=20,
        message="Between 1 and 20.",
    )
    grading_method = SelectField(
        "Grade by",
        choices=options(
            [
                (GradingMethod.HIGHEST.value, "Highest attempt"),
                (GradingMethod.LAST.value, "Last attempt"),
                (GradingMethod.AVERAGE.value, "Average of attempts"),
            ]
        ),
    )
    shuffle_questions = BooleanField("Shuffle the questions for each student")
    shuffle_options = BooleanField("Shuffle answer options")
    one_per_page = BooleanField("One question per page")
    show_marks = SelectField("Students see their marks", choices=options(VISIBILITY))
    show_answers = SelectField(
        "Students see the correct answers",
        choices=options(VISIBILITY),
        default=Visibility.AFTER_CLOSE.value,
    )
    closed_book = BooleanField(
        "Closed book (recommended)",
        default=True,
        description=(
            "A quiz's own questions never show their answers outside the quiz while it is open, "
            "to anyone but instructors. Closed book also hides every other question on the "
            "quiz's facts from everyone while anybody is taking it, so no account can look up "
            "a key mid-attempt; the rest of the time students study those facts through them. "
            "Untick for homework that may be done with the question bank open. With no time "
            "limit, an attempt left open keeps the facts hidden until it is submitted or the "
            "quiz closes."
        ),
    )

    def validate_closes_at(self, field: Field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("The close time must be after the open time.")


class AssignmentForm(AssignmentSettingsForm):
    source = RadioField(
        "Questions",
        choices=options([("draw", "Draw them at random"), ("pick", "Pick them myself")]),
        default="draw",
    )
    draw_count = WholeNumberField(
        "How many to draw",
        default=10,
        validators=[Optional()],
        lo=1,
        hi=100,
        message="Between 1 and 100.",
    )
    # mix_<kind>: one count per auto-graded kind, added by ``assignment_form``
    draw_sections = _Checkboxes("Sections to draw from (none ticked: all)")
    same_fact = BooleanField("Allow two questions on the same fact")
    seed = WholeNumberField(
        "Seed (optional)",
        validators=[Optional()],
        lo=0,
        hi=2**31 - 1,
        message=f"A seed is a whole number from 0 to {2**31 - 1}.",
        description="The same seed and choices draw the same questions.",
    )
    question_ids = _Checkboxes("Picked questions", validate_choice=False, validators=[Token()])
    pick_q = SearchField(
        "Search the prompts",
        validators=[
            Optional(),
            Length(max=100, message="Search for up to 100 characters."),
            PlainText(),
        ],
    )
    pick_section = StringField(validators=[Optional(), Length(max=10), PlainText()])
    pick_type = StringField(validators=[Optional(), Length(max=20), PlainText()])
    pick_fact = StringField(validators=[Optional(), Length(max=80), PlainText()])

    def mix_fields(self) -> list[Field]:
        """The mix counts, one per auto-graded kind, in listing order."""
        return [self[f"mix_{kind.id}"] for kind in graded_kinds() if f"mix_{kind.id}" in self]

    def mix(self) -> dict[str, int]:
        """The per-type counts the instructor filled in (empty: an even mix)."""
        counts = {f.name.removeprefix("mix_"): f.data for f in self.mix_fields()}
        return {t: n for t, n in counts.items() if n}

    def validate_draw_count(self, field: Field) -> None:
        if self.source.data == "draw" and not field.data and not self.mix():
            raise ValidationError("Say how many questions to draw.")


def assignment_form(**kwargs: Any) -> AssignmentForm:
    """The new-quiz form, with a mix count (``mix_<kind>``) for each kind the app grades itself."""
    counts = {
        f"mix_{kind.id}": WholeNumberField(
            kind.label, validators=[Optional()], lo=0, hi=100, message="Between 0 and 100."
        )
        for kind in graded_kinds()
    }
    return type("AssignmentForm", (AssignmentForm,), counts)(**kwargs)  # type: ignore[no-any-return]


class PickFilterForm(FlaskForm):
    """Search and filters over the questions an instructor may add (a GET form)."""

    class Meta:
        csrf = False  # it only chooses what to show

    q = SearchField(
        "Search the prompts",
        validators=[
            Optional(),
            Length(max=100, message="Search for up to 100 characters."),
            PlainText(),
        ],
    )
    section = StringField(validators=[Optional(), Length(max=10), PlainText()])
    type = StringField(validators=[Optional(), Length(max=20), PlainText()])
    fact = StringField(validators=[Optional(), Length(max=80), PlainText()])


class QuestionsEditForm(FlaskForm):
    """One change to a quiz's questions: ``edit`` is "add", or "remove", "up" or "down" with
    the question's id after a colon (the value of the button pressed)."""

    edit = StringField(validators=[DataRequired(), Length(max=60), PlainText()])
    question_ids = _Checkboxes("Questions to add", validate_choice=False, validators=[Token()])

    def change(self) -> tuple[str, list[str]]:
        """(edit, question ids) as the service takes them."""
        edit, _, qid = (self.edit.data or "").partition(":")
        return edit, [qid] if qid else list(self.question_ids.data or [])


def _user_id(value: Any) -> int:
    """A student id from the form (ValueError unless ASCII digits of a possible id)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_small_int(value, 1, MAX_ID)
    if number is None:
        raise ValueError("not an id")
    return number


class OverrideForm(FlaskForm):
    student_id = SelectField("Student", coerce=_user_id)
    extra_minutes = WholeNumberField(
        "Extra minutes",
        default=0,
        validators=[Optional()],
        lo=0,
        hi=600,
        message="Between 0 and 600.",
    )
    closes_at = DateTimeLocalField(
        "Extended close (optional)", validators=[Optional()], format=DATETIME
    )
